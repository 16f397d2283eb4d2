import pytest

from penggerak.training.tests.factories import CourseFactory, EventFactory


@pytest.fixture
def course(db):
    return CourseFactory(title="Dasar Kewirausahaan")


@pytest.fixture
def event(db, community, course):
    return EventFactory(community=community, course=course, capacity=2)

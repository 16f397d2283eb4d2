import datetime as dt

import pytest
from django.utils import timezone

from penggerak.mentoring.tests.factories import MentorFactory
from penggerak.registry.tests.factories import UserFactory


@pytest.fixture
def mentor(community):
    user = UserFactory(username="pendamping-uji", first_name="Budi", last_name="Santoso")
    return MentorFactory(user=user, communities=[community])


@pytest.fixture
def other_mentor(other_community):
    return MentorFactory(communities=[other_community])


@pytest.fixture
def today(frozen_clock):
    """Today, from a clock stopped for the test: no midnight passes between two reads."""
    return timezone.localdate()


@pytest.fixture
def yesterday(today):
    return today - dt.timedelta(days=1)

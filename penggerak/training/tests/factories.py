"""factory_boy factories for training data."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from penggerak.registry.tests.factories import CommunityFactory
from penggerak.training.models import Course, Event


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Dasar Kewirausahaan {n}")
    description = "Kursus uji."


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    course = factory.SubFactory(CourseFactory)
    community = factory.SubFactory(CommunityFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=3))
    place = "Balai Warga RW 05"
    capacity = 20
    trainer_name = "Bu Rina"

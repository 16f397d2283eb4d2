"""The training demo data agrees with the journeys the registry demo wrote."""

import datetime as dt

import pytest
from django.db.models import Count, F
from django.utils import timezone

from penggerak.demo.generator import PRESETS, load_demo
from penggerak.registry.models import Community, MemberStep
from penggerak.training.models import Attendance, Certificate, Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny():
    return load_demo(PRESETS["tiny"], seed=2020)


def test_every_done_training_step_has_its_attendance(tiny):
    done = dict(
        MemberStep.objects.filter(step=2, status="done").values_list("member_id", "completed_at")
    )
    attended = dict(Attendance.objects.values_list("member_id", "checked_in_at"))
    assert done and attended == done
    assert tiny.extras["kehadiran/attendance"] == len(done)


def test_attendance_sits_inside_its_event_of_the_members_community(tiny):
    outside = Attendance.objects.filter(checked_in_at__lt=F("event__starts_at"))
    late = Attendance.objects.filter(checked_in_at__gt=F("event__ends_at"))
    elsewhere = Attendance.objects.exclude(event__community_id=F("member__community_id"))
    wrong = outside | late | elsewhere
    assert not wrong.exists()
    for event in Event.objects.filter(status="done").annotate(n=Count("attendances"))[:50]:
        assert event.n == event.attendee_count == event.seats_taken <= event.capacity


def test_every_community_has_an_upcoming_event_with_room(tiny):
    today = max(PRESETS["tiny"].as_of, timezone.localdate())
    for community in Community.objects.all():
        upcoming = Event.objects.filter(
            community=community,
            status="scheduled",
            starts_at__date__gt=today,
            starts_at__date__lte=today + dt.timedelta(days=31),
        )
        assert any(e.free_places > 0 for e in upcoming), community


def test_certificates_name_the_holder(tiny):
    for certificate in Certificate.objects.select_related("member")[:20]:
        assert certificate.holder_name == certificate.member.full_name
        assert len(certificate.code) >= 20

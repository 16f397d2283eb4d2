"""The training demo data agrees with the journeys the registry demo wrote."""

import datetime as dt

import pytest
from django.db.models import Count, F
from django.utils import timezone

from penggerak.demo.generator import PRESETS, load_demo
from penggerak.insights import reports
from penggerak.insights.asof import as_of_date
from penggerak.permits.models import Permit
from penggerak.registry.models import Community, MemberStep, Partner
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


def test_about_a_quarter_of_held_trainings_are_partner_programmes(tiny):
    held = Event.objects.filter(status="done")
    share = held.filter(partner__isnull=False).count() / held.count()
    assert 0.15 <= share <= 0.35, share
    # Upcoming sessions of a partner's course are that partner's programme too.
    upcoming = Event.objects.filter(status="scheduled").select_related("course")
    assert all(e.partner_id == e.course.partner_id for e in upcoming)


def test_partner_impact_figures_are_not_zero_and_equal_a_direct_count(tiny):
    with_figures = 0
    for partner in Partner.objects.order_by("id"):
        impact = reports.partner_impact(partner)
        held = Event.objects.filter(partner=partner, starts_at__date__lte=as_of_date()).exclude(
            status="cancelled"
        )
        trainees = set(
            Attendance.objects.filter(event__in=held).values_list("member_id", flat=True)
        )
        assert impact.events == held.count()
        assert impact.members_trained == len(trainees)
        assert impact.certificates == (
            Certificate.objects.filter(event__in=held, revoked_at__isnull=True).count()
        )
        first = {}
        for member_id, at in Attendance.objects.filter(event__in=held).values_list(
            "member_id", "checked_in_at"
        ):
            day = timezone.localtime(at).date()
            first[member_id] = min(first.get(member_id, day), day)
        permits = [
            p
            for p in Permit.objects.filter(
                business__owner_id__in=trainees, status__in=["issued", "expired"]
            ).values_list("business__owner_id", "issued_on")
            if p[1] is not None and p[1] >= first[p[0]]
        ]
        assert impact.permits == len(permits)
        if impact.members_trained and impact.certificates and impact.permits:
            with_figures += 1
    assert with_figures >= 1

"""The daily alert job: summaries, bounded per coordinator, idempotent within a day."""

import datetime as dt

import pytest
from django.utils import timezone

from penggerak.core import periodic
from penggerak.core.models import Notification
from penggerak.mentoring import services
from penggerak.mentoring.alerts import stuck_alerts_send
from penggerak.mentoring.tests.test_services import make_done
from penggerak.registry.tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]


def test_job_is_registered_daily():
    job = next(j for j in periodic.periodic_jobs() if j.name == "mentoring.stuck_alerts")
    assert job.every == dt.timedelta(days=1)


def test_one_summary_per_coordinator_and_community(
    coordinator, other_coordinator, community, mentor
):
    stuck = [MemberFactory(community=community) for _ in range(23)]
    for m in stuck:
        make_done(m, 2, 90)
    services.assignment_create(actor=coordinator, mentor=mentor, member=stuck[0])
    result = stuck_alerts_send()
    assert result == {"communities": 1, "notifications": 2}
    note = Notification.objects.get(user=coordinator)
    assert note.title == "23 anggota macet di Komunitas Bandung Juara"
    assert note.url == "/pendampingan/macet/?community=bandung-juara"
    assert Notification.objects.get(user=mentor.user).title == "1 anggota binaan Anda macet"
    assert not Notification.objects.filter(user=other_coordinator).exists()
    # Same day again: nothing new.
    assert stuck_alerts_send()["notifications"] == 0
    assert Notification.objects.count() == 2
    # Next day: a fresh summary.
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert stuck_alerts_send(now=tomorrow)["notifications"] == 2


def test_next_actions_due_alert_mentor(coordinator, mentor, member):
    services.assignment_create(actor=coordinator, mentor=mentor, member=member)
    today = timezone.localdate()
    services.session_record(
        actor=mentor.user,
        member=member,
        held_on=today,
        duration_minutes=30,
        mode="phone",
        next_actions=[{"text": "Urus NIB", "due_on": today}],
    )
    stuck_alerts_send()
    note = Notification.objects.get(user=mentor.user, kind="mentoring.actions_due")
    assert note.title == "1 langkah berikutnya sudah jatuh tempo"


def test_nobody_stuck_no_notifications(coordinator, member):
    assert stuck_alerts_send() == {"communities": 0, "notifications": 0}

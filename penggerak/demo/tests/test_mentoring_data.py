"""Demo mentoring: consistent with the step-3 rows, within caseload limits, fast paths only."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from penggerak.mentoring.models import Assignment, Mentor, NextAction, Session
from penggerak.registry.models import MemberStep

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny():
    call_command("demo", preset="tiny", verbosity=0)


def test_every_mentored_member_has_a_session_on_the_completion_day(tiny):
    done = dict(
        MemberStep.objects.filter(step=3, status="done").values_list("member_id", "completed_at")
    )
    assert done
    sessions = dict(Session.objects.values_list("member_id", "held_on"))
    assert set(sessions) == set(done)
    for member_id, completed in done.items():
        assert sessions[member_id] == timezone.localdate(completed)
    assert Assignment.objects.count() == len(done)


def test_mentors_open_assignments_within_limits(tiny):
    assert Mentor.objects.filter(partner__isnull=False).exists()
    assert Mentor.objects.filter(partner__isnull=True).exists()
    for mentor in Mentor.objects.annotate(
        open=Count("assignments", filter=Q(assignments__ended_on__isnull=True))
    ):
        assert mentor.open <= mentor.caseload_limit
    open_members = set(
        Assignment.objects.filter(ended_on__isnull=True).values_list("member_id", flat=True)
    )
    licensed = set(
        MemberStep.objects.filter(step=4, status="done").values_list("member_id", flat=True)
    )
    assert not open_members & licensed
    assert NextAction.objects.filter(done_at__isnull=True).exists()


def test_sessions_stay_on_or_before_as_of(tiny):
    from penggerak.insights.asof import as_of_date

    assert Session.objects.filter(held_on__gt=as_of_date()).count() == 0
    assert all(a.ended_on is None or a.ended_on >= a.started_on for a in Assignment.objects.all())

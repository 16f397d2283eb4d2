"""Mentoring services and selectors against a real database."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from penggerak.core.errors import DomainError, NotFound, PermissionDenied
from penggerak.core.models import AuditEvent
from penggerak.mentoring import selectors, services
from penggerak.mentoring.models import Assignment, Mentor, NextAction, Session
from penggerak.mentoring.tests.factories import MentorFactory
from penggerak.registry.models import MemberStep
from penggerak.registry.tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def record(actor, member, held_on, **extra):
    return services.session_record(
        actor=actor,
        member=member,
        held_on=held_on,
        duration_minutes=extra.pop("duration_minutes", 45),
        mode=extra.pop("mode", "in_person"),
        **extra,
    )


class TestMentors:
    def test_coordinator_creates_mentor_for_own_community(self, coordinator, community):
        user = UserFactory(username="relawan")
        mentor = services.mentor_create(
            actor=coordinator, user=user, communities=[community], caseload_limit=5
        )
        assert list(mentor.communities.all()) == [community]
        assert mentor.caseload_limit == 5
        event = AuditEvent.objects.get(object_type="mentoring.mentor")
        assert event.changes["communities"] == ["bandung-juara"]

    def test_coordinator_cannot_pick_foreign_community(self, coordinator, other_community):
        user = UserFactory(username="relawan")
        with pytest.raises(DomainError) as err:
            services.mentor_create(actor=coordinator, user=user, communities=[other_community])
        assert "communities" in err.value.fields
        assert not Mentor.objects.exists()

    def test_bad_fields_reported_together_nothing_saved(self, secretariat, member_user):
        with pytest.raises(DomainError) as err:
            services.mentor_create(
                actor=secretariat, user=member_user, communities=[], caseload_limit=0
            )
        assert set(err.value.fields) == {"user", "communities", "caseload_limit"}
        assert not Mentor.objects.exists()

    def test_account_is_mentor_once(self, secretariat, mentor, community):
        with pytest.raises(DomainError) as err:
            services.mentor_create(actor=secretariat, user=mentor.user, communities=[community])
        assert err.value.code == "mentor_exists"

    def test_member_and_partner_may_not_create(self, member_user, partner_user, community):
        for actor in (member_user, partner_user):
            with pytest.raises(PermissionDenied):
                services.mentor_create(actor=actor, user=UserFactory(), communities=[community])

    def test_visibility(self, coordinator, other_coordinator, secretariat, mentor, other_mentor):
        assert list(selectors.mentors_visible_to(coordinator)) == [mentor]
        assert list(selectors.mentors_visible_to(other_coordinator)) == [other_mentor]
        assert set(selectors.mentors_visible_to(secretariat)) == {mentor, other_mentor}
        assert list(selectors.mentors_visible_to(mentor.user)) == [mentor]
        with pytest.raises(NotFound):
            selectors.mentor_get(actor=coordinator, mentor_id=other_mentor.pk)


class TestAssignments:
    @pytest.mark.any_day
    def test_assign_and_reassign_ends_old(self, coordinator, mentor, member, community):
        first = services.assignment_create(
            actor=coordinator, mentor=mentor, member=member, goal="Naik kelas"
        )
        second_mentor = MentorFactory(communities=[community])
        second = services.assignment_create(actor=coordinator, mentor=second_mentor, member=member)
        first.refresh_from_db()
        assert first.ended_on == timezone.localdate()
        assert second.ended_on is None
        assert Assignment.objects.filter(member=member, ended_on__isnull=True).get() == second

    def test_same_mentor_again_changes_nothing(self, coordinator, mentor, member):
        first = services.assignment_create(actor=coordinator, mentor=mentor, member=member)
        events = AuditEvent.objects.count()
        again = services.assignment_create(actor=coordinator, mentor=mentor, member=member)
        assert again == first
        assert AuditEvent.objects.count() == events

    def test_caseload_limit_refused_with_clear_message(self, coordinator, mentor, community):
        members = [MemberFactory(community=community) for _ in range(4)]
        for m in members[:3]:
            services.assignment_create(actor=coordinator, mentor=mentor, member=m)
        with pytest.raises(DomainError) as err:
            services.assignment_create(actor=coordinator, mentor=mentor, member=members[3])
        assert err.value.code == "caseload_full"
        assert "3" in str(err.value.message)
        assert not Assignment.objects.filter(member=members[3]).exists()

    def test_mentor_must_serve_member_community(self, coordinator, other_mentor, member):
        with pytest.raises(DomainError) as err:
            services.assignment_create(actor=coordinator, mentor=other_mentor, member=member)
        assert err.value.code == "mentor_not_serving"

    def test_inactive_mentor_refused(self, coordinator, mentor, member):
        services.mentor_set_active(actor=coordinator, mentor=mentor, active=False)
        with pytest.raises(DomainError) as err:
            services.assignment_create(actor=coordinator, mentor=mentor, member=member)
        assert err.value.code == "mentor_inactive"

    def test_wrong_coordinator_refused(self, other_coordinator, mentor, member):
        with pytest.raises(PermissionDenied):
            services.assignment_create(actor=other_coordinator, mentor=mentor, member=member)
        assert not Assignment.objects.exists()


class TestSessions:
    @pytest.mark.any_day
    def test_session_by_partner_mentor_completes_mentoring_step(
        self, coordinator, mentor, member, yesterday
    ):
        services.assignment_create(actor=coordinator, mentor=mentor, member=member)
        session = record(
            mentor.user,
            member,
            yesterday,
            goals="Harga jual",
            next_actions=[{"text": "Hitung HPP", "due_on": yesterday + dt.timedelta(days=7)}],
        )
        step = MemberStep.objects.get(member=member, step=3)
        assert step.status == "done"
        assert step.evidence["kind"] == "session"
        assert step.evidence["id"] == str(session.pk)
        member.refresh_from_db()
        assert member.furthest_step == 3
        assert NextAction.objects.get().text == "Hitung HPP"

    def test_no_mentor_no_session(self, coordinator, member, yesterday):
        with pytest.raises(DomainError) as err:
            record(coordinator, member, yesterday)
        assert err.value.code == "no_mentor"
        assert not MemberStep.objects.filter(member=member, step=3).exists()

    @pytest.mark.any_day
    def test_bad_session_nothing_saved(self, coordinator, mentor, member, today):
        services.assignment_create(actor=coordinator, mentor=mentor, member=member)
        with pytest.raises(DomainError) as err:
            record(
                mentor.user,
                member,
                today + dt.timedelta(days=1),
                duration_minutes=0,
                mode="telepati",
                next_actions=[{"text": "", "due_on": today}],
            )
        assert set(err.value.fields) == {"held_on", "duration_minutes", "mode", "next_actions"}
        assert not Session.objects.exists()
        assert not MemberStep.objects.filter(member=member, step=3).exists()

    def test_other_mentor_and_member_may_not_record(
        self, coordinator, mentor, other_mentor, member, member_user, yesterday
    ):
        services.assignment_create(actor=coordinator, mentor=mentor, member=member)
        for actor in (other_mentor.user, member_user):
            with pytest.raises(PermissionDenied):
                record(actor, member, yesterday)
        assert not Session.objects.exists()

    @settings(max_examples=30, deadline=None)
    @given(
        minutes=st.integers(min_value=-5, max_value=700),
        mode=st.text(max_size=12),
    )
    def test_validation_never_crashes(self, minutes, mode):
        ok = 1 <= minutes <= 600 and mode in Session.Mode.values
        try:
            services._clean_session(
                held_on=dt.date(2024, 1, 1),
                duration_minutes=minutes,
                mode=mode,
                goals="",
                notes="",
                next_actions=[],
            )
        except DomainError:
            assert not ok
        else:
            assert ok


class TestMentees:
    def test_mentor_sees_only_own_mentees(self, coordinator, mentor, member, community):
        other = MemberFactory(community=community)
        services.assignment_create(actor=coordinator, mentor=mentor, member=member)
        assert list(selectors.mentees_of(mentor.user)) == [member]
        assert selectors.mentee_get(actor=mentor.user, member_id=member.pk) == member
        with pytest.raises(NotFound):
            selectors.mentee_get(actor=mentor.user, member_id=other.pk)

    def test_reassigned_mentor_loses_sight(self, coordinator, mentor, member, community):
        services.assignment_create(actor=coordinator, mentor=mentor, member=member)
        services.assignment_create(
            actor=coordinator, mentor=MentorFactory(communities=[community]), member=member
        )
        with pytest.raises(NotFound):
            selectors.mentee_get(actor=mentor.user, member_id=member.pk)


def make_done(member, step, days_ago):
    at = timezone.now() - dt.timedelta(days=days_ago)
    MemberStep.objects.create(
        member=member, step=step, status="done", started_at=at, completed_at=at, source="demo"
    )
    type(member).objects.filter(pk=member.pk).update(furthest_step=step)


class TestStuck:
    @pytest.mark.any_day
    def test_stuck_by_days_and_status(self, coordinator, community):
        stuck = MemberFactory(community=community, full_name="Macet")
        fresh = MemberFactory(community=community)
        finished = MemberFactory(community=community)
        left = MemberFactory(community=community, status="left")
        make_done(stuck, 2, 90)
        make_done(fresh, 2, 10)
        make_done(finished, 7, 400)
        make_done(left, 2, 90)
        assert list(selectors.stuck_members(actor=coordinator)) == [stuck]
        services.settings_update(actor=UserFactory(role="secretariat"), stuck_after_days=7)
        assert set(selectors.stuck_members(actor=coordinator)) == {stuck, fresh}

    def test_other_coordinator_sees_none(self, other_coordinator, community):
        m = MemberFactory(community=community)
        make_done(m, 1, 100)
        assert list(selectors.stuck_members(actor=other_coordinator)) == []

    def test_settings_only_national_secretariat(self, coordinator):
        with pytest.raises(PermissionDenied):
            services.settings_update(actor=coordinator, stuck_after_days=30)
        with pytest.raises(DomainError):
            services.settings_update(actor=UserFactory(role="secretariat"), stuck_after_days=3)
        assert selectors.stuck_after_days() == 60


class TestJourneyGrid:
    def test_grid_pages_and_filters(self, coordinator, community):
        members = [MemberFactory(community=community) for _ in range(5)]
        make_done(members[0], 1, 5)
        make_done(members[0], 2, 1)
        rows, after = selectors.journey_grid(actor=coordinator, page_size=3)
        assert [r["member"] for r in rows] == members[::-1][:3]
        assert after == members[2].pk
        rows, after = selectors.journey_grid(actor=coordinator, page_size=3, after=after)
        assert [r["member"] for r in rows] == [members[1], members[0]]
        assert after is None
        assert [c["status"] for c in rows[1]["steps"]][:3] == ["done", "done", "not_started"]
        rows, _ = selectors.journey_grid(actor=coordinator, next_step=3)
        assert [r["member"] for r in rows] == [members[0]]
        with pytest.raises(DomainError):
            selectors.journey_grid(actor=coordinator, next_step=9)

"""Reads of the mentoring app, always scoped by the actor.

Members are read through ``registry.selectors.members_visible_to`` / ``member_get``; the one
extension is a mentor's own mentees (``mentees_of`` / ``mentee_get``): the members with an
open assignment to that mentor, whose name, phone and journey the mentor may see.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from penggerak.accounts import access
from penggerak.core.errors import DomainError, NotFound
from penggerak.mentoring.models import Assignment, Mentor, MentoringSettings, NextAction, Session
from penggerak.registry import steps as step_defs
from penggerak.registry.models import Member, MemberStep, StepRule
from penggerak.registry.selectors import communities_visible_to, member_get, members_visible_to


def _authenticated(actor: Any) -> bool:
    return bool(access.is_signed_in(actor))


def stuck_after_days() -> int:
    row = MentoringSettings.objects.filter(pk=1).first()
    return (
        row.stuck_after_days
        if row
        else MentoringSettings._meta.get_field("stuck_after_days").default
    )


# --- Mentors -------------------------------------------------------------------------------


def mentors_visible_to(actor: Any) -> QuerySet[Mentor]:
    """Mentors the actor may see: the secretariat all (or those serving its province), a
    coordinator those serving their communities, partner staff their organisation's, a mentor
    themself. Annotated with ``open_count`` (open assignments)."""
    qs = Mentor.objects.select_related("user", "partner").annotate(
        open_count=Count("assignments", filter=Q(assignments__ended_on__isnull=True))
    )
    if not _authenticated(actor):
        return qs.none()
    serving = Mentor.communities.through.objects.filter(
        community__in=communities_visible_to(actor)
    ).values("mentor_id")
    if access.is_secretariat(actor) and not actor.province_id:
        return qs
    if access.is_secretariat(actor) or access.is_coordinator(actor):
        return qs.filter(Q(pk__in=serving) | Q(user=actor))
    return qs.filter(Q(user=actor) | Q(partner__staff=actor))


def mentor_get(*, actor: Any, mentor_id: int) -> Mentor:
    """One mentor from ``mentors_visible_to``; NotFound otherwise."""
    mentor = mentors_visible_to(actor).filter(pk=mentor_id).first()
    if mentor is None:
        raise NotFound(_("Pendamping tidak ditemukan."))
    return mentor


def mentor_of_user(user: Any) -> Mentor | None:
    """The actor's own mentor record, if they are a mentor."""
    if not _authenticated(user):
        return None
    return Mentor.objects.filter(user=user).first()


def mentors_for_member(*, actor: Any, member: Member) -> QuerySet[Mentor]:
    """Active mentors who serve the member's community (assignment choices)."""
    return mentors_visible_to(actor).filter(active=True, communities=member.community_id)


def mentor_assignments(*, mentor: Mentor, open_only: bool = True) -> QuerySet[Assignment]:
    """A mentor's assignments (pass a mentor obtained through ``mentor_get``)."""
    qs = Assignment.objects.filter(mentor=mentor).select_related("member", "member__community")
    if open_only:
        qs = qs.filter(ended_on__isnull=True)
    return qs.order_by("-id")


# --- Mentees -------------------------------------------------------------------------------


def mentees_of(actor: Any) -> QuerySet[Member]:
    """The members with an open assignment to the actor as mentor (none for a non-mentor)."""
    if not _authenticated(actor):
        return Member.objects.none()
    return Member.objects.filter(
        mentor_assignments__mentor__user=actor, mentor_assignments__ended_on__isnull=True
    )


def mentee_get(*, actor: Any, member_id: int) -> Member:
    """A member the actor mentors, else one the actor may see in the registry; NotFound
    otherwise (the same answer for "missing" and "not yours")."""
    member = (
        mentees_of(actor).select_related("community", "community__regency").filter(pk=member_id)
    ).first()
    if member is not None:
        return member
    return member_get(actor=actor, member_id=member_id)


def current_assignment(member: Member) -> Assignment | None:
    return (
        Assignment.objects.select_related("mentor__user", "mentor__partner")
        .filter(member=member, ended_on__isnull=True)
        .first()
    )


def member_sessions(member: Member, *, limit: int = 10) -> list[Session]:
    """The latest sessions of a member already obtained through a scoped selector."""
    return list(
        Session.objects.filter(member=member)
        .prefetch_related("next_actions")
        .order_by("-held_on", "-id")[:limit]
    )


def open_actions_of_member(member: Member, *, limit: int = 10) -> list[NextAction]:
    return list(
        NextAction.objects.filter(member=member, done_at__isnull=True).order_by("due_on")[:limit]
    )


def next_action_get(*, actor: Any, action_id: int) -> NextAction:
    """A next action of a member the actor mentors or may see (``mentee_get``); NotFound
    otherwise, the same answer for "missing" and "not yours"."""
    action = (
        NextAction.objects.select_related("mentor", "member", "member__community")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise NotFound(_("Langkah berikutnya tidak ditemukan."))
    try:
        mentee_get(actor=actor, member_id=action.member_id)
    except NotFound:
        raise NotFound(_("Langkah berikutnya tidak ditemukan.")) from None
    return action


def actions_due(*, mentor: Mentor, on: dt.date | None = None) -> QuerySet[NextAction]:
    """A mentor's open next actions due on or before ``on`` (today)."""
    on = on or timezone.localdate()
    return NextAction.objects.filter(mentor=mentor, done_at__isnull=True, due_on__lte=on)


# --- Stuck members -------------------------------------------------------------------------


def stuck_condition(*, now: dt.datetime | None = None, days: int | None = None) -> Q:
    """A member is stuck when active, between steps 1 and 6, and their furthest done step was
    completed more than ``days`` ago (the next step has not moved since). The semi-join
    reads the (member, step) unique index once per candidate row."""
    days = stuck_after_days() if days is None else days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    last_done = MemberStep.objects.filter(
        member=OuterRef("pk"),
        step=OuterRef("furthest_step"),
        status=MemberStep.Status.DONE,
        completed_at__lt=cutoff,
    )
    return Q(status=Member.Status.ACTIVE, furthest_step__gte=1, furthest_step__lte=6) & Q(
        Exists(last_done)
    )


def parse_after(after: Any) -> int | None:
    try:
        value = int(after)
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def stuck_members(
    *, actor: Any, community: str | None = None, now: dt.datetime | None = None
) -> QuerySet[Member]:
    """Stuck members visible to the actor (``community``: a slug to narrow), newest first.

    The same query feeds the coordinator's stuck page, ``GET /api/v1/mentoring/stuck`` and
    the daily alert job's counts.
    """
    qs = members_visible_to(actor)
    if community:
        qs = qs.filter(community__slug=community)
    return qs.filter(stuck_condition(now=now)).select_related("community").order_by("-id")


def stuck_counts_by_community(
    community_ids: list[int], *, now: dt.datetime | None = None, days: int | None = None
) -> dict[int, int]:
    """{community id: stuck members} for a batch of communities (the alert job, no actor)."""
    rows = (
        Member.objects.filter(community_id__in=community_ids)
        .filter(stuck_condition(now=now, days=days))
        .order_by()
        .values("community_id")
        .annotate(n=Count("id"))
        .values_list("community_id", "n")
    )
    return dict(rows)


def stuck_counts_by_mentor(
    *, now: dt.datetime | None = None, days: int | None = None
) -> dict[int, int]:
    """{mentor id: stuck mentees} over open assignments (the alert job, no actor)."""
    stuck = Member.objects.filter(stuck_condition(now=now, days=days)).values("pk")
    rows = (
        Assignment.objects.filter(ended_on__isnull=True, member__in=stuck)
        .order_by()
        .values("mentor_id")
        .annotate(n=Count("id"))
        .values_list("mentor_id", "n")
    )
    return dict(rows)


# --- Journeys ------------------------------------------------------------------------------

JOURNEY_PAGE_SIZE = 25


def journey_grid(
    *,
    actor: Any,
    community: str | None = None,
    next_step: int | None = None,
    stuck: bool = False,
    after: Any = None,
    page_size: int = JOURNEY_PAGE_SIZE,
) -> tuple[list[dict], int | None]:
    """One keyset page of the actor's members with their seven steps: (rows, next ``after``).

    ``next_step``: only members whose next step is that one (furthest_step = n - 1);
    ``stuck``: only stuck members. Two queries: the members, then their step rows.
    Raises DomainError (``invalid_filter``) for a step outside 1-7.
    """
    qs = members_visible_to(actor).select_related("community")
    if community:
        qs = qs.filter(community__slug=community)
    if next_step is not None:
        if not 1 <= next_step <= 7:
            message = _("Tahap hanya 1 sampai 7.")
            raise DomainError("invalid_filter", message, fields={"step": [message]})
        qs = qs.filter(furthest_step=next_step - 1)
    if stuck:
        qs = qs.filter(stuck_condition())
    start = parse_after(after)
    if start:
        qs = qs.filter(pk__lt=start)
    members = list(qs.order_by("-id")[: page_size + 1])
    more = len(members) > page_size
    members = members[:page_size]
    steps: dict[int, dict[int, MemberStep]] = {}
    for row in MemberStep.objects.filter(member__in=[m.pk for m in members]).only(
        "member_id", "step", "status", "completed_at"
    ):
        steps.setdefault(row.member_id, {})[row.step] = row
    rows = []
    for member in members:
        own = steps.get(member.pk, {})
        cells = []
        for info in step_defs.STEPS:
            step = own.get(info.number)
            cells.append(
                {
                    "number": info.number,
                    "name": str(info.name),
                    "status": step.status if step else MemberStep.Status.NOT_STARTED.value,
                    "completed_at": step.completed_at if step else None,
                }
            )
        rows.append({"member": member, "steps": cells})
    return rows, (members[-1].pk if more and members else None)


def own_member(actor: Any) -> Member | None:
    """The member record of a member's own account."""
    if not _authenticated(actor):
        return None
    return members_visible_to(actor).filter(user=actor).select_related("community").first()


def next_step_of(journey: list[dict]) -> dict | None:
    """The first step not done in curriculum order, with the rule that completes it."""
    step = next((s for s in journey if s["status"] != MemberStep.Status.DONE), None)
    if step is None:
        return None
    rule = StepRule.objects.filter(step=step["number"]).first()
    return {**step, "rule": rule.description if rule else ""}


def mentor_caseload(mentor: Mentor) -> int:
    return Assignment.objects.filter(mentor=mentor, ended_on__isnull=True).count()

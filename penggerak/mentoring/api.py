"""Mentoring over JSON: the same selectors and services as the pages.

Mentors, assignments and sessions are read and written only through ``mentoring.selectors``
and ``mentoring.services``; a member outside the actor's scope is a 404 here as on the pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints

from penggerak.accounts.models import User
from penggerak.core.api import SLUG, IsoDate, PageParams, choice, errors, optional, page_of, text
from penggerak.core.errors import DomainError, NotFound
from penggerak.mentoring import selectors, services
from penggerak.mentoring.models import Mentor, Session
from penggerak.registry.selectors import communities_visible_to, member_get, partner_list

# A community named by its slug: the pattern also keeps NUL out of the database query.
CommunitySlug = Annotated[str, StringConstraints(pattern=SLUG, max_length=80)]
READ = errors(401, 404, 422)
WRITE = errors(400, 401, 403, 404, 422)

router = Router(tags=["pendampingan"])


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class MentorOut(Schema):
    id: int
    username: str
    name: str
    partner: str | None
    expertise: str
    communities: list[str]
    caseload_limit: int
    open_assignments: int
    active: bool

    @staticmethod
    def resolve_username(obj: Mentor) -> str:
        return obj.user.get_username()

    @staticmethod
    def resolve_name(obj: Mentor) -> str:
        return str(obj)

    @staticmethod
    def resolve_partner(obj: Mentor) -> str | None:
        return obj.partner.slug if obj.partner_id else None

    @staticmethod
    def resolve_communities(obj: Mentor) -> list[str]:
        return sorted(c.slug for c in obj.communities.all())

    @staticmethod
    def resolve_open_assignments(obj: Mentor) -> int:
        return getattr(obj, "open_count", 0)


class MentorPage(Schema):
    items: list[MentorOut]
    count: int


class MentorIn(_Input):
    username: str = Field(..., **text(max_length=150, min_length=1))
    communities: list[CommunitySlug] = Field(..., min_length=1, max_length=50)
    expertise: str = Field("", **text(max_length=200))
    caseload_limit: int = Field(10, ge=1, le=200)
    partner: str = optional(pattern=SLUG, max_length=80)


class AssignmentIn(_Input):
    mentor: int = Field(..., ge=1, le=2**31 - 1)
    member: int = Field(..., ge=1, le=2**31 - 1)
    goal: str = Field("", **text(max_length=300))


class AssignmentOut(Schema):
    id: int
    mentor: int
    member: int
    goal: str
    started_on: dt.date
    ended_on: dt.date | None

    @staticmethod
    def resolve_mentor(obj) -> int:
        return obj.mentor_id

    @staticmethod
    def resolve_member(obj) -> int:
        return obj.member_id


class NextActionIn(_Input):
    text: str = Field(..., **text(max_length=300, min_length=1))
    due_on: IsoDate


class NextActionOut(Schema):
    text: str
    due_on: dt.date


class SessionIn(_Input):
    member: int = Field(..., ge=1, le=2**31 - 1)
    held_on: IsoDate
    duration_minutes: int = Field(..., ge=1, le=600)
    mode: choice(Session.Mode.values)  # type: ignore[valid-type]
    goals: str = Field("", **text(max_length=500))
    notes: str = Field("", **text(max_length=2000))
    next_actions: list[NextActionIn] = Field([], max_length=5)


class SessionOut(Schema):
    id: int
    member: int
    held_on: dt.date
    duration_minutes: int
    mode: str
    goals: str
    notes: str
    next_actions: list[NextActionOut]
    member_furthest_step: int

    @staticmethod
    def resolve_member(obj) -> int:
        return obj.member_id

    @staticmethod
    def resolve_next_actions(obj) -> list:
        return list(obj.next_actions.all())

    @staticmethod
    def resolve_member_furthest_step(obj) -> int:
        return obj.member.furthest_step


class StuckOut(Schema):
    id: int
    full_name: str
    community: str
    furthest_step: int
    next_step: int

    @staticmethod
    def resolve_community(obj) -> str:
        return obj.community.slug

    @staticmethod
    def resolve_next_step(obj) -> int:
        return obj.furthest_step + 1


class StuckPage(Schema):
    items: list[StuckOut]
    stuck_after_days: int
    has_more: bool


class StuckFilters(Schema):
    community: str = optional(pattern=SLUG, max_length=80, description="Slug komunitas.")


@router.get("/mentors", response={200: MentorPage, **errors(401, 422)})
def list_mentors(request, paging: Query[PageParams]):
    """Mentors the user may see (secretariat: all; coordinator: those serving their
    communities; partner staff: their organisation's; a mentor: themself), newest first."""
    mentors = selectors.mentors_visible_to(request.auth).prefetch_related("communities")
    return {"items": page_of(mentors.order_by("-id"), paging), "count": mentors.count()}


@router.post("/mentors", response={201: MentorOut, **WRITE})
def create_mentor(request, payload: MentorIn):
    """Make an existing account a mentor serving some communities (secretariat, or a
    coordinator for their own communities)."""
    slugs = sorted(set(payload.communities))
    communities = list(communities_visible_to(request.auth).filter(slug__in=slugs))
    if len(communities) != len(slugs):
        message = _("Komunitas tidak ditemukan.")
        raise DomainError("not_found", message, fields={"communities": [message]})
    partner = None
    if payload.partner:
        partner = partner_list(actor=request.auth).filter(slug=payload.partner).first()
        if partner is None:
            message = _("Mitra tidak ditemukan.")
            raise DomainError("validation_error", message, fields={"partner": [message]})
    user = User.objects.filter(username=payload.username.strip()).first()
    if user is None:
        message = _("Akun dengan nama pengguna ini tidak ditemukan.")
        raise DomainError("validation_error", message, fields={"username": [message]})
    mentor = services.mentor_create(
        actor=request.auth,
        user=user,
        communities=communities,
        expertise=payload.expertise,
        caseload_limit=payload.caseload_limit,
        partner=partner,
    )
    return Status(201, selectors.mentor_get(actor=request.auth, mentor_id=mentor.pk))


@router.post("/assignments", response={201: AssignmentOut, **WRITE})
def create_assignment(request, payload: AssignmentIn):
    """Assign a mentor to a member (ends the member's previous assignment). Refused with
    `caseload_full` when the mentor has reached their limit."""
    member = member_get(actor=request.auth, member_id=payload.member)
    try:
        mentor = selectors.mentor_get(actor=request.auth, mentor_id=payload.mentor)
    except NotFound:
        message = _("Pendamping tidak ditemukan.")
        raise DomainError("validation_error", message, fields={"mentor": [message]}) from None
    assignment = services.assignment_create(
        actor=request.auth, mentor=mentor, member=member, goal=payload.goal
    )
    return Status(201, assignment)


@router.post("/sessions", response={201: SessionOut, **WRITE})
def create_session(request, payload: SessionIn):
    """Record a mentoring session (by the member's mentor or a coordinator); it counts as
    evidence for the `mentoring` step, which the default rule then completes."""
    member = selectors.mentee_get(actor=request.auth, member_id=payload.member)
    session = services.session_record(
        actor=request.auth,
        member=member,
        held_on=payload.held_on,
        duration_minutes=payload.duration_minutes,
        mode=payload.mode,
        goals=payload.goals,
        notes=payload.notes,
        next_actions=[item.model_dump() for item in payload.next_actions],
    )
    session.member.refresh_from_db(fields=["furthest_step"])
    return Status(201, session)


@router.get("/stuck", response={200: StuckPage, **READ})
def list_stuck(request, filters: Query[StuckFilters], paging: Query[PageParams]):
    """Stuck members the user may see, newest first: active, with their next step not moving
    for `stuck_after_days` days. `has_more` says whether another page follows."""
    qs = selectors.stuck_members(actor=request.auth, community=filters.community)
    start = (paging.page - 1) * paging.page_size
    rows = list(qs[start : start + paging.page_size + 1])
    return {
        "items": rows[: paging.page_size],
        "stuck_after_days": selectors.stuck_after_days(),
        "has_more": len(rows) > paging.page_size,
    }

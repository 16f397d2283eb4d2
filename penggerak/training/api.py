"""Courses, events, registrations, attendance and certificates over JSON.

Every endpoint reads through ``training.selectors`` and writes through ``training.services``,
so the API and the pages agree on who may see and do what.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from penggerak.core.api import PageParams, errors, optional, page_of, text
from penggerak.core.errors import DomainError, NotFound
from penggerak.registry.api import CommunityNotFound
from penggerak.registry.models import Member
from penggerak.registry.selectors import communities_visible_to, member_get
from penggerak.training import selectors, services
from penggerak.training.cards import member_number
from penggerak.training.models import Course, Event

router = Router(tags=["pelatihan"])

READ = errors(401, 404, 422)
WRITE = errors(400, 401, 403, 404, 422)


class _Input(Schema):
    # An unknown field is a mistake worth reporting, not ignoring.
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="wrap")
    @classmethod
    def _object_only(cls, value, handler):
        # ninja would read attributes of any object: the JSON string "AAA" has a .title.
        if not isinstance(value, dict):
            raise PydanticCustomError("model_type", "Input should be an object")
        return handler(value)


class CourseOut(Schema):
    id: int
    title: str
    description: str
    partner: str | None
    counts_for_step: str
    active: bool
    modules: list[str]

    @staticmethod
    def resolve_partner(obj: Course) -> str | None:
        return obj.partner.slug if obj.partner_id else None

    @staticmethod
    def resolve_modules(obj: Course) -> list[str]:
        return [m.title for m in obj.modules.all()]


class CoursePage(Schema):
    items: list[CourseOut]
    count: int


class CourseIn(_Input):
    title: str = Field(..., **text(max_length=200, min_length=1))
    description: str = Field("", **text(max_length=5000))
    modules: list[str] = Field(default_factory=list, max_length=50)


class EventOut(Schema):
    id: int
    course_id: int
    course: str
    community: str
    partner: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    online_link: str
    capacity: int
    seats_taken: int
    free_places: int
    attendee_count: int
    trainer_name: str
    is_open: bool
    status: str

    @staticmethod
    def resolve_course(obj: Event) -> str:
        return obj.course.title

    @staticmethod
    def resolve_community(obj: Event) -> str:
        return obj.community.slug

    @staticmethod
    def resolve_partner(obj: Event) -> str | None:
        return obj.partner.slug if obj.partner_id else None


class EventPage(Schema):
    items: list[EventOut]
    count: int


class EventFilters(Schema):
    upcoming: bool = optional(description="true: belum selesai; false: sudah selesai.")
    date: str = optional(
        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        description="Hanya pelatihan yang mulai pada tanggal ini (YYYY-MM-DD).",
    )


class EventIn(_Input):
    course_id: int = Field(..., ge=1, le=2**31 - 1)
    community: str = Field(..., pattern=r"^[-a-zA-Z0-9_]+$", max_length=80)
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int = Field(..., ge=1, le=services.MAX_CAPACITY)
    place: str = Field("", **text(max_length=200))
    online_link: str = Field("", **text(max_length=200))
    trainer_name: str = Field("", **text(max_length=150))
    is_open: bool = False


class RegistrationIn(_Input):
    member_id: int = Field(..., ge=1, le=2**31 - 1)


class RegistrationOut(Schema):
    id: int
    event_id: int
    member_id: int
    status: str


class AttendanceIn(_Input):
    member_id: int = optional(ge=1, le=2**31 - 1)
    card: str = optional(**text(max_length=200, min_length=1))
    number: str = optional(**text(max_length=40, min_length=1))


class AttendanceOut(Schema):
    id: int
    event_id: int
    member_id: int
    member_name: str
    member_number: str
    checked_in_at: dt.datetime
    method: str
    walk_in: bool
    created: bool


def _event_for_write(request, id: int) -> Event:
    return selectors.event_get(actor=request.auth, event_id=id)


@router.get("/courses", response={200: CoursePage, **errors(401, 422)})
def list_courses(request, paging: Query[PageParams]):
    """Courses of the curriculum; inactive ones only for the secretariat."""
    found = selectors.course_list(actor=request.auth).prefetch_related("modules")
    return {"items": page_of(found, paging), "count": found.count()}


@router.post("/courses", response={201: CourseOut, **WRITE})
def create_course(request, payload: CourseIn):
    """Add a course with ordered modules (secretariat only)."""
    course = services.course_create(
        actor=request.auth,
        title=payload.title,
        description=payload.description,
        modules=payload.modules,
    )
    return Status(201, course)


@router.get("/courses/{id}", response={200: CourseOut, **READ})
def get_course(request, id: int):
    """One course with its modules."""
    return selectors.course_get(actor=request.auth, course_id=id)


@router.get("/events", response={200: EventPage, **errors(401, 422)})
def list_events(request, filters: Query[EventFilters], paging: Query[PageParams]):
    """Events the user may see, in start order: own communities' and open events for
    coordinators and members, all (or the province) for the secretariat, their partner's for
    partner staff. `upcoming=true` keeps events not yet ended; `date` one day."""
    on = None
    if filters.date:
        try:
            on = dt.date.fromisoformat(filters.date)
        except ValueError:
            message = _("Tanggal tidak valid; gunakan format YYYY-MM-DD.")
            raise DomainError("validation_error", message, fields={"date": [message]}) from None
    found = selectors.event_list(actor=request.auth, upcoming=filters.upcoming, on=on)
    return {"items": page_of(found, paging), "count": found.count()}


@router.post("/events", response={201: EventOut, **WRITE})
def create_event(request, payload: EventIn):
    """Schedule a session of a course in a community the user coordinates (or, for the
    secretariat, any community in scope)."""
    community = communities_visible_to(request.auth).filter(slug=payload.community).first()
    if community is None:
        raise CommunityNotFound()
    course = Course.objects.filter(pk=payload.course_id).first()
    if course is None:
        message = _("Kursus tidak ditemukan.")
        raise DomainError("validation_error", message, fields={"course_id": [message]})
    event = services.event_create(
        actor=request.auth,
        course=course,
        community=community,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        capacity=payload.capacity,
        place=payload.place,
        online_link=payload.online_link,
        trainer_name=payload.trainer_name,
        is_open=payload.is_open,
    )
    return Status(201, event)


@router.get("/events/{id}", response={200: EventOut, **READ})
def get_event(request, id: int):
    """One event; 404 when missing or not visible."""
    return selectors.event_get(actor=request.auth, event_id=id)


@router.post("/events/{id}/registrations", response={201: RegistrationOut, **WRITE})
def create_registration(request, id: int, payload: RegistrationIn):
    """Register a member; when the event is full the status is `waitlisted`. Registering
    again returns the existing registration."""
    event = selectors.event_get(actor=request.auth, event_id=id)
    member = member_get(actor=request.auth, member_id=payload.member_id)
    registration = services.registration_create(actor=request.auth, event=event, member=member)
    return Status(201, registration)


@router.post("/events/{id}/attendance", response={200: AttendanceOut, 201: AttendanceOut, **WRITE})
def record_attendance(request, id: int, payload: AttendanceIn):
    """Check a member in with exactly one of `member_id`, `number` (membership number,
    PGK-0001234-5) or `card` (the member card's QR payload). 201 the first time, 200 (and
    nothing new recorded) when already checked in. Refused: forged card (`card_invalid`),
    full event (`event_full`), member of another community at a closed event
    (`other_community`), cancelled event (`event_cancelled`)."""
    event = selectors.event_get(actor=request.auth, event_id=id)
    if not selectors.event_may_manage(actor=request.auth, event=event):
        raise NotFound(_("Pelatihan tidak ditemukan."))
    result = services.attendance_record(
        actor=request.auth,
        event=event,
        member_id=payload.member_id,
        card=payload.card,
        number=payload.number,
    )
    attendance = result.attendance
    member: Member = attendance.member
    body = {
        "id": attendance.pk,
        "event_id": attendance.event_id,
        "member_id": member.pk,
        "member_name": member.full_name,
        "member_number": member_number(member.pk),
        "checked_in_at": attendance.checked_in_at,
        "method": attendance.method,
        "walk_in": attendance.walk_in,
        "created": result.created,
    }
    return Status(201 if result.created else 200, body)

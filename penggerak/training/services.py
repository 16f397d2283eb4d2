"""Writes of trainings: courses, events, registrations with a waiting list, attendance and
certificates. Every public function is atomic and audited.

Capacity is kept as a counter on the event row (``seats_taken``: registered places plus
walk-ins) and changed only while that row is locked (``SELECT ... FOR UPDATE``), so two
concurrent registrations or check-ins can never exceed it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from penggerak.accounts import access
from penggerak.core.audit import audit_record
from penggerak.core.errors import DomainError, NotFound, PermissionDenied
from penggerak.core.models import AuditEvent
from penggerak.registry import steps as step_defs
from penggerak.registry.models import Community, Member, Partner
from penggerak.registry.selectors import member_may_see
from penggerak.registry.services import member_step_record_evidence
from penggerak.training import signals
from penggerak.training.cards import parse_card_payload, parse_member_number
from penggerak.training.models import Attendance, Certificate, Course, Event, Module, Registration

Action = AuditEvent.Action
MAX_CAPACITY = 10_000
MAX_MODULES = 50


class _FieldErrors:
    def __init__(self) -> None:
        self.fields: dict[str, list] = {}

    def add(self, field: str, message: Any) -> None:
        self.fields.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise DomainError(
                "validation_error", _("Periksa kembali isian yang ditandai."), fields=self.fields
            )


def _clean_text(value: Any, limit: int) -> str:
    return " ".join(str(value or "").replace("\x00", "").split())[:limit]


def _require_organiser(actor: Any, community: Community) -> None:
    """Coordinators of the community, or the secretariat in scope."""
    access.ensure(access.may_manage_community(actor, community))


# --- Courses -----------------------------------------------------------------------------


@transaction.atomic
def course_create(
    *,
    actor: Any,
    title: str,
    description: str = "",
    partner: Partner | None = None,
    counts_for_step: str = "training",
    modules: list[str] | None = None,
    active: bool = True,
) -> Course:
    """The secretariat adds a course with its ordered modules. Raises PermissionDenied or
    DomainError (empty title, unknown step, too many modules)."""
    access.ensure(access.is_secretariat(actor))
    errors = _FieldErrors()
    title = _clean_text(title, 200)
    if not title:
        errors.add("title", _("Judul wajib diisi."))
    if counts_for_step not in step_defs.STEP_BY_CODE:
        errors.add("counts_for_step", _("Tahap tidak dikenal."))
    module_titles = [_clean_text(m, 200) for m in (modules or [])]
    module_titles = [m for m in module_titles if m]
    if len(module_titles) > MAX_MODULES:
        errors.add("modules", _("Paling banyak %(n)s modul.") % {"n": MAX_MODULES})
    errors.raise_if_any()
    course = Course.objects.create(
        title=title,
        description=str(description or "").replace("\x00", "")[:5000],
        partner=partner,
        counts_for_step=counts_for_step,
        active=active,
    )
    Module.objects.bulk_create(
        Module(course=course, position=i, title=m) for i, m in enumerate(module_titles, 1)
    )
    audit_record(actor=actor, action=Action.CREATE, obj=course, changes={"title": title})
    return course


# --- Events ------------------------------------------------------------------------------

_EVENT_FIELDS = (
    "starts_at",
    "ends_at",
    "place",
    "online_link",
    "capacity",
    "trainer_name",
    "is_open",
    "partner",
)


def _clean_event(errors: _FieldErrors, data: dict, *, seats_taken: int = 0) -> dict:
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if not isinstance(starts, dt.datetime):
        errors.add("starts_at", _("Waktu mulai wajib diisi."))
    if not isinstance(ends, dt.datetime):
        errors.add("ends_at", _("Waktu selesai wajib diisi."))
    if isinstance(starts, dt.datetime) and isinstance(ends, dt.datetime):
        if timezone.is_naive(starts):
            starts = data["starts_at"] = timezone.make_aware(starts)
        if timezone.is_naive(ends):
            ends = data["ends_at"] = timezone.make_aware(ends)
        if ends <= starts:
            errors.add("ends_at", _("Waktu selesai harus setelah waktu mulai."))
        elif ends - starts > dt.timedelta(days=31):
            errors.add("ends_at", _("Satu pelatihan paling lama 31 hari."))
        if (
            not dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
            <= starts
            <= dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
        ):
            errors.add("starts_at", _("Tanggal di luar rentang yang masuk akal."))
    data["place"] = _clean_text(data.get("place"), 200)
    data["online_link"] = str(data.get("online_link") or "").strip()[:200]
    link = data["online_link"]
    if link and not link.lower().startswith(("https://", "http://")):
        errors.add("online_link", _("Tautan harus diawali https://."))
    if not data["place"] and not link:
        errors.add("place", _("Isi tempat atau tautan daring."))
    capacity = data.get("capacity")
    if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 1:
        errors.add("capacity", _("Kapasitas minimal 1."))
    elif capacity > MAX_CAPACITY:
        errors.add("capacity", _("Kapasitas paling banyak %(n)s.") % {"n": MAX_CAPACITY})
    elif capacity < seats_taken:
        errors.add(
            "capacity",
            _("Sudah %(n)s kursi terisi; kapasitas tidak boleh lebih kecil.") % {"n": seats_taken},
        )
    data["trainer_name"] = _clean_text(data.get("trainer_name"), 150)
    data["is_open"] = bool(data.get("is_open"))
    return data


@transaction.atomic
def event_create(
    *,
    actor: Any,
    course: Course,
    community: Community,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    place: str = "",
    online_link: str = "",
    trainer_name: str = "",
    is_open: bool = False,
    partner: Partner | None = None,
) -> Event:
    """A coordinator of the community (or the secretariat) schedules a session of an active
    course. Raises PermissionDenied or DomainError (dates, capacity, place)."""
    _require_organiser(actor, community)
    errors = _FieldErrors()
    if not course.active:
        errors.add("course", _("Kursus ini tidak aktif."))
    data = _clean_event(
        errors,
        {
            "starts_at": starts_at,
            "ends_at": ends_at,
            "place": place,
            "online_link": online_link,
            "capacity": capacity,
            "trainer_name": trainer_name,
            "is_open": is_open,
        },
    )
    errors.raise_if_any()
    event = Event.objects.create(course=course, community=community, partner=partner, **data)
    signals.event_changed.send(sender=Event, event=event, before=None)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=event,
        changes={"course": course.pk, "community": community.pk, "capacity": event.capacity},
    )
    return event


def _counted_fields(event: Event) -> dict:
    """What the ``trainings`` figure of other apps depends on (see ``signals.event_changed``)."""
    return {
        "community_id": event.community_id,
        "starts_at": event.starts_at,
        "status": event.status,
    }


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().select_related("course", "community").get(pk=event.pk)


@transaction.atomic
def event_update(*, actor: Any, event: Event, **changes: Any) -> Event:
    """Change when, where, capacity, trainer or openness; never below the seats taken.
    A cancelled event cannot change. Raises PermissionDenied or DomainError."""
    _require_organiser(actor, event.community)
    unknown = set(changes) - set(_EVENT_FIELDS)
    if unknown:
        raise DomainError("validation_error", _("Kolom ini tidak dikenal."))
    event = _locked(event)
    if event.status == Event.Status.CANCELLED:
        raise DomainError("event_cancelled", _("Pelatihan ini sudah dibatalkan."))
    errors = _FieldErrors()
    data = {name: getattr(event, name) for name in _EVENT_FIELDS}
    data.update(changes)
    partner = data.pop("partner")
    data = _clean_event(errors, data, seats_taken=event.seats_taken)
    errors.raise_if_any()
    before = {k: str(getattr(event, k)) for k in data}
    counted_before = _counted_fields(event)
    for name, value in data.items():
        setattr(event, name, value)
    event.partner = partner
    event.save()
    if _counted_fields(event) != counted_before:
        signals.event_changed.send(sender=Event, event=event, before=counted_before)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=event,
        changes={k: [before[k], str(v)] for k, v in data.items() if before[k] != str(v)},
    )
    return event


@transaction.atomic
def event_cancel(*, actor: Any, event: Event, reason: str) -> Event:
    """Cancel an event that has no attendance yet, with a reason. Cancelling twice changes
    nothing. Raises PermissionDenied or DomainError."""
    _require_organiser(actor, event.community)
    event = _locked(event)
    if event.status == Event.Status.CANCELLED:
        return event
    reason = _clean_text(reason, 500)
    if not reason:
        raise DomainError(
            "validation_error",
            _("Alasan pembatalan wajib diisi."),
            fields={"reason": [_("Alasan pembatalan wajib diisi.")]},
        )
    if event.attendee_count:
        raise DomainError(
            "event_attended", _("Pelatihan yang sudah ada kehadirannya tidak dapat dibatalkan.")
        )
    counted_before = _counted_fields(event)
    event.status = Event.Status.CANCELLED
    event.save(update_fields=["status"])
    signals.event_changed.send(sender=Event, event=event, before=counted_before)
    audit_record(
        actor=actor,
        action=Action.STATUS,
        obj=event,
        reason=reason,
        changes={"status": ["scheduled", "cancelled"]},
    )
    return event


# --- Registration ------------------------------------------------------------------------


def _member_may_join(member: Member, event: Event) -> bool:
    return event.is_open or member.community_id == event.community_id


@transaction.atomic
def registration_create(*, actor: Any, event: Event, member: Member) -> Registration:
    """Register a member for an event; a full event puts them on the waiting list.

    The member themselves, their coordinators or the secretariat may register them, for an
    event of their own community or an open one that has not ended. Registering again
    returns the existing registration. Raises PermissionDenied, NotFound or DomainError.
    """
    if not member_may_see(actor=actor, member=member) or (
        getattr(actor, "role", "") == "member" and member.user_id != actor.pk
    ):
        raise NotFound(_("Anggota tidak ditemukan."))
    if getattr(actor, "role", "") == "partner":
        raise PermissionDenied()
    event = _locked(event)
    if event.status != Event.Status.SCHEDULED or event.ends_at < timezone.now():
        raise DomainError("event_closed", _("Pendaftaran pelatihan ini sudah ditutup."))
    if not _member_may_join(member, event):
        raise DomainError(
            "other_community",
            _("Pelatihan ini hanya untuk anggota komunitas penyelenggara."),
        )
    if member.status != Member.Status.ACTIVE:
        raise DomainError("member_inactive", _("Anggota ini belum/tidak aktif."))
    registration = Registration.objects.filter(event=event, member=member).first()
    if registration is not None and registration.status != Registration.Status.CANCELLED:
        return registration
    if event.seats_taken < event.capacity:
        status = Registration.Status.REGISTERED
        event.seats_taken += 1
        event.save(update_fields=["seats_taken"])
    else:
        status = Registration.Status.WAITLISTED
    if registration is None:
        registration = Registration.objects.create(event=event, member=member, status=status)
    else:
        # Back in the queue at its end: a re-registration does not jump ahead of others.
        registration.delete()
        registration = Registration.objects.create(event=event, member=member, status=status)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=registration,
        changes={"event": event.pk, "member": member.pk, "status": status},
    )
    return registration


def _promote_waitlisted(event: Event) -> Registration | None:
    first = (
        Registration.objects.select_for_update()
        .filter(event=event, status=Registration.Status.WAITLISTED)
        .order_by("created", "id")
        .first()
    )
    if first is None or event.seats_taken >= event.capacity:
        return None
    first.status = Registration.Status.REGISTERED
    first.save(update_fields=["status"])
    event.seats_taken += 1
    event.save(update_fields=["seats_taken"])
    audit_record(
        actor=None,
        action=Action.STATUS,
        obj=first,
        changes={"status": ["waitlisted", "registered"]},
    )
    return first


@transaction.atomic
def registration_cancel(*, actor: Any, registration: Registration) -> Registration:
    """Cancel a registration; a freed place goes to the first on the waiting list in the
    same transaction. Cancelling twice changes nothing. Raises NotFound or DomainError."""
    member = registration.member
    if not member_may_see(actor=actor, member=member):
        raise NotFound(_("Pendaftaran tidak ditemukan."))
    event = _locked(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        return registration
    if Attendance.objects.filter(event=event, member_id=registration.member_id).exists():
        raise DomainError("already_attended", _("Anggota ini sudah hadir; tidak dapat dibatalkan."))
    was = registration.status
    registration.status = Registration.Status.CANCELLED
    registration.save(update_fields=["status"])
    audit_record(
        actor=actor, action=Action.STATUS, obj=registration, changes={"status": [was, "cancelled"]}
    )
    if was == Registration.Status.REGISTERED:
        event.seats_taken -= 1
        event.save(update_fields=["seats_taken"])
        _promote_waitlisted(event)
    return registration


# --- Attendance --------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckIn:
    attendance: Attendance
    created: bool

    @property
    def walk_in(self) -> bool:
        return self.attendance.walk_in


def _refuse(code: str, message: Any, field: str = "member") -> DomainError:
    return DomainError(code, message, fields={field: [message]})


def _resolve_member(
    *, member_id: int | None, card: str | None, number: str | None
) -> tuple[Member, str]:
    given = [v for v in (member_id, card, number) if v not in (None, "")]
    if len(given) != 1:
        raise _refuse(
            "validation_error", _("Isi salah satu: anggota, kartu atau nomor anggota."), "__all__"
        )
    if card not in (None, ""):
        found = parse_card_payload(card)
        if found is None:
            raise _refuse("card_invalid", _("Kartu tidak sah: kode QR palsu atau rusak."), "card")
        member_id, method = found, Attendance.Method.CARD
    elif number not in (None, ""):
        found = parse_member_number(number)
        if found is None:
            raise _refuse(
                "number_invalid",
                _("Nomor anggota tidak valid; periksa kembali angkanya."),
                "number",
            )
        member_id, method = found, Attendance.Method.NUMBER
    else:
        method = Attendance.Method.MANUAL
    member = Member.objects.select_related("community").filter(pk=member_id).first()
    if member is None:
        raise NotFound(_("Anggota tidak ditemukan."))
    return member, method


@transaction.atomic
def attendance_record(
    *,
    actor: Any,
    event: Event,
    member_id: int | None = None,
    card: str | None = None,
    number: str | None = None,
) -> CheckIn:
    """Check a member in at an event, by member id, membership number or card QR payload.

    Rules (issue 4): any non-cancelled event the actor runs, whatever its date; a repeated
    check-in records nothing new (``created`` False); an unregistered member is let in as a
    walk-in while there is room, refused when the event is full; a member of another
    community only at an open event; a forged or altered card is refused. The first
    attendance completes the course's step (``training``) in the same transaction.
    Raises PermissionDenied, NotFound or DomainError.
    """
    _require_organiser(actor, event.community)
    member, method = _resolve_member(member_id=member_id, card=card, number=number)
    event = _locked(event)
    if event.status == Event.Status.CANCELLED:
        raise _refuse("event_cancelled", _("Pelatihan ini sudah dibatalkan."), "__all__")
    own = member_may_see(actor=actor, member=member)
    if not own and not event.is_open:
        raise _refuse(
            "other_community",
            _("Anggota komunitas lain; pelatihan ini tertutup untuk komunitas lain."),
        )
    registration = (
        Registration.objects.select_for_update().filter(event=event, member=member).first()
    )
    registered = registration is not None and registration.status != Registration.Status.CANCELLED
    if not own and method != Attendance.Method.CARD and not registered:
        # Numbers are derived from ids: without the signed card (or the member's own
        # registration) anyone could check strangers in and read their names.
        raise _refuse(
            "card_required",
            _("Anggota komunitas lain yang belum mendaftar dicatat dengan kartu anggotanya."),
        )
    existing = Attendance.objects.filter(event=event, member=member).first()
    if existing is not None:
        return CheckIn(existing, created=False)
    if member.status != Member.Status.ACTIVE:
        raise _refuse(
            "member_inactive",
            _("%(name)s belum/tidak aktif sebagai anggota.") % {"name": member.full_name},
        )
    walk_in = registration is None or registration.status != Registration.Status.REGISTERED
    if walk_in:
        if event.seats_taken >= event.capacity:
            raise _refuse(
                "event_full",
                _("Pelatihan penuh (%(n)s kursi); %(name)s tidak terdaftar.")
                % {"n": event.capacity, "name": member.full_name},
            )
        event.seats_taken += 1
        if registration is not None:
            registration.status = Registration.Status.REGISTERED
            registration.save(update_fields=["status"])
    event.attendee_count += 1
    event.save(update_fields=["seats_taken", "attendee_count"])
    attendance = Attendance.objects.create(
        event=event,
        member=member,
        checked_in_at=timezone.now(),
        method=method,
        walk_in=walk_in,
        by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=attendance,
        changes={"event": event.pk, "member": member.pk, "method": method, "walk_in": walk_in},
    )
    # Outside their own communities (an open event) the organiser writes as the system.
    member_step_record_evidence(
        actor=actor if own else None,
        member=member,
        step=event.course.counts_for_step,
        evidence={"kind": "attendance", "id": str(attendance.pk), "label": event.course.title},
    )
    return CheckIn(attendance, created=True)


# --- Certificates ------------------------------------------------------------------------


def new_certificate_code() -> str:
    """128 random bits, URL-safe: unguessable, short enough for a QR code."""
    return secrets.token_urlsafe(16)


@transaction.atomic
def certificates_issue(*, actor: Any, event: Event) -> int:
    """Issue a certificate to every attendee who has none yet; returns how many were new.

    Idempotent: running it again issues only to attendees checked in since. Raises
    PermissionDenied or DomainError (cancelled event, event not started)."""
    _require_organiser(actor, event.community)
    event = _locked(event)
    if event.status == Event.Status.CANCELLED:
        raise DomainError("event_cancelled", _("Pelatihan ini sudah dibatalkan."))
    if event.starts_at > timezone.now():
        raise DomainError("event_not_started", _("Pelatihan belum dimulai."))
    have = set(Certificate.objects.filter(event=event).values_list("member_id", flat=True))
    now = timezone.now()
    new = [
        Certificate(
            event=event,
            member_id=member_id,
            code=new_certificate_code(),
            holder_name=name,
            course_title=event.course.title,
            issued_at=now,
        )
        for member_id, name in Attendance.objects.filter(event=event).values_list(
            "member_id", "member__full_name"
        )
        if member_id not in have
    ]
    Certificate.objects.bulk_create(new)
    if new:
        audit_record(
            actor=actor, action=Action.CREATE, obj=event, changes={"certificates_issued": len(new)}
        )
    return len(new)


@transaction.atomic
def certificate_revoke(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    """The secretariat (in scope) or a coordinator of the event's community revokes a
    certificate, with a reason kept in the audit trail; the public page then says so.
    Revoking twice changes nothing. Raises PermissionDenied or DomainError."""
    _require_organiser(actor, certificate.event.community)
    reason = _clean_text(reason, 500)
    if not reason:
        raise DomainError(
            "validation_error",
            _("Alasan pencabutan wajib diisi."),
            fields={"reason": [_("Alasan pencabutan wajib diisi.")]},
        )
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=Action.STATUS,
            obj=certificate,
            reason=reason,
            changes={"revoked": True},
        )
    return certificate

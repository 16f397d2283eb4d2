"""Reads of trainings, always scoped by the actor.

An event is visible to: the secretariat (all, or its province), coordinators (their
communities' events and every open event), members (their community's events and open
events) and partner staff (their partner's events). "Not yours" and "missing" are both
``NotFound``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from penggerak.accounts import access
from penggerak.core.errors import NotFound
from penggerak.registry.models import Member
from penggerak.registry.selectors import communities_visible_to, member_get
from penggerak.training.cards import parse_member_number
from penggerak.training.models import Attendance, Certificate, Course, Event, Registration


def events_visible_to(actor: Any) -> QuerySet[Event]:
    """Events the actor may see (see the module docstring)."""
    qs = Event.objects.select_related("course", "community", "partner")
    if not access.is_signed_in(actor):
        return qs.none()
    if access.is_secretariat(actor):
        if actor.province_id:
            return qs.filter(community__regency__code__startswith=actor.province_id)
        return qs
    if access.is_coordinator(actor):
        return qs.filter(Q(community__coordinators=actor) | Q(is_open=True)).distinct()
    if access.is_member_user(actor):
        own = Member.objects.filter(user=actor).values("community_id")
        return qs.filter(Q(community_id__in=own) | Q(is_open=True))
    if access.is_partner_staff(actor):
        return qs.filter(partner__staff=actor)
    return qs.none()


def event_list(
    *,
    actor: Any,
    upcoming: bool | None = None,
    on: dt.date | None = None,
    community_id: int | None = None,
) -> QuerySet[Event]:
    """Visible events in start order; ``upcoming`` keeps those not yet ended, ``on`` one
    local day."""
    qs = events_visible_to(actor)
    now = timezone.now()
    if upcoming is True:
        qs = qs.filter(ends_at__gte=now)
    elif upcoming is False:
        qs = qs.filter(ends_at__lt=now)
    if on is not None:
        start = timezone.make_aware(dt.datetime.combine(on, dt.time.min))
        qs = qs.filter(starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    return qs.order_by("starts_at", "id")


def event_get(*, actor: Any, event_id: int) -> Event:
    """One visible event; NotFound otherwise."""
    event = events_visible_to(actor).filter(pk=event_id).first()
    if event is None:
        raise NotFound(_("Pelatihan tidak ditemukan."))
    return event


def event_may_manage(*, actor: Any, event: Event) -> bool:
    """The organising community's coordinators and the secretariat in scope run the event."""
    return access.may_manage_community(actor, event.community)


def events_today(*, actor: Any) -> QuerySet[Event]:
    """Events of the actor's own communities starting today (local time), not cancelled."""
    communities = communities_visible_to(actor)
    if not (getattr(actor, "is_secretariat", False) or getattr(actor, "is_coordinator", False)):
        communities = communities.none()
    return (
        event_list(actor=actor, on=timezone.localdate())
        .filter(community__in=communities.values("pk"))
        .exclude(status=Event.Status.CANCELLED)
    )


def event_registrations(*, event: Event, status: str) -> QuerySet[Registration]:
    """Registrations of an event with one status, queue order. Pass an event the actor runs."""
    return (
        Registration.objects.filter(event=event, status=status)
        .select_related("member")
        .order_by("created", "id")
    )


def event_attendances(*, event: Event) -> QuerySet[Attendance]:
    """Check-ins of an event, latest first. Pass an event the actor runs."""
    return Attendance.objects.filter(event=event).select_related("member").order_by("-id")


def event_certificates(*, event: Event) -> QuerySet[Certificate]:
    """Certificates of an event, holder order. Pass an event the actor runs."""
    return Certificate.objects.filter(event=event).order_by("holder_name", "id")


def certificate_managed(*, actor: Any, code: str) -> Certificate:
    """A certificate of an event the actor runs (``event_may_manage``); NotFound otherwise."""
    certificate = (
        Certificate.objects.select_related("event", "event__community")
        .filter(code=str(code)[:32])
        .first()
    )
    if certificate is None or not event_may_manage(actor=actor, event=certificate.event):
        raise NotFound(_("Sertifikat tidak ditemukan."))
    return certificate


def registration_of(*, event: Event, member: Member | None) -> Registration | None:
    if member is None:
        return None
    return Registration.objects.filter(event=event, member=member).first()


def own_member(actor: Any) -> Member | None:
    """The member record of a logged-in member, if any."""
    if not access.is_signed_in(actor):
        return None
    return Member.objects.select_related("community").filter(user=actor).first()


def member_by_number(*, actor: Any, number: str) -> Member:
    """A visible member by their printed membership number; NotFound for typos too."""
    member_id = parse_member_number(number)
    if member_id is None:
        raise NotFound(_("Nomor anggota tidak valid."))
    return member_get(actor=actor, member_id=member_id)


def member_attendances(*, actor: Any, member_id: int) -> QuerySet[Attendance]:
    """A visible member's trainings attended, latest first."""
    member = member_get(actor=actor, member_id=member_id)
    return (
        Attendance.objects.filter(member=member)
        .select_related("event", "event__course", "event__community")
        .order_by("-checked_in_at", "-id")
    )


def member_certificates(*, actor: Any, member_id: int) -> QuerySet[Certificate]:
    member = member_get(actor=actor, member_id=member_id)
    return (
        Certificate.objects.filter(member=member)
        .select_related("event")
        .order_by("-issued_at", "-id")
    )


def member_registrations(*, actor: Any, member_id: int) -> QuerySet[Registration]:
    """A visible member's active registrations of events not yet ended."""
    member = member_get(actor=actor, member_id=member_id)
    return (
        Registration.objects.filter(member=member, event__ends_at__gte=timezone.now())
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("event", "event__course")
        .order_by("event__starts_at", "id")
    )


def certificate_public(*, code: str) -> Certificate:
    """A certificate by its code, for the public verification page (no NIK, no contact)."""
    certificate = Certificate.objects.select_related("event").filter(code=str(code)[:32]).first()
    if certificate is None:
        raise NotFound(_("Sertifikat tidak ditemukan."))
    return certificate


def certificate_get(*, actor: Any, code: str) -> Certificate:
    """A certificate its holder, the event's organisers or the secretariat may download."""
    certificate = certificate_public(code=code)
    if not access.is_signed_in(actor):
        raise NotFound(_("Sertifikat tidak ditemukan."))
    holder = certificate.member.user_id == actor.pk
    if not holder and not event_may_manage(actor=actor, event=certificate.event):
        raise NotFound(_("Sertifikat tidak ditemukan."))
    return certificate


def course_list(*, actor: Any, active_only: bool = True) -> QuerySet[Course]:
    """Courses any logged-in user may browse; the secretariat also sees inactive ones."""
    if not access.is_signed_in(actor):
        return Course.objects.none()
    qs = Course.objects.select_related("partner").order_by("title", "id")
    if active_only and not access.is_secretariat(actor):
        qs = qs.filter(active=True)
    return qs


def course_get(*, actor: Any, course_id: int) -> Course:
    course = course_list(actor=actor).filter(pk=course_id).first()
    if course is None:
        raise NotFound(_("Kursus tidak ditemukan."))
    return course

"""Writes of the mentoring app: mentors, assignments, sessions, next actions, settings.

Every public function is atomic and audited, validates every field before writing (one
``DomainError`` listing them all) and raises ``PermissionDenied`` / ``NotFound`` as the
registry does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from penggerak.accounts import access
from penggerak.accounts.models import User
from penggerak.core.audit import audit_record
from penggerak.core.errors import DomainError, PermissionDenied
from penggerak.core.models import AuditEvent
from penggerak.mentoring.models import (
    Assignment,
    Mentor,
    MentoringSettings,
    NextAction,
    Session,
)
from penggerak.registry.models import Community, Member, Partner
from penggerak.registry.services import member_step_record_evidence

Action = AuditEvent.Action
MAX_NEXT_ACTIONS = 5
EARLIEST_SESSION = dt.date(2000, 1, 1)


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


def may_manage_community(actor: Any, community: Community) -> bool:
    """The secretariat (in scope) and the community's own coordinators manage its mentoring."""
    return access.may_manage_community(actor, community)


def _require_manager_of(actor: Any, community: Community) -> None:
    if not may_manage_community(actor, community):
        raise PermissionDenied()


# --- Settings ------------------------------------------------------------------------------


def settings_current() -> MentoringSettings:
    """The one settings row (created with the defaults the first time)."""
    row, _created = MentoringSettings.objects.get_or_create(pk=1)
    return row


@transaction.atomic
def settings_update(*, actor: Any, stuck_after_days: int) -> MentoringSettings:
    """The secretariat sets after how many days without progress a member counts as stuck
    (7-730). Raises PermissionDenied or DomainError."""
    if not getattr(actor, "is_secretariat", False) or actor.province_id:
        raise PermissionDenied()
    if not isinstance(stuck_after_days, int) or not 7 <= stuck_after_days <= 730:
        message = _("Batas macet harus antara 7 dan 730 hari.")
        raise DomainError("validation_error", message, fields={"stuck_after_days": [message]})
    row = MentoringSettings.objects.select_for_update().filter(pk=1).first() or settings_current()
    old = row.stuck_after_days
    row.stuck_after_days = stuck_after_days
    row.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=row,
        changes={"stuck_after_days": [old, stuck_after_days]},
    )
    return row


# --- Mentors -------------------------------------------------------------------------------


def _clean_mentor_fields(
    errors: _FieldErrors,
    *,
    actor: Any,
    expertise: str,
    caseload_limit: Any,
    communities: list[Community],
) -> str:
    expertise = " ".join((expertise or "").split())
    if len(expertise) > 200:
        errors.add("expertise", _("Maksimal 200 karakter."))
    if not isinstance(caseload_limit, int) or not 1 <= caseload_limit <= 200:
        errors.add("caseload_limit", _("Batas anggota binaan harus antara 1 dan 200."))
    if not communities:
        errors.add("communities", _("Pilih minimal satu komunitas yang dilayani."))
    elif any(not may_manage_community(actor, c) for c in communities):
        errors.add("communities", _("Anda hanya dapat memilih komunitas yang Anda kelola."))
    return expertise


@transaction.atomic
def mentor_create(
    *,
    actor: Any,
    user: User,
    communities: list[Community],
    expertise: str = "",
    caseload_limit: int = 10,
    partner: Partner | None = None,
) -> Mentor:
    """Make an existing account a mentor serving some communities.

    The secretariat may choose any community in its scope, a coordinator only their own.
    An account is a mentor once; members' own accounts cannot mentor. Raises DomainError
    (``validation_error``, ``mentor_exists``) or PermissionDenied.
    """
    if not access.is_signed_in(actor) or not (
        access.is_secretariat(actor) or access.is_coordinator(actor)
    ):
        raise PermissionDenied()
    errors = _FieldErrors()
    expertise = _clean_mentor_fields(
        errors,
        actor=actor,
        expertise=expertise,
        caseload_limit=caseload_limit,
        communities=communities,
    )
    if not user.is_active:
        errors.add("user", _("Akun ini tidak aktif."))
    elif Member.objects.filter(user=user).exists():
        errors.add("user", _("Akun anggota tidak dapat menjadi pendamping."))
    errors.raise_if_any()
    if Mentor.objects.filter(user=user).exists():
        message = _("Akun ini sudah terdaftar sebagai pendamping.")
        raise DomainError("mentor_exists", message, fields={"user": [message]})
    mentor = Mentor.objects.create(
        user=user, partner=partner, expertise=expertise, caseload_limit=caseload_limit
    )
    mentor.communities.set(communities)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=mentor,
        changes={
            "user": user.get_username(),
            "communities": sorted(c.slug for c in communities),
            "caseload_limit": caseload_limit,
        },
    )
    return mentor


@transaction.atomic
def mentor_set_active(*, actor: Any, mentor: Mentor, active: bool) -> Mentor:
    """Switch a mentor on or off (off: no new assignments; open ones stay until reassigned).
    Only the secretariat or a coordinator of one of the mentor's communities."""
    if not any(may_manage_community(actor, c) for c in mentor.communities.all()):
        raise PermissionDenied()
    if mentor.active != active:
        Mentor.objects.filter(pk=mentor.pk).update(active=active)
        audit_record(
            actor=actor,
            action=Action.STATUS,
            obj=mentor,
            changes={"active": [mentor.active, active]},
        )
        mentor.active = active
    return mentor


# --- Assignments ---------------------------------------------------------------------------


@transaction.atomic
def assignment_create(*, actor: Any, mentor: Mentor, member: Member, goal: str = "") -> Assignment:
    """Assign a mentor to a member; a member's previous open assignment ends today.

    The actor must manage the member's community; the mentor must be active and serve that
    community, and have room under the caseload limit (counted under a row lock on the
    mentor, so two coordinators assigning at once cannot both take the last place). Assigning
    the member's current mentor again changes nothing. Raises DomainError (``validation_error``,
    ``mentor_inactive``, ``mentor_not_serving``, ``caseload_full``) or PermissionDenied.
    """
    _require_manager_of(actor, member.community)
    goal = " ".join((goal or "").split())
    if len(goal) > 300:
        message = _("Maksimal 300 karakter.")
        raise DomainError("validation_error", message, fields={"goal": [message]})
    mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
    if not mentor.active:
        message = _("Pendamping ini tidak aktif.")
        raise DomainError("mentor_inactive", message, fields={"mentor": [message]})
    if not mentor.communities.filter(pk=member.community_id).exists():
        message = _("Pendamping ini tidak melayani komunitas anggota.")
        raise DomainError("mentor_not_serving", message, fields={"mentor": [message]})
    # The member row is locked too: two reassignments of one member run one after the other.
    Member.objects.select_for_update().filter(pk=member.pk).first()
    current = Assignment.objects.filter(member=member, ended_on__isnull=True).first()
    if current is not None and current.mentor_id == mentor.pk:
        return current
    open_count = Assignment.objects.filter(mentor=mentor, ended_on__isnull=True).count()
    if open_count >= mentor.caseload_limit:
        message = _(
            "Pendamping ini sudah mendampingi %(count)s anggota, batasnya %(limit)s. "
            "Pilih pendamping lain atau akhiri penugasan lain dulu."
        ) % {"count": open_count, "limit": mentor.caseload_limit}
        raise DomainError("caseload_full", message, fields={"mentor": [message]})
    today = timezone.localdate()
    if current is not None:
        current.ended_on = max(today, current.started_on)
        current.save(update_fields=["ended_on"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=current,
            changes={"ended_on": [None, current.ended_on.isoformat()], "reason": "reassigned"},
        )
    assignment = Assignment.objects.create(
        mentor=mentor, member=member, goal=goal, started_on=today, created_by=actor
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=assignment,
        changes={"mentor": mentor.pk, "member": member.pk, "goal": goal},
    )
    return assignment


@transaction.atomic
def assignment_end(*, actor: Any, assignment: Assignment, reason: str) -> Assignment:
    """End an open assignment today, with a reason (kept in the audit trail, 1-300 characters).

    Only whoever manages the member's community. Raises PermissionDenied or DomainError
    (``validation_error``, ``already_ended``)."""
    _require_manager_of(actor, assignment.member.community)
    reason = " ".join(str(reason or "").replace("\x00", "").split())
    if not reason or len(reason) > 300:
        message = _("Alasan wajib diisi.") if not reason else _("Alasan maksimal 300 karakter.")
        raise DomainError("validation_error", message, fields={"reason": [message]})
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.ended_on is not None:
        raise DomainError("already_ended", _("Penugasan ini sudah berakhir."))
    assignment.ended_on = max(timezone.localdate(), assignment.started_on)
    assignment.save(update_fields=["ended_on"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=assignment,
        reason=reason,
        changes={"ended_on": [None, assignment.ended_on.isoformat()]},
    )
    return assignment


# --- Sessions ------------------------------------------------------------------------------


def _clean_session(
    *,
    held_on: Any,
    duration_minutes: Any,
    mode: str,
    goals: str,
    notes: str,
    next_actions: list[dict],
) -> tuple[str, str, list[tuple[str, dt.date]]]:
    errors = _FieldErrors()
    today = timezone.localdate()
    if not isinstance(held_on, dt.date) or isinstance(held_on, dt.datetime):
        errors.add("held_on", _("Tanggal tidak valid."))
    elif held_on > today:
        errors.add("held_on", _("Tanggal sesi tidak boleh di masa depan."))
    elif held_on < EARLIEST_SESSION:
        errors.add("held_on", _("Tanggal sesi terlalu lampau."))
    if not isinstance(duration_minutes, int) or not 1 <= duration_minutes <= 600:
        errors.add("duration_minutes", _("Durasi harus antara 1 dan 600 menit."))
    if mode not in Session.Mode.values:
        errors.add("mode", _("Pilih tatap muka, daring atau telepon."))
    goals = " ".join((goals or "").split())
    if len(goals) > 500:
        errors.add("goals", _("Maksimal 500 karakter."))
    notes = (notes or "").strip()
    if len(notes) > 2000:
        errors.add("notes", _("Maksimal 2000 karakter."))
    actions: list[tuple[str, dt.date]] = []
    if len(next_actions) > MAX_NEXT_ACTIONS:
        errors.add(
            "next_actions",
            _("Paling banyak %(count)s langkah berikutnya.") % {"count": MAX_NEXT_ACTIONS},
        )
    for item in next_actions[:MAX_NEXT_ACTIONS]:
        text = " ".join(str(item.get("text") or "").split())
        due_on = item.get("due_on")
        if not text:
            errors.add("next_actions", _("Setiap langkah berikutnya perlu uraian."))
            continue
        if len(text) > 300:
            errors.add("next_actions", _("Uraian langkah maksimal 300 karakter."))
            continue
        if not isinstance(due_on, dt.date) or isinstance(due_on, dt.datetime):
            errors.add("next_actions", _("Setiap langkah berikutnya perlu tenggat."))
            continue
        if isinstance(held_on, dt.date) and due_on < held_on:
            errors.add("next_actions", _("Tenggat tidak boleh sebelum tanggal sesi."))
            continue
        if due_on > today + dt.timedelta(days=366):
            errors.add("next_actions", _("Tenggat paling lama satu tahun."))
            continue
        actions.append((text, due_on))
    errors.raise_if_any()
    return goals, notes, actions


@transaction.atomic
def session_record(
    *,
    actor: Any,
    member: Member,
    held_on: dt.date,
    duration_minutes: int,
    mode: str,
    goals: str = "",
    notes: str = "",
    next_actions: list[dict] | None = None,
) -> Session:
    """Record a session with a member under their open assignment, and its next actions.

    Allowed to the member's mentor and to whoever manages the member's community. In the same
    transaction it records the session as evidence for the ``mentoring`` step, which the
    default rule (a mentor assigned and one session) then marks done. Raises DomainError
    (``validation_error``, ``no_mentor``) or PermissionDenied.
    """
    assignment = (
        Assignment.objects.select_related("mentor")
        .filter(member=member, ended_on__isnull=True)
        .first()
    )
    is_mentor = bool(
        assignment is not None
        and access.is_signed_in(actor)
        and assignment.mentor.user_id == actor.pk
    )
    manages = may_manage_community(actor, member.community)
    if not (is_mentor or manages):
        raise PermissionDenied()
    goals, notes, actions = _clean_session(
        held_on=held_on,
        duration_minutes=duration_minutes,
        mode=mode,
        goals=goals,
        notes=notes,
        next_actions=next_actions or [],
    )
    if assignment is None:
        message = _("Tugaskan pendamping dulu sebelum mencatat sesi.")
        raise DomainError("no_mentor", message, fields={"mentor": [message]})
    session = Session.objects.create(
        assignment=assignment,
        member=member,
        held_on=held_on,
        duration_minutes=duration_minutes,
        mode=mode,
        goals=goals,
        notes=notes,
        recorded_by=actor,
    )
    NextAction.objects.bulk_create(
        NextAction(session=session, mentor=assignment.mentor, member=member, text=t, due_on=d)
        for t, d in actions
    )
    # A mentor from a partner is not a coordinator: the registry's own check would refuse
    # them, so the step is recorded by the system after this service's check.
    member_step_record_evidence(
        actor=actor if manages else None,
        member=member,
        step="mentoring",
        evidence={
            "kind": "session",
            "id": str(session.pk),
            "label": f"Sesi pendampingan {held_on.isoformat()}",
        },
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=session,
        changes={
            "member": member.pk,
            "held_on": held_on.isoformat(),
            "mode": mode,
            "next_actions": len(actions),
        },
    )
    return session


@transaction.atomic
def next_action_complete(*, actor: Any, action: NextAction) -> NextAction:
    """The mentor (or a manager of the member's community) ticks a next action off.

    Ticking an action already done changes nothing. Raises PermissionDenied."""
    is_mentor = action.mentor.user_id == getattr(actor, "pk", None)
    if not (is_mentor or may_manage_community(actor, action.member.community)):
        raise PermissionDenied()
    action = NextAction.objects.select_for_update().get(pk=action.pk)
    if action.done_at is None:
        action.done_at = timezone.now()
        action.save(update_fields=["done_at"])
        audit_record(actor=actor, action=Action.STATUS, obj=action, changes={"done": True})
    return action

"""Writes to the registry. Every public function here is atomic and audited.

Services validate with ``penggerak.core.identity`` and raise ``DomainError`` with per-field
messages; nothing is saved when any field is wrong.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from penggerak.accounts import access
from penggerak.accounts.models import Role, User
from penggerak.core.audit import audit_record
from penggerak.core.errors import DomainError, PermissionDenied, Throttled
from penggerak.core.identity import (
    normalize_nik,
    search_nik,
    validate_email,
    validate_kbli,
    validate_nib,
    validate_nik,
    validate_npwp,
    validate_phone,
)
from penggerak.core.models import AuditEvent, Region, RegionLevel
from penggerak.core.protection import nik_decrypt, nik_digest, nik_encrypt, nik_mask
from penggerak.core.ratelimit import rate_limit_take
from penggerak.core.text import search_text
from penggerak.registry import signals
from penggerak.registry import steps as step_defs
from penggerak.registry.models import (
    Agreement,
    Business,
    Community,
    Member,
    MemberStep,
    Partner,
    PartnerContact,
    StepCount,
    StepGapCount,
    StepRule,
)
from penggerak.registry.selectors import (
    communities_visible_to,
    member_find_by_nik,
    member_may_see,
)

CONSENT_TEXT_VERSION = "2026-1"
CONSENT_PURPOSE = "Keanggotaan gerakan dan pendampingan usaha"

Action = AuditEvent.Action


class _FieldErrors:
    """Collects every field's problem before raising, so a form shows them all at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list] = {}

    def add(self, field: str, message: Any) -> None:
        self.fields.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise DomainError(
                "validation_error", _("Periksa kembali isian yang ditandai."), fields=self.fields
            )


def _require_coordinator_of(actor: Any, community: Community) -> None:
    """Only the secretariat (in scope) or the community's own coordinators may write."""
    if not communities_visible_to(actor).filter(pk=community.pk).exists():
        raise PermissionDenied()
    if access.is_member_user(actor) and not access.is_secretariat(actor):
        raise PermissionDenied()


def _clean_person_fields(
    errors: _FieldErrors,
    *,
    phone: str | None,
    email: str | None,
) -> dict:
    cleaned: dict = {}
    if phone is not None:
        if phone.strip():
            result = validate_phone(phone)
            if result.valid:
                cleaned["phone"] = result.normalized
            else:
                for issue in result.errors:
                    errors.add("phone", issue.message)
        else:
            cleaned["phone"] = ""
    if email is not None:
        if email.strip():
            result = validate_email(email)
            if result.valid:
                cleaned["email"] = result.normalized
            else:
                for issue in result.errors:
                    errors.add("email", issue.message)
        else:
            cleaned["email"] = ""
    return cleaned


def _clean_village(errors: _FieldErrors, village_code: str | None) -> Region | None:
    if not village_code:
        return None
    village = Region.objects.filter(
        code=village_code.strip(), level=RegionLevel.VILLAGE, is_current=True
    ).first()
    if village is None:
        errors.add("village", _("Kode desa/kelurahan tidak dikenal."))
    return village


def _duplicate_nik_error(*, actor: Any, digest: bytes) -> DomainError:
    """Name the other community only when the actor may see that member (no leaks)."""
    existing = Member.objects.select_related("community").filter(nik_digest=digest).first()
    message: Any
    if existing is not None and member_may_see(actor=actor, member=existing):
        message = _("NIK ini sudah terdaftar sebagai anggota komunitas %(community)s.") % {
            "community": existing.community.name
        }
    else:
        message = _("NIK ini sudah terdaftar sebagai anggota gerakan.")
    return DomainError("nik_duplicate", message, fields={"nik": [message]})


def _check_nik(
    errors: _FieldErrors, nik: str, *, birth_date: dt.date | None, sex: str | None
) -> Any:
    """Validate a NIK against the stated birth date and sex; mismatches go to those fields."""
    result = validate_nik(nik or "", birth_date=birth_date, sex=sex)
    for issue in result.errors:
        target = {
            "nik_birth_date_mismatch": "birth_date",
            "nik_sex_mismatch": "sex",
        }.get(issue.code, "nik")
        errors.add(target, issue.message)
    return result


@dataclass(frozen=True)
class ConsentRecord:
    given_at: dt.datetime
    purpose: str = CONSENT_PURPOSE
    text_version: str = CONSENT_TEXT_VERSION


def member_register(
    *,
    actor: Any,
    community: Community,
    full_name: str,
    nik: str,
    birth_date: dt.date | None = None,
    sex: str | None = None,
    phone: str = "",
    email: str = "",
    village_code: str | None = None,
    address: str = "",
    joined_on: dt.date | None = None,
    consent: bool = False,
    status: str = Member.Status.ACTIVE,
    user: User | None = None,
) -> Member:
    """Register a person as a member of ``community``.

    One NIK is one member nationally (unique keyed hash, enforced by the database too).
    Birth date and sex default to what the NIK encodes and must agree with it when given.
    Raises DomainError (``validation_error``, ``nik_duplicate``) or PermissionDenied.
    """
    if user is None:
        _require_coordinator_of(actor, community)
    errors = _FieldErrors()
    full_name = " ".join((full_name or "").split())
    if not full_name:
        errors.add("full_name", _("Nama lengkap wajib diisi."))
    nik_result = _check_nik(errors, nik, birth_date=birth_date, sex=sex)
    cleaned = _clean_person_fields(errors, phone=phone, email=email)
    village = _clean_village(errors, village_code)
    if community.status == Community.Status.INACTIVE:
        errors.add("community", _("Komunitas ini tidak aktif."))
    errors.raise_if_any()

    normalized_nik = nik_result.normalized or ""
    digest = nik_digest(normalized_nik)
    if Member.objects.filter(nik_digest=digest).exists():
        raise _duplicate_nik_error(actor=actor, digest=digest)
    details = nik_result.details
    now = timezone.now()
    member = Member(
        full_name=full_name,
        search_name=search_text(full_name),
        nik_digest=digest,
        nik_ciphertext=nik_encrypt(normalized_nik),
        nik_masked=nik_mask(normalized_nik),
        birth_date=birth_date or dt.date.fromisoformat(details["birth_date"]),
        sex=sex or details["sex"],
        village=village,
        region_id=village.code if village else community.regency_id,
        address=address.strip(),
        community=community,
        joined_on=joined_on or timezone.localdate(),
        status=status,
        user=user,
        **cleaned,
    )
    if consent:
        member.consent_given_at = now
        member.consent_purpose = CONSENT_PURPOSE
        member.consent_text_version = CONSENT_TEXT_VERSION
    # Step 1 (registration) is done when the record is complete and consent is given.
    member.furthest_step = 1 if _registration_complete(member) else 0
    try:
        with transaction.atomic():
            member.save()
            Community.objects.filter(pk=community.pk).update(member_count=F("member_count") + 1)
            signals.member_registered.send(sender=Member, member=member)
            if member.furthest_step:
                _complete_registration(member, at=now)
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=member,
                changes={"community": community.slug, "status": member.status},
            )
    except IntegrityError:
        # Lost a race with a concurrent registration of the same NIK: the constraint held.
        raise _duplicate_nik_error(actor=actor, digest=digest) from None
    return member


_MEMBER_EDITABLE = ("full_name", "phone", "email", "village_code", "address", "status")


@transaction.atomic
def member_update(*, actor: Any, member: Member, **changes: Any) -> Member:
    """Change a member's contact and address fields or status; records each change.

    NIK, birth date and sex are identity, fixed at registration. Raises DomainError.
    """
    _require_coordinator_of(actor, member.community)
    unknown = set(changes) - set(_MEMBER_EDITABLE)
    if unknown:
        raise DomainError(
            "validation_error",
            _("Kolom ini tidak dapat diubah: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            fields={name: [_("Tidak dapat diubah.")] for name in unknown},
        )
    errors = _FieldErrors()
    new_values: dict[str, Any] = _clean_person_fields(
        errors, phone=changes.get("phone"), email=changes.get("email")
    )
    if "full_name" in changes:
        name = " ".join((changes["full_name"] or "").split())
        if not name:
            errors.add("full_name", _("Nama lengkap wajib diisi."))
        new_values["full_name"] = name
        new_values["search_name"] = search_text(name)
    if "address" in changes:
        new_values["address"] = (changes["address"] or "").strip()
    if "status" in changes:
        if changes["status"] not in Member.Status.values:
            errors.add("status", _("Status tidak dikenal."))
        new_values["status"] = changes["status"]
    if "village_code" in changes:
        village = _clean_village(errors, changes["village_code"])
        new_values["village"] = village
        new_values["region_id"] = village.code if village else member.community.regency_id
    errors.raise_if_any()

    old_status = member.status
    diff = {}
    for field, value in new_values.items():
        old = getattr(member, field)
        if old != value:
            if field not in ("search_name", "region_id"):
                key = "village" if field == "village" else field
                diff[key] = [str(old or ""), str(value or "")]
            setattr(member, field, value)
    if diff:
        member.save()
        audit_record(actor=actor, action=Action.UPDATE, obj=member, changes=diff)
        if member.status != old_status:
            signals.member_status_changed.send(
                sender=Member, member=member, old_status=old_status, new_status=member.status
            )
        if _registration_complete(member) and not _registration_done(member):
            _complete_registration(member, at=timezone.now())
    return member


@transaction.atomic
def member_approve(*, actor: Any, member: Member) -> Member:
    """A coordinator approves a self-registered (pending) member, who becomes active."""
    _require_coordinator_of(actor, member.community)
    if member.status != Member.Status.PENDING:
        raise DomainError("not_pending", _("Anggota ini tidak sedang menunggu persetujuan."))
    member.status = Member.Status.ACTIVE
    member.save(update_fields=["status", "updated_at"])
    signals.member_status_changed.send(
        sender=Member, member=member, old_status=Member.Status.PENDING, new_status=member.status
    )
    if member.user_id:
        User.objects.filter(pk=member.user_id).update(is_active=True)
    audit_record(actor=actor, action=Action.APPROVE, obj=member)
    return member


@transaction.atomic
def member_transfer(*, actor: Any, member: Member, to_community: Community, reason: str) -> Member:
    """Move a member to another community: an explicit, audited action.

    The actor must be allowed to write in both communities (secretariat, or a coordinator of
    both). Raises DomainError or PermissionDenied.
    """
    _require_coordinator_of(actor, member.community)
    _require_coordinator_of(actor, to_community)
    if not (reason or "").strip():
        raise DomainError(
            "reason_required",
            _("Alasan pemindahan wajib diisi."),
            fields={"reason": [_("Alasan pemindahan wajib diisi.")]},
        )
    if to_community.pk == member.community_id:
        raise DomainError("same_community", _("Anggota sudah berada di komunitas ini."))
    old = member.community
    member.community = to_community
    if member.village_id is None:
        member.region_id = to_community.regency_id
    member.save(update_fields=["community", "region", "updated_at"])
    Community.objects.filter(pk=old.pk).update(member_count=F("member_count") - 1)
    Community.objects.filter(pk=to_community.pk).update(member_count=F("member_count") + 1)
    # The member's done steps count in the funnel of the community they now belong to.
    done = _done_steps(member)
    _apply_counters(
        before=step_defs.contributions(old.pk, done),
        after=step_defs.contributions(to_community.pk, done),
    )
    signals.member_moved.send(sender=Member, member=member, from_community=old)
    audit_record(
        actor=actor,
        action=Action.TRANSFER,
        obj=member,
        reason=reason.strip(),
        changes={"community": [old.slug, to_community.slug]},
    )
    return member


# --- The seven steps ---------------------------------------------------------------------


def _registration_complete(member: Member) -> bool:
    """Today's rule for step 1: consent given and a phone number to reach the member."""
    return bool(member.consent_given_at and member.phone)


def _registration_done(member: Member) -> bool:
    return MemberStep.objects.filter(member=member, step=1, status=MemberStep.Status.DONE).exists()


def _done_steps(member: Member) -> dict[int, dt.datetime]:
    """{step: completed_at} of the member's done steps (a done step always has a date)."""
    done = MemberStep.objects.filter(member=member, status=MemberStep.Status.DONE)
    return {step: at for step, at in done.values_list("step", "completed_at") if at is not None}


def _apply_counters(*, before: Any, after: Any) -> None:
    """Add ``after - before`` to the funnel counters: one UPDATE per changed counter row,
    creating the row the first time a community reaches a step or a gap bucket."""
    for key in sorted(set(before) | set(after), key=str):
        delta = after.get(key, 0) - before.get(key, 0)
        if not delta:
            continue
        if key[0] == "count":
            model: Any = StepCount
            lookup = {"community_id": key[1], "step": key[2]}
        else:
            model = StepGapCount
            lookup = {"community_id": key[1], "step": key[2], "days": key[3]}
        if not model.objects.filter(**lookup).update(members=F("members") + delta):
            model.objects.get_or_create(**lookup, defaults={"members": 0})
            model.objects.filter(**lookup).update(members=F("members") + delta)


def _sync_furthest_step(member: Member) -> None:
    furthest = max(_done_steps(member), default=0)
    if member.furthest_step != furthest:
        member.furthest_step = furthest
        Member.objects.filter(pk=member.pk).update(furthest_step=furthest)


def _change_step(
    member: Member,
    step: int,
    *,
    status: str,
    at: dt.datetime,
    source: str,
    by: Any = None,
    evidence: dict | None = None,
    evidence_keys: list | None = None,
    note: str | None = None,
) -> tuple[MemberStep | None, str]:
    """Write one step's row and keep the counters and ``furthest_step`` in step with it.

    Returns the row (None when the step went back to not started) and the previous status.
    """
    row = MemberStep.objects.select_for_update().filter(member=member, step=step).first()
    old_status = row.status if row else MemberStep.Status.NOT_STARTED
    done_before = _done_steps(member)
    if status == MemberStep.Status.NOT_STARTED:
        if row is not None:
            row.delete()
            row = None
    else:
        if row is None:
            row = MemberStep(member=member, step=step, started_at=at)
        row.status = status
        row.source = source
        if status == MemberStep.Status.DONE:
            if old_status != MemberStep.Status.DONE:
                row.completed_at = at
                row.completed_by = by if access.is_signed_in(by) else None
        else:
            row.completed_at = None
            row.completed_by = None
        if evidence is not None:
            row.evidence = evidence
        if evidence_keys is not None:
            row.evidence_keys = evidence_keys
        if note is not None:
            row.note = note
        row.save()
    done_after = _done_steps(member)
    if done_after != done_before:
        _apply_counters(
            before=step_defs.contributions(member.community_id, done_before),
            after=step_defs.contributions(member.community_id, done_after),
        )
        _sync_furthest_step(member)
        signals.member_step_changed.send(
            sender=Member, member=member, before=done_before, after=done_after
        )
    return row, old_status


def _complete_registration(member: Member, *, at: dt.datetime) -> None:
    _change_step(
        member,
        1,
        status=MemberStep.Status.DONE,
        at=at,
        source=MemberStep.Source.RULE,
        evidence={"kind": "registration", "id": str(member.pk), "label": "Data lengkap"},
    )


def _step_number(step: int | str) -> int:
    info = (
        step_defs.STEP_BY_CODE.get(step)
        if isinstance(step, str)
        else step_defs.STEP_BY_NUMBER.get(step)
    )
    if info is None:
        raise DomainError(
            "unknown_step",
            _("Tahap tidak dikenal: %(step)s.") % {"step": step},
            fields={"step": [_("Tahap tidak dikenal.")]},
        )
    return info.number


def _longest_month_run(months: list[str]) -> int:
    """Longest run of consecutive calendar months among "YYYY-MM" strings."""
    numbers = set()
    for month in months:
        try:
            year, number = (int(part) for part in month.split("-")[:2])
        except ValueError:
            continue
        numbers.add(year * 12 + number - 1)
    best = 0
    for start in numbers:
        if start - 1 in numbers:
            continue
        length = 1
        while start + length in numbers:
            length += 1
        best = max(best, length)
    return best


def step_rule_met(*, parameters: dict, keys: list[str]) -> bool:
    """Whether the recorded evidence keys ("kind:id") satisfy a rule's parameters.

    ``{"months": N}``: N consecutive "YYYY-MM" evidence ids; ``{"kinds": [...]}``: evidence of
    every listed kind; ``{"min_<anything>": N}``: at least N distinct pieces of evidence.
    """
    if "months" in parameters:
        return _longest_month_run([k.split(":", 1)[1] for k in keys]) >= int(parameters["months"])
    if "kinds" in parameters:
        have = {k.split(":", 1)[0] for k in keys}
        return set(parameters["kinds"]) <= have
    minimum = next((int(v) for k, v in parameters.items() if k.startswith("min_")), 1)
    return len(keys) >= minimum


_EVIDENCE_KEYS_KEPT = 60


def _clean_evidence(evidence: Any) -> dict:
    if not isinstance(evidence, dict) or not str(evidence.get("kind") or "").strip():
        raise DomainError(
            "validation_error",
            _("Bukti harus menyebut jenisnya."),
            fields={"evidence": [_("Bukti harus menyebut jenisnya.")]},
        )
    return {
        "kind": str(evidence["kind"]).strip()[:40],
        "id": str(evidence.get("id") or "").strip()[:80],
        "label": str(evidence.get("label") or "").strip()[:200],
    }


@transaction.atomic
def member_step_record_evidence(
    *, actor: Any, member: Member, step: int | str, evidence: dict
) -> MemberStep:
    """Record evidence for a step (attendance, session, permit, product...) and apply its rule.

    The step becomes done when the secretariat's enabled ``StepRule`` is satisfied by the
    evidence recorded so far, otherwise in progress. A done step stays done (its date is
    kept); the same evidence twice counts once. Called by the journey's services, inside
    their transaction; the actor must be allowed to write in the member's community (the
    system, ``actor=None``, always may). Raises DomainError or PermissionDenied.
    """
    if actor is not None:
        _require_coordinator_of(actor, member.community)
    number = _step_number(step)
    item = _clean_evidence(evidence)
    given, member = member, Member.objects.select_for_update().get(pk=member.pk)
    row = MemberStep.objects.filter(member=member, step=number).first()
    keys = list(row.evidence_keys) if row else []
    key = f"{item['kind']}:{item['id']}"
    if key not in keys:
        keys = [*keys, key][-_EVIDENCE_KEYS_KEPT:]
    if row is not None and row.status == MemberStep.Status.DONE:
        if row.evidence_keys != keys:
            row.evidence_keys = keys
            row.save(update_fields=["evidence_keys"])
        return row
    rule = StepRule.objects.filter(step=number).first()
    met = bool(rule and rule.enabled and step_rule_met(parameters=rule.parameters, keys=keys))
    status = MemberStep.Status.DONE if met else MemberStep.Status.IN_PROGRESS
    saved, old_status = _change_step(
        member,
        number,
        status=status,
        at=timezone.now(),
        source=MemberStep.Source.RULE,
        by=actor,
        evidence=item,
        evidence_keys=keys,
    )
    assert saved is not None
    given.furthest_step = member.furthest_step
    if old_status != status:
        audit_record(
            actor=actor,
            action=Action.STATUS,
            obj=member,
            changes={
                "step": step_defs.STEP_BY_NUMBER[number].code,
                "status": [old_status, status],
                "evidence": item,
            },
        )
    return saved


@transaction.atomic
def member_step_mark(
    *,
    actor: Any,
    member: Member,
    step: int | str,
    status: str,
    note: str,
    evidence: dict | None = None,
) -> MemberStep | None:
    """A coordinator (or the secretariat) sets a step's status by hand, with a note.

    The note is required and audited. Marking a step with the status it already has changes
    nothing (no audit event); ``not_started`` removes the step's row. Counters and
    ``furthest_step`` follow in the same transaction. Raises DomainError or PermissionDenied.
    """
    _require_coordinator_of(actor, member.community)
    number = _step_number(step)
    errors = _FieldErrors()
    if status not in MemberStep.Status.values:
        errors.add("status", _("Status tidak dikenal."))
    note = " ".join((note or "").split())[:500]
    if not note:
        errors.add("note", _("Catatan wajib diisi."))
    item = _clean_evidence(evidence) if evidence else None
    errors.raise_if_any()
    given, member = member, Member.objects.select_for_update().get(pk=member.pk)
    row = MemberStep.objects.filter(member=member, step=number).first()
    current = row.status if row else MemberStep.Status.NOT_STARTED
    if current == status:
        return row
    keys = None
    if item is not None:
        keys = list(row.evidence_keys) if row else []
        key = f"{item['kind']}:{item['id']}"
        if key not in keys:
            keys = [*keys, key][-_EVIDENCE_KEYS_KEPT:]
    saved, _old = _change_step(
        member,
        number,
        status=status,
        at=timezone.now(),
        source=MemberStep.Source.COORDINATOR,
        by=actor,
        evidence=item if item is not None else (None if row else {}),
        evidence_keys=keys,
        note=note,
    )
    given.furthest_step = member.furthest_step
    audit_record(
        actor=actor,
        action=Action.STATUS,
        obj=member,
        reason=note,
        changes={"step": step_defs.STEP_BY_NUMBER[number].code, "status": [current, status]},
    )
    return saved


def member_reveal_nik(*, actor: Any, member: Member, reason: str) -> str:
    """Return the full NIK and record who saw it and why.

    Only the secretariat and the member's own coordinators may, always with a reason.
    """
    if not (reason or "").strip():
        raise DomainError(
            "reason_required",
            _("Tuliskan alasan membuka NIK lengkap."),
            fields={"reason": [_("Alasan wajib diisi.")]},
        )
    _require_coordinator_of(actor, member.community)
    audit_record(actor=actor, action=Action.VIEW_NIK, obj=member, reason=reason.strip())
    return nik_decrypt(member.nik_ciphertext)


# A coordinator looking up the people in front of them: 30 in 10 minutes is plenty, and stops
# a script from testing NIKs one after another (each costs a request and leaves an event).
NIK_SEARCH_LIMIT = 30
NIK_SEARCH_WINDOW_SECONDS = 10 * 60


@transaction.atomic
def member_nik_search(*, actor: Any, nik: str, via: str = "web") -> Member | None:
    """Find the member with this NIK among those the actor may see (None: not found or not
    the actor's to see, the two alike) and record the search (``nik_search``) with the NIK
    masked, whether it found someone or not.

    The search is looked up by keyed hash only and never put in a URL by the callers. Raises
    DomainError ``nik_invalid`` (no search, nothing counted) when ``nik`` is not 16 digits, and
    ``Throttled`` (429) past ``NIK_SEARCH_LIMIT`` searches of the actor in
    ``NIK_SEARCH_WINDOW_SECONDS``.
    """
    digits = search_nik(nik)
    if digits is None:
        message = _("NIK terdiri dari 16 angka.")
        raise DomainError("nik_invalid", message, fields={"nik": [message]})
    subject = f"user:{getattr(actor, 'pk', None)}"
    if not rate_limit_take(
        "nik-search", subject, limit=NIK_SEARCH_LIMIT, window_seconds=NIK_SEARCH_WINDOW_SECONDS
    ):
        raise Throttled(
            _(
                "Terlalu banyak pencarian NIK: paling banyak %(limit)s dalam %(minutes)s menit. "
                "Coba lagi nanti."
            )
            % {"limit": NIK_SEARCH_LIMIT, "minutes": NIK_SEARCH_WINDOW_SECONDS // 60}
        )
    found = member_find_by_nik(actor=actor, nik=digits)
    audit_record(
        actor=actor,
        action=Action.NIK_SEARCH,
        obj=found,
        object_type=Member._meta.label_lower,
        changes={"nik": nik_mask(digits), "found": found is not None, "via": via},
    )
    return found


@transaction.atomic
def member_self_register(
    *,
    community: Community,
    full_name: str,
    nik: str,
    phone: str,
    password: str,
    birth_date: dt.date | None = None,
    sex: str | None = None,
    email: str = "",
    consent: bool,
    client_address: str | None = None,
) -> Member | None:
    """A person signs up on their phone: a pending member of the chosen community.

    They log in with their phone number once the coordinator approves. Consent is required;
    the password must pass Django's validators (AUTH_PASSWORD_VALIDATORS), compared with the
    name and phone number too. Invalid input raises DomainError field by field.

    Whether a NIK or phone number is registered is never told: such a sign-up returns None,
    creates nothing, spends the same password hashing as a new one, and leaves an audit event
    on the existing member or login so its coordinator or the secretariat can follow up.
    ``client_address`` (the page passes it) may send ``PENGGERAK_SIGNUP_MAX_PER_ADDRESS``
    accepted sign-ups per window; past that, Throttled (429) before anything is checked.
    """
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db.models import Q

    from penggerak.accounts import throttle

    if throttle.signup_is_limited(client_address):
        raise Throttled(throttle.signup_limited_message())
    errors = _FieldErrors()
    # Every field is checked before anything is reported, so one try shows every problem.
    name = " ".join((full_name or "").split())
    if not name:
        errors.add("full_name", _("Nama lengkap wajib diisi."))
    nik_result = _check_nik(errors, nik, birth_date=birth_date, sex=sex)
    if not consent:
        errors.add("consent", _("Persetujuan pemrosesan data wajib dicentang."))
    phone_result = validate_phone(phone or "")
    if not phone_result.valid:
        for issue in phone_result.errors:
            errors.add("phone", issue.message)
    phone_e164 = phone_result.normalized or ""
    user = User(
        username=phone_e164,
        phone=phone_e164,
        role=Role.MEMBER,
        is_active=False,
        first_name=name[:150],
        email=email or "",
    )
    try:
        validate_password(password or "", user)
    except ValidationError as error:
        for message in error.messages:
            errors.add("password", message)
    if community.status != Community.Status.ACTIVE:
        errors.add("community", _("Komunitas ini belum menerima pendaftaran."))
    errors.raise_if_any()

    throttle.signup_counted(client_address)
    # Hashed before the duplicate check, so a known NIK or phone answers no faster.
    user.set_password(password)
    digest = nik_digest(nik_result.normalized or "")
    existing_member = Member.objects.filter(nik_digest=digest).first()
    existing_user = User.objects.filter(Q(phone=phone_e164) | Q(username=phone_e164)).first()
    if existing_member is None and existing_user is None:
        try:
            with transaction.atomic():
                user.save()
                return member_register(
                    actor=None,
                    community=community,
                    full_name=full_name,
                    nik=nik,
                    birth_date=birth_date,
                    sex=sex,
                    phone=phone_e164,
                    email=email,
                    consent=True,
                    status=Member.Status.PENDING,
                    user=user,
                )
        except IntegrityError:
            pass  # the phone was taken in the meantime
        except DomainError as error:
            if error.code != "nik_duplicate":
                raise
        existing_member = Member.objects.filter(nik_digest=digest).first()
        existing_user = User.objects.filter(Q(phone=phone_e164) | Q(username=phone_e164)).first()
    changes = {"self_signup": "duplicate", "community": community.slug}
    if existing_member is not None:
        audit_record(
            actor=None,
            action=Action.CREATE,
            obj=existing_member,
            reason="Pendaftaran mandiri ditolak: NIK sudah terdaftar; tidak ada data baru",
            changes=changes,
        )
    if existing_user is not None:
        audit_record(
            actor=None,
            action=Action.CREATE,
            obj=existing_user,
            reason="Pendaftaran mandiri ditolak: nomor HP sudah terdaftar; tidak ada data baru",
            changes=changes,
        )
    return None


# --- Communities -------------------------------------------------------------------------


def _unique_slug(model: Any, base: str) -> str:
    base = slugify(base)[:70] or "komunitas"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def community_create(
    *,
    actor: Any,
    name: str,
    regency_code: str,
    slug: str = "",
    founded_on: dt.date | None = None,
    status: str = Community.Status.ACTIVE,
) -> Community:
    """The secretariat registers a community in a current regency/city. Raises DomainError."""
    access.ensure(access.is_secretariat(actor))
    errors = _FieldErrors()
    name = " ".join((name or "").split())
    if not name:
        errors.add("name", _("Nama komunitas wajib diisi."))
    regency = Region.objects.filter(
        code=(regency_code or "").strip(), level=RegionLevel.REGENCY, is_current=True
    ).first()
    if regency is None:
        errors.add("regency", _("Kabupaten/kota tidak dikenal."))
    elif actor.province_id and not regency.code.startswith(actor.province_id):
        errors.add("regency", _("Kabupaten/kota di luar provinsi Anda."))
    slug = slugify(slug or "")
    if slug and Community.objects.filter(slug=slug).exists():
        errors.add("slug", _("Kode komunitas ini sudah dipakai."))
    if status not in Community.Status.values:
        errors.add("status", _("Status tidak dikenal."))
    errors.raise_if_any()
    assert regency is not None  # raise_if_any() returned, so the regency was found
    community = Community.objects.create(
        name=name,
        slug=slug or _unique_slug(Community, name),
        regency=regency,
        founded_on=founded_on,
        status=status,
    )
    audit_record(actor=actor, action=Action.CREATE, obj=community)
    signals.community_created.send(sender=Community, community=community)
    return community


@transaction.atomic
def community_add_coordinator(*, actor: Any, community: Community, user: User) -> None:
    """Make ``user`` a coordinator of ``community`` (their role becomes coordinator)."""
    access.ensure(access.is_secretariat(actor))
    if user.role not in (Role.COORDINATOR, Role.MEMBER):
        raise DomainError("role_conflict", _("Pengguna ini sudah memiliki peran lain."))
    if user.role != Role.COORDINATOR:
        user.role = Role.COORDINATOR
        user.save(update_fields=["role"])
    community.coordinators.add(user)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=community,
        changes={"coordinator_added": user.get_username()},
    )


# --- Businesses --------------------------------------------------------------------------

# PP 7/2021: capital excluding land and buildings, and annual sales. When the two criteria
# disagree, the higher class applies (a grown business is no longer "micro").
_CAPITAL_LIMITS = ((1_000_000_000, "micro"), (5_000_000_000, "small"), (10_000_000_000, "medium"))
_ANNUAL_SALES_LIMITS = (
    (2_000_000_000, "micro"),
    (15_000_000_000, "small"),
    (50_000_000_000, "medium"),
)
_SIZE_ORDER = ["micro", "small", "medium", "large"]


def business_size_class(*, capital: int, monthly_turnover: int) -> str:
    """Size class per PP 7/2021 from capital and annual sales (12 x monthly turnover)."""

    def by(limits: tuple, amount: int) -> str:
        for limit, size in limits:
            if amount <= limit:
                return size
        return "large"

    by_capital = by(_CAPITAL_LIMITS, capital)
    by_sales = by(_ANNUAL_SALES_LIMITS, monthly_turnover * 12)
    return max(by_capital, by_sales, key=_SIZE_ORDER.index)


@transaction.atomic
def business_create(
    *,
    actor: Any,
    owner: Member,
    name: str,
    sector: str,
    kbli_code: str = "",
    kbli_edition: int | None = None,
    nib: str = "",
    npwp: str = "",
    employees: int = 0,
    monthly_turnover: int = 0,
    capital: int = 0,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Business:
    """Add a business to a member; identifiers are validated, the size class is derived."""
    if not (actor is not None and owner.user_id and actor.pk == owner.user_id):
        _require_coordinator_of(actor, owner.community)
    errors = _FieldErrors()
    name = " ".join((name or "").split())
    if not name:
        errors.add("name", _("Nama usaha wajib diisi."))
    if sector not in Business.Sector.values:
        errors.add("sector", _("Sektor tidak dikenal."))
    cleaned: dict[str, Any] = {}
    check: Any
    for field, value, check in (("nib", nib, validate_nib), ("npwp", npwp, validate_npwp)):
        if value and value.strip():
            result = check(value)
            if result.valid:
                cleaned[field] = result.normalized
            else:
                for issue in result.errors:
                    errors.add(field, issue.message)
    if kbli_code and kbli_code.strip():
        result = validate_kbli(kbli_code, edition=kbli_edition or 2020)
        if result.valid:
            cleaned["kbli_code"] = result.normalized
            cleaned["kbli_edition"] = kbli_edition or 2020
        else:
            for issue in result.errors:
                errors.add("kbli_code", issue.message)
    amount: int | None
    for field, amount in (
        ("employees", employees),
        ("monthly_turnover", monthly_turnover),
        ("capital", capital),
    ):
        if amount is None or amount < 0:
            errors.add(field, _("Tidak boleh negatif."))
    if (latitude is None) != (longitude is None):
        errors.add("latitude", _("Isi lintang dan bujur bersama-sama."))
    elif (
        latitude is not None
        and longitude is not None
        and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
    ):
        errors.add("latitude", _("Koordinat di luar jangkauan."))
    errors.raise_if_any()
    business = Business.objects.create(
        owner=owner,
        name=name,
        sector=sector,
        employees=employees,
        monthly_turnover=monthly_turnover,
        capital=capital,
        size_class=business_size_class(capital=capital, monthly_turnover=monthly_turnover),
        latitude=latitude,
        longitude=longitude,
        **cleaned,
    )
    audit_record(actor=actor, action=Action.CREATE, obj=business, changes={"owner": owner.pk})
    signals.business_changed.send(sender=Business, business=business, old_employees=0)
    return business


# --- Partners ----------------------------------------------------------------------------


@transaction.atomic
def partner_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    region_code: str | None = None,
    website: str = "",
    slug: str = "",
) -> Partner:
    """The secretariat registers a partner organisation. Raises DomainError."""
    access.ensure(access.is_secretariat(actor))
    errors = _FieldErrors()
    name = " ".join((name or "").split())
    if not name:
        errors.add("name", _("Nama mitra wajib diisi."))
    if kind not in Partner.Kind.values:
        errors.add("kind", _("Jenis mitra tidak dikenal."))
    region = None
    if region_code:
        region = Region.objects.filter(code=region_code.strip(), is_current=True).first()
        if region is None:
            errors.add("region", _("Wilayah tidak dikenal."))
    slug = slugify(slug or "")
    if slug and Partner.objects.filter(slug=slug).exists():
        errors.add("slug", _("Kode mitra ini sudah dipakai."))
    errors.raise_if_any()
    partner = Partner.objects.create(
        name=name,
        kind=kind,
        region=region,
        website=website,
        slug=slug or _unique_slug(Partner, name),
    )
    audit_record(actor=actor, action=Action.CREATE, obj=partner)
    signals.partner_created.send(sender=Partner, partner=partner)
    return partner


@transaction.atomic
def partner_add_contact(
    *, actor: Any, partner: Partner, name: str, position: str = "", phone: str = "", email: str = ""
) -> PartnerContact:
    """Add a contact person to a partner; phone and email are validated."""
    access.ensure(access.is_secretariat(actor))
    errors = _FieldErrors()
    if not (name or "").strip():
        errors.add("name", _("Nama kontak wajib diisi."))
    cleaned = _clean_person_fields(errors, phone=phone, email=email)
    errors.raise_if_any()
    contact = PartnerContact.objects.create(
        partner=partner, name=name.strip(), position=position.strip(), **cleaned
    )
    audit_record(actor=actor, action=Action.UPDATE, obj=partner, changes={"contact": name})
    return contact


@transaction.atomic
def agreement_create(
    *,
    actor: Any,
    partner: Partner,
    number: str,
    title: str,
    signed_on: dt.date,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    scope: str = "",
) -> Agreement:
    """Record an MoU with a partner; numbers are unique per partner and dates ordered."""
    access.ensure(access.is_secretariat(actor))
    errors = _FieldErrors()
    if not (number or "").strip():
        errors.add("number", _("Nomor MoU wajib diisi."))
    elif Agreement.objects.filter(partner=partner, number=number.strip()).exists():
        errors.add("number", _("Nomor MoU ini sudah tercatat untuk mitra ini."))
    if not (title or "").strip():
        errors.add("title", _("Judul wajib diisi."))
    if ends_on and ends_on < starts_on:
        errors.add("ends_on", _("Tanggal berakhir tidak boleh sebelum tanggal mulai."))
    errors.raise_if_any()
    agreement = Agreement.objects.create(
        partner=partner,
        number=number.strip(),
        title=title.strip(),
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
        scope=scope.strip(),
    )
    audit_record(actor=actor, action=Action.CREATE, obj=agreement)
    return agreement


def nik_lookup_digest(nik: str) -> bytes:
    """Digest of a NIK as typed (separators allowed), for lookups by other apps."""
    return nik_digest(normalize_nik(nik))


# --- Business identifiers kept in sync by other apps -------------------------------------


@transaction.atomic
def business_set_nib(*, actor: Any, business: Business, nib: str) -> Business:
    """Set a business's NIB (the permits app calls this when an NIB permit is issued).

    Allowed to the owner member, the secretariat in scope and the community's coordinators.
    Raises DomainError for a malformed NIB, PermissionDenied otherwise.
    """
    if not (actor is not None and business.owner.user_id and actor.pk == business.owner.user_id):
        _require_coordinator_of(actor, business.owner.community)
    result = validate_nib(nib)
    if not result.valid:
        message = result.errors[0].message
        raise DomainError("validation_error", message, fields={"nib": [message]})
    normalized = result.normalized or ""
    if business.nib != normalized:
        old = business.nib
        business.nib = normalized
        business.save(update_fields=["nib"])
        audit_record(
            actor=actor, action=Action.UPDATE, obj=business, changes={"nib": [old, business.nib]}
        )
    return business

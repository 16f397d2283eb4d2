"""Writes of permits and checklist responses. Every public function is atomic and audited.

Every field is validated first and all problems are raised together in one ``DomainError``,
so nothing is half-saved. Writers: the secretariat (in scope), the business's community
coordinators and the owner member; anyone else gets ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from penggerak.accounts import access
from penggerak.core.audit import audit_record, audit_record_many
from penggerak.core.errors import DomainError, PermissionDenied
from penggerak.core.models import AuditEvent
from penggerak.permits.models import (
    ChecklistResponse,
    ChecklistTemplate,
    Permit,
    PermitKind,
    PermitStatus,
)
from penggerak.permits.validators import validate_permit_number
from penggerak.registry.models import Business
from penggerak.registry.selectors import communities_visible_to
from penggerak.registry.services import business_set_nib, member_step_record_evidence

Action = AuditEvent.Action
S = PermitStatus

# Which status may follow which. A permit is often recorded after the fact, so a new one may
# start planned, submitted or already issued; "expired" is reached by date (the daily job) or
# by hand, and a rejected or expired permit is submitted again.
TRANSITIONS: dict[str | None, set[str]] = {
    None: {S.PLANNED, S.SUBMITTED, S.ISSUED},
    S.PLANNED: {S.SUBMITTED, S.ISSUED},
    S.SUBMITTED: {S.ISSUED, S.REJECTED},
    S.ISSUED: {S.EXPIRED},
    S.REJECTED: {S.SUBMITTED},
    S.EXPIRED: {S.SUBMITTED},
}

DEFAULT_ISSUERS: dict[str, str] = {
    PermitKind.NIB: "OSS RBA (Kementerian Investasi/BKPM)",
    PermitKind.PIRT: "Dinas Kesehatan Kabupaten/Kota",
    PermitKind.HALAL: "BPJPH Kementerian Agama",
    PermitKind.SNI: "Lembaga Sertifikasi Produk (LSPro)",
    PermitKind.BPOM: "Badan POM",
    PermitKind.CHSE: "Kementerian Pariwisata dan Ekonomi Kreatif",
}

DOCUMENT_TYPES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}

EDITABLE = (
    "status",
    "number",
    "halal_route",
    "issuer",
    "submitted_on",
    "issued_on",
    "expires_on",
    "note",
)


def document_max_bytes() -> int:
    return int(getattr(settings, "PERMIT_DOCUMENT_MAX_BYTES", 5 * 1024 * 1024))


class _FieldErrors:
    def __init__(self) -> None:
        self.fields: dict[str, list] = {}

    def add(self, field: str, message: Any) -> None:
        self.fields.setdefault(field, []).append(message)

    def raise_if_any(self, code: str = "validation_error") -> None:
        if self.fields:
            raise DomainError(code, _("Periksa kembali isian yang ditandai."), fields=self.fields)


def may_write(actor: Any, business: Business) -> bool:
    """The owner member, or the secretariat/coordinators of the owner's community."""
    if not access.is_signed_in(actor):
        return False
    if business.owner.user_id and business.owner.user_id == actor.pk:
        return True
    if not (access.is_secretariat(actor) or access.is_coordinator(actor)):
        return False
    return communities_visible_to(actor).filter(pk=business.owner.community_id).exists()


def _require_writer(actor: Any, business: Business) -> None:
    if not may_write(actor, business):
        raise PermissionDenied()


def _system_or_staff(actor: Any) -> Any:
    # The registry's step rules accept staff actors; a member's own permit fires its rule as
    # the system (the permit's own audit event names the member).
    return actor if access.is_secretariat(actor) or access.is_coordinator(actor) else None


def _check_document(errors: _FieldErrors, document: UploadedFile) -> None:
    """PDF, JPG or PNG, by extension and by the file's first bytes, within the size limit."""
    name = (document.name or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    limit = document_max_bytes()
    if document.size is None or document.size > limit:
        errors.add(
            "document",
            _("Berkas terlalu besar: paling besar %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
        )
        return
    if document.size == 0:
        errors.add("document", _("Berkas kosong."))
        return
    signatures = DOCUMENT_TYPES.get(extension)
    document.seek(0)
    head = document.read(8)
    document.seek(0)
    if signatures is None or not any(head.startswith(sig) for sig in signatures):
        errors.add("document", _("Dokumen harus berupa PDF, JPG atau PNG."))


def _clean(
    errors: _FieldErrors, *, kind: str, values: dict[str, Any], today: dt.date
) -> dict[str, Any]:
    """Validate the permit's final state; returns the normalized values."""
    cleaned = dict(values)
    status = values["status"]
    number = (values.get("number") or "").strip()
    if number:
        normalized, message = validate_permit_number(kind, number)
        if message:
            errors.add("number", message)
        cleaned["number"] = normalized or number
    elif status == S.ISSUED:
        errors.add("number", _("Izin yang terbit harus punya nomor."))
    route = values.get("halal_route") or ""
    if route and kind != PermitKind.HALAL:
        errors.add("halal_route", _("Jalur halal hanya untuk sertifikat halal."))
    elif route and route not in Permit.HalalRoute.values:
        errors.add("halal_route", _("Jalur halal tidak dikenal."))
    for field, limit in (("issuer", 150), ("note", 500)):
        text = " ".join(str(values.get(field) or "").split())
        if len(text) > limit:
            errors.add(field, _("Paling panjang %(max)d karakter.") % {"max": limit})
        if "\x00" in text:
            errors.add(field, _("Berisi karakter yang tidak sah."))
        cleaned[field] = text
    for field in ("submitted_on", "issued_on"):
        day = values.get(field)
        if day is not None and day > today:
            errors.add(field, _("Tanggal tidak boleh di masa depan."))
    submitted, issued, expires = (
        values.get("submitted_on"),
        values.get("issued_on"),
        values.get("expires_on"),
    )
    if status in (S.ISSUED, S.EXPIRED) and issued is None:
        errors.add("issued_on", _("Isi tanggal terbit."))
    if submitted and issued and issued < submitted:
        errors.add("issued_on", _("Tanggal terbit tidak boleh sebelum tanggal pengajuan."))
    if issued and expires and expires <= issued:
        errors.add("expires_on", _("Tanggal berlaku sampai harus setelah tanggal terbit."))
    if status == S.ISSUED and expires and expires < today:
        errors.add("expires_on", _("Masa berlaku sudah lewat: catat izin ini sebagai kedaluwarsa."))
    if not cleaned["issuer"]:
        cleaned["issuer"] = DEFAULT_ISSUERS.get(kind, "")
    return cleaned


def _check_transition(errors: _FieldErrors, old: str | None, new: str) -> None:
    if new not in S.values:
        errors.add("status", _("Status tidak dikenal."))
    elif new != old and new not in TRANSITIONS[old]:
        labels: dict[str, Any] = dict(S.choices)
        errors.add(
            "status",
            _('Status tidak bisa diubah dari "%(old)s" menjadi "%(new)s".')
            % {"old": labels.get(old or "", "—"), "new": labels[new]},
        )


def _fill_dates(values: dict[str, Any], old: str | None, today: dt.date) -> None:
    # Moving into a status stamps its date unless the user gave one.
    if values["status"] == S.SUBMITTED and old != S.SUBMITTED and not values.get("submitted_on"):
        values["submitted_on"] = today
    if values["status"] == S.ISSUED and old != S.ISSUED and not values.get("issued_on"):
        values["issued_on"] = today


def _on_issued(actor: Any, permit: Permit) -> None:
    """An issued permit is evidence for the licensing step; an NIB also sets Business.nib."""
    business = permit.business
    label = f"{permit.get_kind_display()} {permit.number}".strip()
    member_step_record_evidence(
        actor=_system_or_staff(actor),
        member=business.owner,
        step="licensing",
        evidence={"kind": permit.kind, "id": str(permit.pk), "label": label},
    )
    if permit.kind == PermitKind.NIB and business.nib != permit.number:
        business_set_nib(actor=actor, business=business, nib=permit.number)


@transaction.atomic
def permit_create(
    *,
    actor: Any,
    business: Business,
    kind: str,
    status: str = S.PLANNED,
    number: str = "",
    halal_route: str = "",
    issuer: str = "",
    submitted_on: dt.date | None = None,
    issued_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    note: str = "",
    document: UploadedFile | None = None,
) -> Permit:
    """Record a permit of a business (planned, submitted or already issued).

    The number is checked against its kind's format; an issued permit needs a number and an
    issue date, and fires the licensing step rule in this transaction. Raises DomainError
    (all field problems at once) or PermissionDenied.
    """
    _require_writer(actor, business)
    errors = _FieldErrors()
    today = timezone.localdate()
    if kind not in PermitKind.values:
        errors.add("kind", _("Jenis izin tidak dikenal."))
        errors.raise_if_any()
    values = {
        "status": status,
        "number": number,
        "halal_route": halal_route,
        "issuer": issuer,
        "submitted_on": submitted_on,
        "issued_on": issued_on,
        "expires_on": expires_on,
        "note": note,
    }
    _check_transition(errors, None, status)
    errors.raise_if_any("invalid_transition")
    _fill_dates(values, None, today)
    cleaned = _clean(errors, kind=kind, values=values, today=today)
    if document is not None:
        _check_document(errors, document)
    errors.raise_if_any()
    permit = Permit(business=business, kind=kind, **cleaned)
    if document is not None:
        permit.document.save(document.name or "document", document, save=False)
    permit.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=permit,
        changes={"business": business.pk, "kind": kind, "status": permit.status},
    )
    if permit.status == S.ISSUED:
        _on_issued(actor, permit)
    return permit


@transaction.atomic
def permit_update(
    *, actor: Any, permit: Permit, document: UploadedFile | None = None, **changes: Any
) -> Permit:
    """Change a permit's fields or status (only along ``TRANSITIONS``) and/or its document.

    Moving to submitted or issued stamps today's date unless one is given. Issuing fires the
    licensing step rule (and keeps ``Business.nib`` in sync for an NIB). Raises DomainError
    (``invalid_transition`` for an illegal status jump, ``validation_error`` otherwise) or
    PermissionDenied.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise DomainError(
            "validation_error",
            _("Isian tidak dikenal."),
            fields={name: [_("Isian tidak dikenal.")] for name in sorted(unknown)},
        )
    permit = Permit.objects.select_for_update().select_related("business__owner").get(pk=permit.pk)
    _require_writer(actor, permit.business)
    errors = _FieldErrors()
    today = timezone.localdate()
    old_status = permit.status
    values = {field: getattr(permit, field) for field in EDITABLE}
    values.update(changes)
    _check_transition(errors, old_status, values["status"])
    errors.raise_if_any("invalid_transition")
    _fill_dates(values, old_status, today)
    cleaned = _clean(errors, kind=permit.kind, values=values, today=today)
    if document is not None:
        _check_document(errors, document)
    errors.raise_if_any()
    diff = {
        field: [str(getattr(permit, field) or ""), str(value or "")]
        for field, value in cleaned.items()
        if getattr(permit, field) != value
    }
    for field, value in cleaned.items():
        setattr(permit, field, value)
    if document is not None:
        old_document = permit.document.name
        permit.document.save(document.name or "document", document, save=False)
        diff["document"] = [old_document or "", permit.document.name or ""]
    if not diff:
        return permit
    permit.save()
    audit_record(
        actor=actor,
        action=Action.STATUS if "status" in diff else Action.UPDATE,
        obj=permit,
        changes=diff,
    )
    if permit.status == S.ISSUED and old_status != S.ISSUED:
        _on_issued(actor, permit)
    elif permit.status == S.ISSUED and permit.kind == PermitKind.NIB and "number" in diff:
        business_set_nib(actor=actor, business=permit.business, nib=permit.number)
    return permit


# --- Checklists ----------------------------------------------------------------------------

_YNP = {"yes": Decimal(1), "partial": Decimal("0.5"), "no": Decimal(0)}
_SCORE_MAX = 4


def _answer_fraction(answer_type: str, value: Any) -> Decimal | None:
    if answer_type == "ynp":
        return _YNP.get(str(value)) if isinstance(value, str) else None
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 0 <= value <= _SCORE_MAX:
        return Decimal(value) / _SCORE_MAX
    return None


def checklist_score(template: ChecklistTemplate, answers: dict[str, Any]) -> dict[str, Any]:
    """Score answers against a template (pass one from ``checklist_template_get``).

    Yes = 1, partial = 1/2, no = 0; a 0-4 score counts as score/4. The score is the weighted
    mean in percent, one decimal; the result is ready at or above ``ready_threshold``, almost
    at or above ``almost_threshold``, otherwise not ready. ``to_fix`` lists every item not
    fully met, heaviest first. Raises DomainError naming each missing or invalid answer.
    """
    errors = _FieldErrors()
    total = Decimal(0)
    earned = Decimal(0)
    cleaned: dict[str, Any] = {}
    to_fix = []
    known = set()
    for section in template.sections.all():
        for item in section.items.all():
            known.add(item.code)
            value = answers.get(item.code)
            if value is None or value == "":
                errors.add(item.code, _("Pertanyaan ini belum dijawab."))
                continue
            fraction = _answer_fraction(item.answer_type, value)
            if fraction is None:
                errors.add(
                    item.code,
                    _("Jawaban harus ya, sebagian atau tidak.")
                    if item.answer_type == "ynp"
                    else _("Skor harus bilangan bulat 0 sampai 4."),
                )
                continue
            cleaned[item.code] = value if item.answer_type == "ynp" else int(value)
            total += item.weight
            earned += item.weight * fraction
            if fraction < 1:
                to_fix.append(
                    {
                        "code": item.code,
                        "section": section.title,
                        "text": item.text,
                        "weight": item.weight,
                        "answer": cleaned[item.code],
                    }
                )
    for extra in sorted(set(answers) - known)[:20]:
        errors.add(str(extra)[:40], _("Pertanyaan ini tidak ada di daftar periksa."))
    errors.raise_if_any()
    score = (earned * 100 / total).quantize(Decimal("0.1"), ROUND_HALF_UP) if total else Decimal(0)
    if score >= template.ready_threshold:
        result = ChecklistResponse.Result.READY
    elif score >= template.almost_threshold:
        result = ChecklistResponse.Result.ALMOST
    else:
        result = ChecklistResponse.Result.NOT_READY
    to_fix.sort(key=lambda row: -row["weight"])
    return {"answers": cleaned, "score": score, "result": result, "to_fix": to_fix}


@transaction.atomic
def checklist_response_submit(
    *, actor: Any, business: Business, template: ChecklistTemplate, answers: dict[str, Any]
) -> ChecklistResponse:
    """Keep a new scored response of a business to a checklist (earlier ones stay: history).

    Filled by the owner member or a coordinator/secretariat in scope. Raises DomainError for
    missing or invalid answers, PermissionDenied for anyone else.
    """
    _require_writer(actor, business)
    if not isinstance(answers, dict):
        raise DomainError("validation_error", _("Jawaban tidak valid."))
    scored = checklist_score(template, answers)
    response = ChecklistResponse.objects.create(
        template=template, business=business, filled_by=actor, **scored
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=response,
        changes={"business": business.pk, "template": template.code, "score": str(scored["score"])},
    )
    return response


# --- Expiry (the daily job) ----------------------------------------------------------------

REMINDER_DAYS = (7, 30, 60)
_BATCH = 1000


@transaction.atomic
def _expire_batch(today: dt.date) -> int:
    ids = list(
        Permit.objects.filter(status=S.ISSUED, expires_on__lt=today)
        .order_by("status", "expires_on")
        .values_list("pk", flat=True)[:_BATCH]
    )
    if ids:
        Permit.objects.filter(pk__in=ids).update(status=S.EXPIRED, updated_at=timezone.now())
        audit_record_many(
            actor=None,
            action=Action.STATUS,
            objects=[Permit(pk=pk) for pk in ids],
            reason="expired: past its validity date",
        )
    return len(ids)


def permits_expire_due(*, today: dt.date | None = None) -> int:
    """Mark issued permits whose validity ended before ``today`` expired; how many.

    Set-based: one UPDATE per batch of 1,000 along the (status, expires_on) index, each batch
    its own transaction so a national run never holds a long lock.
    """
    today = today or timezone.localdate()
    total = 0
    while count := _expire_batch(today):
        total += count
    return total


def _reminder_threshold(days_left: int) -> int:
    return next(days for days in REMINDER_DAYS if days_left <= days)


def permits_send_expiry_reminders(*, today: dt.date | None = None) -> int:
    """Tell the owner member's user and the community coordinators that a permit expires in
    60, 30 or 7 days; how many notifications were created.

    Only issued permits expiring within 60 days are read, in keyset batches over the
    (status, expires_on) index. Each reminder is keyed by permit, expiry date and threshold,
    so running the job twice (or a day late) sends nothing twice; a permit first seen with 5
    days left gets only the 7-day reminder.
    """
    from django.urls import reverse

    from penggerak.core.notifications import notify
    from penggerak.registry.models import Community

    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=max(REMINDER_DAYS))
    created = 0
    last: tuple[dt.date, int] | None = None
    coordinators_through = Community.coordinators.through
    while True:
        batch = Permit.objects.filter(
            status=S.ISSUED, expires_on__gte=today, expires_on__lte=horizon
        )
        if last is not None:
            batch = batch.filter(Q(expires_on__gt=last[0]) | Q(expires_on=last[0], pk__gt=last[1]))
        rows = list(
            batch.select_related("business__owner__user").order_by("expires_on", "pk")[:_BATCH]
        )
        if not rows:
            return created
        last = (rows[-1].expires_on or today, rows[-1].pk)
        community_ids = {permit.business.owner.community_id for permit in rows}
        coordinators: dict[int, list[int]] = {}
        for community_id, user_id in coordinators_through.objects.filter(
            community_id__in=community_ids
        ).values_list("community_id", "user_id"):
            coordinators.setdefault(community_id, []).append(user_id)
        users = {
            user.pk: user
            for user in get_user_model().objects.filter(
                pk__in={uid for uids in coordinators.values() for uid in uids}, is_active=True
            )
        }
        for permit in rows:
            assert permit.expires_on is not None
            days_left = (permit.expires_on - today).days
            threshold = _reminder_threshold(days_left)
            owner = permit.business.owner
            recipients = [
                users[uid] for uid in coordinators.get(owner.community_id, []) if uid in users
            ]
            if owner.user is not None and owner.user.is_active:
                recipients.append(owner.user)
            title = _("%(kind)s %(business)s berakhir dalam %(days)d hari") % {
                "kind": permit.get_kind_display(),
                "business": permit.business.name,
                "days": days_left,
            }
            body = _("Berlaku sampai %(date)s. Ajukan perpanjangan sebelum masa berlaku habis.") % {
                "date": permit.expires_on.strftime("%d-%m-%Y")
            }
            url = reverse("permits:business_permits", args=[permit.business_id])
            key = f"permit-expiry:{permit.pk}:{permit.expires_on.isoformat()}:{threshold}"
            for user in recipients:
                _notification, was_created = notify(
                    user=user,
                    kind="permit_expiry",
                    key=key,
                    title=str(title),
                    body=str(body),
                    url=url,
                )
                created += was_created


def permits_expiry_run(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily job: expire what ended, then remind about what ends soon."""
    today = today or timezone.localdate()
    return {
        "expired": permits_expire_due(today=today),
        "reminders": permits_send_expiry_reminders(today=today),
    }

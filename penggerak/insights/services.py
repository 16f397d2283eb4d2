"""Writes of the insights app: the as-of date and targets. Atomic and audited."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from penggerak.core.audit import audit_record
from penggerak.core.errors import DomainError, NotFound, PermissionDenied
from penggerak.core.models import AuditEvent
from penggerak.insights import rollups
from penggerak.insights.asof import as_of_date
from penggerak.insights.metrics import METRICS
from penggerak.insights.models import InsightSettings, Target
from penggerak.insights.scopes import Scope, child_scopes, parse_scope

Action = AuditEvent.Action


def _require_secretariat(actor: Any, scope: Scope | None = None) -> None:
    """The secretariat sets targets; a provincial secretariat only inside its province."""
    if not (getattr(actor, "is_authenticated", False) and actor.is_secretariat):
        raise PermissionDenied()
    if scope is not None and actor.province_id and scope.province_code != actor.province_id:
        raise PermissionDenied(_("Cakupan ini di luar provinsi Anda."))


@transaction.atomic
def as_of_set(*, actor: Any, as_of: dt.date | None) -> InsightSettings:
    """The national secretariat sets the platform's as-of date (None: today)."""
    _require_secretariat(actor)
    if actor.province_id:
        raise PermissionDenied()
    row, _created = InsightSettings.objects.get_or_create(pk=1)
    old = row.as_of
    row.as_of = as_of
    row.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=row,
        changes={"as_of": [str(old or ""), str(as_of or "")]},
    )
    return row


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` by largest remainder: the parts add up
    to ``total`` exactly; ties go to the earlier child (stable)."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    quotas = [total * w / whole for w in weights]
    parts = [math.floor(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - quotas[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _clean_target(
    *, metric: str, scope: str, value: Any, deadline: Any
) -> tuple[Scope | None, dict[str, list]]:
    fields: dict[str, list] = {}
    if metric not in METRICS:
        fields.setdefault("metric", []).append(_("Metrik tidak dikenal."))
    found: Scope | None = None
    try:
        found = parse_scope(scope)
    except NotFound as missing:
        fields.setdefault("scope", []).append(missing.message)
    except DomainError as bad:
        fields.setdefault("scope", []).append(bad.message)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        fields.setdefault("value", []).append(
            _("Nilai target harus bilangan bulat lebih dari nol.")
        )
    if not isinstance(deadline, dt.date):
        fields.setdefault("deadline", []).append(_("Tenggat wajib diisi."))
    elif deadline <= as_of_date():
        fields.setdefault("deadline", []).append(
            _("Tenggat harus sesudah tanggal acuan %(as_of)s.") % {"as_of": as_of_date()}
        )
    return found, fields


@transaction.atomic
def target_set(*, actor: Any, metric: str, scope: str, value: int, deadline: dt.date) -> Target:
    """Set (or change) the target of ``metric`` in ``scope``. Secretariat only.

    Raises DomainError ``validation_error`` (unknown metric or scope, value not above zero,
    deadline not after the as-of date) or PermissionDenied.
    """
    _require_secretariat(actor)
    found, fields = _clean_target(metric=metric, scope=scope, value=value, deadline=deadline)
    if fields:
        raise DomainError("validation_error", _("Periksa kembali isian target."), fields=fields)
    assert found is not None
    _require_secretariat(actor, found if found.kind != "nation" else None)
    if found.kind == "nation" and actor.province_id:
        raise PermissionDenied(_("Cakupan ini di luar provinsi Anda."))
    target, created = Target.objects.update_or_create(
        scope=found.key,
        metric=metric,
        defaults={"value": value, "deadline": deadline, "set_by": actor},
    )
    audit_record(
        actor=actor,
        action=Action.CREATE if created else Action.UPDATE,
        obj=target,
        changes={"metric": metric, "scope": found.key, "value": value, "deadline": str(deadline)},
    )
    return target


@transaction.atomic
def target_cascade(
    *, actor: Any, target: Target, key: str, shares: dict[str, int] | None = None
) -> list[Target]:
    """Split a national target over the provinces, or a province's or regency's over its
    communities, by ``key``: ``equal``, ``members`` (current members of each child) or
    ``manual`` (``shares``: {child scope: value}, which must add up to the target).

    Largest-remainder rounding makes the children add up exactly; a child whose share is
    zero gets no target. Existing child targets of the same metric are replaced. Raises
    DomainError (``cannot_cascade``, ``unknown_key``, ``no_weights``, ``shares_mismatch``,
    ``validation_error``) or PermissionDenied.
    """
    parent = parse_scope(target.scope)
    _require_secretariat(actor, parent if parent.kind != "nation" else None)
    if parent.kind == "nation" and actor.province_id:
        raise PermissionDenied(_("Cakupan ini di luar provinsi Anda."))
    if target.deadline <= as_of_date():
        raise DomainError(
            "validation_error",
            _("Tenggat target ini sudah lewat; ubah tenggatnya dahulu."),
            fields={"deadline": [_("Tenggat harus sesudah tanggal acuan.")]},
        )
    children = child_scopes(parent)
    if not children:
        raise DomainError(
            "cannot_cascade", _("Target cakupan ini tidak dapat dibagi lebih lanjut.")
        )
    if key == Target.SplitKey.EQUAL:
        values = apportion(target.value, [1.0] * len(children))
    elif key == Target.SplitKey.MEMBERS:
        weights = rollups.totals([c.rollup_key for c in children], "members")
        values = apportion(target.value, [float(weights.get(c.rollup_key, 0)) for c in children])
        if not any(values):
            raise DomainError(
                "no_weights",
                _("Belum ada anggota di cakupan bawahannya; pilih pembagian lain."),
                fields={"key": [_("Belum ada anggota untuk dijadikan dasar pembagian.")]},
            )
    elif key == Target.SplitKey.MANUAL:
        values = _manual_values(target, children, shares or {})
    else:
        message = _("Kunci pembagian tidak dikenal: gunakan equal, members atau manual.")
        raise DomainError("unknown_key", message, fields={"key": [message]})
    keys = [c.key for c in children]
    Target.objects.filter(parent=target).exclude(scope__in=keys).delete()
    created: list[Target] = []
    for child, value in zip(children, values, strict=True):
        if value <= 0:
            Target.objects.filter(parent=target, scope=child.key).delete()
            continue
        row, _new = Target.objects.update_or_create(
            scope=child.key,
            metric=target.metric,
            defaults={
                "value": value,
                "deadline": target.deadline,
                "parent": target,
                "split_key": key,
                "set_by": actor,
            },
        )
        created.append(row)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=target,
        changes={"cascade": key, "children": {t.scope: t.value for t in created}},
    )
    return created


def _manual_values(target: Target, children: list[Scope], shares: dict[str, int]) -> list[int]:
    known = {c.key for c in children}
    fields: dict[str, list] = {}
    for scope, value in shares.items():
        if scope not in known:
            fields.setdefault(scope, []).append(_("Bukan cakupan bawahan target ini."))
        elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
            fields.setdefault(scope, []).append(_("Harus bilangan bulat, nol atau lebih."))
    if fields:
        raise DomainError("validation_error", _("Periksa kembali pembagian target."), fields=fields)
    total = sum(shares.values())
    if total != target.value:
        message = _("Pembagian berjumlah %(total)s, tidak sama dengan target %(target)s.") % {
            "total": total,
            "target": target.value,
        }
        raise DomainError("shares_mismatch", message, fields={"shares": [message]})
    return [shares.get(c.key, 0) for c in children]

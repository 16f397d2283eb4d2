"""Writes of the insights app: the as-of date and targets. Atomic and audited."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from penggerak.accounts import access
from penggerak.core.audit import audit_record
from penggerak.core.errors import DomainError, NotFound, PermissionDenied
from penggerak.core.models import AuditEvent
from penggerak.insights import rollups
from penggerak.insights.asof import as_of_date
from penggerak.insights.metrics import METRICS
from penggerak.insights.models import (
    InsightSettings,
    ReportRun,
    ReportSchedule,
    Target,
    UmkmPopulation,
)
from penggerak.insights.scopes import Scope, child_scopes, parse_scope

Action = AuditEvent.Action


def _require_scope_writer(actor: Any, scope: Scope | None = None) -> None:
    """The secretariat writes targets, schedules and figures; a provincial secretariat only
    inside its province (``scope`` None: no scope chosen yet)."""
    access.ensure(access.is_secretariat(actor))
    province = access.secretariat_province(actor)
    if scope is not None and province and scope.province_code != province:
        raise PermissionDenied(_("Cakupan ini di luar provinsi Anda."))


@transaction.atomic
def as_of_set(*, actor: Any, as_of: dt.date | None) -> InsightSettings:
    """The national secretariat sets the platform's as-of date (None: today)."""
    _require_scope_writer(actor)
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
    _require_scope_writer(actor)
    found, fields = _clean_target(metric=metric, scope=scope, value=value, deadline=deadline)
    if fields:
        raise DomainError("validation_error", _("Periksa kembali isian target."), fields=fields)
    assert found is not None
    _require_scope_writer(actor, found if found.kind != "nation" else None)
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
    ``manual`` (``shares``: {child scope: value}, which must add up to the target) or
    ``umkm`` (the recorded UMKM population: see ``_umkm_weights``).

    Largest-remainder rounding makes the children add up exactly; a child whose share is
    zero gets no target. Existing child targets of the same metric are replaced. Raises
    DomainError (``cannot_cascade``, ``unknown_key``, ``no_weights``, ``shares_mismatch``,
    ``validation_error``) or PermissionDenied.
    """
    parent = parse_scope(target.scope)
    _require_scope_writer(actor, parent if parent.kind != "nation" else None)
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
    elif key == Target.SplitKey.UMKM:
        values = apportion(target.value, _umkm_weights(parent, children))
    else:
        message = _("Kunci pembagian tidak dikenal: gunakan equal, members, umkm atau manual.")
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


def _umkm_weights(parent: Scope, children: list[Scope]) -> list[float]:
    """Weights of the ``umkm`` split from the recorded UMKM population figures.

    Nation -> provinces: each province's figure. Province or regency -> communities: the
    figure of the community's regency, shared equally by the communities of that regency
    under this target (communities have no population of their own). Raises DomainError
    ``missing_population`` naming every province or regency without a figure.
    """
    from penggerak.core.models import Region
    from penggerak.registry.models import Community

    if parent.kind == "nation":
        region_of = {c.key: c.code for c in children}
    else:
        regencies = dict(
            Community.objects.filter(pk__in=[c.community_id for c in children]).values_list(
                "pk", "regency_id"
            )
        )
        region_of = {
            c.key: regencies[c.community_id] for c in children if c.community_id is not None
        }
    codes = sorted(set(region_of.values()))
    figures = dict(
        UmkmPopulation.objects.filter(region_id__in=codes).values_list("region_id", "value")
    )
    missing = [code for code in codes if code not in figures]
    if missing:
        names = dict(Region.objects.filter(code__in=missing).values_list("code", "name"))
        listed = ", ".join(f"{names.get(code, code)} ({code})" for code in missing)
        message = _(
            "Belum ada jumlah UMKM untuk: %(regions)s. Catat dahulu, atau pilih pembagian lain."
        ) % {"regions": listed}
        raise DomainError("missing_population", message, fields={"key": [message]})
    sharing = Counter(region_of.values())
    return [figures[region_of[c.key]] / sharing[region_of[c.key]] for c in children]


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


# --- Monthly reports --------------------------------------------------------------------------

EARLIEST_REPORT_MONTH = dt.date(2000, 1, 1)


def parse_report_month(raw: Any) -> dt.date:
    """``YYYY-MM`` (or a date) -> the first day of that month; DomainError ``invalid_month``
    when malformed, before 2000, or after the platform's as-of month."""
    month: dt.date | None = None
    if isinstance(raw, dt.date):
        month = raw.replace(day=1)
    else:
        text = str(raw or "").strip()
        try:
            month = dt.datetime.strptime(text, "%Y-%m").date()
        except ValueError:
            month = None
    if month is None:
        message = str(_("Bulan tidak valid: tulis sebagai TTTT-BB, misalnya 2020-07."))
    elif month < EARLIEST_REPORT_MONTH:
        message = str(_("Bulan terlalu lama: laporan dimulai dari Januari 2000."))
    elif month > as_of_date().replace(day=1):
        message = _("Bulan %(month)s belum tiba (tanggal acuan %(as_of)s).") % {
            "month": month.strftime("%Y-%m"),
            "as_of": as_of_date(),
        }
    else:
        return month
    raise DomainError("invalid_month", message, fields={"month": [message]})


def _report_scope(actor: Any, scope: str) -> Scope:
    """Resolve a scope for a report; an unknown scope and one outside a provincial
    secretariat's province get the same message (no probing of what exists elsewhere)."""
    _require_scope_writer(actor)
    try:
        found = parse_scope(scope)
    except NotFound:
        found = None
    except DomainError as bad:
        raise DomainError(bad.code, bad.message, fields={"scope": [bad.message]}) from None
    if found is None or (actor.province_id and found.province_code != actor.province_id):
        message = _("Cakupan tidak ditemukan atau di luar wilayah Anda.")
        raise DomainError("invalid_scope", message, fields={"scope": [message]})
    return found


@transaction.atomic
def report_request(*, actor: Any, scope: str, month: Any) -> ReportRun:
    """The secretariat asks for the report of ``scope`` for ``month`` (``YYYY-MM``); the task
    worker generates it after commit. Raises DomainError (``invalid_scope``,
    ``invalid_month``) or PermissionDenied."""
    _require_scope_writer(actor)
    fields: dict[str, list] = {}
    found = parsed_month = None
    try:
        found = _report_scope(actor, scope)
    except DomainError as bad:
        fields.update(bad.fields)
    try:
        parsed_month = parse_report_month(month)
    except DomainError as bad:
        fields.update(bad.fields)
    if fields or found is None or parsed_month is None:
        raise DomainError(
            "validation_error", _("Periksa kembali permintaan laporan."), fields=fields
        )
    run = ReportRun.objects.create(
        scope=found.key,
        scope_name=found.name,
        province_code=found.province_code,
        month=parsed_month,
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=run,
        changes={"scope": found.key, "month": parsed_month.strftime("%Y-%m")},
    )
    transaction.on_commit(lambda: _enqueue_report(run.pk))
    return run


def _enqueue_report(run_id: int) -> None:
    from penggerak.insights.tasks import generate_report

    generate_report.enqueue(run_id)


def report_run_execute(run_id: int) -> ReportRun:
    """The task body: build the PDF and XLSX of a run into private storage. A run that is
    done stays done (a retried task does nothing); a failure is recorded on the run."""
    from penggerak.core.storage import private_path
    from penggerak.insights import reports

    run = ReportRun.objects.get(pk=run_id)
    if run.status == ReportRun.Status.DONE:
        return run
    ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.RUNNING, progress=10)
    try:
        data = reports.report_data(parse_scope(run.scope), run.month)
        ReportRun.objects.filter(pk=run.pk).update(progress=40)
        stem = f"laporan-{run.scope.replace(':', '-')}-{run.month:%Y-%m}"
        files = {
            "pdf_file": f"reports/{run.pk}/{stem}.pdf",
            "xlsx_file": f"reports/{run.pk}/{stem}.xlsx",
        }
        content = {"pdf_file": reports.report_pdf(data), "xlsx_file": reports.report_xlsx(data)}
        for name, relative in files.items():
            path = private_path(relative)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content[name])
    except Exception as failure:  # recorded for the person watching the page, then re-raised
        ReportRun.objects.filter(pk=run.pk).update(
            status=ReportRun.Status.FAILED, error=str(failure)[:2000], finished_at=timezone.now()
        )
        raise
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.DONE,
        progress=100,
        error="",
        finished_at=timezone.now(),
        **files,
    )
    run.refresh_from_db()
    return run


def report_download_record(*, actor: Any, run: ReportRun, kind: str) -> None:
    """Record that ``actor`` downloaded the ``kind`` (pdf/xlsx) file of ``run``."""
    audit_record(
        actor=actor,
        action=Action.EXPORT,
        obj=run,
        changes={"file": kind, "scope": run.scope, "month": run.month.strftime("%Y-%m")},
    )


@transaction.atomic
def report_schedule_set(*, actor: Any, scope: str, active: bool) -> ReportSchedule:
    """Turn the monthly report of ``scope`` on or off. Secretariat in scope only; raises
    DomainError ``invalid_scope`` or PermissionDenied."""
    found = _report_scope(actor, scope)
    schedule, created = ReportSchedule.objects.update_or_create(
        scope=found.key,
        defaults={
            "scope_name": found.name,
            "province_code": found.province_code,
            "active": bool(active),
            "created_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action=Action.CREATE if created else Action.UPDATE,
        obj=schedule,
        changes={"scope": found.key, "active": bool(active)},
    )
    return schedule


def previous_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def reports_generate_monthly(*, today: dt.date | None = None) -> list[ReportRun]:
    """The daily job: for each active schedule, last month's report (relative to the as-of
    date) once; the secretariat users who may see it are notified with its link. Running it
    again finds the run (unique per schedule and month) and does nothing."""
    from penggerak.accounts.models import Role, User
    from penggerak.core.notifications import notify

    month = previous_month(today or as_of_date())
    made: list[ReportRun] = []
    for schedule in ReportSchedule.objects.filter(active=True).order_by("pk"):
        with transaction.atomic():
            run, created = ReportRun.objects.get_or_create(
                schedule=schedule,
                month=month,
                defaults={
                    "scope": schedule.scope,
                    "scope_name": schedule.scope_name,
                    "province_code": schedule.province_code,
                },
            )
        if not created and run.status == ReportRun.Status.DONE:
            continue
        try:
            run = report_run_execute(run.pk)
        except Exception:  # recorded on the run; the other schedules still run
            continue
        made.append(run)
        in_scope = Q(province__isnull=True)
        if run.province_code:
            in_scope |= Q(province_id=run.province_code)
        readers = User.objects.filter(in_scope, role=Role.SECRETARIAT, is_active=True)
        url = reverse("insights:reports") + f"#laporan-{run.pk}"
        title = _("Laporan bulanan %(scope)s %(month)s siap") % {
            "scope": run.scope_name,
            "month": run.month.strftime("%Y-%m"),
        }
        for user in readers.order_by("pk"):
            notify(user=user, kind="report", key=f"report:{run.pk}", title=str(title), url=url)
    return made


# --- UMKM population (weights of the umkm cascade) --------------------------------------------


@transaction.atomic
def umkm_population_set(*, actor: Any, region_code: str, value: Any, source: str) -> UmkmPopulation:
    """Record the number of UMKM of a province or regency/city with its source. Secretariat
    only; a provincial secretariat inside its province. Raises DomainError
    (``validation_error``) or PermissionDenied."""
    from penggerak.core.models import Region, RegionLevel

    _require_scope_writer(actor)
    fields: dict[str, list] = {}
    code = str(region_code or "").strip()
    region = Region.objects.filter(
        code=code, level__in=[RegionLevel.PROVINCE, RegionLevel.REGENCY]
    ).first()
    if region is None:
        fields["region_code"] = [_("Provinsi atau kabupaten/kota tidak ditemukan.")]
    elif actor.province_id and code[:2] != actor.province_id:
        fields["region_code"] = [_("Wilayah ini di luar provinsi Anda.")]
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        fields["value"] = [_("Jumlah UMKM harus bilangan bulat lebih dari nol.")]
    source = " ".join(str(source or "").split())[:300]
    if not source:
        fields["source"] = [_("Sumber wajib diisi (misalnya publikasi BPS dan tahunnya).")]
    if fields:
        raise DomainError(
            "validation_error", _("Periksa kembali isian jumlah UMKM."), fields=fields
        )
    row, created = UmkmPopulation.objects.update_or_create(
        region=region, defaults={"value": value, "source": source, "set_by": actor}
    )
    audit_record(
        actor=actor,
        action=Action.CREATE if created else Action.UPDATE,
        obj=row,
        changes={"region": code, "value": value, "source": source},
    )
    return row

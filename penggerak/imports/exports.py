"""Member-list export (CSV and XLSX) as a background job, with the member page's filters.

``member_export_create`` checks who asks for what and audits it; the task
(``imports.tasks.run_export``) runs ``export_run_execute``, which writes the file into private
storage while it reports progress every ``CHUNK`` rows; the requester (or the national
secretariat) downloads it, and every download is audited too. Files expire after 30 days with
the import reports (``imports.tasks.expire_imports``).

Rows come from ``registry.selectors.member_list`` (scoped by ``members_visible_to``), read by
keyset in id order, ``CHUNK`` at a time, as plain tuples: memory stays flat at 2,000,000 rows.
NIK is masked (last four digits) and the birth date given as a year; only the secretariat may
ask for full NIKs, always with a reason, decrypted one page of rows at a time, and such a file
has full birth dates too. A NIK is never an export filter: filters travel in the export page's
URL. XLSX continues on a new sheet past Excel's 1,048,576 rows; CSV cells are neutralised
against formulas (``core.spreadsheet``).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from penggerak.accounts import access
from penggerak.core.audit import audit_record
from penggerak.core.errors import DomainError, NotFound, PermissionDenied
from penggerak.core.identity import holds_nik
from penggerak.core.models import AuditEvent
from penggerak.core.protection import nik_decrypt, nik_decrypt_many, nik_mask
from penggerak.core.spreadsheet import safe_row
from penggerak.imports.models import RETENTION, ExportRun
from penggerak.imports.storage import private_path, private_root
from penggerak.imports.xlsx import write_xlsx
from penggerak.registry import selectors as registry

CHUNK = 2000
FILTER_KEYS = ("q", "community", "province", "region", "step", "sector", "status")
# A running export whose worker has not reported for this long is considered crashed.
STALE_AFTER = dt.timedelta(minutes=10)
HEADER = (
    "ID",
    "Nama Lengkap",
    "NIK",
    "No HP",
    "Email",
    "Jenis Kelamin",
    "Tahun Lahir",
    "Komunitas",
    "Kode Wilayah",
    "Alamat",
    "Tanggal Bergabung",
    "Status",
    "Tahap Terjauh",
)
_FIELDS = (
    "id",
    "full_name",
    "nik_masked",
    "phone",
    "email",
    "sex",
    "birth_date",
    "community__slug",
    "region_id",
    "address",
    "joined_on",
    "status",
    "furthest_step",
)
_NIK = 2  # position of the NIK in a row
_BIRTH = 6  # position of the birth date: a year beside a masked NIK, the date beside a full one
# The header of an export with full NIKs: full birth dates too.
HEADER_UNMASKED = (*HEADER[:_BIRTH], "Tanggal Lahir", *HEADER[_BIRTH + 1 :])


def header_for(unmasked: bool) -> tuple[str, ...]:
    return HEADER_UNMASKED if unmasked else HEADER


# Kept as names of this module: pages and the API ask them (the rules are in ``access``).
may_export = access.may_export_members
may_unmask = access.may_unmask_nik


def clean_filters(data: Any) -> dict:
    """The member page's filters found in ``data`` (a QueryDict or dict), blanks dropped.

    A NIK in the search text is masked here, before the export page puts the filters into
    its links and form: the masked NIK then fails ``member_export_count`` (``nik_in_query``),
    so the page says why instead of exporting a list the user did not ask for.
    """
    filters = {
        key: str(data.get(key, "")).strip()
        for key in FILTER_KEYS
        if str(data.get(key, "") or "").strip()
    }
    if holds_nik(filters.get("q")):
        digits = "".join(ch for ch in filters["q"] if "0" <= ch <= "9")
        filters["q"] = nik_mask(digits)
    return filters


# Runs made before a NIK stopped being an export filter keep the NIK they were asked with
# encrypted under this key; ``run_filters`` and ``shown_filters`` still read them (a re-run of
# one is refused by ``member_list``, as a new export with a NIK would be).
_NIK_FILTER = "q_nik"


def run_filters(run: ExportRun) -> dict:
    """The filters to run the export with (a searched NIK decrypted)."""
    filters = dict(run.filters)
    token = filters.pop(_NIK_FILTER, None)
    return {**filters, "q": nik_decrypt(token)} if token else filters


def shown_filters(run: ExportRun) -> dict:
    """The filters to show on the run's page (a searched NIK masked)."""
    filters = dict(run.filters)
    token = filters.pop(_NIK_FILTER, None)
    return {**filters, "q": nik_mask(nik_decrypt(token))} if token else filters


def member_export_count(*, actor: Any, filters: dict) -> int:
    """How many rows the export would hold; DomainError ``invalid_filter`` when malformed."""
    registry.member_list(actor=actor, filters=filters)  # validates the filters
    return registry.member_count(actor=actor, filters=filters)


@transaction.atomic
def member_export_create(
    *, actor: Any, filters: dict, fmt: str, unmasked: bool = False, reason: str = ""
) -> ExportRun:
    """Record an export of the members the actor may see, audited before anything is written.

    Coordinators and the secretariat may export, NIK masked. Full NIKs: the secretariat only
    (PermissionDenied for anyone else, whatever the request says) and only with a reason
    (DomainError ``reason_required``). Malformed filters: DomainError ``invalid_filter``.
    The caller hands the run to the worker with ``export_run_start``.
    """
    if not may_export(actor):
        raise PermissionDenied(_("Hanya koordinator dan sekretariat yang dapat mengekspor."))
    if unmasked and not may_unmask(actor):
        raise PermissionDenied(_("Hanya sekretariat yang dapat mengekspor NIK lengkap."))
    if fmt not in ExportRun.Format.values:
        raise DomainError("validation_error", _("Format ekspor tidak dikenal."), fields={"fmt": []})
    reason = " ".join((reason or "").split())
    if unmasked and not reason:
        raise DomainError(
            "reason_required",
            _("Tuliskan alasan mengekspor NIK lengkap."),
            fields={"reason": [_("Alasan wajib diisi untuk ekspor NIK lengkap.")]},
        )
    filters = {key: value for key, value in filters.items() if key in FILTER_KEYS and value}
    rows = member_export_count(actor=actor, filters=filters)  # refuses a NIK (nik_in_query)
    now = timezone.now()
    run = ExportRun.objects.create(
        actor=actor,
        fmt=fmt,
        filters=filters,
        unmasked=bool(unmasked),
        reason=reason[:500] if unmasked else "",
        rows_total=rows,
        created_at=now,
        heartbeat_at=now,
        expires_at=now + RETENTION,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=run,
        reason=reason if unmasked else "Ekspor daftar anggota",
        changes={
            "what": "members",
            "format": fmt,
            "filters": filters,
            "rows": rows,
            "unmasked": bool(unmasked),
        },
    )
    return run


def export_run_start(run: ExportRun) -> None:
    """Hand the run to the task worker once the transaction that created it commits."""
    from penggerak.imports.tasks import run_export

    transaction.on_commit(lambda: run_export.enqueue(run.pk))


def export_runs_visible_to(actor: Any):
    """The requester sees their exports; the national secretariat sees every export (a
    provincial secretariat only its own: others' files may hold members outside its province)."""
    qs = ExportRun.objects.select_related("actor")
    if not may_export(actor):
        return qs.none()
    if access.is_national_secretariat(actor):
        return qs
    return qs.filter(actor=actor)


def export_run_get(*, actor: Any, run_id: int) -> ExportRun:
    run = export_runs_visible_to(actor).filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("Ekspor tidak ditemukan."))
    return run


def export_run_is_stale(run: ExportRun, *, now: dt.datetime | None = None) -> bool:
    """Failed, or queued/running with no word from a worker for ``STALE_AFTER``."""
    now = now or timezone.now()
    if run.status == ExportRun.Status.FAILED:
        return True
    if run.status in (ExportRun.Status.RUNNING, ExportRun.Status.QUEUED):
        return (run.heartbeat_at or run.created_at) + STALE_AFTER <= now
    return False


@transaction.atomic
def export_run_rerun(*, actor: Any, run: ExportRun) -> ExportRun:
    """Queue a failed or crashed (worker killed) export again; it starts from the first row.

    The requester or the secretariat may; DomainError ``export_expired`` or
    ``export_not_stalled`` when there is nothing to re-run.
    """
    if not (run.actor_id == actor.pk or access.is_secretariat(actor)):
        raise PermissionDenied()
    run = ExportRun.objects.select_for_update().get(pk=run.pk)
    if run.status == ExportRun.Status.EXPIRED:
        raise DomainError("export_expired", _("Ekspor ini sudah kedaluwarsa."))
    if not export_run_is_stale(run):
        raise DomainError("export_not_stalled", _("Ekspor ini masih berjalan atau sudah selesai."))
    run.status = ExportRun.Status.QUEUED
    run.error = ""
    run.heartbeat_at = timezone.now()
    run.save(update_fields=["status", "error", "heartbeat_at"])
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=run, reason="Ekspor diulang")
    return run


def export_run_download(*, actor: Any, run: ExportRun) -> tuple[Path, str]:
    """The finished file and its download name; the download is audited.

    Pass a run from ``export_run_get``. NotFound when it is not finished or has expired.
    """
    if run.status != ExportRun.Status.DONE or not run.file:
        raise NotFound(_("Berkas sudah kedaluwarsa atau belum tersedia."))
    path = private_path(run.file)
    if not path.exists():
        raise NotFound(_("Berkas sudah kedaluwarsa atau belum tersedia."))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=run,
        reason="Unduh berkas ekspor",
        changes={"download": True, "rows": run.rows_done, "unmasked": run.unmasked},
    )
    return path, export_filename(run)


def export_filename(run: ExportRun) -> str:
    suffix = "-nik-lengkap" if run.unmasked else ""
    return f"anggota-{timezone.localdate(run.created_at):%Y%m%d}-{run.pk}{suffix}.{run.fmt}"


# --- the task ----------------------------------------------------------------------------------


def member_rows(*, actor: Any, filters: dict, unmasked: bool = False) -> Iterator[tuple]:
    """The visible, filtered members newest first, by keyset pages of ``CHUNK`` rows: the NIK
    masked and the birth year; with ``unmasked`` the full NIK, decrypted a page at a time,
    and the full birth date."""
    fields = _FIELDS if not unmasked else (*_FIELDS[:_NIK], "nik_ciphertext", *_FIELDS[_NIK + 1 :])
    base = registry.member_list(actor=actor, filters=filters).order_by("-id")
    after = None
    while True:
        page = base if after is None else base.filter(id__lt=after)
        chunk = list(page.values_list(*fields)[:CHUNK])
        if not chunk:
            return
        if unmasked:
            niks = nik_decrypt_many([row[_NIK] for row in chunk])
            chunk = [
                (*row[:_NIK], nik, *row[_NIK + 1 :]) for row, nik in zip(chunk, niks, strict=True)
            ]
        else:
            chunk = [(*row[:_BIRTH], row[_BIRTH].year, *row[_BIRTH + 1 :]) for row in chunk]
        for row in chunk:
            yield tuple("" if value is None else value for value in row)
        if len(chunk) < CHUNK:
            return
        after = chunk[-1][0]


def write_csv(path: Path, rows: Iterator[tuple], header: tuple[str, ...] = HEADER) -> Iterator[int]:
    """UTF-8 CSV with BOM (so Excel opens it right), every cell neutralised against formulas;
    yields the row count every ``CHUNK``."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        buffer: list[list] = []
        for row in rows:
            buffer.append(safe_row(row))
            if len(buffer) >= CHUNK:
                writer.writerows(buffer)
                count += len(buffer)
                buffer = []
                yield count
        writer.writerows(buffer)
        count += len(buffer)
    yield count


def _claim(run_id: int) -> ExportRun | None:
    """Mark a queued run as running; None when another worker has it or it is finished."""
    now = timezone.now()
    with transaction.atomic():
        run = (
            ExportRun.objects.select_for_update()
            .select_related("actor")
            .filter(pk=run_id, status=ExportRun.Status.QUEUED)
            .first()
        )
        if run is None:
            return None
        run.status = ExportRun.Status.RUNNING
        run.attempts += 1
        run.rows_done = 0
        run.heartbeat_at = now
        run.error = ""
        run.save(update_fields=["status", "attempts", "rows_done", "heartbeat_at", "error"])
    return run


def export_run_execute(run_id: int) -> None:
    """The task body: write the file under the run's private directory, reporting progress.

    Writes to a temporary name of its own attempt and renames it when complete, so a killed
    worker never leaves a half file that could be downloaded; a re-run starts again from the
    first row, deletes what killed attempts left, and a worker that was presumed dead but was
    only slow can no longer touch the run's status. The actor's scope and right to full NIKs
    are checked again here, as they stand now.
    """
    run = _claim(run_id)
    if run is None:
        return
    directory = f"exports/{run.created_at:%Y/%m}/{run.pk}"
    relative = f"{directory}/anggota.{run.fmt}"
    target = private_path(relative)
    partial = target.with_name(f"anggota.{run.attempts}.part.{run.fmt}")
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in target.parent.glob("anggota.*.part.*"):
        leftover.unlink(missing_ok=True)
    mine = ExportRun.objects.filter(pk=run.pk, attempts=run.attempts)

    def progress(done: int) -> None:
        mine.update(rows_done=done, heartbeat_at=timezone.now())

    try:
        if not may_export(run.actor) or (run.unmasked and not may_unmask(run.actor)):
            raise PermissionDenied(_("Peminta ekspor ini tidak lagi berwenang."))
        rows = member_rows(actor=run.actor, filters=run_filters(run), unmasked=run.unmasked)
        header = header_for(run.unmasked)
        if run.fmt == ExportRun.Format.CSV:
            for written in write_csv(partial, rows, header):
                progress(written)
        else:
            written = write_xlsx(
                partial, header, rows, title="Anggota", on_rows=progress, every=CHUNK
            )
        if not mine.exists():  # superseded by a re-run while this worker was silent
            partial.unlink(missing_ok=True)
            return
        os.replace(partial, target)
    except DomainError as error:
        partial.unlink(missing_ok=True)
        _fail(mine, str(error.message))
        return
    except Exception as error:  # a crash: recorded, the page offers a re-run
        partial.unlink(missing_ok=True)
        _fail(mine, repr(error)[:2000])
        raise
    now = timezone.now()
    mine.update(
        status=ExportRun.Status.DONE,
        file=relative,
        rows_done=written,
        rows_total=written,
        finished_at=now,
        heartbeat_at=now,
    )


def _fail(mine, error: str) -> None:
    now = timezone.now()
    mine.update(status=ExportRun.Status.FAILED, error=error, finished_at=now, heartbeat_at=now)


def export_runs_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports past ``expires_at`` and mark them expired; how many."""
    now = now or timezone.now()
    expired = 0
    runs = ExportRun.objects.filter(expires_at__lte=now).exclude(status=ExportRun.Status.EXPIRED)
    for run in runs.iterator(chunk_size=500):
        directory = private_path(f"exports/{run.created_at:%Y/%m}/{run.pk}")
        if directory != private_root().resolve():
            shutil.rmtree(directory, ignore_errors=True)
        ExportRun.objects.filter(pk=run.pk).update(status=ExportRun.Status.EXPIRED, file="")
        expired += 1
    return expired

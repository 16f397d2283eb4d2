"""Writes for page imports: create a run from an upload, execute it (the task), re-run, expire.

The run executes the same pipeline as ``penggerak import`` (``members.import_members`` /
``communities.import_communities``), so the page and the CLI apply the same rules; a re-run of
a crashed or killed run is safe because the pipeline is idempotent.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from penggerak.accounts import access
from penggerak.core.audit import audit_record
from penggerak.core.errors import DomainError, PermissionDenied
from penggerak.core.models import AuditEvent
from penggerak.core.protection import secret_seal
from penggerak.imports.limits import WorkbookRefused, check_workbook
from penggerak.imports.models import RETENTION, ImportRun
from penggerak.imports.readers import UnreadableFile, declared_rows, read_rows
from penggerak.imports.storage import private_path, private_root
from penggerak.imports.xlsx import csv_report_to_xlsx
from penggerak.registry.models import Community
from penggerak.registry.selectors import communities_visible_to

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx", ".ods")
# A running run whose worker has not reported for this long is considered crashed.
STALE_AFTER = dt.timedelta(minutes=10)


_may_import = access.may_import_members


def _run_dir(run: ImportRun) -> str:
    return f"imports/{run.created_at:%Y/%m}/{run.pk}"


def _workbook_problem(upload: Any, name: str) -> str | None:
    """Why an XLSX or ODS upload cannot be imported, read from its zip directory alone
    (milliseconds, whatever it unpacks to): a workbook beyond the limits on what it unpacks to
    (``limits``) is refused on the form, before it is stored or queued. The run checks again
    before parsing (a file stored before a limit was lowered)."""
    if not name.lower().endswith((".xlsx", ".ods")):
        return None
    try:
        check_workbook(upload, name=name)
    except WorkbookRefused as error:
        return error.text()
    except zipfile.BadZipFile:
        return None  # not a workbook at all: the run says so, as for any unreadable file
    return None


@transaction.atomic
def import_run_create(
    *,
    actor: Any,
    kind: str,
    upload: Any,
    community: Community | None = None,
    dry_run: bool = False,
    overwrite: bool = False,
    consent: bool = False,
) -> ImportRun:
    """Store the uploaded file privately and queue nothing yet (``import_run_start`` does).

    Coordinators import members into their own communities; only the secretariat imports
    communities. The members' consent tick is required on the page.
    """
    if not _may_import(actor):
        raise PermissionDenied()
    if kind not in ImportRun.Kind.values:
        raise DomainError("validation_error", _("Jenis impor tidak dikenal."), fields={"kind": []})
    if kind == ImportRun.Kind.COMMUNITIES and not actor.is_secretariat:
        raise PermissionDenied(_("Hanya sekretariat yang dapat mengimpor komunitas."))
    fields: dict[str, list] = {}
    name = Path(getattr(upload, "name", "") or "").name
    if not name.lower().endswith(EXTENSIONS):
        fields["file"] = [_("Unggah berkas CSV, XLSX atau ODS.")]
    elif upload.size > MAX_UPLOAD_BYTES:
        fields["file"] = [
            _("Berkas terlalu besar: paling besar 50 MB. Bagi berkas menjadi beberapa bagian.")
        ]
    elif upload.size == 0:
        fields["file"] = [_("Berkas kosong.")]
    elif (problem := _workbook_problem(upload, name)) is not None:
        fields["file"] = [problem]
    if kind == ImportRun.Kind.MEMBERS:
        if community is not None:
            if not communities_visible_to(actor).filter(pk=community.pk).exists():
                fields["community"] = [_("Pilih komunitas Anda.")]
        elif not (actor.is_secretariat and not actor.province_id):
            fields["community"] = [_("Pilih komunitas tujuan.")]
        if not consent:
            fields["consent"] = [
                _("Centang pernyataan bahwa komunitas sudah mengumpulkan persetujuan anggota.")
            ]
    else:
        community = None
    if fields:
        raise DomainError("validation_error", _("Periksa isian formulir."), fields=fields)
    now = timezone.now()
    run = ImportRun.objects.create(
        actor=actor,
        kind=kind,
        community=community,
        original_name=name[:255],
        options={"dry_run": bool(dry_run), "overwrite": bool(overwrite)},
        consent=bool(consent) and kind == ImportRun.Kind.MEMBERS,
        created_at=now,
        expires_at=now + RETENTION,
    )
    directory = _run_dir(run)
    suffix = Path(name).suffix.lower()
    target = private_path(f"{directory}/upload{suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    run.stored_file = f"{directory}/upload{suffix}"
    run.save(update_fields=["stored_file"])
    audit_record(
        actor=actor, action=AuditEvent.Action.CREATE, obj=run, reason=f"Unggah berkas {name}"
    )
    return run


def import_run_start(run: ImportRun) -> None:
    """Hand the run to the task worker (call outside a transaction, or after commit)."""
    from penggerak.imports.tasks import run_import

    run_import.enqueue(run.pk)


def import_run_is_stale(run: ImportRun, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    if run.status == ImportRun.Status.FAILED:
        return True
    if run.status in (ImportRun.Status.RUNNING, ImportRun.Status.QUEUED):
        last = run.heartbeat_at or run.created_at
        return last + STALE_AFTER <= now
    return False


@transaction.atomic
def import_run_rerun(*, actor: Any, run: ImportRun) -> ImportRun:
    """Queue a failed or crashed run again with the same file and options."""
    if not (actor.is_secretariat or run.actor_id == actor.pk):
        raise PermissionDenied()
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status == ImportRun.Status.EXPIRED or not run.stored_file:
        raise DomainError("import_expired", _("Berkas impor ini sudah kedaluwarsa dan dihapus."))
    if not import_run_is_stale(run):
        raise DomainError("import_not_stalled", _("Impor ini masih berjalan atau sudah selesai."))
    run.status = ImportRun.Status.QUEUED
    run.error = ""
    run.heartbeat_at = timezone.now()
    run.save(update_fields=["status", "error", "heartbeat_at"])
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, obj=run, reason="Impor diulang")
    return run


def _count_rows(path: Path) -> int:
    """Rows in the file less the header: the progress bar's end. An XLSX file declares its
    size (blank rows included, so the bar may end short of it); others are counted."""
    declared = declared_rows(path)
    if declared is not None:
        return max(declared - 1, 0)
    total = 0
    for _number, cells in read_rows(path):
        if any(cell not in (None, "") for cell in cells):
            total += 1
    return max(total - 1, 0)


def import_run_execute(run_id: int) -> None:
    """The task body: run the pipeline on the stored file, record progress and the result."""
    from penggerak.imports.communities import import_communities
    from penggerak.imports.members import ImportOptions, import_members

    run = ImportRun.objects.select_related("actor", "community").get(pk=run_id)
    if run.status in (ImportRun.Status.DONE, ImportRun.Status.EXPIRED):
        return
    now = timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.RUNNING,
        heartbeat_at=now,
        attempts=run.attempts + 1,
        rows_done=0,
        invitations=[],
        error="",
    )
    source = private_path(run.stored_file)
    directory = Path(run.stored_file).parent.as_posix()
    report_csv = f"{directory}/laporan-impor.csv"
    report_xlsx = f"{directory}/laporan-impor.xlsx"
    invitations: list[dict] = []

    def progress(summary) -> None:
        ImportRun.objects.filter(pk=run.pk).update(
            rows_done=summary.rows, heartbeat_at=timezone.now()
        )

    try:
        total = _count_rows(source)
        ImportRun.objects.filter(pk=run.pk).update(rows_total=total)
        if run.kind == ImportRun.Kind.COMMUNITIES:
            summary = import_communities(
                source,
                private_path(report_csv),
                actor=run.actor,
                dry_run=run.options.get("dry_run", False),
                announce=lambda text: None,
                # Sealed: the links wait in the run only until their creator's page shows
                # them once (``downloads.import_run_take_invitations``).
                on_invite=lambda slug, username, link: invitations.append(
                    {
                        "community": slug,
                        "username": username,
                        "link": secret_seal(link) if link else "",
                    }
                ),
                on_row=progress,
            )
        else:
            summary = import_members(
                source,
                private_path(report_csv),
                ImportOptions(
                    community=run.community,
                    dry_run=run.options.get("dry_run", False),
                    overwrite=run.options.get("overwrite", False),
                    actor=run.actor,
                    consent=run.consent,
                    on_batch=progress,
                ),
            )
    except UnreadableFile as error:
        _finish(run, status=ImportRun.Status.FAILED, error=str(error), report_csv="")
        return
    except Exception as error:  # a crash: recorded, the page offers a re-run
        _finish(run, status=ImportRun.Status.FAILED, error=repr(error)[:2000], report_csv="")
        raise
    csv_report_to_xlsx(private_path(report_csv), private_path(report_xlsx))
    result = summary.as_dict()
    result.pop("report", None)
    result["kinds"] = summary.kinds
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.DONE,
        summary=result,
        rows_done=summary.rows,
        rows_total=max(summary.rows, 0),
        report_csv=report_csv,
        report_xlsx=report_xlsx,
        invitations=invitations,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )


def _finish(run: ImportRun, *, status: str, error: str, report_csv: str) -> None:
    ImportRun.objects.filter(pk=run.pk).update(
        status=status, error=error, finished_at=timezone.now(), heartbeat_at=timezone.now()
    )


def import_runs_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the files of runs past ``expires_at`` and mark them expired; how many."""
    now = now or timezone.now()
    expired = 0
    runs = ImportRun.objects.filter(expires_at__lte=now).exclude(status=ImportRun.Status.EXPIRED)
    for run in runs.iterator(chunk_size=500):
        if run.stored_file:
            directory = private_path(Path(run.stored_file).parent.as_posix())
            if directory != private_root().resolve():
                shutil.rmtree(directory, ignore_errors=True)
        # The problems by kind quote the report (values from the file, members' current
        # values): they go with it; the counts stay.
        summary = {key: value for key, value in run.summary.items() if key != "kinds"}
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.EXPIRED,
            stored_file="",
            report_csv="",
            report_xlsx="",
            invitations=[],
            summary=summary,
        )
        expired += 1
    return expired

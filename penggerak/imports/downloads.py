"""What an import run hands out: its files (audited downloads) and the coordinator
invitation links of a communities import (shown once, to the person who started it).

Pass a run obtained from ``selectors.import_run_get``, which has already checked that the
actor may see it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from penggerak.core.audit import audit_record
from penggerak.core.errors import NotFound
from penggerak.core.models import AuditEvent
from penggerak.core.protection import secret_open
from penggerak.imports.models import ImportRun
from penggerak.imports.storage import private_path

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# URL name -> (run attribute, content type, download name; None: the uploaded file's name)
FILES = {
    "laporan.csv": ("report_csv", "text/csv; charset=utf-8", "laporan-impor-{pk}.csv"),
    "laporan.xlsx": ("report_xlsx", XLSX, "laporan-impor-{pk}.xlsx"),
    "berkas": ("stored_file", "application/octet-stream", None),
}


def import_run_file(*, actor: Any, run: ImportRun, name: str) -> tuple[Path, str, str]:
    """(path, download name, content type) of one of the run's files; the download is
    audited (the uploaded file holds clear NIKs). NotFound once the file has expired."""
    attribute, content_type, filename = FILES[name]
    relative = getattr(run, attribute)
    if not relative or run.status == ImportRun.Status.EXPIRED:
        raise NotFound(_("Berkas sudah kedaluwarsa atau belum tersedia."))
    path = private_path(relative)
    if not path.exists():
        raise NotFound(_("Berkas sudah kedaluwarsa atau belum tersedia."))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DOWNLOAD,
        obj=run,
        reason="Unduh berkas impor",
        changes={"file": name},
    )
    return path, filename.format(pk=run.pk) if filename else run.original_name, content_type


@transaction.atomic
def import_run_take_invitations(*, actor: Any, run: ImportRun) -> list[dict]:
    """The run's invitation links, for the person who started it, once: they are removed
    from the run in the same transaction (the names stay, so the page can say who was
    invited). Anyone else, and every later call, gets the names without links."""
    locked = ImportRun.objects.select_for_update().get(pk=run.pk)
    items = locked.invitations or []
    if actor is None or locked.actor_id != actor.pk or not any(i.get("link") for i in items):
        return [{**item, "link": ""} for item in items]
    shown = [{**item, "link": secret_open(item["link"]) or ""} for item in items]
    locked.invitations = [{**item, "link": ""} for item in items]
    locked.save(update_fields=["invitations"])
    run.invitations = locked.invitations
    return shown

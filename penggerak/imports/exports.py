"""Streaming export of the member list (CSV and XLSX) with the member page's filters.

Rows come from ``registry.selectors.member_list`` (scoped by ``members_visible_to``), read by
keyset in id order, 2,000 at a time, as plain tuples: memory stays flat at 2,000,000 rows. NIK
is always masked. Every export is audited (filters, format, row count) before the first byte.
XLSX goes through openpyxl's write-only mode into a temporary file (a zip cannot be streamed
before it is complete) and continues on a new sheet past Excel's 1,048,576 rows.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from penggerak.core.audit import audit_record
from penggerak.core.models import AuditEvent
from penggerak.imports.xlsx import write_xlsx
from penggerak.registry import selectors as registry

CHUNK = 2000
HEADER = (
    "ID",
    "Nama Lengkap",
    "NIK",
    "No HP",
    "Email",
    "Jenis Kelamin",
    "Tanggal Lahir",
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


@transaction.atomic
def member_export_start(*, actor: Any, filters: dict, fmt: str) -> int:
    """Check the filters (DomainError when malformed), audit the export; the row count."""
    registry.member_list(actor=actor, filters=filters)  # validates the filters
    rows = registry.member_count(actor=actor, filters=filters)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        obj=actor,
        reason="Ekspor daftar anggota",
        changes={"what": "members", "format": fmt, "filters": filters, "rows": rows},
    )
    return rows


def member_rows(*, actor: Any, filters: dict) -> Iterator[tuple]:
    """The visible, filtered members newest first, by keyset pages of ``CHUNK`` rows."""
    base = registry.member_list(actor=actor, filters=filters).order_by("-id")
    after = None
    while True:
        page = base if after is None else base.filter(id__lt=after)
        chunk = list(page.values_list(*_FIELDS)[:CHUNK])
        if not chunk:
            return
        for row in chunk:
            yield tuple("" if value is None else value for value in row)
        if len(chunk) < CHUNK:
            return
        after = chunk[-1][0]


class _Echo:
    def write(self, value: str) -> str:
        return value


def member_csv_chunks(*, actor: Any, filters: dict) -> Iterator[bytes]:
    """UTF-8 CSV with BOM (so Excel opens it right), one bytes chunk per 2,000 rows."""
    writer = csv.writer(_Echo())
    yield ("\ufeff" + writer.writerow(HEADER)).encode()
    buffer: list[str] = []
    for row in member_rows(actor=actor, filters=filters):
        buffer.append(writer.writerow([_text(v) for v in row]))
        if len(buffer) >= CHUNK:
            yield "".join(buffer).encode()
            buffer = []
    if buffer:
        yield "".join(buffer).encode()


def _text(value: object) -> object:
    # A cell starting with "=" is a formula in spreadsheet programs: show it as text.
    if isinstance(value, str) and value[:1] in ("=", "@"):
        return "'" + value
    return value


def member_xlsx_file(*, actor: Any, filters: dict) -> Path:
    """Write the XLSX to a temporary file (the caller streams it, then it is deleted)."""
    descriptor, name = tempfile.mkstemp(prefix="penggerak-ekspor-", suffix=".xlsx")
    os.close(descriptor)
    path = Path(name)
    write_xlsx(path, HEADER, member_rows(actor=actor, filters=filters), title="Anggota")
    return path


def export_filename(fmt: str) -> str:
    return f"anggota-{timezone.localdate():%Y%m%d}.{fmt}"

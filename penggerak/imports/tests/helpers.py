"""Fixture files built in code: CSV variants, XLSX (openpyxl) and a minimal ODS."""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from penggerak.core.identity import compose_nik

DISTRICT = "32.73.01"  # Kota Bandung, Sukasari


def nik(serial: int, born: dt.date = dt.date(1985, 3, 14), sex: str = "P") -> str:
    return compose_nik(DISTRICT, born, sex, serial)


def write_csv(path: Path, rows: list[list], *, delimiter=",", encoding="utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list], *, more_sheets: dict | None = None) -> Path:
    """The rows on the first sheet; ``more_sheets`` maps later sheets' names to their rows."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for name, sheet_rows in (more_sheets or {}).items():
        later = workbook.create_sheet(name)
        for row in sheet_rows:
            later.append(row)
    workbook.save(path)
    return path


def _ods_cell(value) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, dt.date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
            f"<text:p>{value.isoformat()}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
        "</table:table-cell>"
    )


def _ods_table(name: str, rows: list[list]) -> str:
    body = "".join(
        "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
        for row in rows
    )
    return f'<table:table table:name="{escape(name)}">{body}</table:table>'


def write_ods(path: Path, rows: list[list], *, more_sheets: dict | None = None) -> Path:
    """The smallest ODS spreadsheet programs (and python-calamine) accept; ``more_sheets`` as
    in ``write_xlsx``."""
    tables = _ods_table("Anggota", rows) + "".join(
        _ods_table(name, sheet_rows) for name, sheet_rows in (more_sheets or {}).items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:spreadsheet>"
        f"{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


def read_report(path: str | Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))

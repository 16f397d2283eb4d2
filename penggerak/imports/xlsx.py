"""Streaming XLSX writing: rows go straight into the zip as SpreadsheetML, so memory stays flat
and a row costs a few string operations (openpyxl's write-only mode, used before, builds a
cell object per value and was 4-5 times slower; see benchmarks/bench_export.py). Text is always
written as an inline string, never as a formula, so "=SUM(...)" typed by someone is shown,
never evaluated. Dates are real dates (yyyy-mm-dd), numbers are numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import zipfile
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import quoteattr

# Excel's limit is 1,048,576 rows per sheet, header included.
SHEET_ROWS = 1_048_575

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Characters XML 1.0 cannot hold (spreadsheets carry them sometimes): dropped.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = dt.date(1899, 12, 30)
_EPOCH_DT = dt.datetime(1899, 12, 30)
# Style indexes in styles.xml: 0 normal, 1 date, 2 date-time, 3 bold (header).
_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    _HEAD + f'<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    "</sheetView></sheetViews><sheetData>"
)
_SHEET_END = "</sheetData></worksheet>"


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _ILLEGAL.sub("", value)


def _cell(ref: str, value: object, style: str = "") -> str:
    """One ``<c>``; an empty string for None and "" (no cell at all)."""
    kind = type(value)
    if kind is str:
        if not value:
            return ""
        text = _text(value)
        return f'<c r="{ref}" t="inlineStr"{style}><is><t xml:space="preserve">{text}</t></is></c>'
    if kind is int or kind is Decimal or (kind is float and math.isfinite(value)):
        return f'<c r="{ref}"{style}><v>{value}</v></c>'
    if kind is dt.date:
        return f'<c r="{ref}" s="1"><v>{(value - _EPOCH).days}</v></c>'
    if kind is dt.datetime:
        serial = (value.replace(tzinfo=None) - _EPOCH_DT) / dt.timedelta(days=1)
        return f'<c r="{ref}" s="2"><v>{serial:.10f}</v></c>'
    if kind is bool:
        return f'<c r="{ref}" t="b"{style}><v>{int(value)}</v></c>'
    if value is None:
        return ""
    return _cell(ref, str(value), style)


def write_xlsx(
    path: Path,
    header: tuple[str, ...],
    rows: Iterable[Iterable],
    *,
    title: str = "Data",
    on_rows: Callable[[int], None] | None = None,
    every: int = 2000,
) -> int:
    """Write ``rows`` under a bold, frozen ``header``; past Excel's row limit continue on a
    new sheet ("Anggota", "Anggota 2", ...), each with the header. Returns the row count.

    ``on_rows(count)`` is called every ``every`` rows (progress of a background export).
    """
    columns = [_column(i) for i in range(max(len(header), 1))]
    count = 0
    sheets: list[str] = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        handle = None
        in_sheet = SHEET_ROWS
        buffer: list[str] = []

        def start_sheet():
            name = title if not sheets else f"{title} {len(sheets) + 1}"
            sheets.append(name[:31])
            sheet = archive.open(f"xl/worksheets/sheet{len(sheets)}.xml", "w", force_zip64=True)
            head = "".join(
                _cell(f"{c}1", h, ' s="3"') for c, h in zip(columns, header, strict=False)
            )
            sheet.write(f'{_SHEET_START}<row r="1">{head}</row>'.encode())
            return sheet

        for row in rows:
            if in_sheet >= SHEET_ROWS:
                if handle is not None:
                    handle.write(("".join(buffer) + _SHEET_END).encode())
                    handle.close()
                    buffer = []
                handle = start_sheet()
                in_sheet = 0
            in_sheet += 1
            number = in_sheet + 1
            values = list(row)
            if len(values) > len(columns):
                columns += [_column(i) for i in range(len(columns), len(values))]
            cells = "".join(_cell(f"{c}{number}", v) for c, v in zip(columns, values, strict=False))
            buffer.append(f'<row r="{number}">{cells}</row>')
            count += 1
            if len(buffer) >= 1000:
                handle.write("".join(buffer).encode())
                buffer = []
            if on_rows is not None and count % every == 0:
                on_rows(count)
        if handle is None:
            handle = start_sheet()
        handle.write(("".join(buffer) + _SHEET_END).encode())
        handle.close()
        _write_package(archive, sheets)
    return count


def _write_package(archive: zipfile.ZipFile, sheets: list[str]) -> None:
    """The workbook, its relationships and content types, once the sheets are known."""
    entries = "".join(
        f'<sheet name={quoteattr(_ILLEGAL.sub("", name))} sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(sheets, start=1)
    )
    archive.writestr(
        "xl/workbook.xml",
        f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{entries}</sheets></workbook>',
    )
    links = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    archive.writestr(
        "xl/_rels/workbook.xml.rels",
        f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{links}'
        f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        "</Relationships>",
    )
    archive.writestr("xl/styles.xml", _STYLES)
    archive.writestr(
        "_rels/.rels",
        f'{_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
        f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    archive.writestr(
        "[Content_Types].xml",
        f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
        f"{overrides}</Types>",
    )


def csv_report_to_xlsx(csv_path: Path, xlsx_path: Path) -> int:
    """The import report as XLSX: same columns, ``row`` as a number, values as supplied."""
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = tuple(next(reader))

        def rows():
            for row in reader:
                yield [int(row[0]) if row[0].isdigit() else row[0], *row[1:]]

        return write_xlsx(xlsx_path, header, rows(), title="Laporan")

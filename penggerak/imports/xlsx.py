"""XLSX writing with XlsxWriter in ``constant_memory`` mode: each row goes to a temporary file
as it is written, so memory stays flat however many members are exported. Text is always
written as text (``write_string``), never as a formula, so "=SUM(...)" typed by someone is
shown, never evaluated. Dates are real dates (yyyy-mm-dd), numbers are numbers.

XlsxWriter's temporary files go to a private directory next to the target file (private
storage: exports hold personal data) and are removed when writing ends, even after an error.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import math
import re
import tempfile
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

import xlsxwriter

# Excel's limit is 1,048,576 rows per sheet, header included.
SHEET_ROWS = 1_048_575
# Excel's limit on a sheet name, in UTF-16 units.
_NAME_LIMIT = 31

# Characters XML 1.0 cannot hold (spreadsheets carry them sometimes): dropped. XlsxWriter would
# write them as ``_xHHHH_`` escapes, which Excel turns back into the control character.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Characters Excel refuses in a sheet name.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "remove_timezone": True,
    "use_zip64": True,
}


def _utf16_cut(text: str, limit: int) -> str:
    while len(text.encode("utf-16-le")) // 2 > limit:
        text = text[:-1]
    return text


def sheet_name(title: str, number: int = 1) -> str:
    """``title`` as Excel accepts it: no forbidden characters or control characters, no
    apostrophe at either end, at most 31 characters with the " 2", " 3"... of later sheets."""
    base = _SHEET_FORBIDDEN.sub("", _ILLEGAL.sub("", title)).strip().strip("'").strip()
    suffix = f" {number}" if number > 1 else ""
    base = _utf16_cut(base or "Data", _NAME_LIMIT - len(suffix)).rstrip().rstrip("'")
    return f"{base or 'Data'}{suffix}"


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
    The file exists only once it is complete: after an error nothing is written at ``path``.
    """
    path = Path(path)
    limit = SHEET_ROWS  # read at call time: tests set a small limit
    with tempfile.TemporaryDirectory(prefix=".xlsx-", dir=path.parent) as scratch:
        book = xlsxwriter.Workbook(str(path), {**_OPTIONS, "tmpdir": scratch})
        bold = book.add_format({"bold": True})
        date = book.add_format({"num_format": "yyyy-mm-dd"})
        moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})

        def start_sheet():
            sheet = book.add_worksheet(sheet_name(title, len(book.worksheets()) + 1))
            sheet.freeze_panes(1, 0)
            for column, value in enumerate(header):
                cell(sheet, 0, column, value, bold)
            return sheet

        def cell(sheet, line: int, column: int, value: object, style=None) -> None:
            """One cell; nothing at all for None and ""."""
            kind = type(value)
            if kind is str:
                if value:
                    sheet.write_string(line, column, _ILLEGAL.sub("", value), style)
            elif kind is int or (kind is float and math.isfinite(value)):
                sheet.write_number(line, column, value, style)
            elif kind is Decimal and value.is_finite():
                sheet.write_number(line, column, float(value), style)
            elif kind is dt.date:
                sheet.write_datetime(line, column, value, date)
            elif kind is dt.datetime:
                sheet.write_datetime(line, column, value, moment)
            elif kind is bool:
                sheet.write_boolean(line, column, value, style)
            elif value is not None:
                cell(sheet, line, column, str(value), style)

        count = 0
        sheet = None
        line = limit
        try:
            for row in rows:
                if line >= limit:
                    sheet = start_sheet()
                    line = 0
                line += 1
                for column, value in enumerate(row):
                    cell(sheet, line, column, value)
                count += 1
                if on_rows is not None and count % every == 0:
                    on_rows(count)
            if sheet is None:
                start_sheet()
        except BaseException:
            # XlsxWriter has no abort: closing is what releases the scratch files the sheets
            # hold open (a long-running worker would otherwise keep their descriptors); what
            # it wrote is removed, so nothing is left at ``path`` after an error.
            with contextlib.suppress(Exception):
                book.close()
            path.unlink(missing_ok=True)
            raise
        book.close()
    return count


def csv_report_to_xlsx(csv_path: Path, xlsx_path: Path) -> int:
    """The import report as XLSX: same columns, ``row`` as a number, values as supplied."""
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = tuple(next(reader))

        def rows():
            for row in reader:
                yield [int(row[0]) if row[0].isdigit() else row[0], *row[1:]]

        return write_xlsx(xlsx_path, header, rows(), title="Laporan")

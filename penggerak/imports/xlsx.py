"""Streaming XLSX writing with openpyxl's write-only mode (rows go to a temporary file, so
memory stays flat); text cells are always text, never formulas."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

# Excel's limit is 1,048,576 rows per sheet, header included.
SHEET_ROWS = 1_048_575


def _cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # "=SUM(...)" typed by someone is shown, never evaluated
    return cell


def write_xlsx(
    path: Path,
    header: tuple[str, ...],
    rows: Iterable[Iterable],
    *,
    title: str = "Data",
    on_rows: Callable[[int], None] | None = None,
    every: int = 2000,
) -> int:
    """Write ``rows`` under ``header``; past Excel's row limit continue on a new sheet.

    ``on_rows(count)`` is called every ``every`` rows (progress of a background export)."""
    workbook = Workbook(write_only=True)
    count = 0
    sheet = None
    in_sheet = SHEET_ROWS
    sheets = 0
    for row in rows:
        if in_sheet >= SHEET_ROWS:
            sheets += 1
            sheet = workbook.create_sheet(title if sheets == 1 else f"{title} {sheets}")
            sheet.append([_cell(sheet, h) for h in header])
            in_sheet = 0
        sheet.append([_cell(sheet, v) for v in row])
        in_sheet += 1
        count += 1
        if on_rows is not None and count % every == 0:
            on_rows(count)
    if sheet is None:
        sheet = workbook.create_sheet(title)
        sheet.append([_cell(sheet, h) for h in header])
    workbook.save(path)
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

"""Streaming readers: every file becomes ``(row_number, cells)`` pairs, one row at a time.

``row_number`` is the row a person sees in a spreadsheet program (for CSV the first record is
row 1 and a quoted line break does not start a new row). CSV cells are text; XLSX cells keep
their type through openpyxl's read-only (streaming) mode; ODS goes through python-calamine,
which reads one sheet at a time (ODS files people keep are far below the CSV sizes).
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from penggerak.imports.limits import WorkbookRefused, check_workbook

Row = tuple[int, list]

_SNIFF_BYTES = 64 * 1024
# The columns of an XLSX row that are read: column IV, Excel's limit until 2007.
MAX_COLUMNS = 256


class UnreadableFile(Exception):
    """The file could not be read at all; the message is Indonesian, then English."""


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, else Windows-1252.

    One streaming pass with an incremental decoder: cheap next to the import itself.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        head = handle.read(3)
        bom = head == codecs.BOM_UTF8
        chunk = head
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = handle.read(1 << 20)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig" if bom else "utf-8"


def _csv_delimiter(sample: str) -> str:
    """The delimiter among comma, semicolon and tab that splits the first lines most evenly."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        lines = [line for line in sample.splitlines()[:20] if line.strip()]
        counts = {d: sum(line.count(d) for line in lines) for d in (";", "\t", ",")}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def read_csv(path: Path) -> Iterator[Row]:
    encoding = _csv_encoding(path)
    errors = "replace" if encoding == "cp1252" else "strict"
    with path.open(encoding=encoding, errors=errors, newline="") as handle:
        delimiter = _csv_delimiter(handle.read(_SNIFF_BYTES))
        handle.seek(0)
        if encoding == "utf-8-sig":
            handle.read(0)  # the codec skips the BOM on the first read after seek(0)
        reader = csv.reader(handle, delimiter=delimiter)
        yield from enumerate(reader, start=1)


LaterSheet = Callable[[str, Iterator[Row]], None]


def read_xlsx(path: Path, later: LaterSheet | None = None) -> Iterator[Row]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        yield from _xlsx_rows(workbook.worksheets[0])
        if later is not None:
            for sheet in workbook.worksheets[1:]:
                later(sheet.title, _xlsx_rows(sheet))
    finally:
        workbook.close()


def _xlsx_rows(sheet) -> Iterator[Row]:
    # Rows as wide as their own cells, not padded to the size the sheet declares: a 5 kB
    # file declaring A1:XFD1048576 would otherwise hand on a million rows of 16,384 cells
    # (minutes of work per 100,000 rows, and gigabytes in the chunks being checked). Cells
    # right of MAX_COLUMNS are left out: a member list never reaches them.
    sheet.reset_dimensions()
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, list(cells[:MAX_COLUMNS])


def read_ods(path: Path, later: LaterSheet | None = None) -> Iterator[Row]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    yield from _ods_rows(workbook.get_sheet_by_index(0))
    if later is not None:
        for index, name in enumerate(workbook.sheet_names[1:], start=1):
            later(name, _ods_sheet(workbook, index))


def _ods_rows(sheet) -> Iterator[Row]:
    # Rows above the used range are empty; keep the numbers a person sees.
    first_row = sheet.start[0] if sheet.start else 0
    for offset, cells in enumerate(sheet.iter_rows()):
        yield first_row + offset + 1, [None if cell == "" else cell for cell in cells]


def _ods_sheet(workbook, index: int) -> Iterator[Row]:
    # The sheet is opened on the first row asked for: a sheet that cannot be read fails in
    # the hands of whoever reads it, and the sheets after it are still looked at.
    yield from _ods_rows(workbook.get_sheet_by_index(index))


def _kind(path: Path) -> str:
    """The file's format, "xlsx", "ods" or "csv"; an XLSX or ODS workbook only once its zip
    archive is found within the limits on what it unpacks to (``limits``): raises
    UnreadableFile otherwise, before any parser opens it."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        kind = "xlsx"
    elif suffix == ".ods":
        kind = "ods"
    elif suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    else:
        with path.open("rb") as handle:
            magic = handle.read(4)
        if magic != b"PK\x03\x04":
            return "csv"
        kind = "xlsx/ods"  # told apart by the members' names
    try:
        names = check_workbook(path, name=path.name)
    except WorkbookRefused as error:
        raise UnreadableFile(str(error)) from error
    except zipfile.BadZipFile as error:
        raise _unreadable(path, kind.upper(), error) from error
    if kind == "xlsx/ods":
        kind = "ods" if "content.xml" in names else "xlsx"
    return kind


def _unreadable(path: Path, kind: str, error: Exception) -> UnreadableFile:
    return UnreadableFile(
        f"Berkas {path.name} tidak dapat dibaca sebagai {kind} ({error}). / "
        f"File {path.name} could not be read as {kind} ({error})."
    )


def declared_rows(path: str | Path) -> int | None:
    """The row count an XLSX file declares for its first sheet (its ``dimension``), read
    without parsing the sheet: milliseconds where counting takes seconds per 50,000 rows.
    None for other formats, for files that declare nothing, for unreadable files and for
    workbooks beyond the limits on what they unpack to (never opened here)."""
    path = Path(path)
    try:
        if not path.is_file() or _kind(path) != "xlsx":
            return None
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            rows = workbook.worksheets[0].max_row
        finally:
            workbook.close()
    except Exception:  # the import itself reports what is wrong with the file
        return None
    return rows if isinstance(rows, int) and rows > 0 else None


def read_rows(path: str | Path, *, later: LaterSheet | None = None) -> Iterator[Row]:
    """Rows of the first sheet; raises UnreadableFile before yielding when it cannot start.

    Only the first sheet is imported. With ``later``, once the first sheet is read, each
    later sheet of an XLSX or ODS workbook is handed to it by name, as rows read on demand
    from the same open workbook: the imports look there for lists they would otherwise
    leave out without a word.
    """
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile(f"Berkas {path} tidak ditemukan. / File {path} was not found.")
    kind = _kind(path)
    if kind == "csv":
        rows = read_csv(path)
    else:
        rows = (read_xlsx if kind == "xlsx" else read_ods)(path, later)
    try:
        first = next(rows)
    except StopIteration:
        return
    except Exception as error:  # any parser failure on open: the file is not usable
        raise _unreadable(path, kind.upper(), error) from error
    yield first
    yield from rows

"""Spreadsheet rescue: turn one cell, as a reader gives it, into a usable value.

Pure functions that never raise. A cell is ``None``, text (every CSV cell, text cells of
XLSX/ODS), a number (``int``/``float`` from a numeric XLSX/ODS cell), a ``date``/``datetime``
(a date-formatted cell) or a ``bool``. Each parser returns ``(value, problem_code)``: the value
is ``None`` when the cell was empty or unusable, and ``problem_code`` names why it was unusable.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from penggerak.core.identity import normalize_nik

# Excel keeps 15 significant digits and doubles are exact only below 2**53.
_EXACT_LIMIT = 2**53
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+$")
# Excel's day 0 is 1899-12-30 (its 1900 leap-year bug is before day 61, long before anyone here).
_EXCEL_EPOCH = dt.date(1899, 12, 30)

MONTHS = {
    "januari": 1,
    "jan": 1,
    "january": 1,
    "februari": 2,
    "pebruari": 2,
    "feb": 2,
    "peb": 2,
    "february": 2,
    "maret": 3,
    "mar": 3,
    "march": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "juni": 6,
    "jun": 6,
    "june": 6,
    "juli": 7,
    "jul": 7,
    "july": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "agst": 8,
    "ags": 8,
    "aug": 8,
    "august": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "oct": 10,
    "october": 10,
    "november": 11,
    "nov": 11,
    "nopember": 11,
    "nop": 11,
    "desember": 12,
    "des": 12,
    "dec": 12,
    "december": 12,
}

_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
_WORD_DATE = re.compile(r"^(\d{1,2})[\s\-/.]+([A-Za-z]+)\.?[\s\-/.,]+(\d{4})$")

SEX_WORDS = {
    "l": "L",
    "lk": "L",
    "laki": "L",
    "laki-laki": "L",
    "laki laki": "L",
    "lakilaki": "L",
    "pria": "L",
    "male": "L",
    "m": "L",
    "p": "P",
    "pr": "P",
    "perempuan": "P",
    "wanita": "P",
    "female": "P",
    "f": "P",
    "w": "P",
}


def is_number(cell: object) -> bool:
    """A numeric spreadsheet cell (bool is a number in Python, not in a spreadsheet)."""
    return isinstance(cell, int | float) and not isinstance(cell, bool)


def cell_text(cell: object) -> str:
    """The cell as the uploader would read it, for the report and for text fields."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e16:
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(" ")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def parse_nik(cell: object) -> tuple[str | None, str | None]:
    """NIK digits from a cell, or a problem code.

    Text: strip spaces, dots, dashes and a leading apostrophe; scientific notation
    ("3.27301E+15") is refused (``nik_scientific``): digits were lost. A number cell is exact
    only when it is a whole number below 2**53 that does not end in 0; otherwise Excel may
    have changed digits (``nik_numeric_untrusted``).
    """
    if cell is None:
        return None, "nik_missing"
    if is_number(cell):
        if isinstance(cell, float):
            if not cell.is_integer() or abs(cell) >= _EXACT_LIMIT:
                return None, "nik_numeric_untrusted"
            cell = int(cell)
        assert isinstance(cell, int)
        if cell < 0 or cell >= _EXACT_LIMIT or cell % 10 == 0:
            return None, "nik_numeric_untrusted"
        return str(cell), None
    text = cell_text(cell)
    if not text:
        return None, "nik_missing"
    if _SCIENTIFIC.match(text.replace(" ", "")):
        return None, "nik_scientific"
    return normalize_nik(text), None


def parse_phone_text(cell: object) -> str:
    """Phone as text for ``validate_phone``; a number cell lost its leading 0 (812… stays)."""
    if is_number(cell):
        if isinstance(cell, float) and not cell.is_integer():
            return str(cell)
        return str(int(cell))
    return cell_text(cell)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except (ValueError, OverflowError):
        return None


def parse_date(cell: object) -> tuple[dt.date | None, str | None]:
    """A date from a date cell, an Excel serial number, "dd/mm/yyyy", "dd-mm-yyyy",
    "dd.mm.yyyy", ISO "yyyy-mm-dd" or words ("17 Agustus 1980"); day before month.

    Two-digit years take the century that does not lie in the future.
    """
    if cell is None:
        return None, None
    if isinstance(cell, dt.datetime):
        return cell.date(), None
    if isinstance(cell, dt.date):
        return cell, None
    if is_number(cell):
        serial = float(cell)  # type: ignore[arg-type]
        if serial != serial or not 1 <= serial < 2958466:  # NaN, or past 9999-12-31
            return None, "date_invalid"
        return _EXCEL_EPOCH + dt.timedelta(days=int(serial)), None
    text = cell_text(cell)
    if not text:
        return None, None
    match = _NUMERIC_DATE.match(text)
    if match:
        day, month, year = map(int, match.groups())
        if len(match.group(3)) == 2:
            # The year in Indonesia (WIB), whatever zone the server process runs in.
            this_year = timezone.localdate().year
            year += 2000 if 2000 + year <= this_year else 1900
        found = _safe_date(year, month, day)
        return (found, None) if found else (None, "date_invalid")
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = map(int, match.groups())
        found = _safe_date(year, month, day)
        return (found, None) if found else (None, "date_invalid")
    match = _WORD_DATE.match(text)
    if match:
        month = MONTHS.get(match.group(2).lower())
        if month is not None:
            found = _safe_date(int(match.group(3)), month, int(match.group(1)))
            if found:
                return found, None
        return None, "date_invalid"
    if text.isascii() and text.isdigit() and 1 <= len(text) <= 6:
        # An Excel serial number that reached a CSV as text.
        return parse_date(int(text))
    return None, "date_invalid"


def parse_sex(cell: object) -> tuple[str | None, str | None]:
    """ "L" or "P" from L/P, Laki-laki/Perempuan, Pria/Wanita (and the English words)."""
    text = cell_text(cell).lower().rstrip(".")
    if not text:
        return None, None
    text = " ".join(text.replace("_", " ").split())
    found = SEX_WORDS.get(text) or SEX_WORDS.get(text.replace(" ", "-"))
    return (found, None) if found else (None, "sex_invalid")

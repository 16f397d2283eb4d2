"""Cells the platform writes into CSV and XLSX files, neutralised against formulas.

A spreadsheet program runs a CSV cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab
or carriage return before one) as a formula: a member named ``=HYPERLINK("http://x","y")``
would become a link in the secretariat's copy of the list, ``+cmd|' /C calc'!A0`` a command
(OWASP "CSV injection"). Every CSV writer passes its cells through ``safe_cell``; openpyxl
writers append rows with ``sheet_append`` (openpyxl stores a str starting with ``=`` as a
formula); ``imports.xlsx`` writes every str with XlsxWriter's ``write_string``, text already.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# ...except a plain number such as an E.164 phone "+6281234567890" or a growth of "-12.5": it
# is only a number, and stays one.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)*")


def safe_cell(value: Any) -> Any:
    """Neutralise a text that a spreadsheet would run as a formula (``=HYPERLINK(...)``,
    ``+cmd|...``, ``@SUM(...)``, ``-1+1``) by a leading apostrophe, so it shows as text.
    Numbers, dates and plain numeric text (``-5``, ``+6281234567890``) stay as they are."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


def sheet_append(sheet: Any, values: Iterable[Any]) -> None:
    """``sheet.append(values)`` on an openpyxl worksheet, every str kept as text.

    openpyxl makes a formula of any str starting with ``=``; the cell is set back to a string
    (shown and stored as typed, never evaluated). Numbers and dates keep their types.
    """
    values = list(values)
    sheet.append(values)
    if not any(isinstance(value, str) and value.startswith("=") for value in values):
        return
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"

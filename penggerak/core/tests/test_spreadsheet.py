"""The one neutraliser of spreadsheet cells: CSV text and openpyxl rows."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from penggerak.core.spreadsheet import safe_cell, safe_row, sheet_append

ATTACKS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-1+1"]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1)", "'@SUM(1)"),
        ("-1+1", "'-1+1"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("+6281234567890", "+6281234567890"),  # a phone in E.164: only a number
        ("-5", "-5"),
        ("-12.5", "-12.5"),
        ("-1.234,5", "-1.234,5"),
        ("Siti = Aminah", "Siti = Aminah"),
        ("", ""),
        (7, 7),
        (-5, -5),  # a number stays a number
        (-1.5, -1.5),
        (None, None),
    ],
)
def test_text_that_would_run_as_a_formula_gets_an_apostrophe(value, written):
    assert safe_cell(value) == written


def test_a_row_keeps_its_types():
    day = dt.date(2026, 1, 31)
    assert safe_row(["=1+1", -5, day, None]) == ["'=1+1", -5, day, None]


def test_openpyxl_rows_keep_text_as_text():
    workbook = Workbook()
    sheet = workbook.active
    sheet_append(sheet, [*ATTACKS, -5, 2.5, dt.date(2026, 1, 31)])
    sheet_append(sheet, [])
    sheet_append(sheet, ["biasa", "=SUM(A1:A2)"])
    out = io.BytesIO()
    workbook.save(out)

    book = load_workbook(io.BytesIO(out.getvalue()))
    first, _blank, third = list(book.active.iter_rows())
    assert [cell.value for cell in first[:4]] == ATTACKS
    assert [cell.data_type for cell in first[:4]] == ["s"] * 4  # text, never a formula
    assert (first[4].value, first[4].data_type) == (-5, "n")
    assert (first[5].value, first[5].data_type) == (2.5, "n")
    assert first[6].value == dt.datetime(2026, 1, 31)
    assert [(cell.value, cell.data_type) for cell in third[:2]] == [
        ("biasa", "s"),
        ("=SUM(A1:A2)", "s"),
    ]

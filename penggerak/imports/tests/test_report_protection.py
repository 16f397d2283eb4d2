"""The import report file (CSV, and its XLSX copy) is kept and downloaded again: it names a NIK
masked and every cell it repeats from the uploaded file is neutralised against formulas."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from penggerak.imports.member_checks import LABELS
from penggerak.imports.members import ImportOptions, import_members
from penggerak.imports.report import NIK_COLUMN
from penggerak.imports.tests.helpers import nik, read_report, write_csv
from penggerak.imports.xlsx import csv_report_to_xlsx
from penggerak.registry.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","y")'
COMMAND = "+cmd|' /C calc'!A0"


def masked(value: str) -> str:
    return "*" * 12 + value[-4:]


@pytest.fixture
def report(tmp_path, community, other_community):
    MemberFactory(community=other_community, serial=9, full_name="Di Tempat Lain")
    path = write_csv(
        tmp_path / "anggota.csv",
        [
            ["Nama", "NIK", "No HP", "Desa/Kelurahan"],
            ["Siti", nik(1), HYPERLINK, "@SUM(1)"],  # 2: warnings, member created
            ["Siti Lagi", nik(1), "", ""],  # 3: the same NIK again (in-file duplicate)
            ["Pindah", nik(9), "", ""],  # 4: a member of another community
            ["Sembilan", "3273 0154 0385 009", "", ""],  # 5: 15 digits
            ["", "", "-1+1", ""],  # 6: skipped, its first cell reported
            ["Bulat", nik(10)[:-1] + "x", "", COMMAND],  # 7: not digits
        ],
    )
    path_csv = tmp_path / "laporan.csv"
    summary = import_members(path, path_csv, ImportOptions(community=community))
    assert (summary.created, summary.refused) == (1, 4)
    return path_csv


def test_the_report_names_no_nik_in_clear(report):
    text = report.read_text(encoding="utf-8")
    for number in (1, 9, 10):
        assert nik(number) not in text
        assert nik(number)[:12] not in text
    assert "3273 0154 0385 009" not in text
    by_code = {line[4]: line for line in read_report(report)[1:]}
    assert by_code["nik_duplicate_in_file"][:3] == ["3", NIK_COLUMN, masked(nik(1))]
    assert by_code["nik_other_community"][:3] == ["4", NIK_COLUMN, masked(nik(9))]
    assert by_code["nik_length"][:3] == ["5", NIK_COLUMN, "*" * 11 + "5009"]
    assert by_code["nik_not_digits"][:2] == ["7", NIK_COLUMN]
    assert by_code["nik_not_digits"][2] == "*" * 11 + nik(10)[11:15]
    assert LABELS["nik"] == NIK_COLUMN  # the label the checks give is the one masked


def test_report_cells_from_the_file_cannot_run_as_formulas(report):
    lines = read_report(report)[1:]
    values = {(line[0], line[4]): line[2] for line in lines}
    assert values[("2", "phone_invalid")] == "'" + HYPERLINK
    assert values[("2", "village_not_found")] == "'@SUM(1)"
    assert values[("6", "row_skipped")] == "'-1+1"
    assert values[("7", "nik_not_digits")].startswith("*")

    xlsx = report.with_suffix(".xlsx")
    csv_report_to_xlsx(report, xlsx)
    sheet = load_workbook(xlsx).active
    cells = {(row[0].value, row[4].value): row[2] for row in sheet.iter_rows(min_row=2)}
    phone = cells[(2, "phone_invalid")]
    assert (phone.value, phone.data_type) == ("'" + HYPERLINK, "s")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert all(nik(1) not in str(cell.value) for row in sheet.iter_rows() for cell in row)

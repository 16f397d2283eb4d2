"""Template workbooks, the XLSX writer and the member page's export buttons."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from penggerak.imports import xlsx
from penggerak.imports.headers import MEMBER_HEADERS, build_lookup, normalize_header

pytestmark = pytest.mark.django_db


def _workbook(response):
    return load_workbook(io.BytesIO(response.content))


def test_members_template_has_text_columns_example_and_instructions(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("imports:template", kwargs={"kind": "anggota"}))
    assert response.status_code == 200
    assert "templat-anggota.xlsx" in response["Content-Disposition"]
    book = _workbook(response)
    sheet = book["Anggota"]
    header = [c.value for c in sheet[1]]
    lookup = build_lookup(MEMBER_HEADERS)
    fields = {lookup.get(normalize_header(h)) for h in header} - {None}
    assert {"full_name", "nik", "phone", "birth_date", "sex"} <= fields
    for name in ("NIK", "No HP/WA"):
        letter = sheet.cell(row=1, column=header.index(name) + 1).column_letter
        assert sheet.column_dimensions[letter].number_format == "@"
        assert sheet[f"{letter}2"].number_format == "@"
        assert sheet[f"{letter}500"].number_format == "@"
        assert isinstance(sheet[f"{letter}2"].value, str)
    assert sheet["B2"].value == "Siti Aminah"
    assert "Petunjuk" in book.sheetnames
    assert "NIK" in " ".join(str(c.value) for c in book["Petunjuk"]["A"])


def test_example_row_of_the_template_imports(client, coordinator, community, tmp_path):
    from penggerak.imports.members import ImportOptions, import_members

    client.force_login(coordinator)
    content = client.get(reverse("imports:template", kwargs={"kind": "anggota"})).content
    path = tmp_path / "templat.xlsx"
    path.write_bytes(content)
    summary = import_members(path, tmp_path / "r.csv", ImportOptions(community=community))
    # The instructions sheet holds no list: no warning about it.
    assert (summary.created, summary.refused, summary.warnings) == (1, 0, 0)


def test_communities_template_is_for_the_secretariat(client, coordinator, secretariat):
    url = reverse("imports:template", kwargs={"kind": "komunitas"})
    client.force_login(coordinator)
    assert client.get(url).status_code == 404
    client.force_login(secretariat)
    book = _workbook(client.get(url))
    assert [c.value for c in book.active[1]][:3] == ["Nama Komunitas", "Kode", "Kabupaten/Kota"]


def test_template_permissions(client, partner_user, member_user):
    url = reverse("imports:template", kwargs={"kind": "anggota"})
    assert client.get(url).status_code == 302
    for user in (partner_user, member_user):
        client.force_login(user)
        assert client.get(url).status_code == 404


# --- export (the job itself: test_exports.py) ---------------------------------------------


def test_xlsx_continues_on_a_new_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 2)
    path = tmp_path / "x.xlsx"
    assert xlsx.write_xlsx(path, ("a",), ([i] for i in range(5)), title="Anggota") == 5
    book = load_workbook(path)
    assert book.sheetnames == ["Anggota", "Anggota 2", "Anggota 3"]
    assert [r[0] for r in book["Anggota 3"].iter_rows(values_only=True)] == ["a", 4]


def test_xlsx_rolls_over_at_excels_real_row_limit(tmp_path):
    """1,048,576 rows (about 5 s): the first sheet ends on Excel's last row, 1,048,576."""
    path = tmp_path / "x.xlsx"
    assert xlsx.write_xlsx(path, ("n",), ([i] for i in range(1_048_576)), title="A") == 1_048_576
    with zipfile.ZipFile(path) as archive:
        first = archive.read("xl/worksheets/sheet1.xml")
        # The last row of the sheet's data (the worksheet's page setup follows it).
        assert b'<row r="1048576"><c r="A1048576"><v>1048574</v></c></row></sheetData>' in first
        assert b'r="1048577"' not in first
        assert b'<sheet name="A 2" sheetId="2"' in archive.read("xl/workbook.xml")
        second = archive.read("xl/worksheets/sheet2.xml")
        assert b'<row r="2"><c r="A2"><v>1048575</v></c></row></sheetData>' in second


def test_xlsx_sheet_rollover_at_an_exact_multiple_and_with_no_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 2)
    path = tmp_path / "x.xlsx"
    assert xlsx.write_xlsx(path, ("a", "b"), ([i, str(i)] for i in range(4)), title="A") == 4
    book = load_workbook(path)
    assert book.sheetnames == ["A", "A 2"]  # no empty third sheet
    assert list(book["A 2"].iter_rows(values_only=True)) == [("a", "b"), (2, "2"), (3, "3")]
    assert xlsx.write_xlsx(path, ("a", "b"), iter(()), title="Kosong") == 0
    book = load_workbook(path)
    assert book.sheetnames == ["Kosong"]
    assert list(book["Kosong"].iter_rows(values_only=True)) == [("a", "b")]


def test_xlsx_cells_keep_their_types_and_text_stays_text(tmp_path):
    path = tmp_path / "x.xlsx"
    row = [
        "=SUM(A1:A9)",
        " Tom & <Jerry> ",
        "bel\x07l",
        None,
        "",
        42,
        1.5,
        float("nan"),
        True,
        Decimal("2.50"),
        dt.date(1980, 8, 17),
        dt.datetime(2024, 5, 6, 7, 8, 9),
    ]
    header = tuple(f"k{i}" for i in range(len(row)))
    xlsx.write_xlsx(path, header, [row], title="Uji <1>")
    book = load_workbook(path)
    assert book.sheetnames == ["Uji <1>"]
    sheet = book["Uji <1>"]
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[2]] == [
        "=SUM(A1:A9)",
        " Tom & <Jerry> ",
        "bell",  # a control character XML cannot hold is dropped
        None,
        None,
        42,
        1.5,
        "nan",
        True,
        2.5,
        dt.datetime(1980, 8, 17),
        dt.datetime(2024, 5, 6, 7, 8, 9),
    ]
    assert sheet["A2"].data_type == "s"  # shown, never evaluated
    assert sheet["K2"].number_format == "yyyy-mm-dd"


def test_xlsx_sheet_names_are_ones_excel_accepts(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 1)
    path = tmp_path / "x.xlsx"
    title = "'Anggota [Jakarta]: a/b\\c?*" + "x" * 40
    assert xlsx.write_xlsx(path, ("a",), ([i] for i in range(2)), title=title) == 2
    names = load_workbook(path).sheetnames
    assert names == ["Anggota Jakarta abcxxxxxxxxxxxx", "Anggota Jakarta abcxxxxxxxxxx 2"]
    assert all(len(name) <= 31 for name in names)
    assert xlsx.sheet_name("[]:*?/\\") == "Data"
    assert xlsx.sheet_name("Laporan'", 12) == "Laporan 12"


def test_xlsx_keeps_escape_lookalikes_and_drops_time_zones(tmp_path):
    path = tmp_path / "x.xlsx"
    moment = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    xlsx.write_xlsx(path, ("a", "b", "c"), [["_x0041_", moment, Decimal("NaN")]])
    assert [c.value for c in load_workbook(path).active[2]][1:] == [
        dt.datetime(2024, 5, 6, 7, 8, 9),  # the wall-clock time, as before
        "NaN",
    ]
    # Typed text, not Excel's escape for "A": written as "_x005F_x0041_", which Excel and
    # calamine read back as typed (openpyxl does not undo the escape).
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    assert sheet.to_python()[1][0] == "_x0041_"


def test_xlsx_leaves_no_file_and_no_scratch_after_an_error(tmp_path):
    def rows():
        yield [1]
        raise OSError("disk full")

    path = tmp_path / "x.xlsx"
    with pytest.raises(OSError, match="disk full"):
        xlsx.write_xlsx(path, ("a",), rows())
    assert list(tmp_path.iterdir()) == []
    xlsx.write_xlsx(path, ("a",), [[1]])
    assert [p.name for p in tmp_path.iterdir()] == ["x.xlsx"]  # scratch files removed


def test_member_list_has_export_buttons_with_filters(client, coordinator, community):
    client.force_login(coordinator)
    page = client.get(reverse("registry:member_list"), {"status": "active"}).content.decode()
    assert "/impor/ekspor/anggota.csv?status=active" in page
    assert "/impor/ekspor/anggota.xlsx?status=active" in page
    assert " download>" not in page  # the buttons open the export page, not a file

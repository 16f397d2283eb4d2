"""Template workbooks and the streaming member export."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from penggerak.core.models import AuditEvent
from penggerak.imports import xlsx
from penggerak.imports.headers import MEMBER_HEADERS, build_lookup, normalize_header
from penggerak.registry.tests.factories import MemberFactory

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
    assert summary.created == 1 and summary.refused == 0


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
        assert client.get(url).status_code == 403


# --- export -----------------------------------------------------------------------------------


def _csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_coordinator_exports_own_members_csv_masked_and_audited(
    client, coordinator, community, other_community
):
    mine = MemberFactory.create_batch(3, community=community)
    MemberFactory(community=other_community, full_name="Orang Lain")
    client.force_login(coordinator)
    response = client.get(reverse("imports:export_members", kwargs={"fmt": "csv"}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert rows[0][:3] == ["ID", "Nama Lengkap", "NIK"]
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(m.pk for m in mine)
    assert all("*" in r[2] and len(r[2]) == 16 for r in rows[1:])
    assert "Orang Lain" not in str(rows)
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == coordinator
    assert event.changes == {"what": "members", "format": "csv", "filters": {}, "rows": 3}


def test_export_respects_filters_and_pages_by_keyset(
    client, secretariat, community, other_community, monkeypatch
):
    from penggerak.imports import exports

    monkeypatch.setattr(exports, "CHUNK", 2)
    MemberFactory.create_batch(5, community=community)
    MemberFactory.create_batch(2, community=other_community)
    client.force_login(secretariat)
    url = reverse("imports:export_members", kwargs={"fmt": "csv"})
    rows = _csv_rows(client.get(url, {"community": community.slug, "after": "1"}))
    assert len(rows) == 6 and {r[7] for r in rows[1:]} == {community.slug}
    ids = [int(r[0]) for r in rows[1:]]
    assert ids == sorted(ids, reverse=True)
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.changes["filters"] == {"community": community.slug}
    assert event.changes["rows"] == 5


def test_export_xlsx(client, coordinator, community):
    MemberFactory.create_batch(2, community=community, full_name="=HYPERLINK(1)")
    client.force_login(coordinator)
    response = client.get(reverse("imports:export_members", kwargs={"fmt": "xlsx"}))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book["Anggota"].iter_rows(values_only=True))
    assert rows[0][0] == "ID" and len(rows) == 3
    assert rows[1][1] == "=HYPERLINK(1)"  # text, not a formula
    assert book["Anggota"]["B2"].data_type == "s"


def test_xlsx_continues_on_a_new_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "SHEET_ROWS", 2)
    path = tmp_path / "x.xlsx"
    assert xlsx.write_xlsx(path, ("a",), ([i] for i in range(5)), title="Anggota") == 5
    book = load_workbook(path)
    assert book.sheetnames == ["Anggota", "Anggota 2", "Anggota 3"]
    assert [r[0] for r in book["Anggota 3"].iter_rows(values_only=True)] == ["a", 4]


def test_bad_filter_gives_400_and_no_audit(client, coordinator):
    client.force_login(coordinator)
    url = reverse("imports:export_members", kwargs={"fmt": "csv"})
    response = client.get(url, {"step": "tujuh"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_permissions(client, partner_user, member_user, member, fmt):
    url = reverse("imports:export_members", kwargs={"fmt": fmt})
    response = client.get(url)
    assert response.status_code == 302 and "/akun/masuk/" in response.url
    for user in (partner_user, member_user):
        client.force_login(user)
        assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_other_coordinator_exports_nothing_of_ours(client, other_coordinator, member):
    client.force_login(other_coordinator)
    rows = _csv_rows(client.get(reverse("imports:export_members", kwargs={"fmt": "csv"})))
    assert rows[1:] == []
    response = client.get(
        reverse("imports:export_members", kwargs={"fmt": "csv"}),
        {"community": member.community.slug},
    )
    assert _csv_rows(response)[1:] == []


def test_member_list_has_export_buttons_with_filters(client, coordinator, community):
    client.force_login(coordinator)
    page = client.get(reverse("registry:member_list"), {"status": "active"}).content.decode()
    assert "/impor/ekspor/anggota.csv?status=active" in page
    assert "/impor/ekspor/anggota.xlsx?status=active" in page

"""Members import through the pipeline and the command: every rule, good and bad files."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from penggerak.core.models import AuditEvent
from penggerak.core.protection import nik_decrypt, nik_digest
from penggerak.imports.members import ImportOptions, import_members
from penggerak.imports.readers import UnreadableFile, read_rows
from penggerak.imports.tests.helpers import nik, read_report, write_csv, write_ods, write_xlsx
from penggerak.registry.models import Community, Member, MemberStep, StepCount
from penggerak.registry.tests.factories import MemberFactory

HEADER = ["No", "Nama Lengkap", "NIK (16 digit)", "No. HP/WA", "Tgl Lahir", "L/P"]
pytestmark = pytest.mark.django_db


def run(path, tmp_path, community, **options):
    report = tmp_path / "laporan.csv"
    summary = import_members(path, report, ImportOptions(community=community, **options))
    return summary.as_dict(), read_report(report)


def test_csv_with_title_rows_blank_repeated_header_and_totals(tmp_path, community):
    path = write_csv(
        tmp_path / "anggota.csv",
        [
            ["DAFTAR ANGGOTA KOMUNITAS BANDUNG JUARA"],
            ["Per Agustus 2020"],
            [],
            HEADER,
            ["1", "Siti Aminah", nik(1), "0812-3456-7890", "14/03/1985", "P"],
            [],
            HEADER,
            ["2", "Dewi Lestari", nik(2), "+62 812 3456 7891", "14-03-1985", "Perempuan"],
            ["JUMLAH", "", "", "", "", ""],
        ],
    )
    summary, report = run(path, tmp_path, community, consent=True)
    assert summary == {
        "rows": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "refused": 0,
        "warnings": 1,
        "report": str(tmp_path / "laporan.csv"),
    }
    assert report == [
        ["row", "column", "value", "severity", "code", "message"],
        [
            "9",
            "",
            "JUMLAH",
            "warning",
            "row_skipped",
            "Baris tanpa nama dan NIK (misalnya baris JUMLAH atau catatan) dilewati.",
        ],
    ]
    siti = Member.objects.get(nik_digest=nik_digest(nik(1)))
    assert siti.full_name == "Siti Aminah"
    assert siti.search_name == "siti aminah"
    assert nik_decrypt(siti.nik_ciphertext) == nik(1)
    assert siti.nik_masked == "*" * 12 + nik(1)[-4:]
    assert siti.phone == "+6281234567890"
    assert siti.birth_date == dt.date(1985, 3, 14)
    assert siti.sex == "P"
    assert siti.region_id == community.regency_id
    assert siti.consent_text_version and siti.consent_given_at is not None
    assert siti.furthest_step == 1
    assert MemberStep.objects.filter(member=siti, step=1, status="done").count() == 1
    assert StepCount.objects.get(community=community, step=1).members == 2
    community.refresh_from_db()
    assert community.member_count == 2
    assert AuditEvent.objects.filter(object_type="registry.member", action="create").count() == 2


def test_without_consent_members_are_pending_and_step_one_not_done(tmp_path, community):
    path = write_csv(tmp_path / "a.csv", [HEADER, ["1", "Siti", nik(1), "08123456789", "", ""]])
    summary, _ = run(path, tmp_path, community)
    assert summary["created"] == 1
    member = Member.objects.get()
    assert member.consent_given_at is None and member.consent_purpose == ""
    assert member.furthest_step == 0
    assert not MemberStep.objects.exists()
    assert not StepCount.objects.exists()


def test_semicolon_windows_1252_and_quoted_newline_row_numbers(tmp_path, community):
    path = write_csv(
        tmp_path / "excel.csv",
        [
            ["Nama", "NIK", "Alamat"],
            ["Sürti", nik(1), "Jl. Merdeka 1\nRT 01/RW 02"],
            ["Budi", "", "Jl. Braga"],
        ],
        delimiter=";",
        encoding="cp1252",
    )
    summary, report = run(path, tmp_path, community)
    assert summary["created"] == 1 and summary["refused"] == 1
    assert Member.objects.get().full_name == "Sürti"
    assert Member.objects.get().address == "Jl. Merdeka 1\nRT 01/RW 02"
    assert report[1][:5] == ["3", "NIK", "", "error", "nik_missing"]


def test_utf8_bom_and_tab(tmp_path, community):
    path = tmp_path / "bom.csv"
    path.write_text(f"NIK\tNama\n{nik(1)}\tÁyu\n", encoding="utf-8-sig")
    summary, _ = run(path, tmp_path, community)
    assert summary["created"] == 1
    assert Member.objects.get().search_name == "ayu"


@pytest.mark.parametrize(
    "value",
    ["3273 0154 0385 0001", "3273.0154.0385.0001", "3273-0154-0385-0001", "'3273015403850001"],
)
def test_nik_with_separators_and_apostrophe(tmp_path, community, value):
    assert value.replace(" ", "").replace(".", "").replace("-", "").strip("'") == nik(1)
    path = write_csv(tmp_path / "a.csv", [["Nama", "NIK"], ["Siti", value]])
    summary, _ = run(path, tmp_path, community)
    assert summary["created"] == 1


def test_xlsx_numeric_nik_cells(tmp_path, community):
    ends_in_zero = nik(10)
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [
            ["Laporan anggota"],
            ["Nama", "NIK", "No HP", "Tanggal Lahir"],
            ["Exact", int(nik(1)), 81234567890, dt.datetime(1985, 3, 14)],
            ["Ends in zero", int(ends_in_zero), None, None],
            ["Huge", 2**53 + 1, None, None],
            ["Float", 3.27301e15, None, None],
            ["Scientific", "3.27301E+15", None, None],
            ["Text", nik(2), "'0812 3456 7892", 31120],
        ],
    )
    summary, report = run(path, tmp_path, community)
    assert summary["rows"] == 6
    assert summary["created"] == 2
    assert summary["refused"] == 4
    codes = [(line[0], line[4]) for line in report[1:]]
    assert codes == [
        ("4", "nik_numeric_untrusted"),
        ("5", "nik_numeric_untrusted"),
        ("6", "nik_numeric_untrusted"),
        ("7", "nik_scientific"),
        ("8", "phone_invalid"),
    ]
    assert "format kolom nik sebagai teks" in report[1][5].lower()
    exact = Member.objects.get(nik_digest=nik_digest(nik(1)))
    assert exact.phone == "+6281234567890"
    # 31120 is an Excel serial date (1985-03-14).
    assert Member.objects.get(nik_digest=nik_digest(nik(2))).birth_date == dt.date(1985, 3, 14)


def test_csv_nik_ending_in_zero_is_fine_but_scientific_is_not(tmp_path, community):
    path = write_csv(
        tmp_path / "a.csv", [["Nama", "NIK"], ["Nol", nik(10)], ["Sci", "3,27301E+15"]]
    )
    summary, report = run(path, tmp_path, community)
    assert (summary["created"], summary["refused"]) == (1, 1)
    assert report[1][4] == "nik_scientific"


def test_ods(tmp_path, community):
    path = write_ods(
        tmp_path / "a.ods",
        [
            ["Data Anggota"],
            [],
            ["Nama", "NIK", "Tgl Lahir", "Jenis Kelamin", "No HP"],
            ["Siti", float(nik(1)), dt.date(1985, 3, 14), "Wanita", 81234567890],
            ["Bulat", float(nik(10)), None, None, None],
        ],
    )
    summary, report = run(path, tmp_path, community)
    assert (summary["rows"], summary["created"], summary["refused"]) == (2, 1, 1)
    # The report names the NIK masked, like every page (the file is kept and downloaded).
    assert report[1][:5] == ["5", "NIK", "*" * 12 + nik(10)[-4:], "error", "nik_numeric_untrusted"]
    assert Member.objects.get().phone == "+6281234567890"


@pytest.mark.parametrize("writer", [write_xlsx, write_ods], ids=["xlsx", "ods"])
def test_later_sheets_with_a_list_are_reported_not_left_out_silently(
    tmp_path, community, writer, monkeypatch
):
    path = writer(
        tmp_path / f"anggota.{'xlsx' if writer is write_xlsx else 'ods'}",
        [["Nama", "NIK"], ["Siti", nik(1)]],
        more_sheets={
            "Desa Sukamaju": [
                ["Anggota Desa Sukamaju"],
                ["Nama Lengkap", "No KTP"],
                ["Ani", nik(2)],
            ],
            "Petunjuk": [["Isi satu baris per anggota."], ["NIK: 16 digit, format Teks."]],
            "Rekap": [["Desa", "Jumlah"], ["Sukamaju", 1]],
        },
    )
    import openpyxl

    opened = []
    load_workbook = openpyxl.load_workbook

    def counted(*args, **kwargs):
        opened.append(args[0])
        return load_workbook(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counted)
    summary, report = run(path, tmp_path, community)
    # The later sheets are read from the workbook already open (a big one's shared strings
    # are not loaded twice).
    assert len(opened) == (1 if writer is write_xlsx else 0)
    # Only the first sheet is imported; the sheet holding a list says so, the others pass.
    assert (summary["rows"], summary["created"], summary["warnings"]) == (1, 1, 1)
    assert Member.objects.get().full_name == "Siti"
    row, column, value, severity, code, text = report[1]
    assert (row, column, value, severity, code) == (
        "2",
        "",
        "Desa Sukamaju",
        "warning",
        "sheet_not_imported",
    )
    assert text.startswith('Lembar "Desa Sukamaju" juga berisi daftar')


def test_a_later_sheet_that_cannot_be_read_is_reported(tmp_path):
    from penggerak.imports import members as members_module

    def broken(rows):
        raise ValueError("rusak")  # what a parser error in that sheet's XML looks like

    path = write_xlsx(
        tmp_path / "anggota.xlsx",
        [["Nama", "NIK"], ["Siti", nik(1)]],
        more_sheets={"Lama": [["Nama", "NIK"]]},
    )
    left_out = members_module.SheetsLeftOut(broken)
    assert [cells for _, cells in read_rows(path, later=left_out)] == [
        ["Nama", "NIK"],
        ["Siti", nik(1)],
    ]
    assert [(p.row, p.value, p.code) for p in left_out.problems] == [
        (1, "Lama", "sheet_unreadable")
    ]


def test_csv_has_no_later_sheets(tmp_path, community):
    path = write_csv(tmp_path / "a.csv", [["Nama", "NIK"], ["Siti", nik(1)]])
    summary, report = run(path, tmp_path, community)
    assert (summary["created"], summary["warnings"], report[1:]) == (1, 0, [])


@pytest.mark.parametrize(
    "stated",
    ["14/03/1985", "14-03-1985", "14.03.1985", "1985-03-14", "14 Maret 1985", "14 Mar 1985"],
)
def test_dates_in_every_form(tmp_path, community, stated):
    path = write_csv(tmp_path / "a.csv", [["Nama", "NIK", "Tgl Lahir"], ["Siti", nik(1), stated]])
    summary, report = run(path, tmp_path, community)
    assert summary["created"] == 1, report


def test_birth_date_and_sex_disagreeing_with_nik_are_refused(tmp_path, community):
    path = write_csv(
        tmp_path / "a.csv",
        [
            ["Nama", "NIK", "Tgl Lahir", "L/P"],
            ["Tanggal", nik(1), "15/03/1985", "P"],
            ["Kelamin", nik(2), "14/03/1985", "Laki-laki"],
            ["Kata", nik(3), "17 Agustus 1980", "Pria"],
        ],
    )
    summary, report = run(path, tmp_path, community)
    assert summary["refused"] == 3 and summary["created"] == 0
    assert [line[4] for line in report[1:]] == [
        "nik_birth_date_mismatch",
        "nik_sex_mismatch",
        "nik_birth_date_mismatch",
    ]
    assert report[1][:4] == ["2", "Tanggal lahir", "15/03/1985", "error"]
    assert (
        report[1][5]
        == "Tanggal lahir 15-03-1985 tidak cocok dengan NIK, yang menunjukkan 14-03-1985."
    )
    assert not Member.objects.exists()


def test_invalid_nik_missing_name_and_warnings_for_unusable_fields(tmp_path, community):
    path = write_csv(
        tmp_path / "a.csv",
        [
            ["Nama", "NIK", "Email", "Desa/Kelurahan", "No HP"],
            ["Pendek", "12345", "", "", ""],
            ["", nik(1), "", "", ""],
            ["Siti", nik(2), "bukan-email", "Desa Antah Berantah", "12"],
        ],
    )
    summary, report = run(path, tmp_path, community)
    assert summary == {**summary, "rows": 3, "created": 1, "refused": 2, "warnings": 3}
    assert [line[:5] for line in report[1:]] == [
        ["2", "NIK", "*2345", "error", "nik_length"],
        ["3", "Nama", "", "error", "name_missing"],
        ["4", "No HP", "12", "warning", "phone_invalid"],
        ["4", "Email", "bukan-email", "warning", "email_invalid"],
        ["4", "Desa/Kelurahan", "Desa Antah Berantah", "warning", "village_not_found"],
    ]
    member = Member.objects.get()
    assert (member.email, member.phone, member.village_id) == ("", "", None)


def test_village_resolved_within_community_regency(tmp_path, community):
    path = write_csv(
        tmp_path / "a.csv", [["Nama", "NIK", "Kelurahan"], ["Siti", nik(1), "Sukarasa"]]
    )
    run(path, tmp_path, community)
    member = Member.objects.get()
    assert member.village_id.startswith("32.73.")
    assert member.region_id == member.village_id


def test_duplicate_nik_in_file_refuses_only_later_rows(tmp_path, community):
    path = write_csv(
        tmp_path / "a.csv",
        [["Nama", "NIK"], ["Pertama", nik(1)], ["Kedua", nik(1)], ["Ketiga", nik(1)]],
    )
    summary, report = run(path, tmp_path, community, batch_size=1)
    assert (summary["created"], summary["refused"]) == (1, 2)
    assert [(line[0], line[4]) for line in report[1:]] == [
        ("3", "nik_duplicate_in_file"),
        ("4", "nik_duplicate_in_file"),
    ]
    assert Member.objects.get().full_name == "Pertama"


def test_nik_of_another_community_is_refused(tmp_path, community, other_community):
    MemberFactory(community=other_community, serial=1, full_name="Asli")
    path = write_csv(tmp_path / "a.csv", [["Nama", "NIK"], ["Pindah", nik(1)]])
    audit_before = AuditEvent.objects.count()
    summary, report = run(path, tmp_path, community)
    assert (summary["refused"], summary["created"]) == (1, 0)
    assert report[1][4] == "nik_other_community"
    member = Member.objects.get()
    assert (member.community_id, member.full_name) == (other_community.pk, "Asli")
    assert AuditEvent.objects.count() == audit_before
    community.refresh_from_db()
    assert community.member_count == 0


def test_existing_member_fill_blanks_keep_different_and_overwrite(tmp_path, community):
    MemberFactory(community=community, serial=1, full_name="Siti Aminah", phone="", email="")
    MemberFactory(community=community, serial=2, full_name="Dewi", phone="+6281111111111")
    path = write_csv(
        tmp_path / "a.csv",
        [
            ["Nama", "NIK", "No HP", "Email"],
            ["Siti Aminah", nik(1), "081234567890", "siti@contoh.id"],
            ["Dewi", nik(2), "081222222222", ""],
        ],
    )
    summary, report = run(path, tmp_path, community)
    assert (summary["updated"], summary["unchanged"], summary["created"]) == (1, 1, 0)
    siti = Member.objects.get(nik_digest=nik_digest(nik(1)))
    assert (siti.phone, siti.email) == ("+6281234567890", "siti@contoh.id")
    dewi = Member.objects.get(nik_digest=nik_digest(nik(2)))
    assert dewi.phone == "+6281111111111"
    assert report[1][:5] == ["3", "No HP", "081222222222", "warning", "value_kept"]
    assert AuditEvent.objects.filter(action="update", object_id=str(siti.pk)).count() == 1

    summary, _ = run(path, tmp_path, community, overwrite=True)
    assert (summary["updated"], summary["unchanged"]) == (1, 1)
    dewi.refresh_from_db()
    assert dewi.phone == "+6281222222222"
    community.refresh_from_db()
    assert community.member_count == 2


def test_importing_the_same_file_twice_changes_nothing(tmp_path, community):
    rows = [HEADER] + [
        [str(i), f"Anggota {i}", nik(i), f"0812345678{i:02d}", "14/03/1985", "P"]
        for i in range(1, 8)
    ]
    path = write_csv(tmp_path / "a.csv", rows)
    first, _ = run(path, tmp_path, community, consent=True, batch_size=3)
    assert first["created"] == 7
    audit = AuditEvent.objects.count()
    second, report = run(path, tmp_path, community, consent=True, batch_size=3)
    assert second == {**first, "created": 0, "unchanged": 7}
    assert report == [["row", "column", "value", "severity", "code", "message"]]
    assert AuditEvent.objects.count() == audit
    community.refresh_from_db()
    assert community.member_count == 7
    assert StepCount.objects.get(community=community, step=1).members == 7


def test_dry_run_writes_nothing(tmp_path, community):
    path = write_csv(tmp_path / "a.csv", [["Nama", "NIK"], ["Siti", nik(1)]])
    summary, _ = run(path, tmp_path, community, dry_run=True)
    assert summary["created"] == 1
    assert not Member.objects.exists()
    assert not AuditEvent.objects.exists()
    community.refresh_from_db()
    assert community.member_count == 0


def test_community_column_and_map_option(tmp_path, community, other_community, capsys):
    path = write_csv(
        tmp_path / "a.csv",
        [
            ["Nama Peserta", "Identitas", "Kom"],
            ["Siti", nik(1), "bandung-juara"],
            ["Budi", nik(2, sex="L"), "surabaya-maju"],
            ["Tono", nik(3, sex="L"), "tidak-ada"],
        ],
    )
    report = tmp_path / "r.csv"
    call_command(
        "import",
        "members",
        str(path),
        "--report",
        str(report),
        "--map",
        "Identitas=nik",
        "--map",
        "Kom=community",
    )
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (summary["created"], summary["refused"]) == (2, 1)
    assert read_report(report)[1][4] == "community_unknown"
    assert Community.objects.get(pk=other_community.pk).member_count == 1
    assert Community.objects.get(pk=community.pk).member_count == 1


def test_actor_is_recorded(tmp_path, community, coordinator, capsys):
    path = write_csv(tmp_path / "a.csv", [["Nama", "NIK"], ["Siti", nik(1)]])
    call_command(
        "import",
        "members",
        str(path),
        "--community",
        "bandung-juara",
        "--actor",
        coordinator.username,
        "--report",
        str(tmp_path / "r.csv"),
    )
    event = AuditEvent.objects.get(object_type="registry.member")
    assert (event.actor, event.actor_label) == (coordinator, coordinator.username)
    assert event.reason == "Impor anggota dari berkas a.csv"


def test_unreadable_file_exits_non_zero(tmp_path, community, capsys):
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UnreadableFile):
        import_members(bad, tmp_path / "r.csv", ImportOptions(community=community))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "members", str(bad), "--community", "bandung-juara")
    assert exit_info.value.code == 2
    assert "could not be read" in capsys.readouterr().err
    no_header = write_csv(tmp_path / "x.csv", [["a", "b"], ["1", "2"]])
    with pytest.raises(UnreadableFile):
        import_members(no_header, tmp_path / "r.csv", ImportOptions(community=community))


@pytest.mark.any_day
def test_imported_members_reach_the_dashboard_figures(tmp_path, community):
    from penggerak.insights.rollups import rebuild, rollups_diff, total

    rebuild()
    before = total("nation", "members")
    path = write_csv(
        tmp_path / "anggota.csv",
        [
            HEADER,
            ["1", "Siti Aminah", nik(1), "0812-3456-7890", "14/03/1985", "P"],
            ["2", "Dewi Lestari", nik(2), "0812-3456-7891", "14/03/1985", "P"],
        ],
    )
    run(path, tmp_path, community, consent=True, batch_size=1)
    assert total("nation", "members") == before + 2
    assert total(f"community:{community.pk}", "women_members") >= 2
    assert rollups_diff() == {}
    run(path, tmp_path, community, consent=True, dry_run=True)
    assert rollups_diff() == {}


def test_batches_start_small_and_double_up_to_the_batch_size(tmp_path, community, monkeypatch):
    from penggerak.imports import members

    monkeypatch.setattr(members, "FIRST_BATCH_SIZE", 2)
    rows = [["Nama", "NIK"]] + [[f"Anggota {n}", nik(n)] for n in range(1, 24)]
    committed: list[int] = []

    def on_batch(summary):
        committed.append(Member.objects.count())  # what the page shows is in the database

    path = write_csv(tmp_path / "a.csv", rows)
    summary, _ = run(path, tmp_path, community, batch_size=8, on_batch=on_batch)
    assert summary["created"] == 23
    assert committed == [2, 6, 14, 22, 23]  # batches of 2, 4, 8, 8 and the rest

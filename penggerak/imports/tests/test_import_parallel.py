"""Big files are checked in worker processes: the outcome must not depend on it."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from penggerak.imports import members as members_module
from penggerak.imports.member_checks import default_workers
from penggerak.imports.members import ImportOptions, import_members
from penggerak.imports.tests.helpers import nik, read_report, write_csv
from penggerak.insights.rollups import rebuild, rollups_diff
from penggerak.registry.models import Community, Member, MemberStep
from penggerak.registry.tests.factories import CommunityFactory, MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = [
    "Nama",
    "NIK",
    "No HP",
    "Email",
    "Tgl Lahir",
    "L/P",
    "Komunitas",
    "Kelurahan",
    "Bergabung",
]


def messy_rows() -> list[list]:
    born = "14/03/1985"
    return [
        ["DAFTAR ANGGOTA GABUNGAN"],
        HEADER,
        [
            "Siti",
            nik(1),
            "0812-3456-7890",
            "siti@contoh.id",
            born,
            "P",
            "bandung-juara",
            "Sukarasa",
            "17 Agustus 2019",
        ],
        # No name: refused, but its NIK still counts for the duplicate rule below.
        ["", nik(2), "", "", born, "P", "bandung-juara", "", ""],
        ["Dewi", nik(2), "", "", born, "P", "bandung-juara", "", ""],
        ["Budi", nik(3, sex="L"), "12", "bukan-email", born, "P", "surabaya-maju", "", ""],
        ["Tono", "12345", "", "", "", "", "bandung-juara", "", ""],
        ["JUMLAH", "", "", "", "", "", "", "", ""],
        HEADER,
        [],
        ["Ani", nik(4), "", "", "tanggal?", "L/P?", "tidak-ada", "", ""],
        ["Rina", nik(1), "", "", born, "P", "bandung-juara", "", ""],
        ["Wati", nik(5), "+62 812 1111 2222", "", "", "", "Komunitas Bandung Juara", "", ""],
        ["Joko", nik(6, sex="L"), "0813 2222 3333", "", "", "L", "surabaya-maju", "", "2020-01-02"],
        ["Sari", nik(7), "", "", "", "", "lama", "", ""],
        ["Tuti", nik(8), "0812 9999 0000", "", "", "", "bandung-juara", "", ""],
    ]


def run(tmp_path, name, **options):
    report = tmp_path / f"{name}.csv"
    summary = import_members(
        write_csv(tmp_path / "anggota.csv", messy_rows()), report, ImportOptions(**options)
    ).as_dict()
    summary.pop("report")
    return summary, read_report(report)


def test_workers_and_in_process_checks_agree_on_every_rule(
    tmp_path, monkeypatch, community, other_community
):
    CommunityFactory(name="Lama", slug="lama", status=Community.Status.INACTIVE)
    MemberFactory(community=community, serial=8, full_name="Tuti", phone="", furthest_step=0)
    rebuild()
    in_process = run(tmp_path, "satu", workers=0, consent=True, dry_run=True)
    # Chunks of two rows over three workers: a NIK's first and later rows meet in different
    # workers, and results arrive out of order unless the consumer keeps file order.
    monkeypatch.setattr(members_module, "CHUNK_ROWS", 2)
    parallel = run(tmp_path, "banyak", workers=3, consent=True, dry_run=True, batch_size=3)
    assert parallel == in_process
    summary, report = in_process
    assert summary == {
        "rows": 11,
        "created": 3,
        "updated": 1,
        "unchanged": 0,
        "refused": 7,
        "warnings": summary["warnings"],
    }
    codes = [(line[0], line[4]) for line in report[1:]]
    for expected in [
        ("4", "name_missing"),
        ("5", "nik_duplicate_in_file"),
        ("6", "nik_sex_mismatch"),
        ("7", "nik_length"),
        ("8", "row_skipped"),
        ("11", "date_invalid"),
        ("11", "sex_invalid"),
        ("11", "community_unknown"),
        ("12", "nik_duplicate_in_file"),
        ("15", "community_inactive"),
    ]:
        assert expected in codes
    assert Member.objects.count() == 1  # dry runs wrote nothing

    summary, report = run(tmp_path, "nyata", workers=2, consent=True, batch_size=3)
    assert (summary, report[1:]) == (in_process[0], in_process[1][1:])
    assert set(Member.objects.values_list("full_name", flat=True)) == {
        "Siti",
        "Wati",
        "Joko",
        "Tuti",
    }
    siti = Member.objects.get(full_name="Siti")
    assert siti.village_id and siti.village_id.startswith("32.73.")
    assert siti.joined_on == dt.date(2019, 8, 17)
    assert MemberStep.objects.filter(step=1, status="done").count() == 4  # Tuti's phone too
    assert rollups_diff() == {}


def test_default_workers_leave_one_core_to_the_writer(monkeypatch):
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: {0, 1})
    assert default_workers() == 1
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: {0})
    assert default_workers() == 0


def test_command_workers_option(tmp_path, community, capsys):
    from django.core.management import call_command

    path = write_csv(
        tmp_path / "anggota.csv",
        [["Nama", "NIK"], *[[f"Anggota {i}", nik(i)] for i in range(1, 30)], ["Ulang", nik(3)]],
    )
    call_command(
        "import",
        "members",
        str(path),
        "--community",
        community.slug,
        "--workers",
        "1",
        "--batch-size",
        "7",
        "--report",
        str(tmp_path / "r.csv"),
    )
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (summary["rows"], summary["created"], summary["refused"]) == (30, 29, 1)
    assert read_report(tmp_path / "r.csv")[1][:5] == [
        "31",
        "NIK",
        "*" * 12 + nik(3)[-4:],
        "error",
        "nik_duplicate_in_file",
    ]

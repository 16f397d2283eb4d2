"""Communities import: service rules, ambiguous regencies, coordinator logins."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from penggerak.accounts.models import Role, User
from penggerak.imports.tests.helpers import read_report, write_csv, write_xlsx
from penggerak.registry.models import Community

pytestmark = pytest.mark.django_db
HEADER = [
    "Nama Komunitas",
    "Kode",
    "Kabupaten/Kota",
    "Tanggal Berdiri",
    "Koordinator",
    "HP Koordinator",
    "Email Koordinator",
]


def test_communities_with_coordinators(tmp_path, secretariat, capsys):
    path = write_xlsx(
        tmp_path / "komunitas.xlsx",
        [
            ["Daftar Komunitas Penggerak"],
            HEADER,
            [
                "OK OCE Bandung",
                "okoce-bandung",
                "Kota Bandung",
                "17/08/2018",
                "Asep Sunandar",
                "0812-1111-2222",
                "asep@contoh.id",
            ],
            ["OK OCE Tasik", "", "Tasikmalaya", "", "", "", ""],
            ["OK OCE Surabaya", "", "35.78", "2019-01-02", "", "", ""],
            ["Tanpa Wilayah", "", "", "", "", "", ""],
        ],
    )
    report = tmp_path / "r.csv"
    call_command(
        "import", "communities", str(path), "--actor", secretariat.username, "--report", str(report)
    )
    captured = capsys.readouterr()
    summary = json.loads(captured.out.strip().splitlines()[-1])
    assert (summary["rows"], summary["created"], summary["refused"]) == (4, 2, 2)
    lines = read_report(report)
    assert [(line[0], line[4]) for line in lines[1:]] == [
        ("4", "regency_ambiguous"),
        ("6", "regency_missing"),
    ]
    assert "32.06" in lines[1][5] and "32.78" in lines[1][5]
    bandung = Community.objects.get(slug="okoce-bandung")
    assert bandung.regency_id == "32.73"
    assert str(bandung.founded_on) == "2018-08-17"
    coordinator = User.objects.get(username="koord-okoce-bandung")
    assert not coordinator.is_active and not coordinator.has_usable_password()
    assert coordinator.role == Role.COORDINATOR
    assert coordinator.phone == "+6281211112222" and coordinator.email == "asep@contoh.id"
    assert list(bandung.coordinators.all()) == [coordinator]
    assert "/akun/undangan/" in captured.err and "koord-okoce-bandung" in captured.err
    assert Community.objects.get(name="OK OCE Surabaya").regency_id == "35.78"

    # A re-run skips the community whose code exists.
    call_command(
        "import", "communities", str(path), "--actor", secretariat.username, "--report", str(report)
    )
    assert Community.objects.filter(slug="okoce-bandung").count() == 1


def test_communities_need_a_secretariat_actor(tmp_path, coordinator):
    path = write_csv(tmp_path / "k.csv", [HEADER[:3], ["A", "", "Kota Bandung"]])
    with pytest.raises(CommandError):
        call_command("import", "communities", str(path), "--actor", coordinator.username)
    assert not Community.objects.filter(name="A").exists()


def test_communities_dry_run(tmp_path, secretariat, capsys):
    path = write_csv(tmp_path / "k.csv", [HEADER[:3], ["A", "a", "Kota Bandung"]])
    call_command(
        "import",
        "communities",
        str(path),
        "--actor",
        secretariat.username,
        "--dry-run",
        "--report",
        str(tmp_path / "r.csv"),
    )
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["created"] == 1
    assert not Community.objects.filter(slug="a").exists()


def test_a_later_sheet_with_communities_is_reported(tmp_path, secretariat, capsys):
    from penggerak.imports.communities import import_communities

    path = write_xlsx(
        tmp_path / "komunitas.xlsx",
        [HEADER[:3], ["OK OCE Bandung", "okoce-bandung", "Kota Bandung"]],
        more_sheets={"Jawa Timur": [HEADER[:3], ["OK OCE Surabaya", "", "Kota Surabaya"]]},
    )
    summary = import_communities(path, tmp_path / "r.csv", actor=secretariat, announce=lambda _: 0)
    assert (summary.created, summary.warnings) == (1, 1)
    assert read_report(tmp_path / "r.csv")[1][:5] == [
        "1",
        "",
        "Jawa Timur",
        "warning",
        "sheet_not_imported",
    ]
    assert not Community.objects.filter(name="OK OCE Surabaya").exists()

"""An import that changes a member records each changed field's old and new value in the
audit trail, in the shape ``registry.services.member_update`` writes (``{field: [old, new]}``),
batch by batch: never a query per member."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from penggerak.core.models import AuditEvent, Region
from penggerak.core.protection import nik_digest
from penggerak.imports.members import ImportOptions, import_members
from penggerak.imports.tests.helpers import nik, write_csv
from penggerak.registry.models import Member
from penggerak.registry.services import member_update

NOW = dt.datetime(2026, 3, 14, 9, 0, tzinfo=dt.UTC)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]
HEADER = ["Nama Lengkap", "NIK", "No HP", "Email", "Kelurahan"]


def _import(tmp_path, community, rows, *flags, actor=None):
    path = write_csv(tmp_path / "anggota.csv", [HEADER, *rows])
    arguments = ["import", "members", str(path), "--community", community.slug]
    arguments += ["--report", str(tmp_path / "laporan.csv"), *flags]
    if actor is not None:
        arguments += ["--actor", actor.username]
    call_command(*arguments)


def _updates(member: Member) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type="registry.member", object_id=str(member.pk), action="update"
        )
    )


def test_overwrite_records_old_and_new_values(tmp_path, community, coordinator, capsys):
    _import(
        tmp_path,
        community,
        [
            ["Siti Aminah", nik(1), "0812-3456-7890", "siti@contoh.id", ""],
            ["Dewi Lestari", nik(2), "0812-3456-7891", "", ""],
        ],
    )
    siti = Member.objects.get(nik_digest=nik_digest(nik(1)))
    dewi = Member.objects.get(nik_digest=nik_digest(nik(2)))
    assert _updates(siti) == []
    _import(
        tmp_path,
        community,
        [
            ["Siti Aminah Putri", nik(1), "0813 1111 2222", "siti@contoh.id", ""],
            ["Dewi Lestari", nik(2), "0812-3456-7891", "", ""],
        ],
        "--overwrite",
        actor=coordinator,
    )
    (event,) = _updates(siti)
    assert event.changes == {
        "full_name": ["Siti Aminah", "Siti Aminah Putri"],
        "phone": ["+6281234567890", "+6281311112222"],
    }
    assert (event.actor, event.actor_label) == (coordinator, coordinator.username)
    assert event.reason == "Impor anggota dari berkas anggota.csv"
    assert event.at == NOW
    assert _updates(dewi) == []  # the same values: no event
    siti.refresh_from_db()
    assert (siti.full_name, siti.phone) == ("Siti Aminah Putri", "+6281311112222")
    # The NIK is never part of the changes, in any form.
    text = json.dumps(event.changes)
    assert nik(1) not in text and siti.nik_masked not in text


def test_filling_a_blank_without_overwrite_is_recorded(tmp_path, community):
    _import(tmp_path, community, [["Siti Aminah", nik(1), "", "", ""]])
    siti = Member.objects.get()
    _import(
        tmp_path,
        community,
        [["Siti Aminah Putri", nik(1), "0812-3456-7890", "siti@contoh.id", ""]],
    )
    (event,) = _updates(siti)
    # The different name is kept (and reported); only the blanks filled are changes.
    assert event.changes == {
        "phone": ["", "+6281234567890"],
        "email": ["", "siti@contoh.id"],
    }
    assert event.actor is None and event.actor_label == "system"
    siti.refresh_from_db()
    assert siti.full_name == "Siti Aminah"


def test_village_and_consent_as_member_update_records_them(tmp_path, community, coordinator):
    _import(tmp_path, community, [["Siti Aminah", nik(1), "0812-3456-7890", "", ""]])
    siti = Member.objects.get()
    _import(
        tmp_path,
        community,
        [["Siti Aminah", nik(1), "0812-3456-7890", "", "Sukarasa"]],
        "--consent-collected",
    )
    siti.refresh_from_db()
    village = Region.objects.get(code=siti.village_id)
    (event,) = _updates(siti)
    assert event.changes == {
        "village": ["", str(village)],
        "consent_given_at": ["", NOW.isoformat()],
    }
    # The registry's own edit writes a village the same way.
    other = Region.objects.filter(parent_id=village.parent_id, level=4).exclude(pk=village.pk)[0]
    member_update(actor=coordinator, member=siti, village_code=other.code)
    latest = AuditEvent.objects.filter(object_id=str(siti.pk), action="update").latest("id")
    assert latest.changes == {"village": [str(village), str(other)]}


def test_dry_run_records_nothing(tmp_path, community):
    _import(tmp_path, community, [["Siti Aminah", nik(1), "", "", ""]])
    audit = AuditEvent.objects.count()
    _import(tmp_path, community, [["Siti", nik(1), "0812-3456-7890", "", ""]], "--dry-run")
    assert AuditEvent.objects.count() == audit


def test_audit_of_updates_is_one_statement_per_batch(tmp_path, community):
    few = _audit_inserts(tmp_path, "few", community, range(1, 4))
    many = _audit_inserts(tmp_path, "many", community, range(100, 160))
    assert len(few) == len(many)  # as many statements for 60 members as for 3
    assert sum("VALUES" in sql for sql in many) == 1  # the updates' events: one executemany
    assert AuditEvent.objects.filter(action="update").count() == 3 + 60


def _audit_inserts(tmp_path, name, community, serials) -> list[str]:
    """The statements writing audit events while a second import fills every member's phone."""
    directory = tmp_path / name
    directory.mkdir()
    rows = [[f"Anggota {i}", nik(i), "", "", ""] for i in serials]
    path = write_csv(directory / "a.csv", [HEADER, *rows])
    import_members(path, directory / "r.csv", ImportOptions(community=community))
    rows = [[f"Anggota {i}", nik(i), f"0812-3456-{i:04d}", "", ""] for i in serials]
    path = write_csv(directory / "b.csv", [HEADER, *rows])
    with CaptureQueriesContext(connection) as queries:
        summary = import_members(path, directory / "r.csv", ImportOptions(community=community))
    assert summary.updated == len(serials)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    return [q["sql"] for q in queries.captured_queries if f"INTO {table}" in q["sql"]]

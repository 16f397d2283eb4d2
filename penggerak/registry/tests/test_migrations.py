"""Migration 0006: NIK digests from 64 hex digits to 16 bytes, and back, on real data."""

import hashlib
import hmac

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from penggerak.core import protection
from penggerak.core.identity import compose_nik
from penggerak.registry.models import Member
from penggerak.registry.tests.factories import BANDUNG_DISTRICT, MemberFactory

HEX = ("registry", "0005_member_indexes_without_duplicates")
BYTES = ("registry", "0006_member_nik_digest_bytes")


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _stored_digests() -> dict[int, object]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, nik_digest FROM registry_member ORDER BY id")
        return {
            pk: bytes(value) if isinstance(value, memoryview) else value for pk, value in cursor
        }


@pytest.mark.django_db(transaction=True)
def test_digests_go_to_bytes_and_back_without_losing_a_member():
    import datetime as dt

    niks = [compose_nik(BANDUNG_DISTRICT, dt.date(1980, 1, 1 + n), "L", n + 1) for n in range(3)]
    members = [MemberFactory(nik=nik) for nik in niks]
    try:
        _migrate(HEX)
        full = {
            m.pk: hmac.new(protection._hash_key(), nik.encode(), hashlib.sha256).hexdigest()
            for m, nik in zip(members, niks, strict=True)
        }
        assert _stored_digests() == full  # recomputed from the encrypted NIKs

        _migrate(BYTES)
        assert _stored_digests() == {pk: bytes.fromhex(value[:32]) for pk, value in full.items()}
    finally:
        _migrate(BYTES)
    for member, nik in zip(members, niks, strict=True):
        assert Member.objects.get(nik_digest=protection.nik_digest(nik)).pk == member.pk


LAST_FOUR = ("registry", "0007_member_nik_masked_last_four")


def _leaf() -> tuple[str, str]:
    executor = MigrationExecutor(connection)
    (leaf,) = executor.loader.graph.leaf_nodes("registry")
    return leaf


@pytest.mark.django_db(transaction=True)
def test_masked_niks_lose_the_province_code_in_one_update():
    import datetime as dt

    from django.test.utils import CaptureQueriesContext

    niks = [compose_nik(BANDUNG_DISTRICT, dt.date(1980, 1, 1 + n), "L", n + 1) for n in range(3)]
    members = [MemberFactory(nik=nik) for nik in niks]
    leaf = _leaf()
    try:
        _migrate(BYTES)
        # The old mask kept the province code: 32**********0001.
        for member, nik in zip(members, niks, strict=True):
            Member.objects.filter(pk=member.pk).update(nik_masked=nik[:2] + "*" * 10 + nik[-4:])

        with CaptureQueriesContext(connection) as queries:
            _migrate(LAST_FOUR)
        writes = [q["sql"] for q in queries if "registry_member" in q["sql"]]
        assert len(writes) == 1 and writes[0].startswith("UPDATE")  # set-wise, not per row
        assert {m.pk: m.nik_masked for m in Member.objects.all()} == {
            m.pk: "*" * 12 + nik[-4:] for m, nik in zip(members, niks, strict=True)
        }

        _migrate(BYTES)  # backwards changes nothing: the province code is not put back
        assert set(Member.objects.values_list("nik_masked", flat=True)) == {
            "*" * 12 + nik[-4:] for nik in niks
        }
    finally:
        _migrate(leaf)

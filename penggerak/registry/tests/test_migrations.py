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

"""Where a PostgreSQL import batch spends the server's time, statement by statement.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/import_breakdown.py [--rows N]

Run by bench_import.py on its scratch database right after the import (the members table as
big as the import left it). Builds a batch of new members from existing rows (fresh NIK
digests), then times, in one transaction that is rolled back: the member insert (the import's
``ON CONFLICT`` insert from a staging table), the audit events and step-1 records (the
import's own statements), and the deferred foreign-key checks (forced at once with ``SET
CONSTRAINTS ALL IMMEDIATE``). Prints microseconds per row; changes nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "penggerak.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    options = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction

    from penggerak.imports.members import BatchWriter, ImportOptions
    from penggerak.registry.models import Community, Member

    if connection.vendor != "postgresql":
        raise SystemExit("PostgreSQL only (DATABASE_URL=postgres://...)")
    community = Community.objects.order_by("pk").first()
    existing = Member.objects.count()
    if community is None or existing < options.rows:
        raise SystemExit(f"needs a community and at least {options.rows:,} members")
    writer = BatchWriter(ImportOptions(community=community, consent=True), "breakdown")
    table = connection.ops.quote_name(Member._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in writer.layout.columns)
    fresh = ", ".join(
        "decode(md5(random()::text), 'hex') AS nik_digest" if column == "nik_digest" else column
        for column in writer.layout.columns
    )
    timings: list[tuple[str, float]] = []

    def timed(label: str, sql: str, params: list | None = None) -> None:
        started = time.perf_counter()
        cursor.execute(sql, params or [])
        timings.append((label, time.perf_counter() - started))

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE breakdown_stage ON COMMIT DROP AS "
            f"SELECT {fresh} FROM {table} LIMIT %s",
            [options.rows],
        )
        timed(
            "member insert (ON CONFLICT, 11 indexes)",
            f"CREATE TEMPORARY TABLE new ON COMMIT DROP AS WITH inserted AS ("
            f"INSERT INTO {table} ({names}) SELECT {names} FROM breakdown_stage "
            f"ON CONFLICT (nik_digest) DO NOTHING RETURNING id, furthest_step) "
            f"SELECT * FROM inserted",
        )
        timed("audit events", *writer._audit_from("new", []))
        timed("step-1 records", *writer._step_one_from("new WHERE furthest_step = 1", []))
        timed("foreign-key checks", "SET CONSTRAINTS ALL IMMEDIATE")
        transaction.set_rollback(True)

    print(f"server time per row, a {options.rows:,}-row batch into {existing:,} members:")
    for label, seconds in timings:
        print(f"  {label:40s} {seconds * 1e6 / options.rows:6.1f} µs")
    total = sum(seconds for _, seconds in timings)
    print(f"  {'in all':40s} {total * 1e6 / options.rows:6.1f} µs")


if __name__ == "__main__":
    main()

"""An export whose worker process is killed (SIGKILL) half-way can be run again, completely.

The worker is a real child process. On SQLite it shares a migrated file database with the
other child processes; on PostgreSQL they use the test database itself (transactional test).
"""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
POSTGRES = connection.vendor == "postgresql"

SETUP = """
from penggerak.accounts.models import Role
from penggerak.imports import exports
from penggerak.registry.tests.factories import CommunityFactory, MemberFactory, UserFactory
actor = UserFactory(username="sekretariat-proses", role=Role.SECRETARIAT)
community = CommunityFactory(name="Proses", slug="proses", regency_id="32.73")
MemberFactory.create_batch(30, community=community)
run = exports.member_export_create(actor=actor, filters={}, fmt="csv")
print(run.pk)
"""
# The worker: two rows per progress report, a fifth of a second per row, so it is killed
# after some progress and long before the end.
SLOW_WORKER = """
import sys, time
from penggerak.imports import exports
exports.CHUNK = 2
real = exports.member_rows
def slow(**kwargs):
    for row in real(**kwargs):
        time.sleep(0.2)
        yield row
exports.member_rows = slow
exports.export_run_execute(int(sys.argv[1]))
"""
# Ten minutes without progress later, the run is declared stalled and run again.
RERUN = """
import sys, datetime as dt
from django.utils import timezone
from penggerak.imports import exports
from penggerak.imports.models import ExportRun
silent_since = timezone.now() - exports.STALE_AFTER - dt.timedelta(seconds=1)
ExportRun.objects.filter(pk=int(sys.argv[1])).update(heartbeat_at=silent_since)
run = ExportRun.objects.select_related("actor").get(pk=int(sys.argv[1]))
assert exports.export_run_is_stale(run)
exports.export_run_rerun(actor=run.actor, run=run)
exports.export_run_execute(run.pk)
"""


def _python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", "import django; django.setup()\n" + code, *args]


@pytest.fixture
def database_env(request, tmp_path, tmp_path_factory):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "penggerak.settings",
        "PENGGERAK_PRIVATE_ROOT": str(tmp_path / "private"),
    }
    if POSTGRES:
        request.getfixturevalue("transactional_db")
        settings = connection.settings_dict
        host = settings.get("HOST") or "127.0.0.1"
        port = settings.get("PORT") or 5432
        user = settings.get("USER") or "postgres"
        env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{settings['NAME']}"
    else:
        path = tmp_path / "db.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{path}"
        command = [sys.executable, "-m", "penggerak", "migrate", "-v0"]
        subprocess.run(command, cwd=ROOT, env=env, check=True)
    return env


def _query(env: dict, sql: str) -> list[tuple]:
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    with sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///")) as db:
        return db.execute(sql).fetchall()


@pytest.mark.django_db(transaction=True)
def test_killed_export_worker_then_rerun_writes_every_row(database_env, tmp_path):
    env = database_env
    setup = subprocess.run(
        _python(SETUP), cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    run_id = int(setup.stdout.strip().splitlines()[-1])
    state = f"SELECT status, rows_done, attempts FROM imports_exportrun WHERE id = {run_id}"

    worker = subprocess.Popen(_python(SLOW_WORKER, str(run_id)), cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while _query(env, state)[0][1] < 4 and time.monotonic() < deadline:
        time.sleep(0.1)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    status, done, attempts = _query(env, state)[0]
    assert (status, attempts) == ("running", 1) and 4 <= done < 30
    folders = list((tmp_path / "private" / "exports").glob(f"*/*/{run_id}"))
    assert len(folders) == 1
    assert [p.name for p in folders[0].iterdir()] == ["anggota.1.part.csv"]  # never downloadable

    rerun = subprocess.run(
        _python(RERUN, str(run_id)), cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert rerun.returncode == 0, rerun.stderr
    assert _query(env, state)[0] == ("done", 30, 2)
    assert sorted(p.name for p in folders[0].iterdir()) == ["anggota.csv"]
    with (folders[0] / "anggota.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 31 and len({row[0] for row in rows[1:]}) == 30

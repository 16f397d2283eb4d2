"""Never lose, never duplicate: kill-and-rerun and concurrent imports as real processes.

On SQLite the processes share a migrated file database (made once per module); on
PostgreSQL they use the test database itself, so these tests are transactional there.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from penggerak.imports.members import CRASH_AFTER_ENV
from penggerak.imports.tests.helpers import nik, write_csv

ROOT = Path(__file__).resolve().parents[3]
POSTGRES = connection.vendor == "postgresql"


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "penggerak", *args]


@pytest.fixture(scope="module")
def template_db(tmp_path_factory):
    if POSTGRES:
        return None
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    subprocess.run(_command("migrate", "-v0"), cwd=ROOT, env=env, check=True)
    subprocess.run(
        _command(
            "shell",
            "-c",
            "from penggerak.registry.models import Community;"
            "Community.objects.create(name='Uji', slug='uji', regency_id='32.73')",
        ),
        cwd=ROOT,
        env=env,
        check=True,
    )
    return path


class Database:
    """The database the child processes write to, and exact reads of it."""

    def __init__(self, tmp_path: Path, template: Path | None):
        if POSTGRES:
            from penggerak.registry.tests.factories import CommunityFactory

            CommunityFactory(name="Uji", slug="uji", regency_id="32.73")
            settings = connection.settings_dict
            host = settings.get("HOST") or "127.0.0.1"
            port = settings.get("PORT") or 5432
            user = settings.get("USER") or "postgres"
            self.url = f"postgres://{user}@{host}:{port}/{settings['NAME']}"
        else:
            assert template is not None
            self.path = tmp_path / "db.sqlite3"
            shutil.copy(template, self.path)
            self.url = f"sqlite:///{self.path}"

    def query(self, sql: str) -> list[tuple]:
        if POSTGRES:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()
        with sqlite3.connect(self.path) as db:
            return db.execute(sql).fetchall()

    def check_exactly_once(self, expected: int) -> None:
        members = self.query(
            "SELECT COUNT(*), COUNT(DISTINCT nik_digest) FROM registry_member m "
            "JOIN registry_community c ON c.id = m.community_id WHERE c.slug = 'uji'"
        )
        assert members == [(expected, expected)]
        assert self.query("SELECT member_count FROM registry_community WHERE slug = 'uji'") == [
            (expected,)
        ]
        audits = self.query(
            "SELECT COUNT(*) FROM core_auditevent WHERE object_type = 'registry.member' "
            "AND action = 'create'"
        )
        assert audits == [(expected,)]

    def run(self, path: Path, *extra: str, env_extra: dict | None = None, wait=True):
        env = {**os.environ, "DATABASE_URL": self.url, **(env_extra or {})}
        args = _command("import", "members", str(path), "--community", "uji", *extra)
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        if not wait:
            return process
        out, err = process.communicate(timeout=120)
        return process.returncode, out, err


@pytest.fixture
def database(request, tmp_path, template_db):
    if POSTGRES:
        request.getfixturevalue("transactional_db")
    return Database(tmp_path, template_db)


def _members_file(path: Path, serials: range) -> Path:
    rows = [["Nama", "NIK", "No HP"]]
    rows += [[f"Anggota {s}", nik(s), f"0812{s:08d}"] for s in serials]
    return write_csv(path, rows)


@pytest.mark.django_db(transaction=True)
def test_crash_after_committed_batches_then_rerun_completes(database, tmp_path):
    path = _members_file(tmp_path / "a.csv", range(1, 301))
    code, out, _ = database.run(path, "--batch-size", "40", env_extra={CRASH_AFTER_ENV: "3"})
    assert code == 137 and out == ""
    database.check_exactly_once(120)  # three committed batches survive the crash
    code, out, err = database.run(path, "--batch-size", "40")
    assert code == 0, err
    summary = out.strip().splitlines()[-1]
    assert '"created": 180' in summary and '"unchanged": 120' in summary
    database.check_exactly_once(300)


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_overlapping_files_create_no_duplicates(database, tmp_path):
    first = _members_file(tmp_path / "a.csv", range(1, 401))
    second = _members_file(tmp_path / "b.csv", range(201, 601))
    processes = [
        database.run(first, "--batch-size", "25", wait=False),
        database.run(second, "--batch-size", "25", wait=False),
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    database.check_exactly_once(600)


def _descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        found += [int(child) for child in children]
        queue += [int(child) for child in children]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
@pytest.mark.django_db(transaction=True)
def test_sigkill_with_a_checking_worker_then_rerun_completes(database, tmp_path):
    path = _members_file(tmp_path / "a.csv", range(1, 6001))
    process = database.run(path, "--batch-size", "100", "--workers", "1", wait=False)
    assert process.stderr is not None
    workers: list[int] = []
    for line in process.stderr:  # kill after the first committed batch, with workers running
        workers = _descendants(process.pid)
        if "baris diproses" in line:
            break
    assert workers, "the import checks in a worker process"
    process.kill()
    process.communicate(timeout=30)  # reaps it and closes its pipes
    for _ in range(100):  # orphaned workers see their task pipe close and exit
        if not any(_alive(pid) for pid in workers):
            break
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)
    ((imported,),) = database.query(
        "SELECT COUNT(*) FROM registry_member m JOIN registry_community c "
        "ON c.id = m.community_id WHERE c.slug = 'uji'"
    )
    assert 100 <= imported < 6000  # killed mid-way; committed batches survived
    code, _out, err = database.run(path, "--batch-size", "100", "--workers", "1")
    assert code == 0, err
    database.check_exactly_once(6000)

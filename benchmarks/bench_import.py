"""Members import against the raw insert of the same rows (issue 3, item 5).

    .venv/bin/python benchmarks/bench_import.py                 # 200,000 rows, SQLite
    .venv/bin/python benchmarks/bench_import.py --rows 2000000  # the full figure
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \
        .venv/bin/python benchmarks/bench_import.py   # uses a scratch database bench_bench

Generates a members CSV with valid, consistent NIKs; "raw" parses it with the csv module and
inserts it with one executemany (SQLite, WAL) or COPY (PostgreSQL) into a plain table with a
unique NIK index and two more indexes; "import" is ``python -m penggerak import members`` as a
whole process after migrate and one community, with DEBUG off as in production. Prints rows/s,
the ratio and peak memory: the summed PSS of the import and its checking worker (sampled), and
the largest single process's peak RSS, and the CPU time the import used (with, for a
PostgreSQL server on this machine, the server's): on two cores their sum over two is a floor
under the wall time. On PostgreSQL it then runs ``import_breakdown.py`` (the server's time per
row, statement by statement). Goal: import within 3x raw, under 500 MB. Never fails on
slowness.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "penggerak.settings")


def generate(path: Path, rows: int) -> None:
    from penggerak.core.identity import compose_nik
    from penggerak.core.regiondata import iter_upper_regions

    districts = sorted(
        r.code
        for r in iter_upper_regions()
        if r.level == 3 and r.is_current and r.code.startswith(("32.73.", "32.04.", "31.71."))
    )

    rng = random.Random(7)
    seen = set()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["No", "Nama Lengkap", "NIK", "No HP", "Tgl Lahir", "L/P"])
        n = 0
        while n < rows:
            sex = rng.choice("LP")
            born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 55))
            nik = compose_nik(rng.choice(districts), born, sex, rng.randrange(1, 10000))
            if nik in seen:
                continue
            seen.add(nik)
            n += 1
            writer.writerow(
                [
                    n,
                    f"Anggota {n}",
                    nik,
                    f"0812{rng.randrange(10**8):08d}",
                    born.strftime("%d/%m/%Y"),
                    sex,
                ]
            )


def raw_sqlite(path: Path, workdir: Path) -> float:
    db = sqlite3.connect(workdir / "raw.sqlite3")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(
        "CREATE TABLE member (id INTEGER PRIMARY KEY, name TEXT, nik TEXT, phone TEXT, "
        "birth TEXT, sex TEXT)"
    )
    db.execute("CREATE UNIQUE INDEX member_nik ON member (nik)")
    db.execute("CREATE INDEX member_name ON member (name)")
    db.execute("CREATE INDEX member_phone ON member (phone)")
    started = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        with db:
            db.executemany(
                "INSERT INTO member (name, nik, phone, birth, sex) VALUES (?, ?, ?, ?, ?)",
                (row[1:6] for row in reader),
            )
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


def raw_postgres(path: Path, url: str) -> float:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as db:
        db.execute("DROP TABLE IF EXISTS bench_raw_member")
        db.execute(
            "CREATE TABLE bench_raw_member (id bigserial PRIMARY KEY, name text, nik text, "
            "phone text, birth text, sex text)"
        )
        db.execute("CREATE UNIQUE INDEX bench_raw_nik ON bench_raw_member (nik)")
        db.execute("CREATE INDEX bench_raw_name ON bench_raw_member (name)")
        db.execute("CREATE INDEX bench_raw_phone ON bench_raw_member (phone)")
        db.commit()
        started = time.perf_counter()
        with path.open(newline="", encoding="utf-8") as handle, db.cursor() as cursor:
            reader = csv.reader(handle)
            next(reader)
            with cursor.copy(
                "COPY bench_raw_member (name, nik, phone, birth, sex) FROM STDIN"
            ) as copy:
                for row in reader:
                    copy.write_row(row[1:6])
        db.commit()
        elapsed = time.perf_counter() - started
        db.execute("DROP TABLE bench_raw_member")
        db.commit()
    return elapsed


def _postgres_scratch(url: str, *, create: bool) -> str:
    """Create (or drop) the scratch database ``<name>_bench``; returns its URL."""
    import psycopg

    base, _, name = url.rpartition("/")
    scratch = f"{name.split('?')[0]}_bench"
    admin = url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        if create:
            db.execute(f'CREATE DATABASE "{scratch}"')
    return f"{base}/{scratch}"


def _process_tree(pid: int) -> list[int]:
    """The process and its descendants (the import's checking workers)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        queue.extend(int(child) for child in children)
    return found


def _pss_kb(pid: int) -> int:
    """Proportional set size: pages shared with a forked worker are counted once in all."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _postgres_cpu_seconds() -> dict[int, float]:
    """CPU time so far of each PostgreSQL server process on this machine (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if name.startswith("postgres"):
            fields = stat[stat.rindex(")") + 2 :].split()
            found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return found


class MemorySampler(threading.Thread):
    """Samples the summed PSS of the import's processes every 0.2 s; keeps the peak. With
    ``server_cpu``, also the CPU time of the PostgreSQL processes (a backend's figures are
    gone once it exits, so they are sampled as they grow)."""

    def __init__(self, pid: int, *, server_cpu: bool = False):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.processes = 1
        self.done = threading.Event()
        self.server_cpu = server_cpu
        self._server_start = _postgres_cpu_seconds() if server_cpu else {}
        self._server_latest = dict(self._server_start)

    def run(self) -> None:
        while not self.done.wait(0.2):
            tree = _process_tree(self.pid)
            self.processes = max(self.processes, len(tree))
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in tree))
            if self.server_cpu:
                self._server_latest.update(_postgres_cpu_seconds())

    def server_seconds(self) -> float:
        start = self._server_start
        return sum(cpu - start.get(pid, 0.0) for pid, cpu in self._server_latest.items())


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "penggerak", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    url = os.environ.get("DATABASE_URL", "")
    postgres = url.startswith("postgres")
    env = dict(os.environ)
    env["PENGGERAK_DEBUG"] = "0"  # as in production: no query log kept per statement
    if not postgres:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'penggerak.sqlite3'}"

    import django

    django.setup()
    members = workdir / "anggota.csv"
    started = time.perf_counter()
    generate(members, options.rows)
    size = members.stat().st_size / 1e6
    print(
        f"generated {options.rows:,} rows ({size:.0f} MB) in {time.perf_counter() - started:.1f}s"
    )

    if postgres:
        # A fresh database beside the given one, dropped at the end: the import meets empty
        # tables as on SQLite, and deleting millions of members through the ORM is avoided.
        env["DATABASE_URL"] = _postgres_scratch(url, create=True)
    raw = raw_postgres(members, env["DATABASE_URL"]) if postgres else raw_sqlite(members, workdir)
    print(
        f"raw    {'COPY' if postgres else 'executemany'}: {raw:.1f}s, "
        f"{options.rows / raw:,.0f} rows/s"
    )

    run(["migrate", "-v0"], env)
    run(
        [
            "shell",
            "-c",
            "from penggerak.registry.models import Community;"
            "Community.objects.create(name='Bench', slug='bench-import', regency_id='32.73')",
        ],
        env,
    )
    started = time.perf_counter()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "penggerak",
            "import",
            "members",
            str(members),
            "--community",
            "bench-import",
            "--consent-collected",
            "--report",
            str(workdir / "laporan.csv"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    # The server's CPU can be read only when it runs on this machine.
    local = postgres and urlparse(url).hostname in (None, "127.0.0.1", "localhost", "::1")
    sampler = MemorySampler(child.pid, server_cpu=local)
    sampler.start()
    output = child.stdout.read()
    # wait4 gives this child's own rusage (RUSAGE_CHILDREN would include migrate).
    _pid, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    print(f"import (whole process): {elapsed:.1f}s, {options.rows / elapsed:,.0f} rows/s")
    print(f"summary: {output.strip().splitlines()[-1] if output.strip() else child.returncode}")
    print(f"ratio import/raw: {elapsed / raw:.2f}x (goal <= 3x)")
    print(
        f"peak memory: {sampler.peak_kb / 1024:.0f} MB in all ({sampler.processes} processes, "
        f"summed PSS sampled every 0.2 s), largest process {usage.ru_maxrss / 1024:.0f} MB RSS "
        f"(goal < 500 MB)"
    )
    client = usage.ru_utime + usage.ru_stime  # wait4: the import and its reaped workers
    cores = len(os.sched_getaffinity(0))
    if sampler.server_cpu:
        server = sampler.server_seconds()
        print(
            f"cpu: import processes {client:.1f}s, PostgreSQL server {server:.1f}s; "
            f"{client + server:.1f} core-seconds on {cores} cores, at the least "
            f"{(client + server) / cores:.1f}s of wall time however well they overlap"
        )
    else:
        print(f"cpu: import processes {client:.1f}s on {cores} cores")
    if postgres:
        # Where the server's time goes, on the members table as the import left it.
        breakdown = [sys.executable, str(ROOT / "benchmarks" / "import_breakdown.py")]
        rows = ["--rows", str(min(100_000, options.rows // 2))]
        subprocess.run([*breakdown, *rows], cwd=ROOT, env=env, check=False)
        _postgres_scratch(url, create=False)
    if not options.keep:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Member export (CSV and XLSX) at okoce-2020 scale: time and peak memory for N rows.

Builds (once) the okoce-2020 demo database under var/bench/ (or uses BENCH_DB), then exports
every member visible to the secretariat, each format in its own process so the peak resident
memory (ru_maxrss) is that export's. Prints rows, seconds, rows/s and peak MB. Never fails on
speed.

    .venv/bin/python benchmarks/bench_export.py [--limit N]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DB = Path(os.environ.get("BENCH_DB", ROOT / "var" / "bench" / "okoce-2020.sqlite3"))


def env() -> dict:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{DB}", "PENGGERAK_DEBUG": "0"}


def ensure_database() -> None:
    DB.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([BIN / "penggerak", "migrate", "--noinput", "-v0"], env=env(), check=True)
    subprocess.run(
        [BIN / "penggerak", "demo", "--preset", "okoce-2020", "--if-empty"], env=env(), check=True
    )


def one(fmt: str) -> None:
    """Run in a child process: export as the secretariat, discard the bytes."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "penggerak.settings")
    django.setup()
    from penggerak.accounts.models import Role, User
    from penggerak.imports import exports

    actor = User.objects.filter(role=Role.SECRETARIAT, province__isnull=True).first()
    started = time.perf_counter()
    size = 0
    if fmt == "csv":
        for chunk in exports.member_csv_chunks(actor=actor, filters={}):
            size += len(chunk)
        rows = None
    else:
        path = exports.member_xlsx_file(actor=actor, filters={})
        size = path.stat().st_size
        path.unlink()
        rows = None
    seconds = time.perf_counter() - started
    rows = exports.registry.member_count(actor=actor, filters={}) if rows is None else rows
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{fmt}: {rows} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s), "
        f"{size / 1e6:.1f} MB written, peak memory {peak_mb:.0f} MB",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", choices=["csv", "xlsx"])
    args = parser.parse_args()
    if args.one:
        one(args.one)
        return 0
    ensure_database()
    for fmt in ("csv", "xlsx"):
        subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--one", fmt], env=env(), check=False
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

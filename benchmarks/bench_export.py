"""Member export through the background job (CSV, XLSX, CSV with full NIKs): rows/s and peak
memory, at the okoce-2020 preset scaled by --scale (default 0.1: about 37,800 members).

Builds (once) the scaled okoce-2020 demo database under var/bench/ (or uses BENCH_DB), then
runs each export in its own process so the peak resident memory (ru_maxrss) is that export's:
the secretariat's ``member_export_create`` (count + audit), then the ``run_export`` task on the
immediate django-tasks backend (the body a worker runs: keyset reads, file written in private
storage, progress every 2,000 rows). Prints rows, seconds, rows/s, file size and peak MB.
Never fails on speed.

    .venv/bin/python benchmarks/bench_export.py [--scale 0.1]

``--synthetic N`` times only the XLSX writer (``imports.xlsx.write_xlsx``) on N synthetic rows
of 16 columns (text, numbers, Decimal, dates, datetimes, booleans, empty cells), without Django
or a database.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


def database(scale: float) -> Path:
    default = ROOT / "var" / "bench" / f"okoce-2020-x{scale:g}.sqlite3"
    return Path(os.environ.get("BENCH_DB", default))


def env(scale: float, private: str = "") -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database(scale)}",
        "PENGGERAK_DEBUG": "0",
        "PENGGERAK_TASKS_BACKEND": IMMEDIATE,
        **({"PENGGERAK_PRIVATE_ROOT": private} if private else {}),
    }


def ensure_database(scale: float) -> None:
    database(scale).parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([BIN / "penggerak", "migrate", "--noinput", "-v0"], env=env(scale), check=True)
    subprocess.run(
        [
            BIN / "penggerak",
            "demo",
            "--preset",
            "okoce-2020",
            "--scale",
            str(scale),
            "--if-empty",
            "-v0",
        ],
        env=env(scale),
        check=True,
    )


def one(kind: str) -> None:
    """Run in a child process: one export as the national secretariat, through the task."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "penggerak.settings")
    django.setup()
    from django.db import transaction

    from penggerak.accounts.models import Role, User
    from penggerak.imports import exports
    from penggerak.imports.models import ExportRun
    from penggerak.imports.storage import private_path

    actor = User.objects.filter(role=Role.SECRETARIAT, province__isnull=True).first()
    fmt, _, unmasked = kind.partition("-")
    started = time.perf_counter()
    with transaction.atomic():
        run = exports.member_export_create(
            actor=actor,
            filters={},
            fmt=fmt,
            unmasked=bool(unmasked),
            reason="benchmark" if unmasked else "",
        )
        exports.export_run_start(run)  # the task runs on commit (immediate backend)
    seconds = time.perf_counter() - started
    run = ExportRun.objects.get(pk=run.pk)
    if run.status != ExportRun.Status.DONE:
        print(f"{kind}: export {run.status}: {run.error}", flush=True)
        return
    size = private_path(run.file).stat().st_size
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{kind}: {run.rows_done:,} rows in {seconds:.1f} s ({run.rows_done / seconds:,.0f} "
        f"rows/s), {size / 1e6:.1f} MB written, peak memory {peak_mb:.0f} MB",
        flush=True,
    )


def synthetic(count: int) -> None:
    """The XLSX writer alone: ``count`` rows of 16 columns of mixed types, no database."""
    import datetime as dt
    from decimal import Decimal

    sys.path.insert(0, str(ROOT))
    from penggerak.imports.xlsx import write_xlsx

    header = tuple(f"Kolom {i}" for i in range(16))

    def rows():
        for i in range(count):
            yield [
                i,
                f"Anggota ke-{i}",
                f"3171{i:012d}",
                "+62812345678",
                dt.date(1980, 1, 1 + i % 28),
                "P" if i % 2 else "L",
                "Jakarta Selatan",
                "Kebayoran Baru",
                f"Komunitas {i % 150}",
                "aktif",
                Decimal("12.50"),
                3.25,
                True,
                None,
                "",
                dt.datetime(2024, 5, 6, 7, 8, i % 60),
            ]

    with tempfile.TemporaryDirectory(prefix="bench-export-") as directory:
        path = Path(directory) / "sintetis.xlsx"
        started = time.perf_counter()
        written = write_xlsx(path, header, rows(), title="Anggota")
        seconds = time.perf_counter() - started
        size = path.stat().st_size
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"xlsx-synthetic: {written:,} rows x 16 in {seconds:.2f} s ({written / seconds:,.0f} "
        f"rows/s), {size / 1e6:.2f} MB written, peak memory {peak_mb:.0f} MB",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", choices=["csv", "xlsx", "csv-unmasked"])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--synthetic", type=int, metavar="N")
    args = parser.parse_args()
    if args.synthetic:
        synthetic(args.synthetic)
        return 0
    if args.one:
        one(args.one)
        return 0
    ensure_database(args.scale)
    with tempfile.TemporaryDirectory(prefix="bench-export-") as private:
        for kind in ("csv", "xlsx", "csv-unmasked"):
            subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--one", kind],
                env=env(args.scale, private),
                check=False,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time `penggerak demo --preset okoce-2020` (378,212 members) into a fresh SQLite file.

Each run gets its own temporary directory: `penggerak migrate` builds the schema and loads
the regions (not timed), then the demo load is timed in a subprocess, as a user would run it.
Prints seconds and members per second; never fails because the machine is slow.

    .venv/bin/python benchmarks/bench_demo.py [--preset tiny] [--scale 1.0] [--runs 1]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "penggerak", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_run(preset: str, scale: float) -> tuple[float, float, int] | None:
    workdir = Path(tempfile.mkdtemp(prefix="penggerak-bench-demo-"))
    try:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{workdir / 'demo.sqlite3'}",
            "PENGGERAK_VAR_DIR": str(workdir),
            "PENGGERAK_DEBUG": "0",
            "PYTHONPATH": str(ROOT),
        }
        migrated = run(["migrate", "--noinput", "-v0"], env)
        if migrated.returncode:
            print(f"migrate failed:\n{migrated.stderr[-2000:]}")
            return None
        started, cpu_before = time.perf_counter(), _children_cpu()
        loaded = run(["demo", "--preset", preset, "--scale", str(scale)], env)
        seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu_before
        if loaded.returncode:
            print(f"demo failed:\n{loaded.stderr[-2000:]}")
            return None
        print(loaded.stdout.strip())
        match = re.search(r"([\d.]+) anggota/members", loaded.stdout)
        members = int(match.group(1).replace(".", "")) if match else 0
        return seconds, cpu, members
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="okoce-2020")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=1)
    options = parser.parse_args()

    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}, database: fresh SQLite file")
    for number in range(1, options.runs + 1):
        result = one_run(options.preset, options.scale)
        if result is None:
            continue
        seconds, cpu, members = result
        rate = members / seconds if seconds else 0
        # CPU time shows what the load itself costs when other work shares the cores.
        print(
            f"run {number}: demo {options.preset} x{options.scale:g}: {seconds:.1f} s "
            f"wall clock (process start included), {cpu:.1f} s CPU, {members:,} members, "
            f"{rate:,.0f} members/s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Targets with progress and forecast, ``GET /api/v1/insights/targets`` and the dashboard
pages (``/dasbor/``, a province, a regency, a community), over HTTP on loopback.

Builds (once each) two SQLite databases under var/bench/: the tiny demo (300 members) and
okoce-2020 at ``--scale 0.053`` (~20,000 members, as of 2020-08-31). With BENCH_DB naming
another database file (e.g. a 2,000,000-member one made with ``demo --preset national``) only
that one is measured. Each is served with gunicorn like `make run` does, logged in as
`sekretariat`, and the median and p95 of warm requests are printed for the nation and the
province with most members (its busiest regency and community for the pages). Every figure
comes from the rollups and the funnel counters, so the times should not grow with the number
of members.
"""

import json
import os
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

from httpbench import (
    BIN,
    ROOT,
    api_headers,
    database_env,
    measure,
    page_session,
    prepare,
    report,
    served,
)

BENCH_DIR = ROOT / "var" / "bench"
# (label, database, preset, scale)
DATASETS = [
    ("tiny (300 members)", BENCH_DIR / "tiny-insights.sqlite3", "tiny", 1.0),
    ("okoce-2020 x 0.053 (~20,000 members)", BENCH_DIR / "okoce-20k-insights.sqlite3",
     "okoce-2020", 0.053),
]  # fmt: skip


def prepare_scaled(db: Path, preset: str, scale: float) -> None:
    """Like ``httpbench.prepare`` with ``--scale``: migrate, then load once when empty."""
    if scale == 1.0:
        prepare(db, preset)
        return
    db.parent.mkdir(parents=True, exist_ok=True)
    env = database_env(db)
    subprocess.run([BIN / "penggerak", "migrate", "--noinput", "-v0"], env=env, check=True)
    started = time.perf_counter()
    subprocess.run(
        [BIN / "penggerak", "demo", "--preset", preset, "--scale", str(scale), "--if-empty"],
        env=env,
        check=True,
    )
    print(f"database ready in {time.perf_counter() - started:.1f} s ({db})", flush=True)


def places(db: Path) -> dict:
    """The province, regency and community with the most members."""
    with sqlite3.connect(db) as conn:
        members, deltas = conn.execute(
            "SELECT (SELECT COUNT(*) FROM registry_member), "
            "(SELECT COUNT(*) FROM insights_rollupdelta)"
        ).fetchone()
        regency, slug = conn.execute(
            "SELECT regency_id, slug FROM registry_community ORDER BY member_count DESC LIMIT 1"
        ).fetchone()
    print(f"database {db}: {members:,} members, {deltas:,} daily rollup rows", flush=True)
    return {"province": regency[:2], "regency": regency, "community": slug}


def bench(db: Path) -> None:
    where = places(db)
    with served(db) as base:
        headers = api_headers(base)
        opener = urllib.request.build_opener()
        for scope in ("nation", f"province:{where['province']}"):
            url = f"{base}/api/v1/insights/targets?scope={scope}"
            first = json.loads(opener.open(urllib.request.Request(url, headers=headers)).read())
            report(f"api targets {scope}", measure(opener, url, headers))
            for item in first["items"]:
                print(
                    f"    {item['metric']}: {item['current']:,} of {item['target']:,} "
                    f"({item['progress']} %), forecast {item['forecast_at_deadline']}, "
                    f"{item['status']}",
                    flush=True,
                )
        session = page_session(base)
        for path in (
            "/dasbor/",
            f"/dasbor/provinsi/{where['province']}/",
            f"/dasbor/kabupaten/{where['regency']}/",
            f"/dasbor/komunitas/{where['community']}/",
            "/dasbor/csv/provinsi/",
        ):
            report(f"page {path}", measure(session, f"{base}{path}"))


def main() -> None:
    if "BENCH_DB" in os.environ:
        db = Path(os.environ["BENCH_DB"])
        prepare(db, "tiny")
        bench(db)
        return
    for label, db, preset, scale in DATASETS:
        print(f"-- {label}", flush=True)
        prepare_scaled(db, preset, scale)
        bench(db)


if __name__ == "__main__":
    main()

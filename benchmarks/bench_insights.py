"""Targets with progress and forecast, ``GET /api/v1/insights/targets`` and the national
dashboard page ``/dasbor/``, over HTTP on loopback.

Builds (once) a SQLite database with the tiny demo under var/bench/ unless BENCH_DB names
another database file (e.g. a 2,000,000-member one made with ``demo --preset national``),
serves it with gunicorn like `make run` does, logs in as `sekretariat` and prints median and
p95 times of warm requests for the nation and the province with most members. Every figure
comes from the rollups (totals plus at most ~13 months of daily deltas per target), so the
times should not grow with the number of members.
"""

import json
import os
import sqlite3
import urllib.request
from pathlib import Path

from httpbench import ROOT, api_headers, measure, page_session, prepare, report, served

DB = Path(os.environ.get("BENCH_DB", ROOT / "var" / "bench" / "tiny-insights.sqlite3"))


def scopes() -> list[str]:
    """The nation and the province with the most members."""
    with sqlite3.connect(DB) as db:
        members, deltas = db.execute(
            "SELECT (SELECT COUNT(*) FROM registry_member), "
            "(SELECT COUNT(*) FROM insights_rollupdelta)"
        ).fetchone()
        (regency,) = db.execute(
            "SELECT regency_id FROM registry_community ORDER BY member_count DESC LIMIT 1"
        ).fetchone()
    print(f"database {DB}: {members:,} members, {deltas:,} daily rollup rows", flush=True)
    return ["nation", f"province:{regency[:2]}"]


def main() -> None:
    prepare(DB, "tiny")
    cases = scopes()
    with served(DB) as base:
        headers = api_headers(base)
        opener = urllib.request.build_opener()
        for scope in cases:
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
        province = cases[1].split(":", 1)[1]
        report("page /dasbor/ (national dashboard)", measure(session, f"{base}/dasbor/"))
        report(
            f"page /dasbor/provinsi/{province}/",
            measure(session, f"{base}/dasbor/provinsi/{province}/"),
        )


if __name__ == "__main__":
    main()

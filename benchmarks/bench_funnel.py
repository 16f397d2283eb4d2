"""The seven-step funnel, ``GET /api/v1/insights/funnel``, over HTTP on loopback.

Builds (once) a SQLite database with the tiny demo under var/bench/ unless BENCH_DB names
another database file (e.g. the okoce-2020 one of bench_member_list, or a 2,000,000-member
one), serves it with gunicorn like `make run` does, takes an API token as `sekretariat` and
prints median and p95 times of warm requests for the nation, a province, a regency and a
community. The funnel reads only the counters (at most 500 communities x 7 counts plus their
bucketed gap histograms), so the figures should not grow with the number of members.
"""

import json
import os
import sqlite3
import urllib.request
from pathlib import Path

from httpbench import ROOT, api_headers, measure, prepare, report, served

DB = Path(os.environ.get("BENCH_DB", ROOT / "var" / "bench" / "tiny.sqlite3"))


def scopes() -> list[str]:
    """The nation, plus the province, regency and community with the most members."""
    with sqlite3.connect(DB) as db:
        members, steps = db.execute(
            "SELECT (SELECT COUNT(*) FROM registry_member), "
            "(SELECT COUNT(*) FROM registry_memberstep)"
        ).fetchone()
        slug, regency = db.execute(
            "SELECT slug, regency_id FROM registry_community ORDER BY member_count DESC LIMIT 1"
        ).fetchone()
    print(f"database {DB}: {members:,} members, {steps:,} step rows", flush=True)
    return ["nation", f"province:{regency[:2]}", f"regency:{regency}", f"community:{slug}"]


def main() -> None:
    prepare(DB, "tiny")
    cases = scopes()
    with served(DB) as base:
        headers = api_headers(base)
        opener = urllib.request.build_opener()
        for scope in cases:
            url = f"{base}/api/v1/insights/funnel?scope={scope}"
            first = json.loads(opener.open(urllib.request.Request(url, headers=headers)).read())
            report(f"api funnel {scope}", measure(opener, url, headers))
            print(f"    members per step: {[s['members'] for s in first['steps']]}", flush=True)


if __name__ == "__main__":
    main()

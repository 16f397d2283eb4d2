"""Member list page and API at okoce-2020 scale (378,212 members), over HTTP on loopback.

Builds (once) a SQLite database with the okoce-2020 demo under var/bench/, serves it with
gunicorn like `make run` does, logs in as `sekretariat` and prints median and p95 times of
warm requests. Set BENCH_DB to reuse another database file.
"""

import os
from pathlib import Path

from httpbench import ROOT, api_headers, measure, page_session, prepare, report, served

DB = Path(os.environ.get("BENCH_DB", ROOT / "var" / "bench" / "okoce-2020.sqlite3"))


def ensure_database() -> None:
    prepare(DB, "okoce-2020")


def main() -> None:
    ensure_database()
    with served(DB) as base:
        opener = page_session(base)
        bearer = api_headers(base)
        cases = [
            ("page /anggota/ (first page, count)", f"{base}/anggota/", None),
            ("page /anggota/?q=siti", f"{base}/anggota/?q=siti", None),
            ("page /anggota/?province=32", f"{base}/anggota/?province=32", None),
            ("api /api/v1/members", f"{base}/api/v1/members", bearer),
            (
                "api /api/v1/members?province=35&page=20",
                f"{base}/api/v1/members?province=35&page=20",
                bearer,
            ),
        ]
        for name, url, headers in cases:
            report(name, measure(opener, url, headers))


if __name__ == "__main__":
    main()

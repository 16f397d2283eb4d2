"""Targets with progress and forecast, ``GET /api/v1/insights/targets``, over HTTP on loopback.

Builds (once) a SQLite database with the tiny demo under var/bench/ unless BENCH_DB names
another database file (e.g. a 2,000,000-member one made with ``demo --preset national``),
serves it with gunicorn like `make run` does, takes an API token as `sekretariat` and prints
median and p95 times of warm requests for the nation and the province with most members.
Every figure comes from the rollups (totals plus at most ~13 months of daily deltas per
target), so the times should not grow with the number of members.
"""

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DB = Path(os.environ.get("BENCH_DB", ROOT / "var" / "bench" / "tiny-insights.sqlite3"))
PASSWORD = os.environ.get("PENGGERAK_DEMO_PASSWORD", "penggerak-demo")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "50"))

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_member_list import free_port, report  # noqa: E402


def env() -> dict:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{DB}", "PENGGERAK_DEBUG": "0"}


def ensure_database() -> None:
    DB.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([BIN / "penggerak", "migrate", "--noinput", "-v0"], env=env(), check=True)
    if "BENCH_DB" not in os.environ:
        subprocess.run(
            [BIN / "penggerak", "demo", "--preset", "tiny", "--if-empty"], env=env(), check=True
        )


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
    ensure_database()
    cases = scopes()
    port = free_port()
    server = subprocess.Popen(
        [BIN / "gunicorn", "penggerak.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env(),
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        body = json.dumps({"username": "sekretariat", "password": PASSWORD}).encode()
        request = urllib.request.Request(
            f"{base}/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"}
        )
        token = json.loads(urllib.request.urlopen(request).read())["token"]
        headers = {"Authorization": f"Bearer {token}"}
        opener = urllib.request.build_opener()
        for scope in cases:
            url = f"{base}/api/v1/insights/targets?scope={scope}"
            first = json.loads(opener.open(urllib.request.Request(url, headers=headers)).read())
            samples = []
            for n in range(ROUNDS + 3):
                started = time.perf_counter()
                with opener.open(urllib.request.Request(url, headers=headers)) as response:
                    response.read()
                if n >= 3:
                    samples.append((time.perf_counter() - started) * 1000)
            report(f"api targets {scope}", samples)
            for item in first["items"]:
                print(
                    f"    {item['metric']}: {item['current']:,} of {item['target']:,} "
                    f"({item['progress']} %), forecast {item['forecast_at_deadline']}, "
                    f"{item['status']}",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()

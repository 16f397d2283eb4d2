"""What the HTTP benchmarks share: serve a SQLite database with gunicorn as `make run` does,
log in (a page session and an API token), and time warm requests (median and p95)."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = os.environ.get("PENGGERAK_DEMO_PASSWORD", "penggerak-demo")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "50"))
WARMUP = 3


def database_env(db: Path) -> dict:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "PENGGERAK_DEBUG": "0"}


def prepare(db: Path, preset: str) -> None:
    """Migrate ``db`` and, unless BENCH_DB chose it, load ``preset`` into it when empty."""
    db.parent.mkdir(parents=True, exist_ok=True)
    env = database_env(db)
    subprocess.run([BIN / "penggerak", "migrate", "--noinput", "-v0"], env=env, check=True)
    if "BENCH_DB" not in os.environ:
        started = time.perf_counter()
        subprocess.run(
            [BIN / "penggerak", "demo", "--preset", preset, "--if-empty"], env=env, check=True
        )
        print(f"database ready in {time.perf_counter() - started:.1f} s ({db})", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def served(db: Path) -> Iterator[str]:
    """gunicorn (two sync workers, like `make run`) on a free loopback port; yields its URL."""
    port = free_port()
    server = subprocess.Popen(
        [BIN / "gunicorn", "penggerak.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=database_env(db),
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/akun/masuk/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def page_session(base: str, username: str = "sekretariat"):
    """An opener logged in through the login form (session cookie)."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(f"{base}/akun/masuk/").read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf}
    data = urllib.parse.urlencode(form).encode()
    opener.open(urllib.request.Request(f"{base}/akun/masuk/", data=data)).read()
    return opener


def api_headers(base: str, username: str = "sekretariat") -> dict:
    body = json.dumps({"username": username, "password": PASSWORD}).encode()
    request = urllib.request.Request(
        f"{base}/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"}
    )
    token = json.loads(urllib.request.urlopen(request).read())["token"]
    return {"Authorization": f"Bearer {token}"}


def timed(opener, url: str, headers: dict | None = None) -> float:
    """Milliseconds for one request, body read."""
    request = urllib.request.Request(url, headers=headers or {})
    started = time.perf_counter()
    with opener.open(request) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def measure(opener, url: str, headers: dict | None = None) -> list[float]:
    """ROUNDS warm samples after WARMUP untimed requests."""
    for _ in range(WARMUP):
        timed(opener, url, headers)
    return [timed(opener, url, headers) for _ in range(ROUNDS)]


def report(name: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p95 = samples[max(int(len(samples) * 0.95) - 1, 0)]
    print(f"{name:<48} median {statistics.median(samples):7.1f} ms   p95 {p95:7.1f} ms")

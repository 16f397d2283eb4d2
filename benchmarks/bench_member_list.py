"""Member list page and API at okoce-2020 scale (378,212 members), over HTTP on loopback.

Builds (once) a SQLite database with the okoce-2020 demo under var/bench/, serves it with
gunicorn like `make run` does, logs in as `sekretariat` and prints median and p95 times of
warm requests. Set BENCH_DB to reuse another database file.
"""

import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DB = Path(os.environ.get("BENCH_DB", ROOT / "var" / "bench" / "okoce-2020.sqlite3"))
PASSWORD = os.environ.get("PENGGERAK_DEMO_PASSWORD", "penggerak-demo")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))


def env() -> dict:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{DB}", "PENGGERAK_DEBUG": "0"}


def ensure_database() -> None:
    DB.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([BIN / "penggerak", "migrate", "--noinput", "-v0"], env=env(), check=True)
    started = time.perf_counter()
    subprocess.run(
        [BIN / "penggerak", "demo", "--preset", "okoce-2020", "--if-empty"], env=env(), check=True
    )
    print(f"database ready in {time.perf_counter() - started:.1f} s ({DB})", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def timed(opener, url: str, headers: dict | None = None) -> float:
    request = urllib.request.Request(url, headers=headers or {})
    started = time.perf_counter()
    with opener.open(request) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def report(name: str, samples: list[float]) -> None:
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"{name:<48} median {statistics.median(samples):7.1f} ms   p95 {p95:7.1f} ms")


def main() -> None:
    ensure_database()
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
                urllib.request.urlopen(f"{base}/akun/masuk/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{base}/akun/masuk/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"username": "sekretariat", "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        opener.open(urllib.request.Request(f"{base}/akun/masuk/", data=form)).read()

        api_token = (
            urllib.request.urlopen(
                urllib.request.Request(
                    f"{base}/api/v1/auth/token",
                    data=b'{"username": "sekretariat", "password": "%s"}' % PASSWORD.encode(),
                    headers={"Content-Type": "application/json"},
                )
            )
            .read()
            .decode()
        )
        bearer = {"Authorization": "Bearer " + re.search(r'"token":\s*"([^"]+)"', api_token)[1]}
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
            for _ in range(3):
                timed(opener, url, headers)
            report(name, [timed(opener, url, headers) for _ in range(ROUNDS)])
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()

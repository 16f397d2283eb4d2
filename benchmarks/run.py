"""Run every benchmark script in this folder and print their figures. Never fails on speed."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    wanted = set(sys.argv[1:])
    failures = 0
    for script in scripts:
        if wanted and script.stem not in wanted:
            continue
        print(f"== {script.stem}", flush=True)
        result = subprocess.run([sys.executable, str(script)], check=False)
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

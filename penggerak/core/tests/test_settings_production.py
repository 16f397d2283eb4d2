"""Production mode: required variables. What `check --deploy` says with only those set, and
what makes it clean, is in test_production.py."""

import os
import subprocess
import sys

import pytest


def run_penggerak(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PENGGERAK_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "penggerak", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"PENGGERAK_ALLOWED_HOSTS": "example.org"}, "PENGGERAK_SECRET_KEY"),
        ({"PENGGERAK_SECRET_KEY": "x" * 60}, "PENGGERAK_ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_required_variables(tmp_path, env, missing):
    result = run_penggerak(
        "check", PENGGERAK_ENV="production", PENGGERAK_VAR_DIR=str(tmp_path), **env
    )
    assert result.returncode != 0
    assert missing in result.stderr

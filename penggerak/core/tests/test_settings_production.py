"""Production mode: required variables, and a clean `check --deploy` with only those set."""

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


def test_check_deploy_is_clean_with_only_the_two_variables(tmp_path):
    result = run_penggerak(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PENGGERAK_ENV="production",
        PENGGERAK_SECRET_KEY="k7#Pq2!vX9@mN4$pL8^rT1&wZ6*yB3(cF5)gJ0-kD_hS2+aQ9=eR7",
        PENGGERAK_ALLOWED_HOSTS="penggerak.example.org",
        PENGGERAK_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


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

"""Production mode refuses unsafe states: the demo loader, the test password hasher, an
untrusted forwarded-proto header; `check --deploy` warns about derived NIK keys and a
per-process cache."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.test import override_settings

from penggerak.accounts.models import User
from penggerak.core import checks
from penggerak.registry.models import Community

SECRET = "k7#Pq2!vX9@mN4$pL8^rT1&wZ6*yB3(cF5)gJ0-kD_hS2+aQ9=eR7"
PRODUCTION = {
    "PENGGERAK_ENV": "production",
    "PENGGERAK_SECRET_KEY": SECRET,
    "PENGGERAK_ALLOWED_HOSTS": "penggerak.example.org",
}


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    """Run Python in a fresh process with only the given PENGGERAK_ variables (the test
    session's own, such as the fast hasher, are left out)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PENGGERAK_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, *args], env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def proxy_header(tmp_path, **env: str):
    """SECURE_PROXY_SSL_HEADER as the settings compute it under ``env``."""
    result = run(
        [
            "-c",
            "import json, django; from django.conf import settings; django.setup(); "
            "print(json.dumps(settings.SECURE_PROXY_SSL_HEADER))",
        ],
        DJANGO_SETTINGS_MODULE="penggerak.settings",
        PENGGERAK_VAR_DIR=str(tmp_path),
        **env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- the demo loader -----------------------------------------------------------------------


def test_demo_is_refused_in_production_before_touching_the_database(tmp_path):
    result = run(
        ["-m", "penggerak", "demo", "--preset", "tiny", "--if-empty"],
        PENGGERAK_VAR_DIR=str(tmp_path),
        **PRODUCTION,
    )
    assert result.returncode == 1
    assert "Data demo tidak dimuat: PENGGERAK_ENV=production." in result.stderr
    assert "The demo was not loaded: PENGGERAK_ENV=production." in result.stderr
    assert result.stdout == ""
    # Not even the SQLite file was created.
    assert not (tmp_path / "penggerak.sqlite3").exists()


@pytest.mark.django_db
def test_demo_command_refuses_and_writes_nothing_when_production(settings):
    settings.PRODUCTION = True
    users = User.objects.count()
    with pytest.raises(CommandError, match="PENGGERAK_ENV=production"):
        call_command("demo", "--preset", "tiny", verbosity=0)
    assert Community.objects.count() == 0
    assert User.objects.count() == users


# --- the fast password hasher --------------------------------------------------------------


def test_fast_password_hasher_is_refused_in_production(tmp_path):
    result = run(
        ["-m", "penggerak", "check"],
        PENGGERAK_VAR_DIR=str(tmp_path),
        PENGGERAK_FAST_PASSWORD_HASHER="1",
        **PRODUCTION,
    )
    assert result.returncode == 1
    assert "ImproperlyConfigured" in result.stderr
    assert "PENGGERAK_FAST_PASSWORD_HASHER=1 is for tests only" in result.stderr


def test_fast_password_hasher_still_serves_tests_outside_production(tmp_path):
    result = run(
        ["-m", "penggerak", "check"],
        PENGGERAK_VAR_DIR=str(tmp_path),
        PENGGERAK_FAST_PASSWORD_HASHER="1",
    )
    assert result.returncode == 0, result.stderr


# --- the forwarded-proto header ------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (PRODUCTION, None),
        ({**PRODUCTION, "PENGGERAK_TRUSTED_PROXY_COUNT": "0"}, None),
        ({**PRODUCTION, "PENGGERAK_TRUSTED_PROXY_COUNT": "1"}, ["HTTP_X_FORWARDED_PROTO", "https"]),
        ({**PRODUCTION, "PENGGERAK_TRUSTED_PROXY_COUNT": "2"}, ["HTTP_X_FORWARDED_PROTO", "https"]),
        ({}, None),
        ({"PENGGERAK_TRUSTED_PROXY_COUNT": "1"}, None),
    ],
    ids=["production", "production-0", "production-1", "production-2", "dev", "dev-1"],
)
def test_forwarded_proto_is_trusted_only_behind_declared_proxies(tmp_path, env, expected):
    assert proxy_header(tmp_path, **env) == expected


# --- deployment checks ---------------------------------------------------------------------


def ids(messages) -> list[str]:
    return [message.id for message in messages]


@pytest.mark.parametrize(
    ("hash_key", "encryption_keys", "expected"),
    [
        ("", [], ["penggerak.W001"]),
        ("c2VjcmV0LWhhc2gta2V5LTMyLWJ5dGVzLWxvbmchISE=", [], ["penggerak.W001"]),
        ("", ["k" * 43 + "="], ["penggerak.W001"]),
        ("c2VjcmV0LWhhc2gta2V5LTMyLWJ5dGVzLWxvbmchISE=", ["k" * 43 + "="], []),
    ],
    ids=["both-derived", "encryption-derived", "hash-derived", "both-set"],
)
def test_w001_warns_while_a_nik_key_is_derived_from_the_secret_key(
    hash_key, encryption_keys, expected
):
    with override_settings(NIK_HASH_KEY=hash_key, NIK_ENCRYPTION_KEYS=encryption_keys):
        assert ids(checks.check_nik_keys()) == expected


def test_w001_names_the_missing_variables():
    with override_settings(NIK_HASH_KEY="", NIK_ENCRYPTION_KEYS=["k" * 43 + "="]):
        (warning,) = checks.check_nik_keys()
    assert warning.msg.startswith(
        "NIK protection keys are derived from SECRET_KEY (PENGGERAK_NIK_HASH_KEY not set)"
    )
    assert "nik_keys show-derived" in warning.hint


@pytest.mark.parametrize(
    ("backend", "expected"),
    [
        ("django.core.cache.backends.locmem.LocMemCache", ["penggerak.W002"]),
        ("django.core.cache.backends.dummy.DummyCache", ["penggerak.W002"]),
        ("django.core.cache.backends.redis.RedisCache", []),
        ("django.core.cache.backends.memcached.PyMemcacheCache", []),
    ],
)
def test_w002_warns_on_a_per_process_cache(backend, expected):
    with override_settings(CACHES={"default": {"BACKEND": backend, "LOCATION": "x"}}):
        assert ids(checks.check_shared_cache()) == expected


@pytest.mark.parametrize(
    ("header", "proxies", "expected"),
    [
        (("HTTP_X_FORWARDED_PROTO", "https"), 0, ["penggerak.W003"]),
        (("HTTP_X_FORWARDED_PROTO", "https"), 1, []),
        (None, 0, []),
    ],
)
def test_w003_warns_on_a_proxy_header_without_trusted_proxies(header, proxies, expected):
    with override_settings(SECURE_PROXY_SSL_HEADER=header, PENGGERAK_TRUSTED_PROXY_COUNT=proxies):
        assert ids(checks.check_proxy_ssl_header()) == expected


@override_settings(
    NIK_HASH_KEY="",
    NIK_ENCRYPTION_KEYS=[],
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    PENGGERAK_TRUSTED_PROXY_COUNT=0,
)
def test_the_checks_run_only_with_deploy():
    ours = {"penggerak.W001", "penggerak.W002", "penggerak.W003"}
    assert ours <= set(ids(run_checks(include_deployment_checks=True)))
    assert ours.isdisjoint(ids(run_checks(include_deployment_checks=False)))


def test_check_deploy_in_production_shows_the_warnings(tmp_path):
    result = run(
        ["-m", "penggerak", "check", "--deploy"], PENGGERAK_VAR_DIR=str(tmp_path), **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    assert sorted(set(re.findall(r"\(([a-z_]+\.[A-Z]\d+)\)", result.stderr))) == [
        "penggerak.W001",
        "penggerak.W002",
    ]


def test_check_deploy_is_clean_once_keys_and_cache_are_set(tmp_path):
    result = run(
        ["-m", "penggerak", "check", "--deploy", "--fail-level", "WARNING"],
        PENGGERAK_VAR_DIR=str(tmp_path),
        PENGGERAK_NIK_HASH_KEY="c2VjcmV0LWhhc2gta2V5LTMyLWJ5dGVzLWxvbmchISE=",
        PENGGERAK_NIK_ENCRYPTION_KEYS="k" * 43 + "=",
        PENGGERAK_CACHE_URL="redis://127.0.0.1:6379/0",
        PENGGERAK_TRUSTED_PROXY_COUNT="1",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout

"""Guessing is slowed down per account and per client address, on the page and the API.

The limits are read from settings (defaults: 10 failures per account, 50 per address, each in
15 minutes), so these tests hold whatever an installation configures.
"""

import datetime as dt
import json

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.urls import reverse

from penggerak.accounts import throttle
from penggerak.accounts.backends import UsernameOrPhoneBackend
from penggerak.accounts.models import AttemptCounter
from penggerak.registry.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-123"
LOCKED = "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit."
TOKEN_URL = "/api/v1/auth/token"
# Fixed instants (Asia/Jakarta): no test reads the real clock.
MORNING = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    """These tests hash thousands of passwords (an unknown name is hashed too, for equal
    timing). The suite's PENGGERAK_FAST_PASSWORD_HASHER flag is set in conftest.py after Django
    has read its settings, so it does not take effect; set the fast hasher here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def account_max() -> int:
    return settings.PENGGERAK_LOGIN_ACCOUNT_MAX_FAILURES


def address_max() -> int:
    return settings.PENGGERAK_LOGIN_ADDRESS_MAX_FAILURES


def login(client, username, password="salah", address="203.0.113.10"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def issue(client, username, password="salah", address="203.0.113.10"):
    return client.post(
        TOKEN_URL,
        json.dumps({"username": username, "password": password}),
        "application/json",
        REMOTE_ADDR=address,
    )


def assert_locked(response):
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_defaults():
    assert (
        settings.PENGGERAK_LOGIN_ACCOUNT_MAX_FAILURES,
        settings.PENGGERAK_LOGIN_ACCOUNT_WINDOW_SECONDS,
        settings.PENGGERAK_LOGIN_ADDRESS_MAX_FAILURES,
        settings.PENGGERAK_LOGIN_ADDRESS_WINDOW_SECONDS,
        settings.PENGGERAK_TRUSTED_PROXY_COUNT,
    ) == (10, 900, 50, 900, 0)


# --- Per account --------------------------------------------------------------------------


def test_failures_from_many_addresses_lock_the_account(client, secretariat, coordinator):
    for n in range(account_max()):
        assert login(client, secretariat.username, address=f"198.51.100.{n + 1}").status_code == 200
    # The right password, from an address never seen before: still refused.
    response = login(client, secretariat.username, PASSWORD, address="192.0.2.77")
    assert_locked(response)
    assert "_auth_user_id" not in client.session
    # The lock is the account's, not that address's: another account logs in from it.
    assert login(client, coordinator.username, PASSWORD, address="192.0.2.77").status_code == 302


def test_one_failure_short_of_the_limit_does_not_lock(client, secretariat):
    for n in range(account_max() - 1):
        login(client, secretariat.username, address=f"198.51.100.{n + 1}")
    assert login(client, secretariat.username, PASSWORD, address="192.0.2.77").status_code == 302


def test_success_resets_the_account_count(client, secretariat):
    for _ in range(account_max() - 1):
        login(client, secretariat.username, address="198.51.100.1")
    assert login(client, secretariat.username, PASSWORD, address="198.51.100.1").status_code == 302
    client.logout()
    for _ in range(account_max() - 1):
        login(client, secretariat.username, address="198.51.100.2")
    assert login(client, secretariat.username, PASSWORD, address="198.51.100.2").status_code == 302
    assert not AttemptCounter.objects.filter(scope="login_account").exists()


def test_phone_spellings_share_one_count(client, member_user):
    spellings = ["+6281200000001", "081200000001", "6281200000001", "0812-0000-0001"]
    for n in range(account_max()):
        login(client, spellings[n % len(spellings)], address=f"198.51.100.{n + 1}")
    assert_locked(login(client, "081200000001", PASSWORD, address="192.0.2.77"))


def test_lock_expires_after_the_window(client, secretariat):
    window = dt.timedelta(seconds=settings.PENGGERAK_LOGIN_ACCOUNT_WINDOW_SECONDS)
    with time_machine.travel(MORNING, tick=False) as clock:
        for n in range(account_max()):
            login(client, secretariat.username, address=f"198.51.100.{n + 1}")
        clock.move_to(MORNING + window - dt.timedelta(seconds=1))
        assert_locked(login(client, secretariat.username, PASSWORD, address="192.0.2.77"))
        clock.move_to(MORNING + window + dt.timedelta(seconds=1))
        response = login(client, secretariat.username, PASSWORD, address="192.0.2.77")
        assert response.status_code == 302


def test_failures_spread_over_more_than_a_window_do_not_lock(client, secretariat):
    window = dt.timedelta(seconds=settings.PENGGERAK_LOGIN_ACCOUNT_WINDOW_SECONDS)
    with time_machine.travel(MORNING, tick=False) as clock:
        for _ in range(account_max() - 1):
            login(client, secretariat.username)
        clock.move_to(MORNING + window + dt.timedelta(seconds=1))
        login(client, secretariat.username)
        assert login(client, secretariat.username, PASSWORD).status_code == 302


# --- Per client address -------------------------------------------------------------------


def test_failures_over_many_accounts_lock_the_address(client, secretariat):
    # Each account stays below its own limit; together they use up the address's.
    per_account = account_max() - 1
    targets = UserFactory.create_batch(address_max() // per_account + 1)
    failures = 0
    for user in targets:
        for _ in range(per_account):
            if failures < address_max():
                assert login(client, user.username, address="203.0.113.10").status_code == 200
                failures += 1
    assert failures == address_max()
    # Nobody logs in from that address now, not even with a right password of another account.
    assert_locked(login(client, secretariat.username, PASSWORD, address="203.0.113.10"))
    assert_locked(login(client, targets[0].username, PASSWORD, address="203.0.113.10"))
    # The same accounts, from elsewhere, are not locked.
    assert login(client, targets[0].username, PASSWORD, address="203.0.113.11").status_code == 302


def test_unknown_names_count_against_the_address_only(client, secretariat):
    for n in range(address_max()):
        login(client, f"tidak-ada-{n}", address="203.0.113.10")
    assert list(AttemptCounter.objects.values_list("scope", "count")) == [
        ("login_address", address_max())
    ]
    assert_locked(login(client, secretariat.username, PASSWORD, address="203.0.113.10"))
    assert login(client, secretariat.username, PASSWORD, address="203.0.113.11").status_code == 302


def test_the_address_is_stored_as_a_keyed_hash(client):
    login(client, "tidak-ada", address="203.0.113.10")
    key = AttemptCounter.objects.get().key
    assert len(key) == 64
    assert "203.0.113" not in key


def test_forwarded_for_is_ignored_without_a_trusted_proxy(client, secretariat):
    for n in range(address_max()):
        client.post(
            reverse("accounts:login"),
            {"username": f"tidak-ada-{n}", "password": "salah"},
            REMOTE_ADDR="203.0.113.10",
            HTTP_X_FORWARDED_FOR=f"10.0.{n}.1",
        )
    assert_locked(login(client, secretariat.username, PASSWORD, address="203.0.113.10"))


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.10", "", "203.0.113.10"),
        (0, "203.0.113.10", "198.51.100.7", "203.0.113.10"),
        (1, "10.0.0.2", "198.51.100.7", "198.51.100.7"),
        # A client may send its own X-Forwarded-For; the proxy appends the real address.
        (1, "10.0.0.2", "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        (2, "10.0.0.3", "1.2.3.4, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (1, "10.0.0.2", "", "10.0.0.2"),
        (0, "2001:db8:1:2:3:4:5:6", "", "2001:db8:1:2::/64"),
        (0, "::ffff:203.0.113.10", "", "203.0.113.10"),
        (0, "", "", None),
        (1, "10.0.0.2", "bukan-alamat", None),
    ],
)
def test_client_address(proxies, remote, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    with override_settings(PENGGERAK_TRUSTED_PROXY_COUNT=proxies):
        assert throttle.client_address(request) == expected


# --- Flooding with made-up names ----------------------------------------------------------


def test_ten_thousand_unknown_names_do_not_evict_an_accounts_count(secretariat):
    """Whatever cache is configured (the default LocMemCache keeps 300 entries and culls the
    least recently used third when full), the counts do not live there: a real account's count
    survives 10,000 made-up names from 10,000 addresses, and a flood of the cache itself.

    The first 1,000 names go through the login backend end to end (already past what a
    300-entry cache holds); the rest are recorded exactly as the backend records an unknown
    name (``login_failed(user_pk=None, ...)``), which keeps the test to seconds.
    """
    backend = UsernameOrPhoneBackend()
    for n in range(account_max() - 1):
        backend.authenticate(
            None, username=secretariat.username, password="salah", client_address=f"192.0.2.{n}"
        )
    for n in range(10_000):
        address = f"10.{n // 65536}.{n // 256 % 256}.{n % 256}"
        if n < 1_000:
            backend.authenticate(
                None, username=f"tidak-ada-{n}", password="salah", client_address=address
            )
        else:
            throttle.login_failed(user_pk=None, address=address)
        cache.set(f"sampah-{n}", n)
    assert list(
        AttemptCounter.objects.filter(scope="login_account").values_list("key", "count")
    ) == [(str(secretariat.pk), account_max() - 1)]
    assert AttemptCounter.objects.filter(scope="login_address").count() == (
        account_max() - 1 + 10_000
    )
    # One more failure is the one that locks.
    backend.authenticate(
        None, username=secretariat.username, password="salah", client_address="198.51.100.99"
    )
    assert (
        backend.authenticate(
            None, username=secretariat.username, password=PASSWORD, client_address="198.51.100.1"
        )
        is None
    )


def test_dead_counters_are_pruned(client):
    window = dt.timedelta(seconds=settings.PENGGERAK_LOGIN_ADDRESS_WINDOW_SECONDS)
    with time_machine.travel(MORNING, tick=False) as clock:
        for n in range(5):
            login(client, "tidak-ada", address=f"198.51.100.{n + 1}")
        clock.move_to(MORNING + window + dt.timedelta(seconds=1))
        login(client, "tidak-ada", address="203.0.113.10")
    assert AttemptCounter.objects.count() == 1


# --- The token endpoint -------------------------------------------------------------------


def test_token_endpoint_locks_the_account(client, secretariat):
    for n in range(account_max()):
        response = issue(client, secretariat.username, address=f"198.51.100.{n + 1}")
        assert response.status_code == 401
    response = issue(client, secretariat.username, PASSWORD, address="192.0.2.77")
    assert response.status_code == 429
    assert response.json() == {"code": "too_many_attempts", "message": LOCKED, "fields": {}}
    assert secretariat.api_tokens.count() == 0


def test_token_endpoint_locks_the_address(client, secretariat):
    for n in range(address_max()):
        assert issue(client, f"tidak-ada-{n}", address="203.0.113.10").status_code == 401
    response = issue(client, secretariat.username, PASSWORD, address="203.0.113.10")
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    assert issue(client, secretariat.username, PASSWORD, address="203.0.113.11").status_code == 200


def test_page_and_api_share_the_counts(client, secretariat):
    for n in range(account_max()):
        (login if n % 2 else issue)(client, secretariat.username, address=f"198.51.100.{n + 1}")
    assert issue(client, secretariat.username, PASSWORD, address="192.0.2.77").status_code == 429
    assert_locked(login(client, secretariat.username, PASSWORD, address="192.0.2.77"))


def test_lock_message_in_english(client, secretariat):
    for n in range(account_max()):
        login(client, secretariat.username, address=f"198.51.100.{n + 1}")
    response = client.post(
        TOKEN_URL,
        json.dumps({"username": secretariat.username, "password": PASSWORD}),
        "application/json",
        headers={"Accept-Language": "en"},
    )
    assert response.json()["message"] == "Too many failed login attempts. Try again in 15 minutes."

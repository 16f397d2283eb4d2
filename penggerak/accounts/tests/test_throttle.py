"""Password guessing is slowed down: ten failures lock a login for fifteen minutes."""

import json

import pytest
from django.urls import reverse

from penggerak.accounts import throttle

pytestmark = pytest.mark.django_db

LOCKED = "Terlalu banyak percobaan masuk yang gagal"


def fail_logins(client, username, times):
    for _ in range(times):
        client.post(reverse("accounts:login"), {"username": username, "password": "salah"})


def test_the_right_password_is_refused_while_locked(client, secretariat):
    fail_logins(client, secretariat.username, throttle.MAX_FAILURES)
    response = client.post(
        reverse("accounts:login"), {"username": secretariat.username, "password": "rahasia-123"}
    )
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_nine_failures_then_success_resets_the_count(client, secretariat):
    fail_logins(client, secretariat.username, throttle.MAX_FAILURES - 1)
    ok = client.post(
        reverse("accounts:login"), {"username": secretariat.username, "password": "rahasia-123"}
    )
    assert ok.status_code == 302
    client.logout()
    fail_logins(client, secretariat.username, throttle.MAX_FAILURES - 1)
    again = client.post(
        reverse("accounts:login"), {"username": secretariat.username, "password": "rahasia-123"}
    )
    assert again.status_code == 302


def test_phone_spellings_share_one_count(client, member_user):
    spellings = ["+6281200000001", "081200000001", "6281200000001", "0812-0000-0001"]
    for n in range(throttle.MAX_FAILURES):
        fail_logins(client, spellings[n % len(spellings)], 1)
    response = client.post(
        reverse("accounts:login"), {"username": "081200000001", "password": "rahasia-123"}
    )
    assert LOCKED in response.content.decode()


def test_token_endpoint_answers_429_while_locked(client, secretariat):
    body = {"username": secretariat.username, "password": "salah"}
    for _ in range(throttle.MAX_FAILURES):
        response = client.post("/api/v1/auth/token", json.dumps(body), "application/json")
        assert response.status_code == 401
    body["password"] = "rahasia-123"
    response = client.post("/api/v1/auth/token", json.dumps(body), "application/json")
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    assert secretariat.api_tokens.count() == 0

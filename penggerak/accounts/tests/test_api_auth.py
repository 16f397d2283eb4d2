"""Issuing API tokens and authenticating with them."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from penggerak.accounts.models import ApiToken, Role, User

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"
PROTECTED = "/api/v1/communities"
# The password every factory user has (see conftest.py).
PASSWORD = "rahasia-123"

WRONG_CREDENTIALS = {
    "code": "invalid_credentials",
    "message": "Nama pengguna atau kata sandi salah.",
    "fields": {},
}
UNAUTHORIZED = {
    "code": "unauthorized",
    "message": "Token tidak ada, tidak valid atau kedaluwarsa.",
    "fields": {},
}


def issue(client, username, password=PASSWORD, **headers):
    return client.post(
        TOKEN_URL,
        {"username": username, "password": password},
        content_type="application/json",
        headers=headers,
    )


def test_token_is_returned_once_and_stored_as_digest(client, coordinator):
    response = issue(client, "koord-bandung")
    assert response.status_code == 200
    assert list(response.json()) == ["token"]
    token = response.json()["token"]
    row = ApiToken.objects.get(user=coordinator)
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert row.prefix == token[:8]
    assert token not in {row.digest, row.name}
    assert len(token) >= 40


def test_token_authenticates_and_stamps_last_use(client, coordinator):
    token = issue(client, "koord-bandung").json()["token"]
    response = client.get(PROTECTED, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert [c["slug"] for c in response.json()["items"]] == ["bandung-juara"]
    assert ApiToken.objects.get(user=coordinator).last_used_at is not None


def test_phone_number_in_local_form_logs_in(client):
    # Built here, not with the registry factories: accounts sits below registry.
    user = User.objects.create_user(
        username="budi", password=PASSWORD, phone="+6281311112222", role=Role.COORDINATOR
    )
    response = issue(client, "0813-1111-2222")
    assert response.status_code == 200
    assert ApiToken.objects.get().user == user


@pytest.mark.parametrize(("username", "password"), [("koord-bandung", "salah"), ("siapa", "x")])
def test_wrong_credentials(client, coordinator, username, password):
    response = issue(client, username, password)
    assert response.status_code == 401
    assert response.json() == WRONG_CREDENTIALS
    assert ApiToken.objects.count() == 0


def test_wrong_credentials_in_english(client, coordinator):
    response = issue(client, "koord-bandung", "salah", **{"Accept-Language": "en"})
    assert response.status_code == 401
    assert response.json() == {**WRONG_CREDENTIALS, "message": "Wrong username or password."}


def test_missing_fields(client):
    response = client.post(TOKEN_URL, {}, content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": "Periksa kembali isian yang ditandai.",
        "fields": {"username": ["Wajib diisi."], "password": ["Wajib diisi."]},
    }


def test_inactive_users_token_stops_working(client, coordinator, api_token):
    token = api_token(coordinator)
    coordinator.is_active = False
    coordinator.save()
    response = client.get(PROTECTED, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


def test_expired_token(client, coordinator, api_token):
    token = api_token(coordinator)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(PROTECTED, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer ", "Bearer salah", "Token {token}", "Basic {token}", "{token}"],
)
def test_missing_or_malformed_header_is_401(client, coordinator, api_token, header):
    token = api_token(coordinator)
    headers = {"Authorization": header.format(token=token)} if header is not None else {}
    response = client.get(PROTECTED, headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json() == UNAUTHORIZED


def test_only_the_digest_matches(client, coordinator, api_token):
    api_token(coordinator)
    digest = ApiToken.objects.get().digest
    response = client.get(PROTECTED, headers={"Authorization": f"Bearer {digest}"})
    assert response.status_code == 401

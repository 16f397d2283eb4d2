"""API tokens expire, are listed and revoked by their owner, and die with a password change."""

import datetime as dt
import importlib
import json

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from penggerak.accounts import selectors, services
from penggerak.accounts.models import ApiToken, password_fingerprint
from penggerak.core.errors import NotFound
from penggerak.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-123"
PROTECTED = "/api/v1/communities"
TOKENS = "/api/v1/auth/tokens"
JAKARTA = dt.timezone(dt.timedelta(hours=7))
ISSUED = dt.datetime(2026, 1, 5, 10, 0, tzinfo=JAKARTA)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # conftest.py's fast-hasher flag arrives after Django read its settings (see test_throttle).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def issue(user, name=""):
    return services.api_token_issue(username=user.username, password=PASSWORD, name=name)


def snapshot():
    return (
        list(ApiToken.objects.order_by("pk").values_list("pk", "user_id", "digest", "expires_at")),
        AuditEvent.objects.count(),
    )


# --- Expiry -------------------------------------------------------------------------------


def test_a_token_lives_ninety_days(client, coordinator, settings):
    assert settings.PENGGERAK_API_TOKEN_DAYS == 90
    with time_machine.travel(ISSUED, tick=False) as clock:
        token = issue(coordinator)
        assert ApiToken.objects.get().expires_at == ISSUED + dt.timedelta(days=90)
        clock.move_to(ISSUED + dt.timedelta(days=89))
        assert client.get(PROTECTED, headers=bearer(token)).status_code == 200
        clock.move_to(ISSUED + dt.timedelta(days=90, seconds=-1))
        assert client.get(PROTECTED, headers=bearer(token)).status_code == 200
        clock.move_to(ISSUED + dt.timedelta(days=91))
        response = client.get(PROTECTED, headers=bearer(token))
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"


def test_the_lifetime_is_a_setting(coordinator, settings):
    settings.PENGGERAK_API_TOKEN_DAYS = 7
    with time_machine.travel(ISSUED, tick=False):
        issue(coordinator)
    assert ApiToken.objects.get().expires_at == ISSUED + dt.timedelta(days=7)


def test_old_tokens_get_an_expiry_and_a_fingerprint_from_the_migration(coordinator):
    migration = importlib.import_module(
        "penggerak.accounts.migrations.0004_api_token_expiry_and_fingerprint"
    )
    now = dt.datetime(2026, 6, 1, 8, 0, tzinfo=JAKARTA)
    recent, old = (
        ApiToken.objects.create(user=coordinator, digest=c * 64, prefix=c * 8) for c in "ab"
    )
    ApiToken.objects.filter(pk=recent.pk).update(created_at=now - dt.timedelta(days=10))
    ApiToken.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(days=400))
    with time_machine.travel(now, tick=False):
        migration.fill_expiry_and_fingerprint(apps, None)
    recent.refresh_from_db()
    old.refresh_from_db()
    # As if the rule had always held; a token already past it gets 14 days of grace.
    assert recent.expires_at == now + dt.timedelta(days=80)
    assert old.expires_at == now + dt.timedelta(days=14)
    assert recent.password_fingerprint == old.password_fingerprint
    assert recent.password_fingerprint == password_fingerprint(coordinator.password)


# --- Listing ------------------------------------------------------------------------------


def test_api_lists_only_own_tokens(client, coordinator, other_coordinator):
    with time_machine.travel(ISSUED, tick=False):
        mine = issue(coordinator, name="Sistem kas")
        issue(other_coordinator, name="Bukan milik saya")
        response = client.get(TOKENS, headers=bearer(mine))
    assert response.status_code == 200
    row = ApiToken.objects.get(user=coordinator)
    assert response.json() == {
        "count": 1,
        "items": [
            {
                "id": row.pk,
                "prefix": mine[:8],
                "name": "Sistem kas",
                "created_at": "2026-01-05T03:00:00Z",
                "last_used_at": "2026-01-05T03:00:00Z",
                "expires_at": "2026-04-05T03:00:00Z",
                "state": "active",
            }
        ],
    }
    assert row.digest not in response.content.decode()


def test_list_shows_expired_and_password_ended_tokens_by_state(coordinator):
    with time_machine.travel(ISSUED, tick=False):
        issue(coordinator, name="lama")
    with time_machine.travel(ISSUED + dt.timedelta(days=100), tick=False):
        issue(coordinator, name="baru")
        now = ISSUED + dt.timedelta(days=100)
        rows = list(selectors.api_token_list_for(actor=coordinator))
        assert [(r.name, r.state_at(now)) for r in rows] == [
            ("baru", "active"),
            ("lama", "expired"),
        ]
        coordinator.set_password("kata-sandi-baru-99")
        coordinator.save()
        rows = list(selectors.api_token_list_for(actor=coordinator))
        assert [r.state_at(now) for r in rows] == ["password_changed"] * 2


def test_list_needs_a_token(client):
    assert client.get(TOKENS).status_code == 401


def test_list_query_count(client, coordinator, django_assert_num_queries):
    token = issue(coordinator)
    for _ in range(5):
        issue(coordinator)
    client.get(TOKENS, headers=bearer(token))  # stamps last use
    # Token lookup, the page, the count.
    with django_assert_num_queries(3):
        assert client.get(TOKENS, headers=bearer(token)).json()["count"] == 6


def test_page_lists_own_tokens(client, coordinator, other_coordinator):
    issue(coordinator, name="Sistem kas")
    theirs = issue(other_coordinator, name="Bukan milik saya")
    client.force_login(coordinator)
    response = client.get(reverse("accounts:token_list"))
    html = response.content.decode()
    assert response.status_code == 200
    row = ApiToken.objects.get(user=coordinator)
    assert f"<code>{row.prefix}…</code> Sistem kas" in html
    assert f'action="/akun/token/{row.pk}/cabut/"' in html
    assert "Bukan milik saya" not in html
    assert theirs[:8] not in html
    assert row.digest not in html
    assert '<span class="badge badge--active">aktif</span>' in html


def test_page_needs_login(client):
    response = client.get(reverse("accounts:token_list"))
    assert response.status_code == 302
    assert response["Location"] == "/akun/masuk/?next=/akun/token/"


# --- Revoking -----------------------------------------------------------------------------


def test_owner_revokes_over_the_api(client, coordinator):
    token = issue(coordinator, name="Sistem kas")
    other = issue(coordinator)
    row = ApiToken.objects.get(name="Sistem kas")
    response = client.delete(f"{TOKENS}/{row.pk}", headers=bearer(other))
    assert response.status_code == 204
    assert not ApiToken.objects.filter(pk=row.pk).exists()
    assert client.get(PROTECTED, headers=bearer(token)).status_code == 401
    assert client.get(PROTECTED, headers=bearer(other)).status_code == 200
    event = AuditEvent.objects.get(object_type="accounts.apitoken")
    assert (event.actor_id, event.action, event.object_id, event.changes) == (
        coordinator.pk,
        "delete",
        str(row.pk),
        {"prefix": token[:8], "name": "Sistem kas"},
    )


def test_a_token_may_revoke_itself(client, coordinator):
    token = issue(coordinator)
    row = ApiToken.objects.get()
    assert client.delete(f"{TOKENS}/{row.pk}", headers=bearer(token)).status_code == 204
    assert client.get(TOKENS, headers=bearer(token)).status_code == 401


def test_another_users_token_is_404_over_the_api(client, coordinator, other_coordinator):
    mine = issue(coordinator)
    theirs = issue(other_coordinator)
    their_row = ApiToken.objects.get(user=other_coordinator)
    before = snapshot()
    forbidden = client.delete(f"{TOKENS}/{their_row.pk}", headers=bearer(mine))
    missing = client.delete(f"{TOKENS}/{their_row.pk + 1000}", headers=bearer(mine))
    assert forbidden.status_code == missing.status_code == 404
    assert (
        forbidden.json()
        == missing.json()
        == {
            "code": "not_found",
            "message": "Token tidak ditemukan.",
            "fields": {},
        }
    )
    assert snapshot() == before
    assert client.get(PROTECTED, headers=bearer(theirs)).status_code == 200


def test_owner_revokes_on_the_page(client, coordinator):
    token = issue(coordinator, name="Sistem kas")
    row = ApiToken.objects.get()
    client.force_login(coordinator)
    response = client.post(reverse("accounts:token_revoke", args=[row.pk]), follow=True)
    assert response.redirect_chain == [("/akun/token/", 302)]
    assert "Token dicabut dan tidak dapat dipakai lagi." in response.content.decode()
    assert ApiToken.objects.count() == 0
    assert client.get(PROTECTED, headers=bearer(token)).status_code == 401
    event = AuditEvent.objects.get(object_type="accounts.apitoken")
    assert (event.actor_id, event.action) == (coordinator.pk, "delete")


def test_another_users_token_is_404_on_the_page(client, coordinator, other_coordinator):
    issue(other_coordinator)
    their_row = ApiToken.objects.get()
    client.force_login(coordinator)
    before = snapshot()
    forbidden = client.post(reverse("accounts:token_revoke", args=[their_row.pk]))
    missing = client.post(reverse("accounts:token_revoke", args=[their_row.pk + 1000]))
    assert forbidden.status_code == missing.status_code == 404
    assert snapshot() == before


def test_revoke_page_is_post_only_and_needs_login(client, coordinator):
    issue(coordinator)
    row = ApiToken.objects.get()
    url = reverse("accounts:token_revoke", args=[row.pk])
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(coordinator)
    assert client.get(url).status_code == 405
    assert ApiToken.objects.count() == 1


def test_service_refuses_anonymous_and_others(coordinator, other_coordinator):
    from django.contrib.auth.models import AnonymousUser

    issue(coordinator)
    row = ApiToken.objects.get()
    for actor in (AnonymousUser(), other_coordinator):
        with pytest.raises(NotFound):
            services.api_token_revoke(actor=actor, token_id=row.pk)
    assert ApiToken.objects.count() == 1


# --- Password changes ---------------------------------------------------------------------


def test_password_change_page_ends_old_tokens_and_keeps_the_session(client, coordinator):
    token = issue(coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Kopi-Gayo-2031",
            "new_password2": "Kopi-Gayo-2031",
        },
        follow=True,
    )
    assert response.redirect_chain == [("/akun/kata-sandi/", 302)]
    assert "Kata sandi sudah diganti." in response.content.decode()
    assert client.get(PROTECTED, headers=bearer(token)).status_code == 401
    # The session of the person who changed it stays valid.
    assert client.get(reverse("home")).context["user"] == coordinator
    fresh = services.api_token_issue(username=coordinator.username, password="Kopi-Gayo-2031")
    assert client.get(PROTECTED, headers=bearer(fresh)).status_code == 200


def test_password_change_page_applies_the_validators(client, coordinator):
    token = issue(coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "Kata sandi ini terlalu umum." in response.content.decode()
    assert client.get(PROTECTED, headers=bearer(token)).status_code == 200


def test_password_change_page_needs_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response["Location"] == "/akun/masuk/?next=/akun/kata-sandi/"


def test_any_set_password_ends_old_tokens(client, coordinator):
    """The admin's form and ``changepassword`` both end in set_password() + save()."""
    token = issue(coordinator)
    coordinator.set_password("Kopi-Gayo-2031")
    coordinator.save()
    response = client.get(PROTECTED, headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_changepassword_command_ends_old_tokens(client, coordinator, monkeypatch):
    from django.core.management import call_command

    token = issue(coordinator)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "Kopi-Gayo-2031")
    call_command("changepassword", coordinator.username, stdout=None)
    assert client.get(PROTECTED, headers=bearer(token)).status_code == 401


def test_a_rehash_of_the_same_password_is_not_a_change(client, coordinator, settings):
    """Django re-hashes a password with a newly preferred hasher when it checks it; the
    password is the same, so its tokens live on."""
    token = issue(coordinator)
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.ScryptPasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    old_hash = coordinator.password
    response = client.post(
        reverse("accounts:login"), {"username": coordinator.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.password != old_hash
    assert coordinator.password.startswith("scrypt$")
    assert client.get(PROTECTED, headers=bearer(token)).status_code == 200


def test_issue_over_the_api_stores_expiry_and_fingerprint(client, coordinator):
    with time_machine.travel(ISSUED, tick=False):
        response = client.post(
            "/api/v1/auth/token",
            json.dumps({"username": coordinator.username, "password": PASSWORD}),
            "application/json",
        )
    assert response.status_code == 200
    row = ApiToken.objects.get()
    assert (row.expires_at, row.password_fingerprint) == (
        ISSUED + dt.timedelta(days=90),
        password_fingerprint(coordinator.password),
    )

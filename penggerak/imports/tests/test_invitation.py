"""Coordinator invitations: the accounts service used by the communities import, the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from penggerak.accounts.models import Role, User
from penggerak.accounts.services import coordinator_invite
from penggerak.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db
GOOD = "Kopi-Susu-Gula-Aren-42"


def test_invite_creates_an_inactive_coordinator_with_a_link(secretariat):
    user, link = coordinator_invite(
        actor=secretariat, username="koord-x", full_name="Asep Sunandar", email="a@contoh.id"
    )
    assert not user.is_active and user.role == Role.COORDINATOR and not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Asep", "Sunandar")
    assert link.startswith("/akun/undangan/")
    # The same login again: a fresh link, no second user.
    again, second = coordinator_invite(actor=secretariat, username="koord-x")
    assert again.pk == user.pk and second.startswith("/akun/undangan/")
    assert User.objects.filter(username="koord-x").count() == 1


def test_only_the_secretariat_invites(coordinator):
    with pytest.raises(PermissionDenied):
        coordinator_invite(actor=coordinator, username="koord-y")


def test_invitation_sets_password_activates_and_is_used_once(client, secretariat):
    user, link = coordinator_invite(actor=secretariat, username="koord-x")
    page = client.get(link)
    assert page.status_code == 200 and "koord-x" in page.content.decode()
    response = client.post(link, {"new_password1": GOOD, "new_password2": GOOD})
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    user.refresh_from_db()
    assert user.is_active and user.check_password(GOOD)
    used = client.get(link)
    assert used.status_code == 404 and "tidak berlaku" in used.content.decode()
    assert client.post(link, {"new_password1": "x", "new_password2": "x"}).status_code == 404
    assert client.login(username="koord-x", password=GOOD)


def test_weak_or_mismatched_password_is_refused(client, secretariat):
    user, link = coordinator_invite(actor=secretariat, username="koord-x")
    response = client.post(link, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    response = client.post(link, {"new_password1": GOOD, "new_password2": GOOD + "x"})
    assert "tidak sama" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()


@pytest.mark.parametrize(
    "path",
    ["/akun/undangan/MQ/salah-token/", "/akun/undangan/!!!/x/", "/akun/undangan/OTk5OTk/a-b/"],
)
def test_forged_links_get_a_clear_page(client, secretariat, path):
    coordinator_invite(actor=secretariat, username="koord-x")
    response = client.get(path)
    assert response.status_code == 404 and "tidak berlaku" in response.content.decode()


def test_active_user_cannot_use_an_old_link(client, secretariat, coordinator):
    from penggerak.accounts.services import invitation_path

    response = client.get(invitation_path(coordinator))
    assert response.status_code == 404


def test_email_sent_only_when_configured(secretariat, settings, mailoutbox, monkeypatch):
    from penggerak.core import notifications

    coordinator_invite(actor=secretariat, username="koord-a", email="a@contoh.id")
    assert mailoutbox == []
    monkeypatch.setattr(notifications, "email_configured", lambda: True)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        coordinator_invite(actor=secretariat, username="koord-b", email="b@contoh.id")
    assert len(mailoutbox) == 1 and "/akun/undangan/" in mailoutbox[0].body

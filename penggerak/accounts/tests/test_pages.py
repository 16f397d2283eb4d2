"""Login and logout pages: username or phone number, pending accounts, redirects."""

import pytest
from django.urls import reverse

from penggerak.accounts.models import Role
from penggerak.registry.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-123"


def test_login_page_renders(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "<h1>Masuk</h1>" in html
    assert '<label for="id_username">Nama pengguna atau nomor HP<' in html
    assert 'autocomplete="current-password"' in html
    assert f'href="{reverse("registry:signup")}"' in html


def test_login_with_username_lands_home(client, coordinator):
    response = client.post(
        reverse("accounts:login"), {"username": "koord-bandung", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home") == "/"


def test_login_with_phone_in_local_form(client, member_user):
    response = client.post(
        reverse("accounts:login"), {"username": "0812-0000-0001", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == member_user


def test_login_follows_next(client, coordinator):
    response = client.post(
        reverse("accounts:login") + "?next=/anggota/",
        {"username": "koord-bandung", "password": PASSWORD, "next": "/anggota/"},
    )
    assert response["Location"] == "/anggota/"


def test_wrong_password_is_refused_with_one_message(client, coordinator):
    response = client.post(
        reverse("accounts:login"), {"username": "koord-bandung", "password": "salah"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nama pengguna/nomor HP atau kata sandi salah." in html
    assert "_auth_user_id" not in client.session


def test_pending_member_with_right_password_learns_why(client):
    UserFactory(
        username="+6281300000009", phone="+6281300000009", role=Role.MEMBER, is_active=False
    )
    response = client.post(
        reverse("accounts:login"), {"username": "081300000009", "password": PASSWORD}
    )
    html = response.content.decode()
    assert "Akun Anda belum aktif." in html
    assert "_auth_user_id" not in client.session


def test_pending_member_with_wrong_password_learns_nothing(client):
    UserFactory(
        username="+6281300000009", phone="+6281300000009", role=Role.MEMBER, is_active=False
    )
    response = client.post(
        reverse("accounts:login"), {"username": "081300000009", "password": "tebak-tebak"}
    )
    html = response.content.decode()
    assert "Akun Anda belum aktif." not in html
    assert "Nama pengguna/nomor HP atau kata sandi salah." in html


def test_logout_is_post_only(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_logged_in_user_skips_login_page(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_signup_name_points_at_the_public_form(client):
    response = client.get(reverse("accounts:signup"))
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:signup") == "/daftar/"


def test_login_page_in_english(client):
    from django.conf import settings
    from django.core.management import call_command

    call_command("compile_translations")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("accounts:login")).content.decode()
    assert "<h1>Log in</h1>" in html
    assert "Username or phone number" in html

"""Self sign-up (/daftar/) tells nobody whether a NIK or phone is registered, is throttled per
client address and holds passwords to Django's validators.

The page belongs to the registry; these tests sit with the other guessing-and-flooding tests.
"""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.urls import reverse
from django.utils import translation

from penggerak.accounts.models import Role, User
from penggerak.core.identity import compose_nik
from penggerak.core.models import AuditEvent
from penggerak.registry.models import Member
from penggerak.registry.tests.factories import BANDUNG_DISTRICT, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1990, 7, 17)
NEW_NIK = compose_nik(BANDUNG_DISTRICT, BIRTH, "P", 4321)
BAD_NIK = NEW_NIK[:6] + "00" + NEW_NIK[8:]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # conftest.py's fast-hasher flag arrives after Django read its settings (see test_throttle).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def form(community, **changes):
    data = {
        "community": community.slug,
        "full_name": "Rina Marlina",
        "nik": NEW_NIK,
        "phone": "0812 3456 7890",
        "password": "Usaha-Kue-2024",
        "consent": "on",
    }
    data.update(changes)
    return data


def sign_up(client, data, address="203.0.113.20"):
    return client.post(reverse("registry:signup"), data, REMOTE_ADDR=address)


def answer(client, response):
    """What the visitor sees: the redirect, then the page it leads to (CSRF token removed)."""
    assert response.status_code == 302
    page = client.get(response["Location"])
    return (
        response.status_code,
        response["Location"],
        sorted(response.headers),
        page.status_code,
        CSRF.sub("", page.content.decode()),
    )


def field_errors(html, field):
    block = re.search(rf'<ul class="errors" id="id_{field}_error">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(1)) if block else []


def validator_messages(password, user):
    with translation.override("id"):
        try:
            password_validation.validate_password(password, user)
        except password_validation.ValidationError as error:
            return list(error.messages)
    return []


def counts():
    return (Member.objects.count(), User.objects.count())


# --- Registered or not, the same answer ---------------------------------------------------


def test_duplicate_nik_looks_like_a_fresh_signup(client, community, other_community):
    fresh = answer(client, sign_up(client, form(community)))
    assert Member.objects.get().status == "pending"
    before = counts()

    # The same NIK again, with a new phone number: the same answer, nothing new.
    visitor = client.__class__()
    duplicate = answer(visitor, sign_up(visitor, form(community, phone="0813 1111 2222")))
    assert duplicate == fresh
    assert counts() == before
    assert not User.objects.filter(phone="+6281311112222").exists()
    # The coordinator of the existing member sees the attempt in its audit trail.
    member = Member.objects.get()
    event = AuditEvent.objects.filter(object_type="registry.member", object_id=str(member.pk))
    assert list(event.values_list("actor_id", "changes").order_by("-id")[:1]) == [
        (None, {"self_signup": "duplicate", "community": community.slug})
    ]


def test_duplicate_phone_looks_like_a_fresh_signup(client, community):
    fresh = answer(client, sign_up(client, form(community)))
    # Someone else's login holds this phone number.
    holder = UserFactory(username="koord-lain", phone="+6281399998888", role=Role.COORDINATOR)
    before = counts()
    visitor = client.__class__()
    other_nik = compose_nik(BANDUNG_DISTRICT, BIRTH, "P", 4322)
    duplicate = answer(
        visitor, sign_up(visitor, form(community, nik=other_nik, phone="0813-9999-8888"))
    )
    assert duplicate == fresh
    assert counts() == before
    assert not Member.objects.filter(nik_masked__endswith="4322").exists()
    assert AuditEvent.objects.filter(
        object_type="accounts.user", object_id=str(holder.pk), changes__self_signup="duplicate"
    ).exists()


def test_a_member_registered_by_a_coordinator_cannot_be_found_either(client, community):
    MemberFactory(community=community, nik=NEW_NIK)
    visitor = client.__class__()
    existing = answer(visitor, sign_up(visitor, form(community, phone="0813 1111 2222")))
    Member.objects.all().delete()
    User.objects.all().delete()
    fresh = answer(client, sign_up(client, form(community, phone="0813 1111 2222")))
    assert existing == fresh


def test_invalid_input_is_still_refused_by_field(client, community, member_user):
    # The phone belongs to member_user; the NIK is impossible: the NIK is what is reported.
    before = counts()
    response = sign_up(client, form(community, nik=BAD_NIK, phone="0812-0000-0001"))
    html = response.content.decode()
    assert response.status_code == 200
    assert field_errors(html, "nik")
    assert field_errors(html, "phone") == []
    response = sign_up(client, form(community, phone="12"))
    assert field_errors(response.content.decode(), "phone")
    assert counts() == before


def test_the_old_duplicate_messages_are_gone(client, community, member_user):
    MemberFactory(community=community, nik=NEW_NIK)
    html = sign_up(client, form(community, phone="0812-0000-0001"), address="203.0.113.21")
    assert html.status_code == 302
    page = client.get(html["Location"]).content.decode()
    assert "sudah terdaftar" not in page
    assert "sudah dipakai" not in page


# --- Passwords ----------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["12345678", "+6281234567890", "Rina Marlina"])
def test_weak_passwords_are_refused_with_the_validators_messages(client, community, password):
    response = sign_up(client, form(community, password=password))
    expected = validator_messages(
        password, User(username="+6281234567890", phone="+6281234567890", first_name="Rina Marlina")
    )
    assert expected  # the validators do refuse it
    assert field_errors(response.content.decode(), "password") == expected
    assert counts() == (0, 0)


def test_weak_password_messages_name_the_rule(client, community):
    html = sign_up(client, form(community, password="12345678")).content.decode()
    assert field_errors(html, "password") == [
        # "12345678" is also much like the phone number, the username.
        "Kata sandi terlalu mirip dengan nama pengguna.",
        "Kata sandi ini terlalu umum.",
        "Kata sandi ini seluruhnya terdiri dari angka.",
    ]
    html = sign_up(client, form(community, password="+6281234567890")).content.decode()
    assert field_errors(html, "password") == ["Kata sandi terlalu mirip dengan nama pengguna."]


def test_validators_are_djangos_defaults():
    assert [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS] == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]


# --- Flooding -----------------------------------------------------------------------------


def test_the_eleventh_signup_from_one_address_is_refused(client, community):
    allowed = settings.PENGGERAK_SIGNUP_MAX_PER_ADDRESS
    assert (allowed, settings.PENGGERAK_SIGNUP_WINDOW_SECONDS) == (10, 3600)
    for n in range(allowed):
        data = form(
            community,
            nik=compose_nik(BANDUNG_DISTRICT, BIRTH, "P", 5000 + n),
            phone=f"0813 2000 {n:04d}",
        )
        assert sign_up(client, data).status_code == 302
    assert counts() == (allowed, allowed)

    data = form(
        community, nik=compose_nik(BANDUNG_DISTRICT, BIRTH, "P", 6000), phone="0813 3000 0000"
    )
    response = sign_up(client, data)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Terlalu banyak pendaftaran dari jaringan ini. Coba lagi dalam 60 menit." in html
    assert counts() == (allowed, allowed)
    # Another address is not affected.
    assert sign_up(client, data, address="203.0.113.99").status_code == 302


def test_duplicates_count_like_new_signups(client, community):
    for _ in range(settings.PENGGERAK_SIGNUP_MAX_PER_ADDRESS):
        assert sign_up(client, form(community)).status_code == 302
    assert counts() == (1, 1)
    assert sign_up(client, form(community)).status_code == 429


def test_refused_input_is_not_counted(client, community):
    for _ in range(settings.PENGGERAK_SIGNUP_MAX_PER_ADDRESS + 5):
        assert sign_up(client, form(community, nik=BAD_NIK)).status_code == 200
    assert sign_up(client, form(community)).status_code == 302

"""The admin under the same rules as every page, model by model from the admin registry.

- Only the secretariat opens the back office: a coordinator, partner staff, a member and an
  anonymous visitor are sent to the admin login, and nothing is written.
- Logins and API tokens are the national secretariat's: a provincial secretariat can neither
  list users nor set another user's password (the national account's included).
- Every list is scoped: the Jawa Timur secretariat never finds a Jawa Barat row in a list,
  and opening one by its id answers like a missing row.
- National configuration (regions, step rules, curricula, permit requirements, checklists,
  the as-of date) is read by a provincial secretariat, changed by the national one only.
- Every change made through the admin is in the audit trail with its old and new values.

A model registered in the admin without a line in ``SCOPED`` or ``NATIONAL`` fails
``test_every_admin_is_classified``.
"""

from __future__ import annotations

import pytest
import time_machine
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from penggerak.accounts.models import ApiToken, User
from penggerak.core.models import AuditEvent
from penggerak.registry.models import StepRule
from penggerak.tests.leak_world import NOW, build_world
from penggerak.tests.test_leaks import shows_victim, written_tables

pytestmark = pytest.mark.django_db

# Model label -> the world's object of province 32 that a Jawa Timur secretariat must not
# find (None: a list with no such row in the world; its list is still tried).
SCOPED = {
    "registry.member": "victim",
    "registry.community": "community_a",
    "registry.partner": "partner_jabar",
    "registry.agreement": None,
    "core.auditevent": "audit_event",
    "training.event": "event",
    "training.certificate": "certificate",
    "permits.permit": "permit",
    "insights.target": "target",
    "insights.reportschedule": None,
    "insights.umkmpopulation": "umkm_population",
    # The national secretariat's alone (the list itself is refused to a provincial one).
    "accounts.user": "national_user",
    "accounts.apitoken": "token",
}
NATIONAL = {
    "core.region",
    "registry.steprule",
    "training.course",
    "permits.permitrequirement",
    "permits.checklisttemplate",
    "permits.checklistsection",
    "insights.insightsettings",
}
# Django's own: the task results of django-tasks (superusers only, by model permissions).
SUPERUSER_ONLY = {"django_tasks_database.dbtaskresult"}
ACCOUNTS = {"accounts.user", "accounts.apitoken"}

SITE_URLS = {
    "index",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "autocomplete",
    "jsi18n",
    "view_on_site",
    "app_list",
}
MODEL_URLS = ("changelist", "add", "change", "delete", "history")


def _registered() -> dict[str, type]:
    return {model._meta.label_lower: model for model in admin.site._registry}


def test_every_admin_is_classified():
    labels = set(_registered())
    assert labels - set(SCOPED) - NATIONAL - SUPERUSER_ONLY == set()
    # Every admin URL is a site page or one of the five pages of a registered model (the
    # user admin adds its password page).
    names = set()

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == "admin" and pattern.name:
                names.add(pattern.name)

    walk(get_resolver().url_patterns)
    model_names = {
        f"{label.replace('.', '_')}_{page}" for label in labels for page in MODEL_URLS
    } | {"auth_user_password_change"}
    assert names - SITE_URLS - model_names == set()


@pytest.fixture
def world(db, tmp_path, settings):
    settings.PENGGERAK_PRIVATE_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with time_machine.travel(NOW, tick=False):
        built = build_world(tmp_path)
        built.objects["national_user"] = built.users["national"]
        yield built


def client_for(world, actor) -> Client:
    client = Client()
    if world.users[actor] is not None:
        client.force_login(world.users[actor])
    return client


def _url(label: str, page: str, *args) -> str:
    return reverse(f"admin:{label.replace('.', '_')}_{page}", args=args)


@pytest.mark.parametrize("label", sorted(set(SCOPED) | NATIONAL))
def test_outsiders_never_enter_the_back_office(world, label):
    """Anyone but the secretariat is sent to the admin login, and nothing is written."""
    obj_name = SCOPED.get(label)
    urls = [_url(label, "changelist")]
    if obj_name:
        pk = getattr(world, obj_name).pk
        urls += [_url(label, page, pk) for page in ("change", "history", "delete")]
    for actor in ("anonymous", "coordinator_a", "partner", "member_victim", "mentor"):
        client = client_for(world, actor)
        for url in urls:
            for method in ("get", "post"):
                with CaptureQueriesContext(connection) as captured:
                    response = getattr(client, method)(url, {})
                assert response.status_code == 302, (actor, method, url)
                assert response["Location"].startswith(reverse("admin:login"))
                assert written_tables(captured.captured_queries) == set(), (actor, url)


@pytest.mark.parametrize("label", sorted(SCOPED))
def test_provincial_secretariat_sees_only_its_province(world, label):
    client = client_for(world, "secretariat_jatim")
    obj_name = SCOPED[label]
    with CaptureQueriesContext(connection) as captured:
        listing = client.get(_url(label, "changelist"))
    assert written_tables(captured.captured_queries) == set()
    if label in ACCOUNTS:
        assert listing.status_code == 403
    else:
        assert listing.status_code == 200
        assert not shows_victim(listing.content)
    if obj_name is None:
        return
    pk = getattr(world, obj_name).pk
    assert f"/{pk}/change/" not in listing.content.decode()
    for page in ("change", "history", "delete"):
        for method in ("get", "post"):
            with CaptureQueriesContext(connection) as captured:
                response = getattr(client, method)(_url(label, page, pk), {})
            # Django's admin answers a row outside the list like a missing one: back to the
            # index (302), or 403 where the whole model is closed to the actor.
            assert response.status_code in (302, 403, 404), (page, method)
            if response.status_code == 302:
                assert response["Location"] == reverse("admin:index")
            assert not shows_victim(response.content)
            assert written_tables(captured.captured_queries) == set(), (page, method)
    # The rightful provincial secretariat finds the row (accounts: nobody provincial).
    own = client_for(world, "secretariat_jabar").get(_url(label, "change", pk))
    assert own.status_code == (403 if label in ACCOUNTS else 200)


def test_provincial_secretariat_cannot_take_over_the_national_account(world):
    national = world.users["national"]
    client = client_for(world, "secretariat_jabar")
    before = (national.password, national.is_superuser, national.province_id)
    url = reverse("admin:auth_user_password_change", args=[national.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": "Ambil-alih-123", "password2": "Ambil-alih-123"})
    assert response.status_code == 403
    own = world.users["secretariat_jabar"]
    response = client.post(
        _url("accounts.user", "change", own.pk),
        {"username": own.username, "is_superuser": "on", "role": "secretariat", "province": ""},
    )
    assert response.status_code == 403
    national.refresh_from_db()
    own.refresh_from_db()
    assert (national.password, national.is_superuser, national.province_id) == before
    assert own.province_id == "32" and not own.is_superuser


def test_national_secretariat_cannot_grant_superuser(world):
    """Superuser, groups and model permissions are a superuser's to give."""
    client = client_for(world, "national")
    target = world.users["secretariat_jatim"]
    response = client.post(
        _url("accounts.user", "change", target.pk),
        {
            "username": target.username,
            "role": "secretariat",
            "province": "35",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_superuser


@pytest.mark.parametrize("label", sorted(NATIONAL - {"core.region"}))
def test_national_configuration_is_read_not_changed_by_a_province(world, label):
    model = _registered()[label]
    row = model._default_manager.first()
    client = client_for(world, "secretariat_jatim")
    assert client.get(_url(label, "changelist")).status_code == 200
    if row is None:
        return
    with CaptureQueriesContext(connection) as captured:
        response = client.post(_url(label, "change", row.pk), {})
    assert response.status_code == 403
    assert written_tables(captured.captured_queries) == set()


def test_every_admin_change_is_audited_with_old_and_new_values(world):
    rule = StepRule.objects.get(step=2)  # training
    client = client_for(world, "national")
    response = client.post(
        _url("registry.steprule", "change", rule.pk),
        {"description": "Hadir dua kali", "enabled": "on", "parameters": '{"min_attendances": 2}'},
    )
    assert response.status_code == 302, response.content[:2000]
    event = AuditEvent.objects.filter(object_type="registry.steprule").latest("id")
    assert event.actor == world.users["national"]
    assert event.reason == "admin"
    assert event.changes["description"][1] == "Hadir dua kali"
    assert event.changes["description"][0] == rule.description


def test_a_password_set_in_the_admin_is_audited_without_the_password(world):
    target = world.users["coordinator_b"]
    client = client_for(world, "national")
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    response = client.post(
        url,
        {
            "password1": "Sandi-baru-2026!",
            "password2": "Sandi-baru-2026!",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    event = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(target.pk)).latest(
        "id"
    )
    assert event.reason == "admin"
    assert "Sandi-baru-2026!" not in str(event.changes)
    assert ApiToken.objects.filter(user=target).count() == 0
    assert User.objects.get(pk=target.pk).check_password("Sandi-baru-2026!")

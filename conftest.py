"""Shared fixtures: the actors every test talks about, and an API client with a token."""

import importlib
import os

import pytest

os.environ.setdefault("PENGGERAK_FAST_PASSWORD_HASHER", "1")

from penggerak.accounts.models import Role
from penggerak.registry.tests.factories import (
    CommunityFactory,
    MemberFactory,
    PartnerFactory,
    UserFactory,
)

PASSWORD = "rahasia-123"


def _load_regions_if_missing() -> None:
    from django.apps import apps

    from penggerak.core.models import Region

    if not Region.objects.exists():
        migration = importlib.import_module("penggerak.core.migrations.0002_load_regions")
        migration.load_regions(apps, None)


def _flushes_database(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
        or (marker and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Login-failure counters and other cached values never leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _indonesian_after_each_test():
    """A page asked in English leaves English active in the thread (the locale middleware
    activates it and nothing resets it); later tests on the same worker expect Indonesian."""
    from django.utils import translation

    yield
    translation.activate("id")


@pytest.fixture(autouse=True)
def _regions_survive_flush(request):
    """Put the Kemendagri regions back around a transactional test.

    Regions arrive by data migration, and every transactional test ends with a flush of all
    tables; later tests in the same worker would find no regency for their community.
    Autouse, so it is set up before the flush fixture and torn down after it.
    """
    if not _flushes_database(request):
        yield
        return
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        _load_regions_if_missing()
    yield
    with blocker.unblock():
        _load_regions_if_missing()


@pytest.fixture
def community(db):
    return CommunityFactory(name="Komunitas Bandung Juara", slug="bandung-juara")


@pytest.fixture
def other_community(db):
    return CommunityFactory(
        name="Komunitas Surabaya Maju", slug="surabaya-maju", regency_id="35.78"
    )


@pytest.fixture
def secretariat(db):
    return UserFactory(username="sekretariat-uji", role=Role.SECRETARIAT, is_staff=True)


@pytest.fixture
def coordinator(db, community):
    user = UserFactory(username="koord-bandung", role=Role.COORDINATOR)
    community.coordinators.add(user)
    return user


@pytest.fixture
def other_coordinator(db, other_community):
    user = UserFactory(username="koord-surabaya", role=Role.COORDINATOR)
    other_community.coordinators.add(user)
    return user


@pytest.fixture
def partner_user(db):
    partner = PartnerFactory(name="Bank Uji", slug="bank-uji")
    user = UserFactory(username="staf-bank", role=Role.PARTNER)
    partner.staff.add(user)
    return user


@pytest.fixture
def member(db, community):
    return MemberFactory(community=community, full_name="Siti Aminah")


@pytest.fixture
def member_user(db, member):
    user = UserFactory(username="+6281200000001", phone="+6281200000001", role=Role.MEMBER)
    member.user = user
    member.save(update_fields=["user"])
    return user


@pytest.fixture
def api_token():
    """Issue a bearer token for a user through the real token service."""
    from penggerak.accounts.services import api_token_issue

    def issue(user):
        return api_token_issue(username=user.username, password=PASSWORD)

    return issue

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


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher(django_test_environment):
    """The fast password hasher for the whole run.

    pytest-django sets Django up before this file is imported, so the environment variable
    above comes too late for settings.py: without this every test user cost a full PBKDF2
    (about a second on this machine's cores).
    """
    from django.conf import settings
    from django.contrib.auth import hashers

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()


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


# --- Clocks: the run at a chosen instant, frozen clocks, tests run on any day ----------------
# PENGGERAK_TEST_NOW="2026-12-31T23:59:00+07:00" starts every process of the run (each xdist
# worker loads this file too) at that instant, the clock ticking on from there; module-level
# dates are read at collection, after pytest_configure. Tests marked `any_day`, and those using
# `frozen_clock`, run on a clock stopped at that instant, or at ORDINARY_DAY without it.
# PENGGERAK_TEST_INSTANTS="<instant>,<instant>,..." runs each `any_day` test once per instant
# instead (penggerak/tests/test_any_day.py does, in a child pytest with its own database named
# by PENGGERAK_TEST_DB_SUFFIX). An instant written in UTC ("+00:00") also sets the process's
# local zone to UTC while it lasts (time-machine does so), as on a server left in UTC: a naive
# date.today() then gives the UTC date, not the WIB one Django's TIME_ZONE would. Child
# processes (import and export kill tests, Chromium) keep the real clock.
TEST_NOW_ENV = "PENGGERAK_TEST_NOW"
TEST_INSTANTS_ENV = "PENGGERAK_TEST_INSTANTS"
TEST_DB_SUFFIX_ENV = "PENGGERAK_TEST_DB_SUFFIX"
# A Tuesday in the middle of a month, in the middle of a WIB day: nothing awkward about it.
ORDINARY_DAY = "2026-03-10T10:00:00+07:00"


def _instant(value: str):
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise pytest.UsageError(f"test instant {value!r}: {error}") from None
    if moment.tzinfo is None:
        raise pytest.UsageError(f"test instant {value!r} needs an offset, e.g. +07:00")
    return moment


def pytest_configure(config):
    if os.environ.get(TEST_NOW_ENV):
        import time_machine

        config._penggerak_travel = time_machine.travel(
            _instant(os.environ[TEST_NOW_ENV]), tick=True
        )
        config._penggerak_travel.start()


def pytest_unconfigure(config):
    travel = getattr(config, "_penggerak_travel", None)
    if travel is not None:
        travel.stop()


def pytest_report_header(config):
    if os.environ.get(TEST_NOW_ENV):
        return f"clock: starts at {os.environ[TEST_NOW_ENV]} ({TEST_NOW_ENV})"
    return None


def pytest_generate_tests(metafunc):
    instants = os.environ.get(TEST_INSTANTS_ENV)
    if instants and metafunc.definition.get_closest_marker("any_day"):
        values = instants.split(",")
        metafunc.parametrize("any_day_instant", [_instant(v) for v in values], ids=values)


@pytest.fixture
def any_day_instant():
    """Where `frozen_clock` stops: PENGGERAK_TEST_NOW or ORDINARY_DAY, or each of
    PENGGERAK_TEST_INSTANTS in turn (pytest_generate_tests)."""
    return _instant(os.environ.get(TEST_NOW_ENV) or ORDINARY_DAY)


@pytest.fixture
def frozen_clock(any_day_instant):
    """The clock stopped for the whole test: the test reads "today" from it and no midnight
    passes while it runs. Yields the traveller (``frozen_clock.shift(...)`` moves it on)."""
    import time_machine

    with time_machine.travel(any_day_instant, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _any_day_clock(request, any_day_instant):
    """Tests marked `any_day` run on the frozen clock (autouse: set up before their data)."""
    if request.node.get_closest_marker("any_day") is None:
        yield None
    else:
        yield request.getfixturevalue("frozen_clock")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A nested run (test_any_day) gets test databases of its own next to the parent's."""
    suffix = os.environ.get(TEST_DB_SUFFIX_ENV)
    if suffix:
        from django.conf import settings

        for db in settings.DATABASES.values():
            if db["ENGINE"] != "django.db.backends.sqlite3":  # SQLite tests run in memory
                test = db.setdefault("TEST", {})
                test["NAME"] = f"{test.get('NAME') or 'test_' + db['NAME']}_{suffix}"

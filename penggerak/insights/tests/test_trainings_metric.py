"""The ``trainings`` metric: non-cancelled training events counted on the day they start,
kept by the training signal and equal to a rebuild after any sequence of operations."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from penggerak.insights import rollups, services
from penggerak.insights.metrics import METRICS
from penggerak.insights.models import InsightSettings
from penggerak.training import services as training
from penggerak.training.models import Event
from penggerak.training.tests.factories import CourseFactory, EventFactory

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=JAKARTA)


def _create(actor, community, course, day, hour=9):
    return training.event_create(
        actor=actor,
        course=course,
        community=community,
        starts_at=_at(day, hour),
        ends_at=_at(day, hour) + dt.timedelta(hours=2),
        capacity=10,
        place="Balai Warga",
    )


def test_created_event_counts_at_every_scope_on_its_local_day(secretariat, community):
    rollups.rebuild()
    course = CourseFactory()
    # 23:30 in Jakarta is 16:30 UTC the same day; 06:00 is the previous evening in UTC.
    late = _create(secretariat, community, course, dt.date(2026, 3, 5), hour=23)
    _create(secretariat, community, course, dt.date(2026, 3, 6), hour=6)
    for scope in ("nation", "province:32", "regency:32.73", f"community:{community.pk}"):
        assert rollups.total(scope, "trainings") == 2
        assert rollups.value_on(scope, "trainings", dt.date(2026, 3, 4)) == 0
        assert rollups.value_on(scope, "trainings", dt.date(2026, 3, 5)) == 1
        assert rollups.value_on(scope, "trainings", dt.date(2026, 3, 6)) == 2
    training.event_cancel(actor=secretariat, event=late, reason="hujan deras")
    assert rollups.total("nation", "trainings") == 1
    assert rollups.value_on("nation", "trainings", dt.date(2026, 3, 5)) == 0
    training.event_cancel(actor=secretariat, event=late, reason="lagi")  # no change twice
    assert rollups.total("nation", "trainings") == 1
    assert rollups.rollups_diff(["trainings"]) == {}


def test_moving_the_date_moves_the_count(secretariat, community):
    rollups.rebuild()
    event = _create(secretariat, community, CourseFactory(), dt.date(2026, 3, 5))
    training.event_update(
        actor=secretariat,
        event=event,
        starts_at=_at(dt.date(2026, 4, 1)),
        ends_at=_at(dt.date(2026, 4, 1)) + dt.timedelta(hours=1),
    )
    assert rollups.value_on("nation", "trainings", dt.date(2026, 3, 31)) == 0
    assert rollups.value_on("nation", "trainings", dt.date(2026, 4, 1)) == 1
    training.event_update(actor=secretariat, event=event, capacity=30)  # date unchanged
    assert rollups.total("nation", "trainings") == 1
    assert rollups.rollups_diff(["trainings"]) == {}


def test_events_written_around_the_services_count_after_a_rebuild(community, other_community):
    EventFactory(community=community, starts_at=_at(dt.date(2025, 1, 2)))
    EventFactory(community=other_community, starts_at=_at(dt.date(2025, 1, 3)))
    EventFactory(community=other_community, starts_at=_at(dt.date(2025, 1, 3)), status="cancelled")
    EventFactory(community=other_community, starts_at=_at(dt.date(2025, 1, 4)), status="done")
    rollups.rebuild(["trainings"])
    assert rollups.total("nation", "trainings") == 3
    assert rollups.total("province:35", "trainings") == 2
    assert rollups.total(f"community:{community.pk}", "trainings") == 1


def test_random_event_operations_match_rebuild(secretariat, community, other_community):
    rng = random.Random(11)
    EventFactory(community=community)  # written around the services: the rebuild sees it
    rollups.rebuild()
    course = CourseFactory()
    events: list[Event] = []
    for _ in range(60):
        action = rng.randrange(4)
        if action == 0 or not events:
            day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(120))
            host = rng.choice([community, other_community])
            events.append(_create(secretariat, host, course, day, rng.choice([6, 12, 23])))
            continue
        event = Event.objects.get(pk=rng.choice(events).pk)
        if action == 1:
            training.event_cancel(actor=secretariat, event=event, reason="batal")
        elif event.status != Event.Status.CANCELLED:
            day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(120))
            starts = _at(day, rng.choice([0, 7, 23]))
            training.event_update(
                actor=secretariat,
                event=event,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=1),
            )
    assert rollups.rollups_diff() == {}
    call_command("rebuild_rollups", "--check")
    live = Event.objects.exclude(status="cancelled").count()
    assert rollups.total("nation", "trainings") == live


def test_targets_api_accepts_trainings(client, api_token, secretariat, community):
    InsightSettings.objects.update_or_create(pk=1, defaults={"as_of": dt.date(2026, 3, 31)})
    rollups.rebuild()
    course = CourseFactory()
    _create(secretariat, community, course, dt.date(2026, 3, 5))
    _create(secretariat, community, course, dt.date(2026, 4, 5))  # after the as-of date
    services.target_set(
        actor=secretariat,
        metric="trainings",
        scope="nation",
        value=40,
        deadline=dt.date(2026, 12, 31),
    )
    response = client.get(
        "/api/v1/insights/targets",
        {"scope": "nation"},
        HTTP_AUTHORIZATION=f"Bearer {api_token(secretariat)}",
    )
    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert (item["metric"], item["target"], item["current"]) == ("trainings", 40, 1)
    assert str(METRICS["trainings"].label) == "Pelatihan terlaksana"


def test_tiny_demo_trainings_count(monkeypatch, frozen_clock):
    """The demo writes its events in bulk; the rebuild that ends the load counts them. The
    demo is as of today, and so is the count: one day on a stopped clock."""
    from django.utils import timezone

    monkeypatch.delenv("PENGGERAK_AS_OF", raising=False)
    call_command("demo", preset="tiny", verbosity=0)
    held = Event.objects.exclude(status="cancelled")
    assert held.count() > 0
    assert rollups.total("nation", "trainings") == held.count()
    today = timezone.localdate()
    past = sum(1 for e in held if timezone.localdate(e.starts_at) <= today)
    assert rollups.value_on("nation", "trainings", today) == past
    assert rollups.rollups_diff(["trainings"]) == {}

"""A coordinator's home and journey pages show today's trainings with a check-in button."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from penggerak.training.tests.factories import EventFactory

pytestmark = [pytest.mark.django_db, pytest.mark.any_day]


@pytest.fixture
def today_event(community, course):
    # Starts today (local) and runs until after midnight: open whatever the hour of the run.
    start = timezone.localtime().replace(hour=0, minute=1, second=0, microsecond=0)
    return EventFactory(
        community=community, course=course, starts_at=start, ends_at=start + dt.timedelta(days=1)
    )


@pytest.mark.parametrize("url_name", ["home", "mentoring:journeys"])
def test_coordinator_sees_todays_event_with_checkin(client, coordinator, today_event, url_name):
    client.force_login(coordinator)
    html = client.get(reverse(url_name)).content.decode()
    assert 'id="today-trainings"' in html
    assert reverse("training:event_checkin", args=[today_event.pk]) in html
    assert "Dasar Kewirausahaan" in html


def test_other_days_cancelled_and_other_communities_left_out(
    client, coordinator, community, other_community, course, today_event
):
    tomorrow = EventFactory(
        community=community, course=course, starts_at=today_event.starts_at + dt.timedelta(days=1)
    )
    cancelled = EventFactory(
        community=community, course=course, starts_at=today_event.starts_at, status="cancelled"
    )
    elsewhere = EventFactory(
        community=other_community, course=course, starts_at=today_event.starts_at, is_open=True
    )
    client.force_login(coordinator)
    html = client.get(reverse("home")).content.decode()
    assert reverse("training:event_checkin", args=[today_event.pk]) in html
    for event in (tomorrow, cancelled, elsewhere):
        assert reverse("training:event_checkin", args=[event.pk]) not in html


def test_empty_day_offers_to_schedule(client, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("home")).content.decode()
    assert "Tidak ada pelatihan hari ini di komunitas Anda." in html
    assert reverse("training:event_create") in html


def test_more_than_five_links_to_the_full_list(client, coordinator, community, course):
    start = timezone.localtime().replace(hour=0, minute=1, second=0, microsecond=0)
    for hour in range(6):
        EventFactory(community=community, course=course, starts_at=start + dt.timedelta(hours=hour))
    client.force_login(coordinator)
    html = client.get(reverse("home")).content.decode()
    assert html.count("/presensi/") == 5
    assert reverse("training:events_today") in html


@pytest.mark.parametrize("actor_name", ["member_user", "secretariat"])
def test_not_shown_to_other_roles(request, client, today_event, actor_name):
    client.force_login(request.getfixturevalue(actor_name))
    html = client.get(reverse("home")).content.decode()
    assert 'id="today-trainings"' not in html
    assert reverse("training:event_checkin", args=[today_event.pk]) not in html

import datetime as dt
import json
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from penggerak.registry.tests.factories import MemberFactory
from penggerak.training import services
from penggerak.training.cards import card_payload, member_number
from penggerak.training.models import Attendance, Event, Registration
from penggerak.training.tests.factories import EventFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def bearer(api_token):
    def headers(user, **extra):
        return {"Authorization": f"Bearer {api_token(user)}", **extra}

    return headers


def post(client, path, body, headers):
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


class TestEvents:
    def test_create_and_read(self, client, bearer, coordinator, community, course):
        start = (timezone.now() + dt.timedelta(days=5)).replace(microsecond=0)
        body = {
            "course_id": course.pk,
            "community": community.slug,
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
            "capacity": 25,
            "place": "Balai RW 05",
            "trainer_name": "Pak Budi",
        }
        response = post(client, f"{API}/events", body, bearer(coordinator))
        assert response.status_code == 201, response.content
        data = response.json()
        assert (data["capacity"], data["free_places"], data["community"]) == (
            25,
            25,
            community.slug,
        )
        got = client.get(f"{API}/events/{data['id']}", headers=bearer(coordinator))
        assert got.json()["course"] == course.title

    def test_create_in_other_community_is_404(
        self, client, bearer, other_coordinator, community, course
    ):
        start = timezone.now() + dt.timedelta(days=5)
        body = {
            "course_id": course.pk,
            "community": community.slug,
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
            "capacity": 5,
            "place": "X",
        }
        response = post(client, f"{API}/events", body, bearer(other_coordinator))
        assert response.status_code == 404
        assert Event.objects.count() == 0

    def test_bad_dates_are_422_per_field(self, client, bearer, coordinator, community, course):
        start = timezone.now() + dt.timedelta(days=5)
        body = {
            "course_id": course.pk,
            "community": community.slug,
            "starts_at": start.isoformat(),
            "ends_at": start.isoformat(),
            "capacity": 5,
        }
        response = post(client, f"{API}/events", body, bearer(coordinator))
        assert response.status_code == 422
        assert set(response.json()["fields"]) == {"ends_at", "place"}

    def test_list_is_scoped(
        self, client, bearer, coordinator, other_coordinator, other_community, event
    ):
        closed_other = EventFactory(community=other_community)
        open_other = EventFactory(community=other_community, is_open=True)
        ids = [
            e["id"]
            for e in client.get(f"{API}/events", headers=bearer(coordinator)).json()["items"]
        ]
        assert event.pk in ids and open_other.pk in ids and closed_other.pk not in ids
        assert (
            client.get(f"{API}/events/{closed_other.pk}", headers=bearer(coordinator)).status_code
            == 404
        )

    @pytest.mark.any_day
    def test_list_filters_upcoming_and_date(self, client, bearer, secretariat, community, course):
        past = EventFactory(
            community=community, course=course, starts_at=timezone.now() - dt.timedelta(days=9)
        )
        future = EventFactory(community=community, course=course)
        up = client.get(f"{API}/events?upcoming=true", headers=bearer(secretariat)).json()
        assert [e["id"] for e in up["items"]] == [future.pk] and up["count"] == 1
        day = timezone.localtime(past.starts_at).date().isoformat()
        on = client.get(f"{API}/events?date={day}", headers=bearer(secretariat)).json()
        assert [e["id"] for e in on["items"]] == [past.pk]

    def test_partner_sees_own_partner_events(self, client, bearer, partner_user, community, course):
        from penggerak.registry.models import Partner

        partner = Partner.objects.get(slug="bank-uji")
        mine = EventFactory(community=community, course=course, partner=partner)
        EventFactory(community=community, course=course)
        items = client.get(f"{API}/events", headers=bearer(partner_user)).json()["items"]
        assert [e["id"] for e in items] == [mine.pk]

    def test_anonymous_is_401(self, client, event):
        assert client.get(f"{API}/events").status_code == 401
        assert client.get(f"{API}/events/{event.pk}").status_code == 401
        assert (
            post(client, f"{API}/events/{event.pk}/attendance", {"member_id": 1}, {}).status_code
            == 401
        )


class TestRegistrationAndAttendance:
    def test_register_then_waitlist(self, client, bearer, coordinator, event, community):
        a, b, c = (MemberFactory(community=community) for _ in range(3))
        statuses = [
            post(
                client,
                f"{API}/events/{event.pk}/registrations",
                {"member_id": m.pk},
                bearer(coordinator),
            ).json()["status"]
            for m in (a, b, c)
        ]
        assert statuses == ["registered", "registered", "waitlisted"]

    def test_register_invisible_member_is_404(
        self, client, bearer, other_coordinator, other_community, community
    ):
        event = EventFactory(community=other_community, is_open=True)
        stranger = MemberFactory(community=community)
        response = post(
            client,
            f"{API}/events/{event.pk}/registrations",
            {"member_id": stranger.pk},
            bearer(other_coordinator),
        )
        assert response.status_code == 404
        assert Registration.objects.count() == 0

    def test_check_in_201_then_200(self, client, bearer, coordinator, event, member):
        url = f"{API}/events/{event.pk}/attendance"
        first = post(client, url, {"member_id": member.pk}, bearer(coordinator))
        assert first.status_code == 201
        assert first.json()["walk_in"] is True and first.json()["member_number"] == member_number(
            member.pk
        )
        again = post(client, url, {"card": card_payload(member.pk)}, bearer(coordinator))
        assert again.status_code == 200 and again.json()["created"] is False
        assert Attendance.objects.count() == 1

    def test_forged_card_is_422(self, client, bearer, coordinator, event, member):
        forged = card_payload(member.pk)[:-2] + "xx"
        response = post(
            client, f"{API}/events/{event.pk}/attendance", {"card": forged}, bearer(coordinator)
        )
        assert response.status_code == 422
        assert response.json()["code"] == "card_invalid"
        assert Attendance.objects.count() == 0

    def test_forged_card_in_english(self, client, bearer, coordinator, event):
        response = post(
            client,
            f"{API}/events/{event.pk}/attendance",
            {"card": "PGK1:1:zz"},
            bearer(coordinator, **{"Accept-Language": "en"}),
        )
        assert response.json()["message"] == "Invalid card: the QR code is forged or damaged."

    def test_full_event_is_422(self, client, bearer, coordinator, event, community):
        for _ in range(2):
            services.attendance_record(
                actor=coordinator, event=event, member_id=MemberFactory(community=community).pk
            )
        late = MemberFactory(community=community)
        response = post(
            client,
            f"{API}/events/{event.pk}/attendance",
            {"number": member_number(late.pk)},
            bearer(coordinator),
        )
        assert response.status_code == 422 and response.json()["code"] == "event_full"

    def test_two_identifiers_is_422(self, client, bearer, coordinator, event, member):
        response = post(
            client,
            f"{API}/events/{event.pk}/attendance",
            {"member_id": member.pk, "number": member_number(member.pk)},
            bearer(coordinator),
        )
        assert response.status_code == 422

    @pytest.mark.parametrize("intruder", ["other_coordinator", "partner_user", "member_user"])
    def test_intruders_cannot_check_in(self, request, client, bearer, event, member, intruder):
        user = request.getfixturevalue(intruder)
        response = post(
            client, f"{API}/events/{event.pk}/attendance", {"member_id": member.pk}, bearer(user)
        )
        assert response.status_code == 404
        assert Attendance.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_concurrent_registrations_never_exceed_capacity(coordinator, community, course):
    event = EventFactory(community=community, course=course, capacity=3)
    members = [MemberFactory(community=community) for _ in range(10)]
    barrier = threading.Barrier(len(members))
    failures = []

    def register(member):
        try:
            barrier.wait()
            services.registration_create(actor=coordinator, event=event, member=member)
        except Exception as exc:  # recorded and asserted below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert Registration.objects.filter(event=event, status="registered").count() == 3
    assert Registration.objects.filter(event=event, status="waitlisted").count() == 7
    assert Event.objects.get(pk=event.pk).seats_taken == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_concurrent_walk_ins_never_exceed_capacity(coordinator, community, course):
    event = EventFactory(community=community, course=course, capacity=2)
    members = [MemberFactory(community=community) for _ in range(6)]
    barrier = threading.Barrier(len(members))
    outcomes = []

    def check_in(member):
        try:
            barrier.wait()
            services.attendance_record(actor=coordinator, event=event, member_id=member.pk)
            outcomes.append("ok")
        except Exception as exc:
            outcomes.append(getattr(exc, "code", repr(exc)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=check_in, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["event_full"] * 4 + ["ok"] * 2
    assert Attendance.objects.filter(event=event).count() == 2


assert connection  # imported for the skipif condition


def test_non_object_body_and_bad_date_are_422(client, bearer, secretariat):
    # ninja reads attributes of any object: the JSON string "AAA" has a .title method.
    response = post(client, f"{API}/courses", "AAA", bearer(secretariat))
    assert response.status_code == 422
    for bad in ("0", "2020-02-30"):
        response = client.get(f"{API}/events?date={bad}", headers=bearer(secretariat))
        assert response.status_code == 422
        assert "date" in response.json()["fields"]

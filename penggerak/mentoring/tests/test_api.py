"""The mentoring API end to end: scope, pagination, errors in the shared shape."""

import datetime as dt

import pytest
from django.utils import timezone

from penggerak.mentoring import services
from penggerak.mentoring.models import Assignment, Mentor, Session
from penggerak.mentoring.tests.test_services import make_done
from penggerak.registry.models import MemberStep
from penggerak.registry.tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/mentoring"


@pytest.fixture
def bearer(api_token):
    def headers(user):
        return {"Authorization": f"Bearer {api_token(user)}"}

    return headers


def test_anonymous_gets_401(client):
    for method, path in [
        ("get", "/mentors"),
        ("post", "/mentors"),
        ("post", "/assignments"),
        ("post", "/sessions"),
        ("get", "/stuck"),
    ]:
        response = getattr(client, method)(API + path, content_type="application/json")
        assert response.status_code == 401, path
        assert response.json()["code"] == "unauthorized"


def test_list_mentors_scoped(client, bearer, coordinator, other_coordinator, mentor, other_mentor):
    body = client.get(f"{API}/mentors", headers=bearer(coordinator)).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item == {
        "id": mentor.pk,
        "username": "pendamping-uji",
        "name": "Budi Santoso",
        "partner": None,
        "expertise": "Pemasaran digital",
        "communities": ["bandung-juara"],
        "caseload_limit": 3,
        "open_assignments": 0,
        "active": True,
    }


def test_create_mentor(client, bearer, coordinator, community, other_community):
    UserFactory(username="relawan")
    payload = {"username": "relawan", "communities": ["bandung-juara"], "caseload_limit": 4}
    response = client.post(
        f"{API}/mentors", payload, content_type="application/json", headers=bearer(coordinator)
    )
    assert response.status_code == 201
    assert response.json()["communities"] == ["bandung-juara"]
    UserFactory(username="relawan2")
    payload = {"username": "relawan2", "communities": ["surabaya-maju"]}
    response = client.post(
        f"{API}/mentors", payload, content_type="application/json", headers=bearer(coordinator)
    )
    assert response.status_code == 422
    assert "communities" in response.json()["fields"]
    assert Mentor.objects.count() == 1


@pytest.mark.parametrize("slug", ["bandung\x00juara", "bukan slug", "x" * 81])
def test_create_mentor_refuses_malformed_community_slugs(client, bearer, coordinator, slug):
    """Found by schemathesis on PostgreSQL: a NUL reached the query and made a 500."""
    UserFactory(username="relawan")
    payload = {"username": "relawan", "communities": [slug]}
    response = client.post(
        f"{API}/mentors", payload, content_type="application/json", headers=bearer(coordinator)
    )
    assert response.status_code == 422
    assert Mentor.objects.count() == 0


@pytest.mark.any_day
def test_assign_and_session_complete_step(client, bearer, coordinator, mentor, member):
    response = client.post(
        f"{API}/assignments",
        {"mentor": mentor.pk, "member": member.pk, "goal": "Izin usaha"},
        content_type="application/json",
        headers=bearer(coordinator),
    )
    assert response.status_code == 201
    assert response.json()["ended_on"] is None
    today = timezone.localdate()
    response = client.post(
        f"{API}/sessions",
        {
            "member": member.pk,
            "held_on": today.isoformat(),
            "duration_minutes": 60,
            "mode": "online",
            "next_actions": [
                {"text": "Daftar OSS", "due_on": (today + dt.timedelta(days=5)).isoformat()}
            ],
        },
        content_type="application/json",
        headers=bearer(mentor.user),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["member_furthest_step"] == 3
    assert body["next_actions"] == [
        {"text": "Daftar OSS", "due_on": (today + dt.timedelta(days=5)).isoformat()}
    ]
    assert MemberStep.objects.get(member=member, step=3).status == "done"


def test_caseload_full_is_422_with_code(client, bearer, coordinator, mentor, community):
    members = [MemberFactory(community=community) for _ in range(4)]
    for m in members[:3]:
        services.assignment_create(actor=coordinator, mentor=mentor, member=m)
    response = client.post(
        f"{API}/assignments",
        {"mentor": mentor.pk, "member": members[3].pk},
        content_type="application/json",
        headers=bearer(coordinator),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "caseload_full"


@pytest.mark.parametrize("intruder", ["other_coordinator", "partner_user"])
def test_intruders_get_404_and_nothing_changes(request, client, bearer, intruder, mentor, member):
    actor = request.getfixturevalue(intruder)
    response = client.post(
        f"{API}/assignments",
        {"mentor": mentor.pk, "member": member.pk},
        content_type="application/json",
        headers=bearer(actor),
    )
    assert response.status_code == 404
    response = client.post(
        f"{API}/sessions",
        {"member": member.pk, "held_on": "2024-01-01", "duration_minutes": 5, "mode": "phone"},
        content_type="application/json",
        headers=bearer(actor),
    )
    assert response.status_code == 404
    assert not Assignment.objects.exists()
    assert not Session.objects.exists()


@pytest.mark.any_day
def test_session_validation_errors(client, bearer, coordinator, mentor, member):
    services.assignment_create(actor=coordinator, mentor=mentor, member=member)
    response = client.post(
        f"{API}/sessions",
        {"member": member.pk, "held_on": 20240101, "duration_minutes": 0, "mode": "x"},
        content_type="application/json",
        headers=bearer(mentor.user),
    )
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"held_on", "duration_minutes", "mode"}
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = client.post(
        f"{API}/sessions",
        {"member": member.pk, "held_on": future, "duration_minutes": 5, "mode": "phone"},
        content_type="application/json",
        headers=bearer(mentor.user),
    )
    assert response.status_code == 422
    assert response.json()["fields"]["held_on"] == ["Tanggal sesi tidak boleh di masa depan."]
    assert not Session.objects.exists()


def test_stuck_scoped_and_paginated(client, bearer, coordinator, other_coordinator, community):
    members = [MemberFactory(community=community) for _ in range(3)]
    for m in members:
        make_done(m, 2, 100)
    body = client.get(f"{API}/stuck?page_size=2", headers=bearer(coordinator)).json()
    assert [i["id"] for i in body["items"]] == [members[2].pk, members[1].pk]
    assert body["has_more"] is True
    assert body["stuck_after_days"] == 60
    assert body["items"][0]["next_step"] == 3
    body = client.get(f"{API}/stuck?page=2&page_size=2", headers=bearer(coordinator)).json()
    assert [i["id"] for i in body["items"]] == [members[0].pk]
    assert body["has_more"] is False
    other = client.get(f"{API}/stuck", headers=bearer(other_coordinator)).json()
    assert other["items"] == []

"""The generic permission suite: every member-bearing page and endpoint, tried as the wrong
coordinator, a partner's staff and an anonymous visitor.

Expected everywhere: 404 for a logged-in actor who may not see the member ("not yours" looks
like "does not exist"), a redirect to the login page for an anonymous page visit, 401 for a
missing or bad API token — and nothing changed: the member row, the community counters and
the audit trail are exactly as before. A new page or endpoint that shows members is added
to PAGE_CASES or API_CASES.
"""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from penggerak.core.models import AuditEvent
from penggerak.registry.models import Community, Member, MemberStep, StepCount
from penggerak.registry.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

# (name, method, url-name, form data); every url takes the member's pk.
PAGE_CASES = [
    ("detail", "get", "registry:member_detail", None),
    ("edit", "post", "registry:member_update", {"full_name": "Diubah", "phone": "", "email": ""}),
    ("transfer", "post", "registry:member_transfer", {"community": "", "reason": "coba"}),
    ("approve", "post", "registry:member_approve", {}),
    ("reveal NIK", "post", "registry:member_reveal_nik", {"reason": "ingin tahu"}),
    (
        "mark step",
        "post",
        "registry:member_step_mark",
        {"step": "training", "status": "done", "note": "curang"},
    ),
]

# (name, method, path template, JSON body)
API_CASES = [
    ("detail", "get", "/api/v1/members/{pk}", None),
    ("update", "patch", "/api/v1/members/{pk}", {"full_name": "Diubah"}),
    ("transfer", "post", "/api/v1/members/{pk}/transfer", {"community": "x", "reason": "coba"}),
    ("approve", "post", "/api/v1/members/{pk}/approve", {}),
    ("journey", "get", "/api/v1/members/{pk}/journey", None),
    ("mark step", "post", "/api/v1/members/{pk}/steps/training", {"status": "done", "note": "x"}),
]

INTRUDERS = ["other_coordinator", "partner_user"]


@pytest.fixture
def target(community, other_community):
    """A pending member of `community` (so approve would change something if allowed)."""
    member = MemberFactory(community=community, full_name="Target Rahasia", status="pending")
    MemberFactory(community=other_community)
    return member


def snapshot(member):
    row = Member.objects.filter(pk=member.pk).values().get()
    row.pop("updated_at")
    counters = dict(Community.objects.values_list("slug", "member_count"))
    steps = list(MemberStep.objects.filter(member=member).values())
    funnel = list(StepCount.objects.values_list("community_id", "step", "members"))
    return row, counters, AuditEvent.objects.count(), steps, funnel


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("actor_name", INTRUDERS)
@pytest.mark.parametrize(("case", "method", "url_name", "data"), PAGE_CASES)
def test_pages_answer_404_to_those_who_may_not_see(
    request, target, actor_name, case, method, url_name, data
):
    actor = request.getfixturevalue(actor_name)
    before = snapshot(target)
    client = client_for(actor)
    url = reverse(url_name, args=[target.pk])
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 404, case
    assert b"Target Rahasia" not in response.content
    assert snapshot(target) == before


@pytest.mark.parametrize(("case", "method", "url_name", "data"), PAGE_CASES)
def test_pages_send_anonymous_visitors_to_login(target, case, method, url_name, data):
    before = snapshot(target)
    url = reverse(url_name, args=[target.pk])
    response = getattr(Client(), method)(url, data or {})
    assert response.status_code == 302, case
    assert response["Location"].startswith(reverse("accounts:login"))
    assert snapshot(target) == before


def test_missing_and_forbidden_pages_look_the_same(other_coordinator, target):
    client = client_for(other_coordinator)
    forbidden = client.get(reverse("registry:member_detail", args=[target.pk]))
    missing = client.get(reverse("registry:member_detail", args=[target.pk + 10_000]))
    assert forbidden.status_code == missing.status_code == 404

    # Equal but for the per-response CSRF token and the page's own path (language switch).
    def without_token(response):
        content = response.content.replace(response.request["PATH_INFO"].encode(), b"PATH")
        return re.sub(rb'value="[A-Za-z0-9]{64}"', b"", content)

    assert without_token(forbidden) == without_token(missing)


@pytest.mark.parametrize("actor_name", INTRUDERS)
def test_member_list_page_shows_no_foreign_member(request, target, actor_name):
    actor = request.getfixturevalue(actor_name)
    client = client_for(actor)
    for query in ("", "?q=target", f"?community={target.community.slug}"):
        response = client.get(reverse("registry:member_list") + query)
        assert response.status_code == 200
        assert b"Target Rahasia" not in response.content


def call_api(method, path, body, token=None):
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if method == "get":
        return client.get(path, **headers)
    return getattr(client, method)(
        path, data=json.dumps(body), content_type="application/json", **headers
    )


@pytest.mark.parametrize("actor_name", INTRUDERS)
@pytest.mark.parametrize(("case", "method", "path", "body"), API_CASES)
def test_api_answers_404_to_those_who_may_not_see(
    request, api_token, target, actor_name, case, method, path, body
):
    token = api_token(request.getfixturevalue(actor_name))
    before = snapshot(target)
    response = call_api(method, path.format(pk=target.pk), body, token)
    assert response.status_code == 404, (case, response.content)
    assert response.json()["code"] == "not_found"
    assert snapshot(target) == before


@pytest.mark.parametrize("token", [None, "not-a-real-token", "x" * 300])
@pytest.mark.parametrize(("case", "method", "path", "body"), API_CASES)
def test_api_answers_401_without_a_valid_token(target, token, case, method, path, body):
    before = snapshot(target)
    response = call_api(method, path.format(pk=target.pk), body, token)
    assert response.status_code == 401, case
    assert set(response.json()) == {"code", "message", "fields"}
    assert snapshot(target) == before


@pytest.mark.parametrize("actor_name", INTRUDERS)
def test_api_member_list_holds_no_foreign_member(request, api_token, target, actor_name):
    token = api_token(request.getfixturevalue(actor_name))
    for query in ("", "?q=target", f"?community={target.community.slug}"):
        body = call_api("get", "/api/v1/members" + query, None, token).json()
        assert target.pk not in [item["id"] for item in body["items"]]


def test_api_list_needs_a_token():
    assert call_api("get", "/api/v1/members", None).status_code == 401


def test_the_rightful_coordinator_passes_the_same_checks(coordinator, api_token, target):
    """The suite would be meaningless if the rightful actor were refused too."""
    assert (
        client_for(coordinator).get(reverse("registry:member_detail", args=[target.pk])).status_code
        == 200
    )
    token = api_token(coordinator)
    assert call_api("get", f"/api/v1/members/{target.pk}", None, token).status_code == 200

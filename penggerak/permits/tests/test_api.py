import json

import pytest
from django.test import Client
from django.utils import timezone

from penggerak.permits.models import ChecklistResponse, Permit
from penggerak.permits.tests.factories import PermitFactory
from penggerak.registry.models import MemberStep

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(api_token):
    tokens = {}

    def do(user, method, path, body=None, **extra):
        headers = {}
        if user is not None:
            if user.pk not in tokens:
                tokens[user.pk] = api_token(user)
            headers["HTTP_AUTHORIZATION"] = f"Bearer {tokens[user.pk]}"
        if method == "get":
            return Client().get(path, **headers, **extra)
        return getattr(Client(), method)(
            path,
            data=json.dumps(body if body is not None else {}),
            content_type="application/json",
            **headers,
            **extra,
        )

    return do


@pytest.mark.any_day
def test_create_list_and_issue_nib(call, coordinator, business):
    response = call(
        coordinator, "post", "/api/v1/permits", {"business_id": business.pk, "kind": "nib"}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["kind"], body["has_document"]) == ("planned", "nib", False)
    permit_id = body["id"]
    listing = call(coordinator, "get", f"/api/v1/permits?business_id={business.pk}").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == permit_id
    patched = call(coordinator, "patch", f"/api/v1/permits/{permit_id}", {"status": "submitted"})
    assert patched.json()["submitted_on"] == timezone.localdate().isoformat()
    issued = call(
        coordinator,
        "patch",
        f"/api/v1/permits/{permit_id}",
        {"status": "issued", "number": "1234567890123"},
    )
    assert issued.status_code == 200
    assert MemberStep.objects.get(member=business.owner, step=4).status == "done"
    business.refresh_from_db()
    assert business.nib == "1234567890123"


def test_wrong_format_and_illegal_jump(call, coordinator, business):
    response = call(
        coordinator,
        "post",
        "/api/v1/permits",
        {"business_id": business.pk, "kind": "pirt", "status": "issued", "number": "12"},
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {"number": ["Nomor P-IRT harus 15 digit, bukan 2."]}
    english = call(
        coordinator,
        "post",
        "/api/v1/permits",
        {"business_id": business.pk, "kind": "pirt", "status": "issued", "number": "12"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert english.json()["fields"] == {"number": ["A P-IRT number has 15 digits, not 2."]}
    permit = PermitFactory(business=business, status="planned", issued_on=None, expires_on=None)
    jump = call(coordinator, "patch", f"/api/v1/permits/{permit.pk}", {"status": "expired"})
    assert jump.status_code == 422
    assert jump.json()["code"] == "invalid_transition"
    assert Permit.objects.count() == 1
    null = call(coordinator, "patch", f"/api/v1/permits/{permit.pk}", {"status": None})
    assert null.status_code == 422


def test_requirements(call, member_user, business):
    PermitFactory(business=business, kind="pirt")
    body = call(
        member_user, "get", f"/api/v1/permits/requirements?business_id={business.pk}"
    ).json()
    assert body["sector"] == "food"
    assert body["missing"] == ["halal", "nib"]
    assert [item["kind"] for item in body["items"]] == ["halal", "nib", "pirt", "bpom"]


def test_checklists_and_response(call, member_user, business):
    checklists = call(member_user, "get", "/api/v1/permits/checklists").json()
    assert [c["code"] for c in checklists] == ["chse-protocol", "sni-readiness"]
    items = [i for s in checklists[1]["sections"] for i in s["items"]]
    answers = {i["code"]: (4 if i["answer_type"] == "score" else "yes") for i in items}
    answers["lab-test"] = "no"
    response = call(
        member_user,
        "post",
        "/api/v1/permits/checklists/sni-readiness/responses",
        {"business_id": business.pk, "answers": answers},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    total = sum(i["weight"] for i in items)
    assert body["score"] == round((total - 3) * 100 / total, 1)
    assert body["result"] == "ready"
    assert [row["code"] for row in body["to_fix"]] == ["lab-test"]
    bad = call(
        member_user,
        "post",
        "/api/v1/permits/checklists/sni-readiness/responses",
        {"business_id": business.pk, "answers": {"nib": "maybe"}},
    )
    assert bad.status_code == 422
    assert bad.json()["fields"]["nib"] == ["Jawaban harus ya, sebagian atau tidak."]
    missing = call(
        member_user,
        "post",
        "/api/v1/permits/checklists/tidak-ada/responses",
        {"business_id": business.pk, "answers": {}},
    )
    assert missing.status_code == 404
    assert ChecklistResponse.objects.count() == 1


@pytest.mark.parametrize("intruder", ["other_coordinator", "partner_user"])
def test_other_community_gets_404_and_nothing_changes(request, call, business, intruder):
    user = request.getfixturevalue(intruder)
    permit = PermitFactory(business=business, status="submitted", issued_on=None, expires_on=None)
    cases = [
        ("get", f"/api/v1/permits/{permit.pk}", None),
        ("patch", f"/api/v1/permits/{permit.pk}", {"status": "rejected"}),
        ("post", "/api/v1/permits", {"business_id": business.pk, "kind": "nib"}),
        ("get", f"/api/v1/permits/requirements?business_id={business.pk}", None),
        (
            "post",
            "/api/v1/permits/checklists/sni-readiness/responses",
            {"business_id": business.pk, "answers": {}},
        ),
    ]
    for method, path, body in cases:
        response = call(user, method, path, body)
        assert response.status_code == 404, (method, path, response.content)
    assert call(user, "get", "/api/v1/permits").json() == {"items": [], "count": 0}
    permit.refresh_from_db()
    assert permit.status == "submitted" and Permit.objects.count() == 1
    assert not ChecklistResponse.objects.exists()


def test_anonymous_gets_401(call, business):
    for method, path in [
        ("get", "/api/v1/permits"),
        ("post", "/api/v1/permits"),
        ("patch", "/api/v1/permits/1"),
        ("get", "/api/v1/permits/requirements?business_id=1"),
        ("get", "/api/v1/permits/checklists"),
        ("post", "/api/v1/permits/checklists/sni-readiness/responses"),
    ]:
        assert call(None, method, path, {}).status_code == 401


def test_list_query_count(call, coordinator, business, django_assert_max_num_queries):
    for _ in range(5):
        PermitFactory(business=business)
    call(coordinator, "get", "/api/v1/permits?page_size=1")  # token issued outside the count
    with django_assert_max_num_queries(6):
        response = call(coordinator, "get", "/api/v1/permits?page_size=5")
    assert len(response.json()["items"]) == 5

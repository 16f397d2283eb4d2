"""The public region API against the full Kemendagri table the migration loads."""

import pytest

from penggerak.core.models import Region

pytestmark = pytest.mark.django_db

URL = "/api/v1/regions"


def region_json(region):
    return {
        "code": region.code,
        "name": region.name,
        "level": ["province", "regency", "district", "village"][region.level - 1],
        "parent": region.parent_id,
        "postal_code": region.postal_code,
        "is_current": region.is_current,
        "successor": region.successor_id,
    }


def test_public_38_current_provinces(client):
    response = client.get(URL, {"level": "province", "page_size": 100})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 38
    assert len(body["items"]) == 38
    assert body["items"][0] == region_json(Region.objects.get(code="11"))
    assert all(item["is_current"] and item["level"] == "province" for item in body["items"])


def test_former_codes_only_on_request(client):
    former = Region.objects.filter(is_current=False)
    assert former.exists(), "the migration loads the former codes old NIKs carry"
    current_total = client.get(URL, {"page_size": 1}).json()["count"]
    all_total = client.get(URL, {"page_size": 1, "include_former": "true"}).json()["count"]
    assert current_total == Region.objects.filter(is_current=True).count()
    assert all_total == Region.objects.count() == current_total + former.count()
    sample = former.order_by("level", "code").first()
    level = ["province", "regency", "district", "village"][sample.level - 1]
    without = client.get(URL, {"level": level, "page_size": 500}).json()["items"]
    with_former = client.get(
        URL, {"level": level, "page_size": 500, "include_former": "true"}
    ).json()["items"]
    assert sample.code not in {item["code"] for item in without}
    assert region_json(sample) in with_former


def test_level_counts(client):
    for level, number in (("regency", 2), ("district", 3), ("village", 4)):
        body = client.get(URL, {"level": level, "page_size": 1}).json()
        assert body["count"] == Region.objects.filter(level=number, is_current=True).count()
    assert client.get(URL, {"level": "regency", "page_size": 1}).json()["count"] == 514


def test_tasikmalaya_is_both_regency_and_city(client):
    body = client.get(URL, {"q": "tasikmalaya", "level": "regency"}).json()
    assert [item["code"] for item in body["items"]] == ["32.06", "32.78"]
    assert body["count"] == 2
    assert body["items"] == [region_json(Region.objects.get(code=c)) for c in ("32.06", "32.78")]


@pytest.mark.parametrize("query", ["KAB. TASIKMALAYA", "Kabupaten  Tasikmalaya"])
def test_forgiving_name_match(client, query):
    codes = [
        item["code"] for item in client.get(URL, {"q": query, "level": "regency"}).json()["items"]
    ]
    assert "32.06" in codes


def test_q_with_nothing_searchable_matches_nothing(client):
    assert client.get(URL, {"q": "!!!"}).json() == {"items": [], "count": 0}


def test_children_of_a_regency(client):
    body = client.get(URL, {"parent": "32.73", "page_size": 500}).json()
    expected = Region.objects.filter(parent_id="32.73", is_current=True).order_by("code")
    assert body["count"] == expected.count() > 0
    assert [item["code"] for item in body["items"]] == [r.code for r in expected]
    assert {item["level"] for item in body["items"]} == {"district"}


def test_paging(client):
    first = client.get(URL, {"level": "province", "page_size": 10}).json()
    fourth = client.get(URL, {"level": "province", "page_size": 10, "page": 4}).json()
    assert len(first["items"]) == 10
    assert len(fourth["items"]) == 8
    assert fourth["count"] == 38
    beyond = client.get(URL, {"level": "province", "page_size": 10, "page": 5}).json()
    assert beyond == {"items": [], "count": 38}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page_size": 501}, "page_size"),
        ({"page": 0}, "page"),
        ({"level": "kota"}, "level"),
        ({"parent": "32/73"}, "parent"),
    ],
)
def test_bad_query(client, query, field):
    response = client.get(URL, query)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert list(response.json()["fields"]) == [field]


def test_detail(client):
    response = client.get(f"{URL}/32.73")
    assert response.status_code == 200
    assert response.json() == region_json(Region.objects.get(code="32.73"))
    assert response.json()["parent"] == "32"
    assert response.json()["level"] == "regency"


def test_detail_of_a_former_code(client):
    former = Region.objects.filter(is_current=False).order_by("code").first()
    assert client.get(f"{URL}/{former.code}").json() == region_json(former)


def test_unknown_code(client):
    response = client.get(f"{URL}/99.99")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "Wilayah tidak ditemukan.",
        "fields": {},
    }
    assert client.get(f"{URL}/bandung").status_code == 422


def test_query_count_is_flat(client, django_assert_num_queries):
    # The page and the count, nothing per row (parent and successor are plain codes).
    with django_assert_num_queries(2):
        client.get(URL, {"level": "village", "page_size": 500})

"""A full NIK never travels in a URL: the search box and the API post it, the search is scoped,
audited with the NIK masked and rate-limited; a NIK in ``?q=`` is refused everywhere; where a
NIK is masked, the birth date is a year."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from penggerak.core.errors import DomainError, Throttled
from penggerak.core.identity import compose_nik
from penggerak.core.models import AuditEvent
from penggerak.registry import services
from penggerak.registry.tests.factories import BANDUNG_DISTRICT, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
BIRTH = dt.date(1979, 1, 2)
NIK = compose_nik(BANDUNG_DISTRICT, BIRTH, "L", 77)
MASKED = "*" * 12 + NIK[-4:]
UNKNOWN_NIK = compose_nik(BANDUNG_DISTRICT, BIRTH, "L", 78)
SEARCH = "registry:member_search"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def wanted(community):
    return MemberFactory(
        community=community, full_name="Budi Dicari", nik=NIK, sex="L", birth_date=BIRTH
    )


def searches():
    return list(AuditEvent.objects.filter(action="nik_search").order_by("id"))


def assert_no_clear_nik(*texts: str) -> None:
    for text in texts:
        assert NIK not in text
        assert f"{NIK[:6]} {NIK[6:12]} {NIK[12:]}" not in text


# --- The service ---------------------------------------------------------------------------


def test_search_finds_within_scope_and_audits_masked(coordinator, other_coordinator, wanted):
    spaced = f"{NIK[:6]} {NIK[6:12]} {NIK[12:]}"
    assert services.member_nik_search(actor=coordinator, nik=spaced) == wanted
    assert services.member_nik_search(actor=other_coordinator, nik=NIK, via="api") is None

    found, hidden = searches()
    assert (found.actor, found.object_type, found.object_id) == (
        coordinator,
        "registry.member",
        str(wanted.pk),
    )
    assert found.changes == {"nik": MASKED, "found": True, "via": "web"}
    # Not the other coordinator's to see: recorded as found nothing, the member not named.
    assert (hidden.actor, hidden.object_type, hidden.object_id) == (
        other_coordinator,
        "registry.member",
        "",
    )
    assert hidden.changes == {"nik": MASKED, "found": False, "via": "api"}
    assert_no_clear_nik(*(str(AuditEvent.objects.values().get(pk=e.pk)) for e in searches()))


def test_a_malformed_nik_is_refused_and_not_counted(coordinator):
    for typed in ("3273", "Budi", "NIK " + NIK):
        with pytest.raises(DomainError) as refused:
            services.member_nik_search(actor=coordinator, nik=typed)
        assert refused.value.code == "nik_invalid"
    assert searches() == []
    with time_machine.travel(START, tick=False):
        for _n in range(services.NIK_SEARCH_LIMIT):
            services.member_nik_search(actor=coordinator, nik=UNKNOWN_NIK)


def test_searches_are_rate_limited_per_user_for_ten_minutes(coordinator, secretariat, wanted):
    with time_machine.travel(START, tick=False) as clock:
        for _n in range(services.NIK_SEARCH_LIMIT):
            services.member_nik_search(actor=coordinator, nik=UNKNOWN_NIK)
        with pytest.raises(Throttled) as throttled:
            services.member_nik_search(actor=coordinator, nik=NIK)
        assert throttled.value.status_code == 429
        assert throttled.value.code == "throttled"
        assert str(throttled.value.message) == (
            "Terlalu banyak pencarian NIK: paling banyak 30 dalam 10 menit. Coba lagi nanti."
        )
        assert len(searches()) == services.NIK_SEARCH_LIMIT  # the refused one is no search
        # Another user has a count of their own.
        assert services.member_nik_search(actor=secretariat, nik=NIK) == wanted

        clock.shift(dt.timedelta(minutes=10, seconds=1))
        assert services.member_nik_search(actor=coordinator, nik=NIK) == wanted


# --- The member page -----------------------------------------------------------------------


def test_the_search_form_posts(client, coordinator, wanted):
    client.force_login(coordinator)
    html = client.get(reverse("registry:member_list")).content.decode()
    assert f'method="post" action="{reverse(SEARCH)}"' in html
    assert f'hx-post="{reverse(SEARCH)}"' in html
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize("typed", [NIK, f"{NIK[:6]} {NIK[6:12]} {NIK[12:]}", MASKED, f"x {NIK}"])
def test_a_nik_in_the_list_url_is_not_searched(client, coordinator, wanted, typed):
    client.force_login(coordinator)
    response = client.get(reverse("registry:member_list"), {"q": typed, "status": "active"})
    assert response.status_code == 303
    assert response["Location"] == "/anggota/?status=active"
    page = client.get(response["Location"]).content.decode()
    assert "Ketik NIK di kotak pencarian" in page
    assert_no_clear_nik(page)
    assert searches() == []


def test_a_nik_in_the_list_url_over_htmx_is_not_searched(client, coordinator, wanted):
    client.force_login(coordinator)
    response = client.get(
        reverse("registry:member_list"), {"q": NIK, "step": ""}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Push-Url"] == "/anggota/"
    assert "Ketik NIK di kotak pencarian" in html
    assert "Budi Dicari" not in html
    assert_no_clear_nik(html)
    assert searches() == []


def test_posted_nik_opens_the_member_and_is_audited(client, coordinator, wanted):
    client.force_login(coordinator)
    response = client.post(reverse(SEARCH), {"q": f"{NIK[:6]}.{NIK[6:12]}.{NIK[12:]}"})
    assert response.status_code == 303
    assert response["Location"] == reverse("registry:member_detail", args=[wanted.pk])
    (event,) = searches()
    assert (event.actor, event.object_id, event.changes["nik"]) == (
        coordinator,
        str(wanted.pk),
        MASKED,
    )
    # Typed NIK shows on the member's own audit trail, masked.
    detail = client.get(response["Location"]).content.decode()
    assert "<strong>pencarian NIK</strong> oleh koord-bandung" in detail
    assert_no_clear_nik(detail)


def test_posted_nik_over_htmx_lists_the_match_masked(
    client, coordinator, wanted, django_assert_max_num_queries
):
    client.force_login(coordinator)
    client.get(reverse("registry:member_list"))  # the session, warmed
    # Session and user, then one savepoint holding the lookup (the NIK's unique index) and
    # the audit event: the same at 300 members as at 2,000,000.
    with django_assert_max_num_queries(6):
        response = client.post(
            reverse(SEARCH), {"q": NIK, "community": "", "step": ""}, HTTP_HX_REQUEST="true"
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Push-Url"] == "/anggota/"
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert f"Hasil pencarian NIK {MASKED}" in html
    assert ">Budi Dicari</a>" in html
    assert '<span id="result-count" hx-swap-oob="innerHTML">' in html
    assert_no_clear_nik(html)


def test_a_nik_of_another_community_is_not_found(client, other_coordinator, wanted):
    client.force_login(other_coordinator)
    response = client.post(reverse(SEARCH), {"q": NIK, "status": "active"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tidak ada anggota dengan NIK itu yang dapat Anda lihat." in html
    assert "Budi Dicari" not in html
    assert_no_clear_nik(html)
    assert 'value="active" selected' in html  # the other filters stay on the form
    (event,) = searches()
    assert (event.object_id, event.changes["found"]) == ("", False)


def test_a_name_search_goes_on_to_the_list_url(client, coordinator, member):
    client.force_login(coordinator)
    response = client.post(reverse(SEARCH), {"q": " siti ", "step": "", "status": "active"})
    assert response.status_code == 303
    assert response["Location"] == "/anggota/?q=siti&status=active"

    response = client.post(reverse(SEARCH), {"q": "siti", "step": ""}, HTTP_HX_REQUEST="true")
    assert response["HX-Push-Url"] == "/anggota/?q=siti"
    assert ">Siti Aminah</a>" in response.content.decode()
    assert searches() == []


@pytest.mark.parametrize("typed", [NIK[:12], NIK[:15], "0812 9999 0000"])
def test_digits_being_typed_stay_out_of_urls(client, coordinator, member, wanted, typed):
    """The live search posts at every pause: the first digits of a NIK (region, birth date)
    or a phone number are answered without going into the address bar, a link or the form."""
    member.phone = "+6281299990000"
    member.save(update_fields=["phone"])
    client.force_login(coordinator)
    response = client.post(reverse(SEARCH), {"q": typed, "step": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Push-Url"] == "/anggota/"
    html = response.content.decode()
    assert typed not in html and typed.replace(" ", "") not in html
    found = ">Siti Aminah</a>" in html
    assert found is typed.startswith("0812")
    assert "Budi Dicari" not in html  # a part of a NIK finds no one

    page = client.post(reverse(SEARCH), {"q": typed})  # without htmx: no redirect to ?q=
    assert page.status_code == 200
    assert typed not in page.content.decode()
    assert searches() == []


def test_a_nik_among_words_is_refused_without_search(client, coordinator, wanted):
    client.force_login(coordinator)
    response = client.post(reverse(SEARCH), {"q": f"Budi {NIK}"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Ketik NIK saja (16 angka), tanpa kata lain." in html
    assert_no_clear_nik(html)
    assert searches() == []


def test_too_many_searches_answer_429(client, coordinator, wanted):
    client.force_login(coordinator)
    with time_machine.travel(START, tick=False):
        for _n in range(services.NIK_SEARCH_LIMIT):
            client.post(reverse(SEARCH), {"q": UNKNOWN_NIK}, HTTP_HX_REQUEST="true")
        response = client.post(reverse(SEARCH), {"q": NIK}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 429
    assert "Terlalu banyak pencarian NIK" in html
    assert "Budi Dicari" not in html
    assert len(searches()) == services.NIK_SEARCH_LIMIT


def test_search_needs_a_login_and_a_post(client, wanted):
    response = client.post(reverse(SEARCH), {"q": NIK})
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]
    assert_no_clear_nik(response["Location"])
    client.force_login(UserFactory(username="koord-lain", role="coordinator"))
    # A GET (the language switch of a page answered by a search) goes back to the list and
    # reads no query string.
    response = client.get(reverse(SEARCH), {"q": NIK})
    assert (response.status_code, response["Location"]) == (303, "/anggota/")
    assert searches() == []


def test_export_links_of_the_list_never_carry_a_nik(client, coordinator, wanted):
    client.force_login(coordinator)
    response = client.post(reverse(SEARCH), {"q": UNKNOWN_NIK, "status": "active"})
    html = response.content.decode()
    assert UNKNOWN_NIK not in html
    assert f'href="{reverse("imports:export_members", kwargs={"fmt": "csv"})}?status=active"' in (
        html
    )
    assert_no_clear_nik(html)


# --- Birth date beside a masked NIK ---------------------------------------------------------


def test_member_detail_shows_the_birth_year_until_the_nik_is_revealed(client, coordinator, wanted):
    client.force_login(coordinator)
    html = client.get(reverse("registry:member_detail", args=[wanted.pk])).content.decode()
    assert "<dt>Tahun lahir</dt><dd>1979</dd>" in html
    assert "2 Januari 1979" not in html

    url = reverse("registry:member_reveal_nik", args=[wanted.pk])
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        revealed = client.post(url, {"reason": "Verifikasi KUR"}, **headers).content.decode()
        assert f'<span class="mono big">{NIK}</span>' in revealed
        assert "Tanggal lahir: 2 Januari 1979" in revealed


def test_own_detail_shows_the_birth_year(client, member_user, member):
    client.force_login(member_user)
    html = client.get(reverse("registry:member_detail", args=[member.pk])).content.decode()
    assert "<dt>Tahun lahir</dt><dd>1985</dd>" in html
    assert "14 Maret 1985" not in html


# --- The API -------------------------------------------------------------------------------


@pytest.fixture
def bearer(api_token):
    def headers(user):
        return {"Authorization": f"Bearer {api_token(user)}"}

    return headers


def post_search(client, headers, nik):
    return client.post(
        f"{API}/members/search-nik", {"nik": nik}, content_type="application/json", headers=headers
    )


@pytest.mark.parametrize("typed", [NIK, f"{NIK[:6]} {NIK[6:12]} {NIK[12:]}", MASKED])
def test_api_refuses_a_nik_in_the_query(client, bearer, coordinator, wanted, typed):
    response = client.get(f"{API}/members", {"q": typed}, headers=bearer(coordinator))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "nik_in_query"
    assert "POST /api/v1/members/search-nik" in body["message"]
    assert body["fields"] == {"q": [body["message"]]}
    assert searches() == []


def test_api_searches_by_nik_in_the_body(client, bearer, coordinator, other_coordinator, wanted):
    response = post_search(client, bearer(coordinator), f"{NIK[:6]}-{NIK[6:12]}-{NIK[12:]}")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and [item["id"] for item in body["items"]] == [wanted.pk]
    item = body["items"][0]
    assert (item["nik_masked"], item["birth_year"]) == (MASKED, 1979)
    assert "birth_date" not in item
    assert_no_clear_nik(response.content.decode())

    elsewhere = post_search(client, bearer(other_coordinator), NIK)
    assert elsewhere.json() == {"items": [], "count": 0}
    assert [(e.changes["via"], e.changes["found"]) for e in searches()] == [
        ("api", True),
        ("api", False),
    ]


def test_api_search_validates_and_throttles(client, bearer, coordinator, wanted):
    headers = bearer(coordinator)
    malformed = post_search(client, headers, "1234")
    assert malformed.status_code == 422 and malformed.json()["code"] == "nik_invalid"
    with time_machine.travel(START, tick=False):
        for _n in range(services.NIK_SEARCH_LIMIT):
            assert post_search(client, headers, UNKNOWN_NIK).status_code == 200
        throttled = post_search(client, headers, NIK)
        english = client.post(
            f"{API}/members/search-nik",
            {"nik": NIK},
            content_type="application/json",
            headers={**headers, "Accept-Language": "en"},
        )
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    assert throttled.json()["fields"] == {}
    assert english.status_code == 429
    assert english.json()["message"] == (
        "Too many NIK searches: at most 30 in 10 minutes. Please try again later."
    )


def test_api_member_gives_the_birth_year_only(client, bearer, coordinator, wanted):
    for url in (f"{API}/members", f"{API}/members/{wanted.pk}"):
        body = client.get(url, headers=bearer(coordinator)).json()
        item = body["items"][0] if "items" in body else body
        assert item["birth_year"] == 1979
        assert "birth_date" not in item
        assert "1979-01-02" not in str(body)


def test_openapi_describes_the_birth_year_and_the_search():
    from penggerak.api import api

    spec = api.get_openapi_schema()
    member = spec["components"]["schemas"]["MemberOut"]
    assert "birth_year" in member["properties"] and "birth_date" not in member["properties"]
    assert member["properties"]["birth_year"]["type"] == "integer"
    search = spec["paths"]["/api/v1/members/search-nik"]["post"]
    assert set(search["responses"]) >= {200, 401, 422, 429}
    assert "nik" in spec["components"]["schemas"]["NikSearchIn"]["properties"]


def test_the_messages_in_english(client, coordinator, wanted):
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    detail = client.get(reverse("registry:member_detail", args=[wanted.pk])).content.decode()
    assert "<dt>Year of birth</dt><dd>1979</dd>" in detail
    html = client.post(reverse(SEARCH), {"q": UNKNOWN_NIK}, HTTP_HX_REQUEST="true").content
    assert f"Search result for NIK {'*' * 12}{UNKNOWN_NIK[-4:]}" in html.decode()
    assert "No member with that NIK that you may see." in html.decode()
    page = client.get(client.get(reverse("registry:member_list"), {"q": NIK})["Location"])
    assert "A NIK is not searched through the page address." in page.content.decode()

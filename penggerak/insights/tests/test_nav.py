"""The menu shows each role exactly the dashboard and report links it may open."""

import re

import pytest

from penggerak.accounts.models import Role
from penggerak.registry.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INSIGHTS = ("/dasbor/",)


def _menu_links(client) -> list[str]:
    page = client.get("/", follow=True).content.decode()
    nav = re.search(r'<nav class="nav".*?</nav>', page, re.S).group(0)
    return [href for href in re.findall(r'href="([^"]+)"', nav) if href.startswith(INSIGHTS)]


def _follow_all(client, links):
    for href in links:
        assert client.get(href).status_code == 200, href


def test_secretariat_sees_dashboard_reports_partners_and_population(client, secretariat):
    client.force_login(secretariat)
    links = _menu_links(client)
    assert links == ["/dasbor/", "/dasbor/laporan/", "/dasbor/mitra/", "/dasbor/populasi-umkm/"]
    _follow_all(client, links)


def test_provincial_secretariat_gets_its_province_dashboard(client):
    user = UserFactory(username="sekretariat-jabar", role=Role.SECRETARIAT, province_id="32")
    client.force_login(user)
    links = _menu_links(client)
    assert links == [
        "/dasbor/provinsi/32/",
        "/dasbor/laporan/",
        "/dasbor/mitra/",
        "/dasbor/populasi-umkm/",
    ]
    _follow_all(client, links)
    assert client.get("/dasbor/").status_code == 404  # why the national link is not shown


def test_partner_staff_see_partner_impact_only(client, partner_user):
    client.force_login(partner_user)
    links = _menu_links(client)
    assert links == ["/dasbor/mitra/"]
    _follow_all(client, links)
    assert "Dampak mitra" in client.get("/", follow=True).content.decode()


def test_partner_staff_without_a_partner_see_no_impact_link(client):
    client.force_login(UserFactory(username="staf-tanpa-mitra", role=Role.PARTNER))
    assert _menu_links(client) == []
    assert client.get("/dasbor/mitra/").status_code == 404


@pytest.mark.parametrize("who", ["coordinator", "member_user"])
def test_coordinators_and_members_see_none(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert _menu_links(client) == []
    for href in ("/dasbor/", "/dasbor/laporan/", "/dasbor/mitra/", "/dasbor/populasi-umkm/"):
        assert client.get(href).status_code == 404


def test_dashboard_links_to_reports_and_partner_impact(client, secretariat):
    client.force_login(secretariat)
    page = client.get("/dasbor/").content.decode()
    head = re.search(r'<div class="page-head">.*?</div>', page, re.S).group(0)
    assert 'href="/dasbor/laporan/"' in head and 'href="/dasbor/mitra/"' in head
    reports = client.get("/dasbor/laporan/").content.decode()
    assert 'href="/dasbor/"' in reports.split("</nav>", 1)[1]


def test_menu_is_english_when_asked(client, secretariat):
    client.force_login(secretariat)
    client.cookies["django_language"] = "en"
    page = client.get("/", follow=True).content.decode()
    for label in ("Dashboard", "Reports", "Partner impact", "UMKM population"):
        assert label in page

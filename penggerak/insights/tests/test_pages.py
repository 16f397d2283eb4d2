"""Dashboard pages: figures in Indonesian number format, permissions, bounded queries."""

import datetime as dt

import pytest

from penggerak.accounts.models import Role
from penggerak.insights import rollups
from penggerak.insights.models import InsightSettings, Target
from penggerak.registry.tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2020, 8, 31)


@pytest.fixture
def dashboard_data(community):
    InsightSettings.objects.create(pk=1, as_of=AS_OF)
    for month in range(1, 9):
        MemberFactory.create_batch(3, community=community, joined_on=dt.date(2020, month, 10))
    rollups.rebuild()
    # Thousands: the page must show 2.000.000 (Indonesian grouping).
    Target.objects.create(scope="nation", metric="members", value=2_000_000,
                          deadline=dt.date(2024, 12, 31))  # fmt: skip
    Target.objects.create(scope="province:32", metric="members", value=1_500,
                          deadline=dt.date(2024, 12, 31))  # fmt: skip


def test_national_dashboard(client, secretariat, dashboard_data):
    client.force_login(secretariat)
    response = client.get("/dasbor/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2.000.000" in html and "<strong>24</strong>" in html
    assert '<svg class="target__chart"' in html and "Tidak sesuai jalur" in html
    assert 'href="/dasbor/provinsi/32/"' in html
    assert "Prakiraan: garis lurus" in html


def test_province_drill_down(client, secretariat, dashboard_data):
    client.force_login(secretariat)
    response = client.get("/dasbor/provinsi/32/")
    assert response.status_code == 200
    assert "1.500" in response.content.decode()
    assert client.get("/dasbor/provinsi/99/").status_code == 404


def test_english(client, secretariat, dashboard_data):
    client.force_login(secretariat)
    client.cookies["django_language"] = "en"
    html = client.get("/dasbor/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Off track" in html and "Month-end figures" in html and "2,000,000" in html


def test_permissions(client, coordinator, partner_user, member_user, dashboard_data):
    assert client.get("/dasbor/").status_code == 302
    for user in (coordinator, partner_user, member_user):
        client.force_login(user)
        assert client.get("/dasbor/").status_code == 404
        assert client.get("/dasbor/provinsi/32/").status_code == 404


def test_provincial_secretariat_own_province_only(client, dashboard_data):
    provincial = UserFactory(role=Role.SECRETARIAT, province_id="35")
    client.force_login(provincial)
    assert client.get("/dasbor/provinsi/35/").status_code == 200
    assert client.get("/dasbor/provinsi/32/").status_code == 404
    assert client.get("/dasbor/").status_code == 404


def test_query_count_bounded(client, secretariat, dashboard_data, django_assert_max_num_queries):
    client.force_login(secretariat)
    with django_assert_max_num_queries(21):
        client.get("/dasbor/")

"""The API against its own OpenAPI schema (schemathesis), and the offline docs page."""

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from penggerak.api import api
from penggerak.registry.models import Agreement, PartnerContact
from penggerak.registry.tests.factories import BusinessFactory, MemberFactory, PartnerFactory
from penggerak.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# The test sends a real token itself; a generated Authorization header would only be replaced,
# and a "negative" case whose sole flaw was replaced would read as accepted bad data.
schema.config.generation.update(with_security_parameters=False)


@pytest.fixture
def keep_test_connection():
    """Calls through the raw WSGI app fire request_started/finished, whose
    close_old_connections would close the test's transaction connection on PostgreSQL; Django's
    own test client unhooks it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def secretariat_headers(
    keep_test_connection, db, secretariat, api_token, community, other_community
):
    """A small registry to hit, and a national secretariat's token to hit it with."""
    members = MemberFactory.create_batch(3, community=community)
    MemberFactory(community=other_community, status="pending")
    BusinessFactory(owner=members[0], sector="craft")
    partner = PartnerFactory(slug="mitra-skema")
    PartnerContact.objects.create(partner=partner, name="Kontak Uji")
    Agreement.objects.create(
        partner=partner,
        number="MOU/1",
        title="Uji",
        signed_on="2024-01-01",
        starts_on="2024-01-01",
    )
    # GZipMiddleware answers "Accept-Encoding: gzip" and the WSGI test client never inflates.
    return {"Authorization": f"Bearer {api_token(secretariat)}", "Accept-Encoding": "identity"}


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_api_conforms_to_its_schema(case, secretariat_headers):
    # Data valid by the schema may still break a domain rule (a NIK's checksum, a duplicate,
    # an unknown village), so a documented 422 for "positive" data is correct, not a bug.
    case.call_and_validate(headers=secretariat_headers, excluded_checks=[positive_data_acceptance])


# --- The published schema and the docs page ---------------------------------------------


def test_every_operation_is_documented_and_secured():
    spec = api.get_openapi_schema()
    assert spec["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"}
    }
    public = {
        ("post", "/api/v1/auth/token"),
        ("get", "/api/v1/regions"),
        ("get", "/api/v1/regions/{code}"),
    }
    operations = {
        (method, path): operation
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    }
    assert set(operations) == public | {
        ("get", "/api/v1/auth/tokens"),
        ("delete", "/api/v1/auth/tokens/{id}"),
        ("get", "/api/v1/members"),
        ("post", "/api/v1/members"),
        ("post", "/api/v1/members/search-nik"),
        ("get", "/api/v1/members/{id}"),
        ("patch", "/api/v1/members/{id}"),
        ("post", "/api/v1/members/{id}/transfer"),
        ("post", "/api/v1/members/{id}/approve"),
        ("get", "/api/v1/members/{id}/journey"),
        ("post", "/api/v1/members/{id}/steps/{code}"),
        ("get", "/api/v1/insights/funnel"),
        ("get", "/api/v1/insights/targets"),
        ("get", "/api/v1/communities"),
        ("post", "/api/v1/communities"),
        ("get", "/api/v1/communities/{slug}"),
        ("get", "/api/v1/partners"),
        ("get", "/api/v1/partners/{slug}"),
        # training
        ("get", "/api/v1/courses"),
        ("post", "/api/v1/courses"),
        ("get", "/api/v1/courses/{id}"),
        ("get", "/api/v1/events"),
        ("post", "/api/v1/events"),
        ("get", "/api/v1/events/{id}"),
        ("post", "/api/v1/events/{id}/registrations"),
        ("post", "/api/v1/events/{id}/attendance"),
        ("get", "/api/v1/mentoring/mentors"),
        ("post", "/api/v1/mentoring/mentors"),
        ("post", "/api/v1/mentoring/assignments"),
        ("post", "/api/v1/mentoring/sessions"),
        ("get", "/api/v1/mentoring/stuck"),
        ("get", "/api/v1/permits"),
        ("post", "/api/v1/permits"),
        ("get", "/api/v1/permits/{id}"),
        ("patch", "/api/v1/permits/{id}"),
        ("get", "/api/v1/permits/requirements"),
        ("get", "/api/v1/permits/checklists"),
        ("post", "/api/v1/permits/checklists/{code}/responses"),
    }
    for key, operation in operations.items():
        assert operation.get("description"), key
        assert ("security" in operation) == (key not in public), key
        assert 422 in operation["responses"], key


def test_docs_page_needs_no_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assets = re.findall(r"""(?:src|href)="([^"]+)\"""", html)
    assert "/api/v1/docs/static/swagger-ui-bundle.js" in {a.split("?")[0] for a in assets}
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert served.getvalue()
    assert '"url": "/api/v1/openapi.json"' in html


def test_docs_assets_are_an_allow_list(client):
    response = client.get("/api/v1/docs/static/swagger-ui-bundle.js.map")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get("/api/v1/docs/static/..%2F..%2F__init__.py").status_code == 404


def test_openapi_json_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Penggerak API"


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_unknown_path_is_json_404(client, method):
    response = getattr(client, method)("/api/v1/tidak-ada/sama-sekali")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "Data tidak ditemukan.",
        "fields": {},
    }

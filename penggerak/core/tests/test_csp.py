"""Every response carries the Content-Security-Policy, and no template needs what it forbids
(inline scripts, hx-on). Real Chromium runs the pages that had them under the policy in
penggerak/tests/browser/test_csp_pages.py."""

import re
from pathlib import Path

import pytest

from penggerak.core.csp import POLICY

EXPECTED = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
    "form-action 'self'"
)
PACKAGE = Path(__file__).resolve().parents[2]


def test_policy_is_exactly_the_agreed_one():
    assert POLICY == EXPECTED


@pytest.mark.django_db
def test_a_page_carries_the_policy(client):
    response = client.get("/akun/masuk/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == EXPECTED


@pytest.mark.django_db
def test_an_api_response_and_an_api_error_carry_the_policy(client):
    ok = client.get("/api/v1/openapi.json")
    missing = client.get("/api/v1/no-such-thing")
    assert (ok.status_code, missing.status_code) == (200, 404)
    assert ok["Content-Security-Policy"] == EXPECTED
    assert missing["Content-Security-Policy"] == EXPECTED


@pytest.mark.django_db
def test_api_docs_page_carries_the_policy_and_runs_no_inline_script(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == EXPECTED
    scripts = re.findall(r"<script([^>]*)>", response.content.decode())
    assert scripts == [
        ' type="application/json" id="swagger-settings"',  # data, never executed
        f' src="/api/v1/docs/static/swagger-ui-bundle.js?v={_ninja_version()}"',
        f' src="/api/v1/docs/static/swagger-ui-init.js?v={_ninja_version()}"',
    ]


def _ninja_version() -> str:
    import ninja

    return ninja.__version__


def test_no_template_has_an_inline_script_or_hx_on():
    """script-src 'self' blocks inline <script> and eval, which hx-on needs."""
    offenders = []
    for template in sorted(PACKAGE.rglob("*.html")):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{template.relative_to(PACKAGE)}: {tag}")
        for attribute in re.findall(r"\s(hx-on[:\w-]*|on[a-z]+)=", text):
            offenders.append(f"{template.relative_to(PACKAGE)}: {attribute}=")
    assert offenders == []

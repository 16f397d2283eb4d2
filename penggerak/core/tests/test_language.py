"""Bahasa Indonesia first: pages ignore the browser's language unless the visitor chose."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_indonesian_even_for_an_english_browser(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "id"


def test_the_language_switch_cookie_chooses_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("accounts:login"))
    assert response.headers["Content-Language"] == "en"


def test_the_api_follows_accept_language(client):
    response = client.get("/api/v1/members", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.headers["Content-Language"] == "en"
    indonesian = client.get("/api/v1/members")
    assert indonesian.headers["Content-Language"] == "id"

"""Real Chromium (Debian's, never a downloaded one) driven by Playwright's sync API."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in the test thread; Django would otherwise
    # refuse ORM calls from the test body (factories, assertions) as if they came from async
    # code. Set only while the browser runs: left in the environment it would leak into the
    # rest of the session, and `check --deploy` run by other tests rightly fails on it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        # Module scope: the event loop stops when these tests are done.
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def phone_page(chromium, live_server):
    """A 360 x 740 phone-sized page that records every request leaving the live server."""
    context = chromium.new_context(
        viewport={"width": 360, "height": 740}, locale="id-ID", base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.foreign_requests = []
    page.console_errors = []
    own_host = urlsplit(live_server.url).netloc

    def record(request):
        if urlsplit(request.url).netloc != own_host:
            page.foreign_requests.append(request.url)

    page.on("request", record)
    page.on(
        "console", lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None
    )
    yield page
    context.close()

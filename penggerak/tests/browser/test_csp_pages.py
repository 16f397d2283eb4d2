"""Pages that used inline script or hx-on, run by real Chromium under the
Content-Security-Policy (core.csp): the API docs, the export link, the check-in form."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

if not Path("/usr/bin/chromium").exists():
    pytest.skip(
        "browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

from penggerak.registry.tests.factories import MemberFactory  # noqa: E402
from penggerak.training import services  # noqa: E402
from penggerak.training.cards import member_number  # noqa: E402
from penggerak.training.tests.factories import CourseFactory, EventFactory  # noqa: E402

pytestmark = pytest.mark.browser
PASSWORD = "rahasia-123"


def _csp_errors(page) -> list[str]:
    return [e for e in page.console_errors if "Content Security Policy" in e]


def _log_in(page, username: str) -> None:
    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna atau nomor HP").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_api_docs_render_under_the_policy(transactional_db, phone_page):
    page = phone_page
    page.goto("/api/v1/docs")
    expect(page.locator("#swagger-ui .title")).to_contain_text("Penggerak API")
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible()
    assert _csp_errors(page) == [] and page.foreign_requests == []


def test_export_link_takes_the_filters_from_the_address_bar(
    transactional_db, phone_page, secretariat, community
):
    MemberFactory(community=community, full_name="Siti Aminah")
    page = phone_page
    _log_in(page, "sekretariat-uji")
    page.goto("/anggota/")
    page.get_by_label("Cari", exact=True).fill("Siti")
    page.wait_for_url(re.compile(r"/anggota/\?q=Siti$"))
    page.get_by_role("link", name="Ekspor CSV").click()
    page.wait_for_url(re.compile(r"\?q=Siti$"))
    expect(page.get_by_role("heading", name="Ekspor anggota (CSV)")).to_be_visible()
    assert _csp_errors(page) == []


def test_checkin_form_empties_after_each_answer(
    transactional_db, phone_page, coordinator, community
):
    start = timezone.localtime().replace(hour=0, minute=1, second=0, microsecond=0)
    event = EventFactory(
        community=community,
        course=CourseFactory(title="Dasar Kewirausahaan"),
        starts_at=start,
        ends_at=start + dt.timedelta(days=1),  # open today, whenever the run is
        capacity=10,
    )
    registered = MemberFactory(community=community, full_name="Siti Aminah")
    services.registration_create(actor=coordinator, event=event, member=registered)
    page = phone_page
    _log_in(page, "koord-bandung")
    page.goto(f"/pelatihan/acara/{event.pk}/presensi/")
    number = page.get_by_label("Nomor anggota")
    number.fill(member_number(registered.pk))
    page.get_by_role("button", name="Catat hadir").click()
    expect(page.locator("#checkin-result")).to_contain_text("Siti Aminah")
    expect(number).to_have_value("")
    assert _csp_errors(page) == []

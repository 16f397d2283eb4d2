"""A coordinator checks members in on a phone: by number, a walk-in, a repeat, a forged card."""

import datetime as dt
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
from penggerak.training.cards import card_payload, member_number  # noqa: E402
from penggerak.training.models import Attendance  # noqa: E402
from penggerak.training.tests.factories import CourseFactory, EventFactory  # noqa: E402

pytestmark = pytest.mark.browser
PASSWORD = "rahasia-123"


def test_coordinator_checks_in_by_number_walk_in_and_refuses_forged_card(
    transactional_db, phone_page, coordinator, community
):
    page = phone_page
    start = timezone.localtime().replace(hour=0, minute=1, second=0, microsecond=0)
    event = EventFactory(
        community=community,
        course=CourseFactory(title="Dasar Kewirausahaan"),
        starts_at=start,
        ends_at=start + dt.timedelta(days=1),  # still open at 23:30, whenever the run is
        capacity=10,
    )
    registered = MemberFactory(community=community, full_name="Siti Aminah")
    walk_in = MemberFactory(community=community, full_name="Dewi Lestari")
    services.registration_create(actor=coordinator, event=event, member=registered)

    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna atau nomor HP").fill("koord-bandung")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    page.goto("/pelatihan/hari-ini/")
    expect(page.get_by_role("heading", name="Pelatihan hari ini")).to_be_visible()
    page.get_by_role("link", name="Presensi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Presensi")

    number = page.get_by_label("Nomor anggota")
    number.fill(member_number(registered.pk))
    page.get_by_role("button", name="Catat hadir").click()
    result = page.locator("#checkin-result")
    expect(result).to_contain_text("Siti Aminah")
    expect(result).to_contain_text("1 hadir")

    number.fill(member_number(walk_in.pk).replace("-", " "))
    page.get_by_role("button", name="Catat hadir").click()
    expect(result).to_contain_text("Dewi Lestari")
    expect(result).to_contain_text("walk-in")

    number.fill(member_number(walk_in.pk))
    page.get_by_role("button", name="Catat hadir").click()
    expect(result).to_contain_text("sudah tercatat hadir")

    forged = card_payload(walk_in.pk).replace(f"PGK1:{walk_in.pk}", "PGK1:999999")
    page.evaluate(
        "v => { const f = document.getElementById('checkin-form');"
        " f.querySelector('[name=card]').value = v; htmx.trigger(f, 'submit'); }",
        forged,
    )
    expect(result).to_contain_text("Kartu tidak sah")

    assert Attendance.objects.filter(event=event).count() == 2
    assert page.foreign_requests == []
    # The page stays small enough for a cheap phone on a slow connection.
    assert page.evaluate("document.documentElement.outerHTML.length") < 60_000

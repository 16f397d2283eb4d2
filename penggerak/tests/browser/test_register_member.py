"""A coordinator registers a member on a phone: a wrong NIK is caught, fixed, then found."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import translation

if not Path("/usr/bin/chromium").exists():
    pytest.skip(
        "browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

from penggerak.core.identity import compose_nik, validate_nik  # noqa: E402
from penggerak.registry.models import Member  # noqa: E402
from penggerak.registry.tests.factories import BANDUNG_DISTRICT, MemberFactory  # noqa: E402

pytestmark = pytest.mark.browser

BIRTH = dt.date(1990, 7, 17)
GOOD_NIK = compose_nik(BANDUNG_DISTRICT, BIRTH, "P", 4321)
BAD_NIK = GOOD_NIK[:6] + "00" + GOOD_NIK[8:]  # day 00 does not exist
PASSWORD = "rahasia-123"


def test_coordinator_registers_member_fixes_nik_and_finds_her(
    transactional_db, phone_page, coordinator, community
):
    page = phone_page
    MemberFactory(community=community, full_name="Siti Aminah")
    with translation.override("id"):
        nik_message = str(validate_nik(BAD_NIK).errors[0].message)

    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna atau nomor HP").fill("koord-bandung")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name="Komunitas saya")).to_be_visible()

    page.get_by_role("navigation").get_by_role("link", name="Daftarkan anggota").click()
    expect(page.get_by_role("heading", name="Daftarkan anggota")).to_be_visible()
    page.get_by_label("Nama lengkap (sesuai KTP)").fill("Dewi Lestari")
    page.get_by_role("textbox", name="NIK", exact=True).fill(BAD_NIK)
    page.get_by_label("Nomor HP").fill("0812 3456 7890")
    # The cascade starts at the community's regency; each choice fetches the next level.
    expect(page.locator("#id_region_regency")).to_have_value("32.73")
    page.locator("#id_region_district").select_option("32.73.01")
    expect(page.locator("#id_village")).to_be_enabled()
    page.locator("#id_village").select_option("32.73.01.1001")
    page.get_by_role("checkbox", name=re.compile("Anggota menyetujui")).check()
    page.get_by_role("button", name="Simpan anggota").click()

    nik_error = page.locator("#id_nik_error")
    expect(nik_error).to_have_text(nik_message)
    expect(page.locator("#id_nik")).to_have_attribute("aria-invalid", "true")
    # The message sits in the NIK field's own block, right under its input.
    expect(page.locator(".field", has=page.locator("#id_nik")).locator(".errors")).to_have_text(
        nik_message
    )
    assert Member.objects.filter(full_name="Dewi Lestari").count() == 0
    expect(page.locator("#id_village")).to_have_value("32.73.01.1001")

    page.locator("#id_nik").fill(GOOD_NIK)
    page.get_by_role("button", name="Simpan anggota").click()

    member = Member.objects.get(full_name="Dewi Lestari")
    expect(page).to_have_url(re.compile(rf"/anggota/{member.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dewi Lestari")
    expect(page.get_by_text("Dewi Lestari terdaftar sebagai anggota.")).to_be_visible()
    assert member.village_id == "32.73.01.1001"

    page.get_by_role("navigation").get_by_role("link", name="Anggota", exact=True).click()
    expect(page.locator("#results")).to_contain_text("Siti Aminah")
    page.get_by_role("searchbox").fill("dewi")
    # htmx swaps the results in place and puts the search in the address bar.
    expect(page).to_have_url(re.compile(r"/anggota/\?q=dewi$"))
    expect(page.locator("#results")).not_to_contain_text("Siti Aminah")
    expect(page.locator("#results").get_by_role("link", name="Dewi Lestari")).to_be_visible()
    expect(page.locator("#result-count")).to_have_text("1 anggota")

    page.locator("#results").get_by_role("link", name="Dewi Lestari").click()
    expect(page).to_have_url(re.compile(rf"/anggota/{member.pk}/$"))

    assert page.foreign_requests == []
    assert page.console_errors == []

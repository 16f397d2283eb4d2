"""htmx swaps 422 answers everywhere (one setting in base.html): a coordinator who asks to
see a member's full NIK without a reason sees the error in place, then with a reason the NIK.
5xx answers stay unswapped."""

from pathlib import Path

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip(
        "browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

from penggerak.core.models import AuditEvent  # noqa: E402
from penggerak.core.protection import nik_decrypt  # noqa: E402

pytestmark = pytest.mark.browser
PASSWORD = "rahasia-123"


def test_nik_reveal_without_reason_shows_the_422_error_in_place(
    transactional_db, phone_page, coordinator, member
):
    page = phone_page
    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna atau nomor HP").fill("koord-bandung")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name="Komunitas saya")).to_be_visible()

    page.goto(f"/anggota/{member.pk}/")
    page.get_by_text("Lihat NIK lengkap").click()
    with page.expect_response(lambda r: r.url.endswith("/nik/")) as answer:
        page.get_by_role("button", name="Tampilkan NIK").click()
    assert answer.value.status == 422
    block = page.locator("#nik-block")
    expect(block).to_contain_text("Alasan wajib diisi.")
    expect(block.locator("details.reveal")).to_have_attribute("open", "")
    assert AuditEvent.objects.filter(action="view_nik").count() == 0

    block.get_by_role("textbox").fill("Verifikasi pengajuan KUR")
    page.get_by_role("button", name="Tampilkan NIK").click()
    expect(block).to_contain_text(nik_decrypt(member.nik_ciphertext))
    # Chromium logs every 4xx as "Failed to load resource"; no script error besides.
    assert [e for e in page.console_errors if not e.startswith("Failed to load resource")] == []
    assert page.foreign_requests == []


def test_5xx_answers_are_not_swapped(transactional_db, phone_page, coordinator, member):
    page = phone_page
    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna atau nomor HP").fill("koord-bandung")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name="Komunitas saya")).to_be_visible()

    page.goto(f"/anggota/{member.pk}/")
    # A server error whose body would replace the block if 5xx were swapped.
    page.route(
        "**/nik/",
        lambda route: route.fulfill(status=500, body='<div id="nik-block">Galat server</div>'),
    )
    page.get_by_text("Lihat NIK lengkap").click()
    page.get_by_role("textbox", name="Alasan membuka NIK lengkap").fill("Verifikasi")
    with page.expect_response(lambda r: r.url.endswith("/nik/")) as answer:
        page.get_by_role("button", name="Tampilkan NIK").click()
    assert answer.value.status == 500
    expect(page.locator("#nik-block")).to_contain_text(member.nik_masked)
    expect(page.locator("#nik-block")).not_to_contain_text("Galat server")

"""A coordinator uploads a small XLSX on the import page, sees it finish, downloads the report."""

import csv
from pathlib import Path

import pytest
from django.test import override_settings

if not Path("/usr/bin/chromium").exists():
    pytest.skip(
        "browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

from penggerak.imports.tests.helpers import nik, write_xlsx  # noqa: E402
from penggerak.registry.models import Member  # noqa: E402

pytestmark = pytest.mark.browser
PASSWORD = "rahasia-123"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_coordinator_uploads_xlsx_and_downloads_report(
    transactional_db, phone_page, coordinator, community, tmp_path, settings
):
    settings.PENGGERAK_PRIVATE_ROOT = str(tmp_path / "private")
    page = phone_page
    upload = write_xlsx(
        tmp_path / "anggota.xlsx",
        [
            ["No", "Nama Lengkap", "NIK", "No HP/WA", "L/P"],
            [1, "Siti Aminah", nik(1), "081234567890", "P"],
            [2, "Dewi Lestari", nik(2), "081234567891", "P"],
            [3, "Tanpa NIK", "", "081234567892", "P"],
        ],
    )
    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna atau nomor HP").fill("koord-bandung")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("navigation").get_by_role("link", name="Impor").click()
    expect(page.get_by_role("heading", name="Impor data")).to_be_visible()
    page.get_by_label("Komunitas tujuan").select_option(str(community.pk))
    page.locator("#id_file").set_input_files(str(upload))
    page.locator("#id_consent").check()
    with override_settings(TASKS=IMMEDIATE):
        page.get_by_role("button", name="Unggah dan impor").click()
        expect(page.locator(".import-run__status")).to_have_text("Selesai")
    expect(page.locator(".import-run__summary")).to_contain_text("Dibuat")
    # What to fix, on the phone's screen: the refused row's problem and where it is.
    problem = page.locator(".import-run__problem")
    expect(problem).to_contain_text("NIK wajib diisi; baris ditolak.")
    expect(problem).to_contain_text("Baris 4")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    with page.expect_download() as info:
        page.get_by_role("link", name="Laporan CSV").click()
    path = info.value.path()
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["row", "column", "value", "severity", "code", "message"]
    assert rows[1][0] == "4" and rows[1][4] == "nik_missing"
    assert Member.objects.filter(community=community).count() == 2
    assert page.foreign_requests == [] and page.console_errors == []

"""The secretariat exports the member list with full NIKs: the member page's button, the
reason that is required, the progress page that htmx refreshes, the download."""

from pathlib import Path

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip(
        "browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

from openpyxl import load_workbook  # noqa: E402

from penggerak.core.protection import nik_decrypt  # noqa: E402
from penggerak.imports import exports  # noqa: E402
from penggerak.imports.models import ExportRun  # noqa: E402
from penggerak.registry.tests.factories import MemberFactory  # noqa: E402

pytestmark = pytest.mark.browser
PASSWORD = "rahasia-123"


def test_secretariat_exports_full_niks_and_watches_the_progress(
    transactional_db, phone_page, secretariat, community, tmp_path, settings
):
    settings.PENGGERAK_PRIVATE_ROOT = str(tmp_path / "private")
    members = MemberFactory.create_batch(3, community=community)
    page = phone_page
    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna atau nomor HP").fill("sekretariat-uji")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto("/anggota/?status=active")
    page.get_by_role("link", name="Ekspor XLSX").click()
    expect(page.get_by_role("heading", name="Ekspor anggota (XLSX)")).to_be_visible()
    expect(page.get_by_text("3 anggota akan diekspor.")).to_be_visible()

    page.get_by_label("Sertakan NIK lengkap (tidak disamarkan)").check()
    page.get_by_role("button", name="Siapkan berkas ekspor").click()
    expect(page.get_by_text("Alasan wajib diisi untuk ekspor NIK lengkap.")).to_be_visible()
    assert not ExportRun.objects.exists()

    page.get_by_label("Alasan mengekspor NIK lengkap").fill("Verifikasi penerima KUR")
    page.get_by_role("button", name="Siapkan berkas ekspor").click()
    # No worker runs in this test: the job waits, the page shows the bar and polls.
    expect(page.locator(".import-run__status")).to_have_text("Menunggu")
    expect(page.locator("#export-status progress")).to_be_visible()
    run = ExportRun.objects.get()
    assert run.unmasked and run.filters == {"status": "active"}
    exports.export_run_execute(run.pk)  # what the worker does
    expect(page.locator(".import-run__status")).to_have_text("Selesai")
    with page.expect_download() as info:
        page.get_by_role("link", name="Unduh XLSX").click()
    assert info.value.suggested_filename.endswith("-nik-lengkap.xlsx")
    with open(info.value.path(), "rb") as handle:
        book = load_workbook(handle)
    rows = list(book["Anggota"].iter_rows(values_only=True))
    assert {row[0]: row[2] for row in rows[1:]} == {
        m.pk: nik_decrypt(m.nik_ciphertext) for m in members
    }
    assert page.foreign_requests == [] and page.console_errors == []

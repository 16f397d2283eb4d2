"""On a phone, a member fills the SNI readiness checklist for their business: a missing
answer is pointed out in place, then the score and the items to fix appear (htmx), and the
history page shows the result and the score over time."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps

if not Path("/usr/bin/chromium").exists():
    pytest.skip(
        "browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

from penggerak.permits.models import ChecklistResponse  # noqa: E402
from penggerak.permits.selectors import checklist_template_get  # noqa: E402
from penggerak.registry.tests.factories import BusinessFactory  # noqa: E402

pytestmark = pytest.mark.browser
PASSWORD = "rahasia-123"
PHONE_WIDTH = 360
# Every item fully met except these two (a yes/no/partial one and a 0-4 one).
WEAK = {"lab-test": "Tidak", "records": "2"}


def seed_checklists():
    """A transactional test flushes the tables, the seeded checklist templates with them."""
    seed = importlib.import_module("penggerak.permits.migrations.0002_seed_defaults").seed
    seed(django_apps, None)


def answer(page, item, choice):
    group = page.get_by_role("radiogroup", name=item.text)
    group.get_by_label(choice, exact=True).check()


def test_member_fills_sni_checklist_sees_score_items_to_fix_and_history(
    transactional_db, phone_page, member, member_user
):
    page = phone_page
    seed_checklists()
    business = BusinessFactory(owner=member, name="Keripik Siti", sector="food")
    template = checklist_template_get("sni-readiness")
    items = [item for section in template.sections.all() for item in section.items.all()]

    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna atau nomor HP").fill(member_user.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    page.goto("/perizinan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Izin saya")
    page.get_by_role("link", name="Keripik Siti").click()
    row = page.locator("#checklists-title + ul li").filter(has_text="Kesiapan SNI untuk UMKM")
    expect(row).to_contain_text("Belum pernah diisi")
    row.get_by_role("link", name="Isi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kesiapan SNI untuk UMKM")

    # Everything but the last item: the missing answer is named in place, nothing saved.
    for item in items[:-1]:
        answer(page, item, WEAK.get(item.code, "4" if item.answer_type == "score" else "Ya"))
    page.get_by_role("button", name="Simpan dan hitung skor").click()
    result = page.locator("#checklist-result")
    expect(result).to_contain_text("Pertanyaan ini belum dijawab.")
    assert ChecklistResponse.objects.count() == 0

    answer(page, items[-1], "Ya")
    page.get_by_role("button", name="Simpan dan hitung skor").click()
    expect(result).to_contain_text("2 butir perlu diperbaiki.")
    saved = ChecklistResponse.objects.get()
    # Indonesian number format: a decimal comma.
    expect(result).to_contain_text(f"skor {str(saved.score).replace('.', ',')}%")
    assert [row["code"] for row in saved.to_fix] == ["lab-test", "records"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH

    # The history page: latest result, the items still to fix (heaviest first), the score.
    result.get_by_role("link", name="Lihat hasil dan riwayat").click()
    expect(page.get_by_role("heading", name="Hasil terakhir")).to_be_visible()
    to_fix = page.locator("ol.rows li")
    expect(to_fix).to_have_count(2)
    expect(to_fix.nth(0)).to_contain_text("Produk pernah diuji di laboratorium terakreditasi")
    expect(to_fix.nth(1)).to_contain_text("Catatan produksi dan mutu disimpan")
    expect(page.locator(".score-history li")).to_have_count(1)

    # Fill it again after fixing the lab test: the history grows, the latest score rises.
    page.get_by_role("link", name="Isi lagi").click()
    answer(page, next(i for i in items if i.code == "lab-test"), "Ya")
    page.get_by_role("button", name="Simpan dan hitung skor").click()
    expect(result).to_contain_text("1 butir perlu diperbaiki.")
    result.get_by_role("link", name="Lihat hasil dan riwayat").click()
    expect(page.locator(".score-history li")).to_have_count(2)
    expect(page.locator("ol.rows li")).to_have_count(1)
    first, second = ChecklistResponse.objects.order_by("id")
    assert second.score > first.score
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    assert business.pk == second.business_id
    assert page.foreign_requests == []

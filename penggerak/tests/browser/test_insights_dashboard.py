"""The secretariat opens the national dashboard of a generated dataset, then a province."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

if not Path("/usr/bin/chromium").exists():
    pytest.skip(
        "browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

from penggerak.core.models import Region  # noqa: E402
from penggerak.insights import rollups  # noqa: E402
from penggerak.insights.models import Target  # noqa: E402

pytestmark = pytest.mark.browser


def _id(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def test_secretariat_reads_national_dashboard_and_drills_down(transactional_db, phone_page):
    call_command("demo", preset="tiny", verbosity=0)
    members = rollups.total("nation", "members")
    target = Target.objects.get(scope="nation", metric="members").value
    page = phone_page
    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna atau nomor HP").fill("sekretariat")
    page.get_by_label("Kata sandi").fill("penggerak-demo")
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("navigation").get_by_role("link", name="Dasbor").click()

    expect(page.get_by_role("heading", name="Dasbor: Nasional")).to_be_visible()
    expect(page.get_by_text(f"{_id(members)} dari {_id(target)}")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Grafik Anggota: "))).to_be_visible()
    expect(page.get_by_role("progressbar", name="Anggota")).to_be_visible()
    expect(page.get_by_text(re.compile("Prakiraan: garis lurus"))).to_be_visible()

    jakarta = Region.objects.get(code="31").name
    page.get_by_role("link", name=jakarta).click()
    expect(page.get_by_role("heading", name=f"Dasbor: {jakarta}")).to_be_visible()
    province_target = Target.objects.get(scope="province:31", metric="members").value
    expect(
        page.get_by_text(re.compile(f"dari {re.escape(_id(province_target))}")).first
    ).to_be_visible()
    assert page.foreign_requests == []
    assert page.console_errors == []

"""A coordinator runs a training from creation to certificates on a phone: schedules the
event, registers members by number, checks them in, issues certificates, opens a
certificate's public verification page and revokes one — all on the training pages."""

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

from penggerak.registry import steps  # noqa: E402
from penggerak.registry.models import MemberStep, StepRule  # noqa: E402
from penggerak.registry.tests.factories import MemberFactory  # noqa: E402
from penggerak.training.cards import member_number  # noqa: E402
from penggerak.training.models import Attendance, Certificate, Event, Registration  # noqa: E402
from penggerak.training.tests.factories import CourseFactory  # noqa: E402

pytestmark = pytest.mark.browser
PASSWORD = "rahasia-123"
PHONE_WIDTH = 360


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def test_coordinator_runs_a_training_from_creation_to_certificates_on_a_phone(
    transactional_db, phone_page, coordinator, community
):
    page = phone_page
    # A transactional test flushes the tables, the seeded step rules with them.
    for number, (description, parameters) in steps.DEFAULT_RULES.items():
        StepRule.objects.get_or_create(
            step=number, defaults={"description": description, "parameters": parameters}
        )
    CourseFactory(title="Dasar Kewirausahaan")
    siti = MemberFactory(community=community, full_name="Siti Aminah")
    dewi = MemberFactory(community=community, full_name="Dewi Lestari")
    # The session began an hour ago (certificates need a started event) and runs two more.
    start = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(hours=1)
    end = start + dt.timedelta(hours=3)

    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna atau nomor HP").fill("koord-bandung")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    # 1. Schedule the event.
    page.goto("/pelatihan/")
    page.get_by_role("link", name="Jadwalkan pelatihan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jadwalkan pelatihan")
    page.get_by_label("Kursus").select_option(label="Dasar Kewirausahaan")
    page.get_by_label("Komunitas penyelenggara").select_option(label=community.name)
    page.get_by_label("Mulai").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Selesai").fill(end.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Tempat").fill("Balai Warga RW 05")
    page.get_by_label("Kapasitas").fill("20")
    page.get_by_label("Nama pelatih").fill("Bu Rina")
    assert fits_the_phone(page)
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Pelatihan dijadwalkan.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasar Kewirausahaan")
    event = Event.objects.get()
    assert (event.community_id, event.capacity, event.place) == (
        community.pk,
        20,
        "Balai Warga RW 05",
    )

    # 2. Register both members by their membership numbers.
    for member in (siti, dewi):
        page.get_by_label("Nomor anggota").fill(member_number(member.pk))
        page.get_by_role("button", name="Daftarkan anggota").click()
        expect(page.get_by_text(f"{member.full_name} terdaftar di pelatihan ini.")).to_be_visible()
    participants = page.locator("#participants")
    expect(participants).to_contain_text("Siti Aminah")
    expect(participants).to_contain_text("Dewi Lestari")
    assert fits_the_phone(page)

    # 3. Check them in by number (the camera's fallback).
    page.get_by_role("link", name="Presensi", exact=True).click()
    result = page.locator("#checkin-result")
    for count, member in enumerate((siti, dewi), start=1):
        page.get_by_label("Nomor anggota").fill(member_number(member.pk))
        page.get_by_role("button", name="Catat hadir").click()
        expect(result).to_contain_text(f"{member.full_name} ({member_number(member.pk)}) hadir.")
        expect(result).to_contain_text(f"{count} hadir")
    assert fits_the_phone(page)
    page.get_by_role("link", name="Kembali ke pelatihan").click()

    # 4. Issue the certificates.
    page.get_by_role("button", name="Terbitkan sertifikat").click()
    expect(page.get_by_text("2 sertifikat baru diterbitkan.")).to_be_visible()
    page.get_by_role("link", name="Sertifikat", exact=True).click()
    rows = page.locator("#participants li")
    expect(rows).to_have_count(2)
    assert fits_the_phone(page)

    # 5. Open Siti's public verification page.
    siti_row = rows.filter(has_text="Siti Aminah")
    siti_row.get_by_role("link", name="Halaman verifikasi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verifikasi sertifikat")
    expect(page.get_by_text("Sertifikat ini sah.")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("Siti Aminah")
    expect(page.locator("dl.facts")).to_contain_text("Dasar Kewirausahaan")
    verify_url = page.url
    page.go_back()

    # 6. Revoke Dewi's, with a reason; her verification page then says it is revoked.
    dewi_row = page.locator("#participants li").filter(has_text="Dewi Lestari")
    dewi_row.get_by_text("Cabut sertifikat", exact=True).click()
    dewi_row.get_by_label("Alasan pencabutan").fill("Hanya hadir setengah sesi")
    dewi_row.get_by_role("button", name="Cabut sertifikat Dewi Lestari").click()
    expect(page.get_by_text("Sertifikat Dewi Lestari dicabut.")).to_be_visible()
    dewi_certificate = Certificate.objects.get(member=dewi)
    page.goto(f"/pelatihan/sertifikat/{dewi_certificate.code}/")
    expect(page.get_by_text("Sertifikat ini telah dicabut")).to_be_visible()
    page.goto(verify_url)
    expect(page.get_by_text("Sertifikat ini sah.")).to_be_visible()

    assert Registration.objects.filter(event=event, status="registered").count() == 2
    assert Attendance.objects.filter(event=event).count() == 2
    assert Certificate.objects.filter(event=event, revoked_at__isnull=True).get().member == siti
    # The attendances completed both members' training step in the same transaction.
    assert set(
        MemberStep.objects.filter(step=2, status="done").values_list("member_id", flat=True)
    ) == {siti.pk, dewi.pk}
    assert page.foreign_requests == []
    assert page.console_errors == []

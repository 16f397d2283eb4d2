"""On a phone: a member reads "my journey"; a coordinator records a mentoring session and the
member's step 3 turns done in place (htmx), with nothing fetched from another host."""

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

from penggerak.mentoring import services  # noqa: E402
from penggerak.mentoring.tests.factories import MentorFactory  # noqa: E402
from penggerak.registry import steps  # noqa: E402
from penggerak.registry.models import MemberStep, StepRule  # noqa: E402

pytestmark = pytest.mark.browser

PASSWORD = "rahasia-123"


def login(page, username):
    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna atau nomor HP").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_member_sees_journey_and_coordinator_records_session(
    transactional_db, phone_page, coordinator, community, member, member_user
):
    page = phone_page
    # A transactional test flushes the tables, the seeded step rules with them.
    for number, (description, parameters) in steps.DEFAULT_RULES.items():
        StepRule.objects.get_or_create(
            step=number, defaults={"description": description, "parameters": parameters}
        )
    at = timezone.now() - dt.timedelta(days=20)
    for step in (1, 2):
        MemberStep.objects.create(
            member=member, step=step, status="done", started_at=at, completed_at=at, source="demo"
        )
    type(member).objects.filter(pk=member.pk).update(furthest_step=2)
    mentor = MentorFactory(communities=[community])
    services.assignment_create(actor=coordinator, mentor=mentor, member=member)

    login(page, member_user.username)
    page.get_by_role("navigation").get_by_role("link", name="Perjalanan saya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Perjalanan saya")
    expect(page.locator(".journey__step")).to_have_count(7)
    expect(page.get_by_role("heading", name="Berikutnya: tahap 3, Pendampingan")).to_be_visible()
    page.context.clear_cookies()

    login(page, coordinator.username)
    page.goto(f"/pendampingan/anggota/{member.pk}/")
    expect(page.locator(".journey__step--done")).to_have_count(2)
    page.get_by_label("Tanggal sesi").fill(timezone.localdate().isoformat())
    page.get_by_label("Durasi (menit)").fill("45")
    page.get_by_label("Cara").select_option("phone")
    page.get_by_label("Langkah berikutnya 1").fill("Urus NIB di OSS")
    page.get_by_label("Tenggat 1").fill((timezone.localdate() + dt.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Catat sesi").click()
    expect(page.get_by_text("Sesi pendampingan dicatat.")).to_be_visible()
    expect(page.locator(".journey__step--done")).to_have_count(3)
    assert MemberStep.objects.get(member=member, step=3).status == "done"
    assert page.foreign_requests == []

    page.context.clear_cookies()
    login(page, member_user.username)
    page.goto("/pendampingan/perjalanan-saya/")
    expect(page.get_by_role("heading", name="Berikutnya: tahap 4, Perizinan")).to_be_visible()
    expect(page.get_by_text("Urus NIB di OSS")).to_be_visible()

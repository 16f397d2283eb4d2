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
from penggerak.mentoring.models import Assignment, NextAction, Session  # noqa: E402
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


def test_coordinator_sees_session_errors_ticks_an_action_and_ends_the_mentoring(
    transactional_db, phone_page, coordinator, community, member
):
    page = phone_page
    mentor = MentorFactory(communities=[community])
    services.assignment_create(actor=coordinator, mentor=mentor, member=member)
    today = timezone.localdate()
    services.session_record(
        actor=coordinator,
        member=member,
        held_on=today,
        duration_minutes=30,
        mode="phone",
        next_actions=[{"text": "Foto produk untuk katalog", "due_on": today}],
    )

    login(page, coordinator.username)
    page.goto(f"/pendampingan/anggota/{member.pk}/")
    # A session dated tomorrow: the 422 answer is swapped in place and names the field.
    page.get_by_label("Tanggal sesi").fill((today + dt.timedelta(days=1)).isoformat())
    page.get_by_label("Durasi (menit)").fill("30")
    page.get_by_role("button", name="Catat sesi").click()
    expect(page.get_by_text("Tanggal sesi tidak boleh di masa depan.")).to_be_visible()
    assert Session.objects.count() == 1

    # Tick the next action done (htmx), then end the mentoring with a reason.
    page.get_by_role("button", name="Tandai selesai: Foto produk untuk katalog").click()
    expect(page.get_by_text("Langkah ditandai selesai.")).to_be_visible()
    expect(page.locator("#sessions")).to_contain_text("✓ selesai")
    assert NextAction.objects.get().done_at is not None

    page.get_by_text("Akhiri pendampingan", exact=True).first.click()
    page.get_by_label("Alasan mengakhiri pendampingan").fill("Usaha pindah ke kota lain")
    page.get_by_role("button", name="Akhiri pendampingan").click()
    expect(page.get_by_text("Pendampingan diakhiri.")).to_be_visible()
    expect(page.get_by_text("Belum ada pendamping.")).to_be_visible()
    assert Assignment.objects.get().ended_on == today
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.foreign_requests == []

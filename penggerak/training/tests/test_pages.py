import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from penggerak.registry.tests.factories import MemberFactory
from penggerak.training import services
from penggerak.training.cards import card_payload, member_number
from penggerak.training.models import Attendance, Certificate, Course, Event, Registration
from penggerak.training.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today_event(community, course):
    # Starts today (local) and runs until after midnight: open whatever the hour of the run.
    start = timezone.localtime().replace(hour=0, minute=1, second=0, microsecond=0)
    return EventFactory(
        community=community, course=course, starts_at=start, ends_at=start + dt.timedelta(days=1)
    )


def checkin(client, event, **data):
    return client.post(
        reverse("training:event_checkin", args=[event.pk]), data, headers={"HX-Request": "true"}
    )


class TestCheckInPage:
    def test_number_walk_in_then_repeat(self, client, coordinator, today_event, member):
        client.force_login(coordinator)
        page = client.get(reverse("training:event_checkin", args=[today_event.pk]))
        # The camera scanner is a static file (the Content-Security-Policy allows no inline script).
        assert page.status_code == 200 and b"/static/penggerak/checkin.js" in page.content
        first = checkin(client, today_event, number=member_number(member.pk))
        assert "Siti Aminah" in first.content.decode() and "walk-in" in first.content.decode()
        again = checkin(client, today_event, number=member_number(member.pk))
        assert "sudah tercatat hadir" in again.content.decode()
        assert Attendance.objects.count() == 1

    def test_forged_card_refused(self, client, coordinator, today_event, member):
        client.force_login(coordinator)
        response = checkin(client, today_event, card=card_payload(member.pk) + "x")
        assert "Ditolak" in response.content.decode()
        assert Attendance.objects.count() == 0

    @pytest.mark.any_day
    def test_today_lists_own_events_only(self, client, coordinator, today_event, other_community):
        other = EventFactory(
            community=other_community, starts_at=today_event.starts_at, is_open=True
        )
        client.force_login(coordinator)
        html = client.get(reverse("training:events_today")).content.decode()
        assert reverse("training:event_checkin", args=[today_event.pk]) in html
        assert reverse("training:event_checkin", args=[other.pk]) not in html


class TestEventPages:
    def test_coordinator_creates_event(self, client, coordinator, community, course):
        client.force_login(coordinator)
        response = client.post(
            reverse("training:event_create"),
            {
                "course": course.pk,
                "community": community.pk,
                "starts_at": "2030-01-05T09:00",
                "ends_at": "2030-01-05T12:00",
                "place": "Aula",
                "capacity": "30",
            },
        )
        event = Event.objects.get()
        assert response.status_code == 302 and event.capacity == 30

    def test_bad_event_form_saves_nothing(self, client, coordinator, community, course):
        client.force_login(coordinator)
        response = client.post(
            reverse("training:event_create"),
            {
                "course": course.pk,
                "community": community.pk,
                "starts_at": "2030-01-05T09:00",
                "ends_at": "2030-01-05T08:00",
                "capacity": "30",
            },
        )
        assert response.status_code == 200
        assert "Waktu selesai harus setelah waktu mulai." in response.content.decode()
        assert Event.objects.count() == 0

    def test_member_registers_self_on_page(self, client, member_user, member, event):
        client.force_login(member_user)
        detail = client.get(reverse("training:event_detail", args=[event.pk]))
        assert "Daftar" in detail.content.decode()
        client.post(reverse("training:event_register", args=[event.pk]))
        assert Registration.objects.get().member == member
        client.post(reverse("training:event_unregister", args=[event.pk]))
        assert Registration.objects.get().status == "cancelled"

    def test_detail_lists_participants_for_organiser_only(
        self, client, coordinator, member_user, event, member
    ):
        services.registration_create(actor=coordinator, event=event, member=member)
        client.force_login(coordinator)
        assert (
            "Siti Aminah"
            in client.get(reverse("training:event_detail", args=[event.pk])).content.decode()
        )
        other = MemberFactory(community=event.community, full_name="Anggota Lain")
        services.registration_create(actor=coordinator, event=event, member=other)
        client.force_login(member_user)
        html = client.get(reverse("training:event_detail", args=[event.pk])).content.decode()
        assert "Anggota Lain" not in html

    def test_detail_query_count_is_flat(
        self, client, coordinator, event, community, django_assert_max_num_queries
    ):
        for _ in range(2):
            services.registration_create(
                actor=coordinator, event=event, member=MemberFactory(community=community)
            )
        client.force_login(coordinator)
        with django_assert_max_num_queries(14):
            client.get(reverse("training:event_detail", args=[event.pk]))


class TestCardAndCertificates:
    def test_own_card_has_qr_and_number(self, client, member_user, member):
        client.force_login(member_user)
        html = client.get(reverse("training:own_card")).content.decode()
        assert member_number(member.pk) in html and "<svg" in html

    def test_card_pdf(self, client, coordinator, member):
        client.force_login(coordinator)
        response = client.get(reverse("training:member_card_pdf", args=[member.pk]))
        assert response["Content-Type"] == "application/pdf" and response.content[:5] == b"%PDF-"

    def test_certificate_flow(self, client, coordinator, member_user, member, community, course):
        event = EventFactory(
            community=community, course=course, starts_at=timezone.now() - dt.timedelta(hours=1)
        )
        services.attendance_record(actor=coordinator, event=event, member_id=member.pk)
        client.force_login(coordinator)
        client.post(reverse("training:event_certificates", args=[event.pk]))
        certificate = Certificate.objects.get()
        client.logout()
        public = client.get(reverse("training:certificate_verify", args=[certificate.code]))
        html = public.content.decode()
        assert public.status_code == 200 and "Siti Aminah" in html and "sah" in html
        assert member.nik_masked not in html
        assert (
            client.get(reverse("training:certificate_verify", args=["tebakan"])).status_code == 404
        )
        client.force_login(member_user)
        pdf = client.get(reverse("training:certificate_pdf", args=[certificate.code]))
        assert pdf.content[:5] == b"%PDF-"
        mine = client.get(reverse("training:my_trainings")).content.decode()
        assert course.title in mine


class TestCourses:
    def test_secretariat_creates_course(self, client, secretariat):
        client.force_login(secretariat)
        client.post(
            reverse("training:course_create"),
            {"title": "Higiene Pangan", "modules": "Cuci tangan\nKemasan"},
        )
        course = Course.objects.get(title="Higiene Pangan")
        assert [m.title for m in course.modules.all()] == ["Cuci tangan", "Kemasan"]

    def test_coordinator_cannot_create_course(self, client, coordinator):
        client.force_login(coordinator)
        assert client.get(reverse("training:course_create")).status_code == 403


# --- Permissions: anonymous, wrong coordinator, partner, member -----------------------------

MANAGE_PAGES = [
    ("get", "training:event_checkin", None),
    ("post", "training:event_checkin", {"number": "x"}),
    ("post", "training:event_certificates", {}),
    ("post", "training:event_cancel", {"reason": "coba"}),
]


@pytest.mark.parametrize(("method", "name", "data"), MANAGE_PAGES)
@pytest.mark.parametrize("intruder", ["other_coordinator", "partner_user", "member_user"])
def test_manage_pages_are_404_for_intruders(
    request, client, event, member, method, name, data, intruder
):
    client.force_login(request.getfixturevalue(intruder))
    response = getattr(client, method)(reverse(name, args=[event.pk]), data or {})
    assert response.status_code == 404
    assert Event.objects.get(pk=event.pk).status == "scheduled"
    assert Attendance.objects.count() == Certificate.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("training:event_list", []),
        ("training:events_today", []),
        ("training:event_create", []),
        ("training:event_detail", ["EVENT"]),
        ("training:event_checkin", ["EVENT"]),
        ("training:own_card", []),
        ("training:member_card", ["MEMBER"]),
        ("training:member_card_pdf", ["MEMBER"]),
        ("training:my_trainings", []),
        ("training:course_list", []),
    ],
)
def test_anonymous_redirected_to_login(client, event, member, name, args):
    args = [{"EVENT": event.pk, "MEMBER": member.pk}[a] for a in args]
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("intruder", ["other_coordinator", "partner_user"])
def test_closed_event_and_card_are_404_for_intruders(request, client, event, member, intruder):
    client.force_login(request.getfixturevalue(intruder))
    assert client.get(reverse("training:event_detail", args=[event.pk])).status_code == 404
    assert client.get(reverse("training:member_card", args=[member.pk])).status_code == 404
    assert client.get(reverse("training:member_card_pdf", args=[member.pk])).status_code == 404


def test_certificate_pdf_only_for_holder_and_organiser(
    client, coordinator, other_coordinator, community, course, member
):
    event = EventFactory(
        community=community, course=course, starts_at=timezone.now() - dt.timedelta(hours=1)
    )
    services.attendance_record(actor=coordinator, event=event, member_id=member.pk)
    services.certificates_issue(actor=coordinator, event=event)
    code = Certificate.objects.get().code
    client.force_login(other_coordinator)
    assert client.get(reverse("training:certificate_pdf", args=[code])).status_code == 404


def test_number_regex_sanity():
    assert re.match(r"^PGK-\d{7}-\d$", member_number(5))

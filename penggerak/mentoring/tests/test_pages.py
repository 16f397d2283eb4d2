"""Mentoring pages end to end, with the permission cases every page goes through."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from penggerak.core.models import AuditEvent
from penggerak.core.notifications import notify
from penggerak.mentoring import services
from penggerak.mentoring.models import Assignment, Session
from penggerak.mentoring.tests.test_services import make_done
from penggerak.registry.models import MemberStep

pytestmark = pytest.mark.django_db

MEMBER_PAGES = [
    ("member", "get", "mentoring:member", None),
    ("assign", "post", "mentoring:member_assign", {"mentor": "", "goal": "x"}),
    (
        "session",
        "post",
        "mentoring:session_record",
        {"held_on": "2024-01-01", "duration_minutes": "30", "mode": "phone"},
    ),
]


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def snapshot(member):
    return (
        AuditEvent.objects.count(),
        Assignment.objects.count(),
        Session.objects.count(),
        list(MemberStep.objects.filter(member=member).values_list("step", "status")),
    )


@pytest.mark.parametrize("actor_name", ["other_coordinator", "partner_user"])
@pytest.mark.parametrize(("case", "method", "url_name", "data"), MEMBER_PAGES)
def test_member_pages_404_for_intruders(request, member, actor_name, case, method, url_name, data):
    actor = request.getfixturevalue(actor_name)
    before = snapshot(member)
    response = getattr(client_for(actor), method)(reverse(url_name, args=[member.pk]), data or {})
    assert response.status_code == 404, case
    assert b"Siti Aminah" not in response.content
    assert snapshot(member) == before


ALL_PAGES = [
    ("mentoring:mentor_list", []),
    ("mentoring:mentor_create", []),
    ("mentoring:my_mentees", []),
    ("mentoring:stuck", []),
    ("mentoring:journeys", []),
    ("mentoring:my_journey", []),
    ("mentoring:inbox", []),
]


@pytest.mark.parametrize(("url_name", "args"), ALL_PAGES)
def test_anonymous_sent_to_login(url_name, args):
    response = Client().get(reverse(url_name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("case", MEMBER_PAGES)
def test_member_pages_anonymous(member, case):
    _name, method, url_name, data = case
    response = getattr(Client(), method)(reverse(url_name, args=[member.pk]), data or {})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "url_name", ["mentoring:mentor_create", "mentoring:stuck", "mentoring:journeys"]
)
def test_manager_pages_forbidden_to_member_and_partner(member_user, partner_user, url_name):
    for actor in (member_user, partner_user):
        assert client_for(actor).get(reverse(url_name)).status_code == 403


def test_mentor_detail_404_for_other_coordinator(other_coordinator, mentor):
    url = reverse("mentoring:mentor_detail", args=[mentor.pk])
    assert client_for(other_coordinator).get(url).status_code == 404


def test_member_may_not_record_session_on_self(member_user, member, coordinator, mentor):
    services.assignment_create(actor=coordinator, mentor=mentor, member=member)
    url = reverse("mentoring:session_record", args=[member.pk])
    data = {"held_on": timezone.localdate().isoformat(), "duration_minutes": "30", "mode": "phone"}
    assert client_for(member_user).post(url, data).status_code == 403
    assert not Session.objects.exists()


@pytest.mark.any_day
def test_coordinator_creates_mentor_assigns_and_records(coordinator, community, member):
    from penggerak.registry.tests.factories import UserFactory

    UserFactory(username="relawan-1", first_name="Rina")
    client = client_for(coordinator)
    response = client.post(
        reverse("mentoring:mentor_create"),
        {"username": "relawan-1", "communities": [community.pk], "caseload_limit": "5"},
    )
    assert response.status_code == 302
    mentor_url = response["Location"]
    assert client.get(reverse("mentoring:mentor_list")).content.count(b"Rina") == 1
    mentor_id = int(mentor_url.rstrip("/").rsplit("/", 1)[1])
    response = client.post(
        reverse("mentoring:member_assign", args=[member.pk]),
        {"mentor": mentor_id, "goal": "Pembukuan"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("mentoring:session_record", args=[member.pk]),
        {
            "held_on": timezone.localdate().isoformat(),
            "duration_minutes": "45",
            "mode": "in_person",
            "action_1": "Catat penjualan harian",
            "due_1": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Sesi pendampingan dicatat." in response.content.decode()
    assert 'hx-swap-oob="true"' in response.content.decode()
    assert MemberStep.objects.get(member=member, step=3).status == "done"
    page = client.get(reverse("mentoring:member", args=[member.pk])).content.decode()
    assert "Catat penjualan harian" in page


@pytest.mark.any_day
def test_session_form_errors_shown_and_nothing_saved(coordinator, mentor, member):
    services.assignment_create(actor=coordinator, mentor=mentor, member=member)
    response = client_for(mentor.user).post(
        reverse("mentoring:session_record", args=[member.pk]),
        {
            "held_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            "duration_minutes": "30",
            "mode": "phone",
            "action_1": "Tanpa tenggat",
        },
    )
    assert response.status_code == 422
    content = response.content.decode()
    assert "Tanggal sesi tidak boleh di masa depan." not in content  # form error comes first
    assert "Isi tenggat untuk langkah ini." in content
    assert not Session.objects.exists()


def test_mentor_sees_mentees_without_nik(coordinator, mentor, member):
    services.assignment_create(actor=coordinator, mentor=mentor, member=member)
    client = client_for(mentor.user)
    page = client.get(reverse("mentoring:my_mentees")).content.decode()
    assert "Siti Aminah" in page
    detail = client.get(reverse("mentoring:member", args=[member.pk])).content.decode()
    assert member.phone in detail
    assert member.nik_masked not in detail


def test_caseload_full_message_on_page(coordinator, mentor, community):
    from penggerak.registry.tests.factories import MemberFactory

    members = [MemberFactory(community=community) for _ in range(4)]
    for m in members[:3]:
        services.assignment_create(actor=coordinator, mentor=mentor, member=m)
    response = client_for(coordinator).post(
        reverse("mentoring:member_assign", args=[members[3].pk]), {"mentor": mentor.pk}
    )
    assert response.status_code == 422
    assert "batasnya 3" in response.content.decode()


@pytest.mark.any_day
def test_stuck_and_journey_pages(coordinator, other_coordinator, community, member):
    make_done(member, 2, 100)
    client = client_for(coordinator)
    stuck = client.get(reverse("mentoring:stuck")).content.decode()
    assert "Siti Aminah" in stuck
    assert "3/7" in stuck
    grid = client.get(reverse("mentoring:journeys") + "?stuck=1&step=3").content.decode()
    assert "Siti Aminah" in grid
    assert client.get(reverse("mentoring:journeys") + "?step=9").status_code == 200
    other = client_for(other_coordinator)
    assert "Siti Aminah" not in other.get(reverse("mentoring:stuck")).content.decode()
    assert "Siti Aminah" not in other.get(reverse("mentoring:journeys")).content.decode()


def test_stuck_settings_by_secretariat_only(secretariat, coordinator):
    url = reverse("mentoring:stuck_settings")
    assert client_for(coordinator).post(url, {"stuck_after_days": "30"}).status_code == 403
    assert client_for(secretariat).post(url, {"stuck_after_days": "30"}).status_code == 302
    from penggerak.mentoring.selectors import stuck_after_days

    assert stuck_after_days() == 30


def test_my_journey_shows_steps_and_next(member_user, member):
    make_done(member, 1, 3)
    page = client_for(member_user).get(reverse("mentoring:my_journey")).content.decode()
    assert "Berikutnya: tahap 2, Pelatihan" in page
    assert "Menghadiri minimal satu pelatihan kurikulum" in page
    for name in ("Pendaftaran", "Perizinan", "Permodalan"):
        assert name in page


def test_my_journey_not_for_coordinator(coordinator):
    assert client_for(coordinator).get(reverse("mentoring:my_journey")).status_code == 403


def test_inbox_shows_only_own_and_marks_read(coordinator, other_coordinator):
    notify(user=coordinator, kind="t", key="a", title="Untuk koordinator")
    notify(user=other_coordinator, kind="t", key="a", title="Untuk yang lain")
    client = client_for(coordinator)
    page = client.get(reverse("mentoring:inbox")).content.decode()
    assert "Untuk koordinator" in page
    assert "Untuk yang lain" not in page
    home = client.get(reverse("home")).content.decode()
    assert 'Pemberitahuan <span class="badge">1</span>' in home
    client.post(reverse("mentoring:inbox_mark_read"))
    home = client.get(reverse("home")).content.decode()
    assert 'Pemberitahuan <span class="badge">' not in home


def test_journey_grid_query_count_does_not_grow_with_rows(
    coordinator, community, django_assert_max_num_queries
):
    from penggerak.registry.tests.factories import MemberFactory

    make_done(MemberFactory(community=community), 2, 100)
    client = client_for(coordinator)
    client.get(reverse("mentoring:journeys"))  # warm the session and the menu cache
    # session + user, communities (scope and filter), members, their steps, the stuck
    # setting, today's trainings (the check-in card).
    with django_assert_max_num_queries(7):
        client.get(reverse("mentoring:journeys") + "?stuck=1")
    for _ in range(30):
        make_done(MemberFactory(community=community), 2, 100)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("mentoring:journeys") + "?stuck=1")
    assert (
        response.content.decode().count('class="jg jg--done"') == 25
    )  # one page, step 2 done each

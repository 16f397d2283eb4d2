"""Ending an assignment and ticking a next action off, from the pages where they are seen."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from penggerak.core.errors import DomainError, PermissionDenied
from penggerak.core.models import AuditEvent
from penggerak.mentoring import services
from penggerak.mentoring.models import Assignment, NextAction

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def assignment(coordinator, mentor, member):
    return services.assignment_create(actor=coordinator, mentor=mentor, member=member)


@pytest.fixture
def action(coordinator, assignment, member):
    today = timezone.localdate()
    services.session_record(
        actor=coordinator,
        member=member,
        held_on=today,
        duration_minutes=30,
        mode="phone",
        next_actions=[{"text": "Foto produk untuk katalog", "due_on": today}],
    )
    return NextAction.objects.get()


def state():
    return (
        AuditEvent.objects.count(),
        list(Assignment.objects.values_list("pk", "ended_on")),
        list(NextAction.objects.values_list("pk", "done_at")),
    )


# --- Services ------------------------------------------------------------------------------


@pytest.mark.any_day
def test_assignment_end_records_reason_in_audit(coordinator, assignment):
    ended = services.assignment_end(
        actor=coordinator, assignment=assignment, reason="  Anggota  pindah kota "
    )
    assert ended.ended_on == timezone.localdate()
    event = AuditEvent.objects.filter(object_type="mentoring.assignment").latest("id")
    assert event.reason == "Anggota pindah kota"
    assert event.changes == {"ended_on": [None, timezone.localdate().isoformat()]}
    assert event.actor_id == coordinator.pk


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_assignment_end_refuses_bad_reason(coordinator, assignment, reason):
    before = state()
    with pytest.raises(DomainError) as err:
        services.assignment_end(actor=coordinator, assignment=assignment, reason=reason)
    assert err.value.code == "validation_error"
    assert list(err.value.fields) == ["reason"]
    assert state() == before


def test_assignment_end_twice_refused(coordinator, assignment):
    services.assignment_end(actor=coordinator, assignment=assignment, reason="Selesai")
    before = state()
    with pytest.raises(DomainError) as err:
        services.assignment_end(actor=coordinator, assignment=assignment, reason="Lagi")
    assert err.value.code == "already_ended"
    assert state() == before


def test_assignment_end_refused_to_mentor_and_other_coordinator(
    mentor, other_coordinator, assignment
):
    before = state()
    for actor in (mentor.user, other_coordinator):
        with pytest.raises(PermissionDenied):
            services.assignment_end(actor=actor, assignment=assignment, reason="Tidak boleh")
    assert state() == before


def test_next_action_complete_once_and_audited(mentor, action):
    done = services.next_action_complete(actor=mentor.user, action=action)
    assert done.done_at is not None
    first = done.done_at
    again = services.next_action_complete(actor=mentor.user, action=action)
    assert again.done_at == first
    events = AuditEvent.objects.filter(object_type="mentoring.nextaction")
    assert list(events.values_list("changes", flat=True)) == [{"done": True}]


def test_next_action_complete_refused_to_others(other_coordinator, member_user, action):
    before = state()
    for actor in (other_coordinator, member_user):
        with pytest.raises(PermissionDenied):
            services.next_action_complete(actor=actor, action=action)
    assert state() == before


# --- End an assignment on the member's page ------------------------------------------------


def test_member_page_offers_end_form_to_manager_only(coordinator, mentor, member, assignment):
    url = reverse("mentoring:member", args=[member.pk])
    page = client_for(coordinator).get(url).content.decode()
    assert reverse("mentoring:assignment_end", args=[member.pk]) in page
    assert "Akhiri pendampingan" in page
    page = client_for(mentor.user).get(url).content.decode()
    assert reverse("mentoring:assignment_end", args=[member.pk]) not in page


@pytest.mark.any_day
def test_coordinator_ends_assignment(coordinator, member, assignment):
    client = client_for(coordinator)
    response = client.post(
        reverse("mentoring:assignment_end", args=[member.pk]), {"reason": "Usaha tutup"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mentoring:member", args=[member.pk])
    assignment.refresh_from_db()
    assert assignment.ended_on == timezone.localdate()
    page = client.get(response["Location"]).content.decode()
    assert "Pendampingan diakhiri." in page
    assert "Belum ada pendamping." in page
    assert AuditEvent.objects.filter(object_type="mentoring.assignment").latest("id").reason == (
        "Usaha tutup"
    )


def test_end_without_reason_shows_message_and_changes_nothing(coordinator, member, assignment):
    before = state()
    response = client_for(coordinator).post(
        reverse("mentoring:assignment_end", args=[member.pk]), {"reason": "  "}
    )
    assert response.status_code == 422
    assert "Alasan wajib diisi." in response.content.decode()
    assert state() == before


def test_end_without_open_assignment(coordinator, member):
    response = client_for(coordinator).post(
        reverse("mentoring:assignment_end", args=[member.pk]), {"reason": "Tidak ada"}, follow=True
    )
    assert response.redirect_chain == [(reverse("mentoring:member", args=[member.pk]), 302)]
    assert "Anggota ini tidak sedang didampingi." in response.content.decode()
    assert not AuditEvent.objects.filter(object_type="mentoring.assignment").exists()


def test_end_in_english(coordinator, member, assignment):
    client = client_for(coordinator)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("mentoring:assignment_end", args=[member.pk]),
        {"reason": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert "A reason is required." in response.content.decode()


@pytest.mark.parametrize("actor_name", ["other_coordinator", "partner_user"])
def test_end_404_outside_scope(request, member, assignment, actor_name):
    before = state()
    response = client_for(request.getfixturevalue(actor_name)).post(
        reverse("mentoring:assignment_end", args=[member.pk]), {"reason": "Coba"}
    )
    assert response.status_code == 404
    assert state() == before


def test_end_forbidden_to_mentor_and_member(mentor, member_user, member, assignment):
    before = state()
    for actor in (mentor.user, member_user):
        response = client_for(actor).post(
            reverse("mentoring:assignment_end", args=[member.pk]), {"reason": "Coba"}
        )
        assert response.status_code == 403
    assert state() == before


def test_end_anonymous_and_get(member, assignment, coordinator):
    url = reverse("mentoring:assignment_end", args=[member.pk])
    assert Client().post(url, {"reason": "x"}).status_code == 302
    assert client_for(coordinator).get(url).status_code == 405
    assert Assignment.objects.get().ended_on is None


# --- Tick a next action --------------------------------------------------------------------


def test_mentor_ticks_action_with_htmx(mentor, member, action):
    response = client_for(mentor.user).post(
        reverse("mentoring:next_action_done", args=[action.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert content.startswith('<section class="card" id="sessions"')
    assert "Langkah ditandai selesai." in content
    assert "✓ selesai" in content
    action.refresh_from_db()
    assert action.done_at is not None


def test_member_page_shows_tick_button(coordinator, member, action):
    page = client_for(coordinator).get(reverse("mentoring:member", args=[member.pk]))
    assert reverse("mentoring:next_action_done", args=[action.pk]) in page.content.decode()


def test_coordinator_ticks_without_htmx_back_to_member(coordinator, member, action):
    response = client_for(coordinator).post(reverse("mentoring:next_action_done", args=[action.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("mentoring:member", args=[member.pk])
    action.refresh_from_db()
    assert action.done_at is not None


@pytest.mark.any_day
def test_mentor_ticks_from_due_list(mentor, action):
    client = client_for(mentor.user)
    page = client.get(reverse("mentoring:my_mentees")).content.decode()
    assert reverse("mentoring:next_action_done", args=[action.pk]) in page
    response = client.post(
        reverse("mentoring:next_action_done", args=[action.pk]), {"next": "mentees"}
    )
    assert response["Location"] == reverse("mentoring:my_mentees")
    page = client.get(response["Location"]).content.decode()
    assert "Langkah ditandai selesai." in page
    assert "Foto produk untuk katalog" not in page  # no longer due


@pytest.mark.parametrize("actor_name", ["other_coordinator", "partner_user", "other_mentor"])
def test_tick_404_outside_scope(request, action, actor_name):
    actor = request.getfixturevalue(actor_name)
    actor = getattr(actor, "user", actor)
    before = state()
    response = client_for(actor).post(reverse("mentoring:next_action_done", args=[action.pk]))
    assert response.status_code == 404
    assert state() == before


def test_tick_missing_action_404(coordinator):
    response = client_for(coordinator).post(reverse("mentoring:next_action_done", args=[999999]))
    assert response.status_code == 404


def test_tick_forbidden_to_member_themself(member_user, action):
    before = state()
    response = client_for(member_user).post(reverse("mentoring:next_action_done", args=[action.pk]))
    assert response.status_code == 403
    assert state() == before


def test_former_mentor_cannot_tick(coordinator, mentor, assignment, action):
    services.assignment_end(actor=coordinator, assignment=assignment, reason="Selesai")
    before = state()
    response = client_for(mentor.user).post(reverse("mentoring:next_action_done", args=[action.pk]))
    assert response.status_code == 404
    assert state() == before

"""Organisers on the event page: register a member by number, revoke a certificate."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from penggerak.core.errors import DomainError, PermissionDenied
from penggerak.core.models import AuditEvent
from penggerak.registry.tests.factories import MemberFactory
from penggerak.training import services
from penggerak.training.cards import member_number
from penggerak.training.models import Certificate, Registration
from penggerak.training.tests.factories import EventFactory

pytestmark = pytest.mark.django_db

WIB = dt.timezone(dt.timedelta(hours=7))
DECEMBER_8 = dt.datetime(2026, 12, 8, 10, 0, tzinfo=WIB)


@pytest.fixture
def certificate(coordinator, community, course, member):
    event = EventFactory(
        community=community, course=course, starts_at=timezone.now() - dt.timedelta(hours=1)
    )
    services.attendance_record(actor=coordinator, event=event, member_id=member.pk)
    services.certificates_issue(actor=coordinator, event=event)
    return Certificate.objects.get()


def certificate_state():
    return (
        AuditEvent.objects.count(),
        list(Certificate.objects.values_list("pk", "revoked_at")),
    )


# --- Service -------------------------------------------------------------------------------


@pytest.mark.parametrize("actor_name", ["coordinator", "secretariat"])
def test_revoke_by_event_coordinator_or_secretariat(request, certificate, actor_name):
    actor = request.getfixturevalue(actor_name)
    revoked = services.certificate_revoke(
        actor=actor, certificate=certificate, reason="Nama salah cetak"
    )
    assert revoked.revoked_at is not None
    event = AuditEvent.objects.filter(object_type="training.certificate").get()
    assert (event.reason, event.changes, event.actor_id) == (
        "Nama salah cetak",
        {"revoked": True},
        actor.pk,
    )


def test_revoke_twice_audits_once(coordinator, certificate):
    first = services.certificate_revoke(actor=coordinator, certificate=certificate, reason="A")
    again = services.certificate_revoke(actor=coordinator, certificate=certificate, reason="B")
    assert again.revoked_at == first.revoked_at
    assert AuditEvent.objects.filter(object_type="training.certificate").count() == 1


@pytest.mark.parametrize("actor_name", ["other_coordinator", "partner_user", "member_user"])
def test_revoke_refused_outside_scope(request, certificate, actor_name):
    before = certificate_state()
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(
            actor=request.getfixturevalue(actor_name), certificate=certificate, reason="Coba"
        )
    assert certificate_state() == before


def test_revoke_without_reason_refused(coordinator, certificate):
    before = certificate_state()
    with pytest.raises(DomainError) as err:
        services.certificate_revoke(actor=coordinator, certificate=certificate, reason="  ")
    assert err.value.fields == {"reason": ["Alasan pencabutan wajib diisi."]}
    assert certificate_state() == before


# --- Revoke page ---------------------------------------------------------------------------


def test_certificates_tab_lists_with_revoke_form(client, coordinator, certificate):
    client.force_login(coordinator)
    url = reverse("training:event_detail", args=[certificate.event_id]) + "?tab=certificates"
    html = client.get(url).content.decode()
    assert "Siti Aminah" in html
    assert reverse("training:certificate_verify", args=[certificate.code]) in html
    assert reverse("training:certificate_revoke", args=[certificate.code]) in html


@pytest.fixture
def december():
    """December: its Indonesian short month (Des) differs from the English one (Dec). The
    whole test, certificate and login included: a login older than the 12-hour session, or
    made after the revocation, would not be the page a coordinator sees."""
    with time_machine.travel(DECEMBER_8, tick=False):
        yield


def test_coordinator_revokes_and_public_page_says_so(december, client, coordinator, certificate):
    client.force_login(coordinator)
    response = client.post(
        reverse("training:certificate_revoke", args=[certificate.code]),
        {"reason": "Tidak hadir penuh"},
        follow=True,
    )
    back = reverse("training:event_detail", args=[certificate.event_id]) + "?tab=certificates"
    assert response.redirect_chain == [(back, 302)]
    html = response.content.decode()
    assert "Sertifikat Siti Aminah dicabut." in html
    assert reverse("training:certificate_revoke", args=[certificate.code]) not in html
    certificate.refresh_from_db()
    assert certificate.revoked_at == DECEMBER_8
    assert AuditEvent.objects.get(object_type="training.certificate").reason == "Tidak hadir penuh"
    client.logout()
    public = client.get(reverse("training:certificate_verify", args=[certificate.code]))
    assert "Sertifikat ini telah dicabut pada 8 Des 2026." in public.content.decode()
    assert "Sertifikat ini sah." not in public.content.decode()


def test_revoke_without_reason_shows_message(client, coordinator, certificate):
    client.force_login(coordinator)
    before = certificate_state()
    response = client.post(
        reverse("training:certificate_revoke", args=[certificate.code]), {"reason": ""}, follow=True
    )
    assert "Alasan pencabutan wajib diisi." in response.content.decode()
    assert certificate_state() == before


def test_revoke_message_in_english(client, coordinator, certificate):
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("training:certificate_revoke", args=[certificate.code]), {"reason": ""}, follow=True
    )
    assert "A reason for revoking is required." in response.content.decode()


@pytest.mark.parametrize("actor_name", ["other_coordinator", "partner_user", "member_user"])
def test_revoke_404_outside_scope(request, client, certificate, actor_name):
    client.force_login(request.getfixturevalue(actor_name))
    before = certificate_state()
    response = client.post(
        reverse("training:certificate_revoke", args=[certificate.code]), {"reason": "Coba"}
    )
    assert response.status_code == 404
    assert certificate_state() == before


def test_revoke_unknown_code_404_and_anonymous_to_login(client, coordinator, certificate):
    url = reverse("training:certificate_revoke", args=[certificate.code])
    assert client.post(url, {"reason": "x"}).status_code == 302
    client.force_login(coordinator)
    assert client.get(url).status_code == 405
    missing = reverse("training:certificate_revoke", args=["bukan-kode"])
    assert client.post(missing, {"reason": "x"}).status_code == 404
    assert Certificate.objects.get().revoked_at is None


# --- Register a member by number -----------------------------------------------------------


def register(client, event, number):
    return client.post(
        reverse("training:event_register_member", args=[event.pk]), {"number": number}, follow=True
    )


def test_organiser_registers_member_then_waitlist(client, coordinator, event, member, community):
    client.force_login(coordinator)
    response = register(client, event, member_number(member.pk))
    assert "Siti Aminah terdaftar di pelatihan ini." in response.content.decode()
    other = MemberFactory(community=community, full_name="Dewi Lestari")
    register(client, event, member_number(other.pk))
    third = MemberFactory(community=community, full_name="Rudi Hartono")
    response = register(client, event, member_number(third.pk))
    assert "Pelatihan penuh; Rudi Hartono masuk daftar tunggu." in response.content.decode()
    assert list(Registration.objects.order_by("id").values_list("member__full_name", "status")) == [
        ("Siti Aminah", "registered"),
        ("Dewi Lestari", "registered"),
        ("Rudi Hartono", "waitlisted"),
    ]


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "Nomor anggota wajib diisi."),
        ("PGK-12", "Nomor anggota tidak valid."),
    ],
)
def test_register_bad_number(client, coordinator, event, number, message):
    client.force_login(coordinator)
    response = register(client, event, number)
    assert message in response.content.decode()
    assert not Registration.objects.exists()


def test_register_member_of_other_community_reads_as_not_found(
    client, coordinator, event, other_community
):
    stranger = MemberFactory(community=other_community, full_name="Orang Lain")
    client.force_login(coordinator)
    response = register(client, event, member_number(stranger.pk))
    assert "Anggota tidak ditemukan." in response.content.decode()
    assert "Orang Lain" not in response.content.decode()
    assert not Registration.objects.exists()


@pytest.mark.parametrize("actor_name", ["other_coordinator", "partner_user", "member_user"])
def test_register_member_404_outside_scope(request, client, event, member, actor_name):
    client.force_login(request.getfixturevalue(actor_name))
    response = client.post(
        reverse("training:event_register_member", args=[event.pk]),
        {"number": member_number(member.pk)},
    )
    assert response.status_code == 404
    assert not Registration.objects.exists()

"""Partner impact: exact figures from the trainings a partner ran, and who may see them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from penggerak.accounts.models import Role
from penggerak.insights import reports
from penggerak.insights.models import InsightSettings
from penggerak.permits.models import Permit
from penggerak.registry.tests.factories import (
    BusinessFactory,
    MemberFactory,
    PartnerFactory,
    UserFactory,
)
from penggerak.training.models import Attendance, Certificate
from penggerak.training.tests.factories import EventFactory

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
AS_OF = dt.date(2025, 6, 30)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 9, tzinfo=JAKARTA)


def _attend(event, member, day):
    return Attendance.objects.create(
        event=event, member=member, checked_in_at=_at(day), method="manual"
    )


def _certify(event, member, *, revoked=False):
    return Certificate.objects.create(
        event=event,
        member=member,
        code=f"C{event.pk}-{member.pk}",
        holder_name=member.full_name,
        course_title="Kursus",
        issued_at=event.starts_at,
        revoked_at=event.starts_at if revoked else None,
    )


def _permit(member, kind, status, issued_on):
    business = BusinessFactory(owner=member)
    return Permit.objects.create(business=business, kind=kind, status=status, issued_on=issued_on)


@pytest.fixture
def world(db, community):
    """Partner A ran two events (and one cancelled, one after the as-of date); partner B one."""
    InsightSettings.objects.update_or_create(pk=1, defaults={"as_of": AS_OF})
    bank_a = PartnerFactory(name="Bank A", slug="bank-a", kind="bank")
    bank_b = PartnerFactory(name="Bank B", slug="bank-b", kind="bank")
    first = EventFactory(
        community=community,
        partner=bank_a,
        starts_at=_at(dt.date(2025, 3, 1)),
        status="done",
        attendee_count=2,
    )
    second = EventFactory(
        community=community, partner=bank_a, starts_at=_at(dt.date(2025, 4, 1)), attendee_count=1
    )
    EventFactory(
        community=community, partner=bank_a, starts_at=_at(dt.date(2025, 5, 1)), status="cancelled"
    )
    EventFactory(community=community, partner=bank_a, starts_at=_at(dt.date(2025, 7, 1)))  # later
    other = EventFactory(
        community=community, partner=bank_b, starts_at=_at(dt.date(2025, 3, 2)), attendee_count=1
    )
    siti, budi, ani = (MemberFactory(community=community) for _ in range(3))
    _attend(first, siti, dt.date(2025, 3, 1))
    _attend(first, budi, dt.date(2025, 3, 1))
    _attend(second, siti, dt.date(2025, 4, 1))  # the same member twice: trained once
    _attend(other, ani, dt.date(2025, 3, 2))
    _certify(first, siti)
    _certify(first, budi, revoked=True)
    _certify(other, ani)
    # Siti: a NIB after her first training counts, a P-IRT before it does not, a planned one
    # does not; Budi: an expired halal certificate issued after training counts.
    _permit(siti, "nib", "issued", dt.date(2025, 3, 10))
    _permit(siti, "pirt", "issued", dt.date(2025, 2, 1))
    _permit(siti, "sni", "planned", None)
    _permit(budi, "halal", "expired", dt.date(2025, 3, 1))
    _permit(ani, "nib", "issued", dt.date(2025, 4, 1))  # Bank B's trainee
    return bank_a, bank_b


def test_figures_of_a_partner(world):
    bank_a, bank_b = world
    impact = reports.partner_impact(bank_a)
    assert (impact.events, impact.attendances, impact.members_trained) == (2, 3, 2)
    assert (impact.certificates, impact.permits) == (1, 2)
    # Sorted by permit code (halal, nib), labelled in Indonesian.
    assert impact.permits_by_kind == [("Sertifikat halal", 1), ("NIB (Nomor Induk Berusaha)", 1)]
    assert impact.loans_available is False
    other = reports.partner_impact(bank_b)
    assert (other.events, other.members_trained, other.certificates, other.permits) == (1, 1, 1, 1)
    assert reports.partner_list_figures([bank_a.pk, bank_b.pk]) == {
        bank_a.pk: {"events": 2, "attendances": 3},
        bank_b.pk: {"events": 1, "attendances": 1},
    }


def test_partner_without_events_shows_zeros(world, client, secretariat):
    quiet = PartnerFactory(name="Yayasan Sepi", slug="yayasan-sepi")
    impact = reports.partner_impact(quiet)
    assert (impact.events, impact.members_trained, impact.certificates, impact.permits) == (
        0,
        0,
        0,
        0,
    )
    client.force_login(secretariat)
    page = client.get(f"/dasbor/mitra/{quiet.pk}/").content.decode()
    assert "Belum ada data pinjaman" in page


def test_secretariat_sees_every_partner(world, client, secretariat):
    bank_a, _bank_b = world
    client.force_login(secretariat)
    listing = client.get("/dasbor/mitra/")
    assert listing.status_code == 200
    assert [p.name for p, _f in listing.context["rows"]] == ["Bank A", "Bank B"]
    detail = client.get(f"/dasbor/mitra/{bank_a.pk}/")
    assert detail.status_code == 200
    assert detail.context["impact"].members_trained == 2
    assert "Apa yang dihitung" in detail.content.decode()


def test_partner_staff_see_only_their_partner(world, client):
    bank_a, bank_b = world
    staff = UserFactory(username="staf-a", role=Role.PARTNER)
    bank_a.staff.add(staff)
    client.force_login(staff)
    listing = client.get("/dasbor/mitra/")
    assert [p.name for p, _f in listing.context["rows"]] == ["Bank A"]
    assert client.get(f"/dasbor/mitra/{bank_a.pk}/").status_code == 200
    assert client.get(f"/dasbor/mitra/{bank_b.pk}/").status_code == 404
    assert client.get("/dasbor/mitra/999999/").status_code == 404


def test_others_get_404(world, client, coordinator, member_user):
    bank_a, _bank_b = world
    assert client.get("/dasbor/mitra/").status_code == 302  # anonymous: to the login page
    unattached = UserFactory(username="staf-tanpa-mitra", role=Role.PARTNER)
    for user in (coordinator, member_user, unattached):
        client.force_login(user)
        assert client.get("/dasbor/mitra/").status_code == 404
        assert client.get(f"/dasbor/mitra/{bank_a.pk}/").status_code == 404


def test_detail_query_count_is_flat(world, client, secretariat, django_assert_max_num_queries):
    bank_a, _bank_b = world
    client.force_login(secretariat)
    with django_assert_max_num_queries(12):
        client.get(f"/dasbor/mitra/{bank_a.pk}/")

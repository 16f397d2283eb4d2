import datetime as dt

import pytest
from django.utils import timezone

from penggerak.core.errors import DomainError, NotFound, PermissionDenied
from penggerak.registry.models import MemberStep
from penggerak.registry.tests.factories import MemberFactory
from penggerak.training import services
from penggerak.training.cards import card_payload, member_number
from penggerak.training.models import Attendance, Certificate, Event, Registration
from penggerak.training.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def _reload(event):
    return Event.objects.get(pk=event.pk)


# --- Events ---------------------------------------------------------------------------


def test_event_create_by_coordinator(coordinator, community, course):
    start = timezone.now() + dt.timedelta(days=3)
    event = services.event_create(
        actor=coordinator,
        course=course,
        community=community,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=30,
        place="Aula Kelurahan",
    )
    assert (event.capacity, event.status, event.seats_taken) == (30, "scheduled", 0)


def test_event_create_refused_for_other_coordinator(other_coordinator, community, course):
    start = timezone.now()
    with pytest.raises(PermissionDenied):
        services.event_create(
            actor=other_coordinator,
            course=course,
            community=community,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            capacity=3,
            place="X",
        )
    assert Event.objects.count() == 0


def test_event_create_validates_every_field(coordinator, community, course):
    start = timezone.now()
    with pytest.raises(DomainError) as err:
        services.event_create(
            actor=coordinator,
            course=course,
            community=community,
            starts_at=start,
            ends_at=start - dt.timedelta(hours=1),
            capacity=0,
            online_link="ftp://x",
        )
    assert set(err.value.fields) == {"ends_at", "capacity", "online_link"}
    assert Event.objects.count() == 0


def test_event_update_never_below_seats(coordinator, event, member):
    services.registration_create(actor=coordinator, event=event, member=member)
    with pytest.raises(DomainError) as err:
        services.event_update(actor=coordinator, event=event, capacity=0)
    assert "capacity" in err.value.fields
    updated = services.event_update(actor=coordinator, event=event, capacity=5, place="Aula")
    assert (updated.capacity, updated.place) == (5, "Aula")


def test_event_cancel_needs_reason_and_is_idempotent(coordinator, event):
    with pytest.raises(DomainError):
        services.event_cancel(actor=coordinator, event=event, reason=" ")
    assert _reload(event).status == "scheduled"
    services.event_cancel(actor=coordinator, event=event, reason="Hujan deras")
    services.event_cancel(actor=coordinator, event=event, reason="lagi")
    assert _reload(event).status == "cancelled"


# --- Registration and waiting list ----------------------------------------------------


def test_full_event_waitlists_and_cancellation_promotes(coordinator, event, community):
    a, b, c = (MemberFactory(community=community) for _ in range(3))
    ra = services.registration_create(actor=coordinator, event=event, member=a)
    rb = services.registration_create(actor=coordinator, event=event, member=b)
    rc = services.registration_create(actor=coordinator, event=event, member=c)
    assert [ra.status, rb.status, rc.status] == ["registered", "registered", "waitlisted"]
    assert _reload(event).seats_taken == 2
    services.registration_cancel(actor=coordinator, registration=ra)
    assert Registration.objects.get(pk=rc.pk).status == "registered"
    assert Registration.objects.get(pk=ra.pk).status == "cancelled"
    assert _reload(event).seats_taken == 2


def test_registering_twice_returns_the_same(coordinator, event, member):
    first = services.registration_create(actor=coordinator, event=event, member=member)
    again = services.registration_create(actor=coordinator, event=event, member=member)
    assert first.pk == again.pk
    assert _reload(event).seats_taken == 1


def test_member_registers_self_not_others(member_user, member, event, community):
    own = services.registration_create(actor=member_user, event=event, member=member)
    assert own.status == "registered"
    other = MemberFactory(community=community)
    with pytest.raises(NotFound):
        services.registration_create(actor=member_user, event=event, member=other)
    assert Registration.objects.filter(member=other).count() == 0


def test_closed_event_refuses_other_community(other_coordinator, other_community, event):
    outsider = MemberFactory(community=other_community)
    with pytest.raises(DomainError) as err:
        services.registration_create(actor=other_coordinator, event=event, member=outsider)
    assert err.value.code == "other_community"
    event.is_open = True
    event.save()
    assert (
        services.registration_create(actor=other_coordinator, event=event, member=outsider).status
        == "registered"
    )


def test_ended_event_refuses_registration(coordinator, member, community, course):
    past = EventFactory(
        community=community, course=course, starts_at=timezone.now() - dt.timedelta(days=3)
    )
    with pytest.raises(DomainError) as err:
        services.registration_create(actor=coordinator, event=past, member=member)
    assert err.value.code == "event_closed"


# --- Attendance -----------------------------------------------------------------------


def test_check_in_registered_member_completes_training_step(coordinator, event, member):
    services.registration_create(actor=coordinator, event=event, member=member)
    result = services.attendance_record(actor=coordinator, event=event, member_id=member.pk)
    assert result.created and not result.walk_in
    step = MemberStep.objects.get(member=member, step=2)
    assert step.status == "done"
    assert step.evidence == {
        "kind": "attendance",
        "id": str(result.attendance.pk),
        "label": event.course.title,
    }
    event = _reload(event)
    assert (event.seats_taken, event.attendee_count) == (1, 1)
    member.refresh_from_db()
    assert member.furthest_step == 2


def test_repeated_check_in_records_nothing_new(coordinator, event, member):
    first = services.attendance_record(
        actor=coordinator, event=event, number=member_number(member.pk)
    )
    again = services.attendance_record(actor=coordinator, event=event, card=card_payload(member.pk))
    assert first.created and not again.created
    assert again.attendance.pk == first.attendance.pk
    assert Attendance.objects.count() == 1
    assert _reload(event).attendee_count == 1


def test_walk_in_when_room_refused_when_full(coordinator, event, community):
    a, b, c = (MemberFactory(community=community) for _ in range(3))
    services.registration_create(actor=coordinator, event=event, member=a)
    walk = services.attendance_record(actor=coordinator, event=event, member_id=b.pk)
    assert walk.created and walk.walk_in
    assert walk.attendance.method == "manual"
    with pytest.raises(DomainError) as err:
        services.attendance_record(actor=coordinator, event=event, member_id=c.pk)
    assert err.value.code == "event_full"
    assert not Attendance.objects.filter(member=c).exists()
    assert not MemberStep.objects.filter(member=c, step=2).exists()
    # the registered member still gets in
    assert services.attendance_record(actor=coordinator, event=event, member_id=a.pk).created


def test_past_event_allows_check_in(coordinator, community, course, member):
    past = EventFactory(
        community=community, course=course, starts_at=timezone.now() - dt.timedelta(days=40)
    )
    assert services.attendance_record(actor=coordinator, event=past, member_id=member.pk).created


def test_cancelled_event_refuses_check_in(coordinator, event, member):
    services.event_cancel(actor=coordinator, event=event, reason="Banjir")
    with pytest.raises(DomainError) as err:
        services.attendance_record(actor=coordinator, event=event, member_id=member.pk)
    assert err.value.code == "event_cancelled"
    assert Attendance.objects.count() == 0


def test_other_community_member_refused_unless_open(coordinator, event, other_community):
    outsider = MemberFactory(community=other_community)
    with pytest.raises(DomainError) as err:
        services.attendance_record(actor=coordinator, event=event, card=card_payload(outsider.pk))
    assert err.value.code == "other_community"
    assert Attendance.objects.count() == 0
    event.is_open = True
    event.save()
    result = services.attendance_record(
        actor=coordinator, event=event, card=card_payload(outsider.pk)
    )
    assert result.created and result.walk_in and result.attendance.method == "card"
    assert MemberStep.objects.get(member=outsider, step=2).status == "done"


def test_forged_card_refused(coordinator, event, member):
    payload = card_payload(member.pk)
    forged = payload.replace(f"PGK1:{member.pk}", f"PGK1:{member.pk + 1}")
    with pytest.raises(DomainError) as err:
        services.attendance_record(actor=coordinator, event=event, card=forged)
    assert err.value.code == "card_invalid"
    assert Attendance.objects.count() == 0


def test_mistyped_number_refused(coordinator, event, member):
    number = member_number(member.pk)
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(DomainError) as err:
        services.attendance_record(actor=coordinator, event=event, number=wrong)
    assert err.value.code == "number_invalid"


def test_wrong_coordinator_cannot_check_in(other_coordinator, event, member):
    with pytest.raises(PermissionDenied):
        services.attendance_record(actor=other_coordinator, event=event, member_id=member.pk)
    assert Attendance.objects.count() == 0


def test_waitlisted_member_checked_in_takes_the_free_seat(coordinator, community, course):
    event = EventFactory(community=community, course=course, capacity=1)
    a, b = MemberFactory(community=community), MemberFactory(community=community)
    services.registration_create(actor=coordinator, event=event, member=a)
    rb = services.registration_create(actor=coordinator, event=event, member=b)
    assert rb.status == "waitlisted"
    with pytest.raises(DomainError):
        services.attendance_record(actor=coordinator, event=event, member_id=b.pk)
    services.registration_cancel(actor=coordinator, registration=Registration.objects.get(member=a))
    assert services.attendance_record(actor=coordinator, event=event, member_id=b.pk).created


# --- Certificates ---------------------------------------------------------------------


def test_certificates_issue_is_idempotent(coordinator, community, course):
    event = EventFactory(
        community=community, course=course, starts_at=timezone.now() - dt.timedelta(hours=1)
    )
    a, b = MemberFactory(community=community), MemberFactory(community=community)
    services.attendance_record(actor=coordinator, event=event, member_id=a.pk)
    assert services.certificates_issue(actor=coordinator, event=event) == 1
    assert services.certificates_issue(actor=coordinator, event=event) == 0
    services.attendance_record(actor=coordinator, event=event, member_id=b.pk)
    assert services.certificates_issue(actor=coordinator, event=event) == 1
    codes = list(Certificate.objects.values_list("code", flat=True))
    assert len(set(codes)) == 2 and all(len(c) >= 20 for c in codes)


def test_certificates_not_before_start(coordinator, event):
    with pytest.raises(DomainError) as err:
        services.certificates_issue(actor=coordinator, event=event)
    assert err.value.code == "event_not_started"


def test_course_create_secretariat_only(secretariat, coordinator):
    with pytest.raises(PermissionDenied):
        services.course_create(actor=coordinator, title="X")
    course = services.course_create(
        actor=secretariat, title="Pemasaran Digital", modules=["Foto produk", "", "Media sosial"]
    )
    assert [m.title for m in course.modules.all()] == ["Foto produk", "Media sosial"]


def test_outsider_at_open_event_needs_card_or_registration(coordinator, event, other_community):
    event.is_open = True
    event.save()
    outsider = MemberFactory(community=other_community)
    for kwargs in ({"member_id": outsider.pk}, {"number": member_number(outsider.pk)}):
        with pytest.raises(DomainError) as err:
            services.attendance_record(actor=coordinator, event=event, **kwargs)
        assert err.value.code == "card_required"
        assert outsider.full_name not in str(err.value.message)
    assert Attendance.objects.count() == 0
    Registration.objects.create(event=event, member=outsider, status="registered")
    assert services.attendance_record(actor=coordinator, event=event, member_id=outsider.pk).created

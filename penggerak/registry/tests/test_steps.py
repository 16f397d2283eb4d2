"""The seven steps: rules, marks, counters kept in the same transaction, journey and funnel."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from penggerak.core.errors import DomainError, NotFound, PermissionDenied
from penggerak.core.identity import compose_nik
from penggerak.core.models import AuditEvent
from penggerak.registry import selectors, services, steps
from penggerak.registry.models import (
    Community,
    Member,
    MemberStep,
    StepCount,
    StepGapCount,
    StepRule,
)
from penggerak.registry.tests.factories import BANDUNG_DISTRICT, MemberFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
UTC = dt.UTC


def nik(serial: int) -> str:
    return compose_nik(BANDUNG_DISTRICT, dt.date(1990, 1, 2), "P", serial)


def register(actor, community, serial=1, *, consent=True, phone=None):
    return services.member_register(
        actor=actor,
        community=community,
        full_name=f"Anggota Tahap {serial}",
        nik=nik(serial),
        phone=f"08123456{serial:04d}" if phone is None else phone,
        consent=consent,
    )


def rows(member):
    return dict(MemberStep.objects.filter(member=member).values_list("step", "status"))


def counts():
    return {
        (c, s): n
        for c, s, n in StepCount.objects.filter(members__gt=0).values_list(
            "community__slug", "step", "members"
        )
    }


def gaps():
    return {
        (c, s, d): n
        for c, s, d, n in StepGapCount.objects.filter(members__gt=0).values_list(
            "community__slug", "step", "days", "members"
        )
    }


@pytest.fixture
def at(monkeypatch):
    """Set the clock the services read: ``at(2020, 3, 1)``."""

    def set_clock(*args):
        moment = dt.datetime(*args, 9, 0, tzinfo=UTC)
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
        return moment

    return set_clock


# --- Definitions ----------------------------------------------------------------------------


def test_seven_steps_and_seeded_rules():
    assert [(s.number, s.code, str(s.name)) for s in steps.STEPS] == [
        (1, "registration", "Pendaftaran"),
        (2, "training", "Pelatihan"),
        (3, "mentoring", "Pendampingan"),
        (4, "licensing", "Perizinan"),
        (5, "marketing", "Pemasaran"),
        (6, "bookkeeping", "Pelaporan keuangan"),
        (7, "financing", "Permodalan"),
    ]
    assert dict(StepRule.objects.values_list("step", "parameters")) == {
        1: {},
        2: {"min_attendances": 1},
        3: {"min_sessions": 1},
        4: {"kinds": ["nib"]},
        5: {"min_items": 1},
        6: {"months": 3},
        7: {"min_approved": 1},
    }
    assert StepRule.objects.filter(enabled=True).count() == 7


def test_gap_buckets_and_median():
    assert [steps.gap_bucket(d) for d in (-5, 0, 1, 14, 15, 20, 21, 29, 30, 59, 60, 400)] == [
        0, 0, 1, 14, 14, 14, 21, 28, 30, 30, 60, 360,
    ]  # fmt: skip
    assert steps.gap_bucket(10_000) == 3650
    assert steps.median_from_histogram({}) is None
    assert steps.median_from_histogram({3: 1}) == 3
    assert steps.median_from_histogram({1: 2, 5: 1, 30: 2}) == 5
    assert steps.median_from_histogram({1: 2, 30: 2}) == 1
    later = dt.datetime(2020, 1, 4, 8, 0, 0, 900_000, tzinfo=UTC)
    assert steps.gap_days(later, dt.datetime(2020, 1, 1, 8, 0, 0, 100_000, tzinfo=UTC)) == 3
    assert steps.gap_days(later, dt.datetime(2020, 1, 1, 8, 0, 1, tzinfo=UTC)) == 2


def test_rule_parameters():
    met = services.step_rule_met
    assert met(parameters={"min_attendances": 2}, keys=["attendance:1"]) is False
    assert met(parameters={"min_attendances": 2}, keys=["attendance:1", "attendance:2"])
    assert met(parameters={"kinds": ["nib"]}, keys=["pirt:9"]) is False
    assert met(parameters={"kinds": ["nib"]}, keys=["pirt:9", "nib:1"])
    months = ["bookkeeping_month:2020-11", "bookkeeping_month:2020-12"]
    assert met(parameters={"months": 3}, keys=months) is False
    assert met(parameters={"months": 3}, keys=[*months, "bookkeeping_month:2021-02"]) is False
    assert met(parameters={"months": 3}, keys=[*months, "bookkeeping_month:2021-01"])


# --- Registration ---------------------------------------------------------------------------


def test_register_complete_record_completes_step_one(coordinator, community, at):
    moment = at(2020, 3, 1)
    member = register(coordinator, community)
    row = MemberStep.objects.get(member=member)
    assert (row.step, row.status, row.source, row.completed_at) == (1, "done", "rule", moment)
    assert row.evidence == {"kind": "registration", "id": str(member.pk), "label": "Data lengkap"}
    assert Member.objects.get(pk=member.pk).furthest_step == 1
    assert counts() == {("bandung-juara", 1): 1}


def test_register_without_consent_or_phone_starts_nothing(coordinator, community):
    no_consent = register(coordinator, community, 1, consent=False)
    no_phone = register(coordinator, community, 2, phone="")
    services.member_update(actor=coordinator, member=no_phone, phone="")
    assert rows(no_consent) == {} and rows(no_phone) == {}
    assert Member.objects.filter(furthest_step=0).count() == 2
    assert counts() == {}


def test_update_that_completes_the_record_completes_step_one(coordinator, community):
    member = services.member_register(
        actor=coordinator, community=community, full_name="Tanpa HP", nik=nik(3), consent=True
    )
    assert rows(member) == {}
    services.member_update(actor=coordinator, member=member, phone="081299990000")
    assert rows(member) == {1: "done"}
    assert Member.objects.get(pk=member.pk).furthest_step == 1
    assert counts() == {("bandung-juara", 1): 1}
    # Another change does not complete it twice.
    services.member_update(actor=coordinator, member=member, address="Jl. Baru")
    assert counts() == {("bandung-juara", 1): 1}


# --- Evidence -------------------------------------------------------------------------------


def test_evidence_completes_training_by_rule(coordinator, community, at):
    at(2020, 3, 1)
    member = register(coordinator, community)
    moment = at(2020, 3, 4)
    row = services.member_step_record_evidence(
        actor=None,
        member=member,
        step="training",
        evidence={"kind": "attendance", "id": "17", "label": "Pelatihan Dasar"},
    )
    assert (row.status, row.source, row.completed_at, row.completed_by) == (
        "done",
        "rule",
        moment,
        None,
    )
    assert row.evidence == {"kind": "attendance", "id": "17", "label": "Pelatihan Dasar"}
    assert member.furthest_step == 2 == Member.objects.get(pk=member.pk).furthest_step
    assert counts() == {("bandung-juara", 1): 1, ("bandung-juara", 2): 1}
    assert gaps() == {("bandung-juara", 2, 3): 1}
    event = AuditEvent.objects.filter(action="status").get()
    assert event.changes["status"] == ["not_started", "done"]
    # A second attendance changes nothing that counts.
    services.member_step_record_evidence(
        actor=None, member=member, step=2, evidence={"kind": "attendance", "id": "18"}
    )
    assert counts() == {("bandung-juara", 1): 1, ("bandung-juara", 2): 1}
    assert AuditEvent.objects.filter(action="status").count() == 1
    assert MemberStep.objects.get(member=member, step=2).completed_at == moment


def test_evidence_below_threshold_is_in_progress(coordinator, community):
    member = register(coordinator, community)
    for month in ("2020-01", "2020-02"):
        row = services.member_step_record_evidence(
            actor=coordinator,
            member=member,
            step="bookkeeping",
            evidence={"kind": "bookkeeping_month", "id": month},
        )
    assert (row.status, row.completed_at) == ("in_progress", None)
    assert row.evidence_keys == ["bookkeeping_month:2020-01", "bookkeeping_month:2020-02"]
    assert counts() == {("bandung-juara", 1): 1}
    row = services.member_step_record_evidence(
        actor=coordinator,
        member=member,
        step="bookkeeping",
        evidence={"kind": "bookkeeping_month", "id": "2020-03"},
    )
    assert row.status == "done"
    assert Member.objects.get(pk=member.pk).furthest_step == 6
    assert counts() == {("bandung-juara", 1): 1, ("bandung-juara", 6): 1}
    assert gaps() == {}  # step 5 is not done: no gap for step 6


def test_disabled_rule_records_evidence_but_never_completes(coordinator, community):
    StepRule.objects.filter(step=2).update(enabled=False)
    member = register(coordinator, community)
    row = services.member_step_record_evidence(
        actor=None, member=member, step="training", evidence={"kind": "attendance", "id": "1"}
    )
    assert row.status == "in_progress"
    assert counts() == {("bandung-juara", 1): 1}


def test_evidence_needs_a_kind_and_a_known_step(coordinator, community):
    member = register(coordinator, community)
    before = (rows(member), counts(), AuditEvent.objects.count())
    with pytest.raises(DomainError) as err:
        services.member_step_record_evidence(actor=None, member=member, step=2, evidence={})
    assert err.value.code == "validation_error"
    with pytest.raises(DomainError) as err:
        services.member_step_record_evidence(
            actor=None, member=member, step="flying", evidence={"kind": "x"}
        )
    assert err.value.code == "unknown_step"
    assert (rows(member), counts(), AuditEvent.objects.count()) == before


def test_evidence_from_the_wrong_coordinator_is_refused(coordinator, other_coordinator, community):
    member = register(coordinator, community)
    before = (rows(member), counts(), AuditEvent.objects.count())
    with pytest.raises(PermissionDenied):
        services.member_step_record_evidence(
            actor=other_coordinator, member=member, step=2, evidence={"kind": "attendance"}
        )
    assert (rows(member), counts(), AuditEvent.objects.count()) == before


# --- Marking by hand ------------------------------------------------------------------------


def test_mark_done_out_of_order_then_fill_in(coordinator, community, at):
    at(2020, 1, 1)
    member = register(coordinator, community)
    moment = at(2020, 2, 10)
    row = services.member_step_mark(
        actor=coordinator, member=member, step="licensing", status="done", note="NIB dari OSS"
    )
    assert (row.status, row.source, row.completed_by, row.note) == (
        "done",
        "coordinator",
        coordinator,
        "NIB dari OSS",
    )
    assert row.completed_at == moment
    assert Member.objects.get(pk=member.pk).furthest_step == 4
    at(2020, 3, 1)  # the earlier step completed after the later one
    services.member_step_mark(
        actor=coordinator, member=member, step="mentoring", status="done", note="Sesi 1"
    )
    assert Member.objects.get(pk=member.pk).furthest_step == 4
    assert counts() == {("bandung-juara", s): 1 for s in (1, 3, 4)}
    # Step 4 was done before step 3: a negative gap counts in bucket 0.
    assert gaps() == {("bandung-juara", 4, 0): 1}
    event = AuditEvent.objects.filter(action="status").latest("id")
    assert (event.reason, event.changes) == (
        "Sesi 1",
        {"step": "mentoring", "status": ["not_started", "done"]},
    )


def test_mark_is_idempotent(coordinator, community):
    member = register(coordinator, community)
    services.member_step_mark(
        actor=coordinator, member=member, step="training", status="done", note="Hadir"
    )
    before = (
        list(MemberStep.objects.filter(member=member).values()),
        counts(),
        AuditEvent.objects.count(),
    )
    services.member_step_mark(
        actor=coordinator, member=member, step="training", status="done", note="Lagi"
    )
    after = (
        list(MemberStep.objects.filter(member=member).values()),
        counts(),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_mark_back_to_not_started_removes_the_row_and_the_counts(coordinator, community):
    member = register(coordinator, community)
    for code in ("training", "mentoring"):
        services.member_step_mark(actor=coordinator, member=member, step=code, status="done",
                                  note="ok")  # fmt: skip
    assert Member.objects.get(pk=member.pk).furthest_step == 3
    services.member_step_mark(
        actor=coordinator, member=member, step="mentoring", status="not_started", note="Salah"
    )
    assert rows(member) == {1: "done", 2: "done"}
    assert Member.objects.get(pk=member.pk).furthest_step == 2
    assert counts() == {("bandung-juara", 1): 1, ("bandung-juara", 2): 1}
    services.member_step_mark(
        actor=coordinator, member=member, step="training", status="in_progress", note="Ulang"
    )
    assert rows(member) == {1: "done", 2: "in_progress"}
    assert MemberStep.objects.get(member=member, step=2).completed_at is None
    assert Member.objects.get(pk=member.pk).furthest_step == 1
    assert counts() == {("bandung-juara", 1): 1}
    assert gaps() == {}


@pytest.mark.parametrize(
    ("status", "note", "field"),
    [("done", "", "note"), ("done", "   ", "note"), ("finished", "ok", "status")],
)
def test_mark_needs_a_note_and_a_known_status(coordinator, community, status, note, field):
    member = register(coordinator, community)
    before = (rows(member), counts(), AuditEvent.objects.count())
    with pytest.raises(DomainError) as err:
        services.member_step_mark(
            actor=coordinator, member=member, step="training", status=status, note=note
        )
    assert list(err.value.fields) == [field]
    assert (rows(member), counts(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("intruder", ["other_coordinator", "partner_user", "member_user"])
def test_mark_by_others_is_refused_and_changes_nothing(request, coordinator, community, intruder):
    member = register(coordinator, community)
    actor = request.getfixturevalue(intruder)
    before = (rows(member), counts(), AuditEvent.objects.count(), member.furthest_step)
    with pytest.raises(PermissionDenied):
        services.member_step_mark(
            actor=actor, member=member, step="training", status="done", note="curang"
        )
    member.refresh_from_db()
    assert (rows(member), counts(), AuditEvent.objects.count(), member.furthest_step) == before


# --- Transfer and the consistency proof -----------------------------------------------------


def test_transfer_moves_the_counters(secretariat, community, other_community, at):
    at(2020, 1, 1)
    member = register(secretariat, community)
    at(2020, 1, 9)
    services.member_step_mark(actor=secretariat, member=member, step=2, status="done", note="x")
    services.member_transfer(
        actor=secretariat, member=member, to_community=other_community, reason="Pindah kota"
    )
    assert counts() == {("surabaya-maju", 1): 1, ("surabaya-maju", 2): 1}
    assert gaps() == {("surabaya-maju", 2, 8): 1}


def test_incremental_counters_equal_a_rebuild(
    coordinator, secretariat, community, other_community, at
):
    at(2019, 11, 1)
    first = register(coordinator, community, 1)
    second = register(coordinator, community, 2)
    incomplete = services.member_register(
        actor=coordinator, community=community, full_name="Belum", nik=nik(5), consent=True
    )
    at(2019, 11, 20)
    services.member_step_record_evidence(
        actor=None, member=first, step="training", evidence={"kind": "attendance", "id": "1"}
    )
    services.member_step_record_evidence(
        actor=None, member=second, step="training", evidence={"kind": "attendance", "id": "1"}
    )
    at(2020, 2, 1)
    services.member_step_mark(actor=coordinator, member=first, step=3, status="done", note="a")
    services.member_step_record_evidence(
        actor=coordinator, member=first, step="licensing", evidence={"kind": "nib", "id": "8"}
    )
    services.member_step_mark(actor=coordinator, member=second, step=4, status="done", note="b")
    at(2020, 5, 5)
    services.member_update(actor=coordinator, member=incomplete, phone="081277770000")
    services.member_step_mark(
        actor=coordinator, member=second, step=2, status="in_progress", note="c"
    )
    services.member_transfer(
        actor=secretariat, member=first, to_community=other_community, reason="pindah"
    )
    services.member_step_mark(actor=secretariat, member=first, step=5, status="done", note="d")
    expected = steps.counters_expected()
    assert steps.counters_diff(expected, steps.counters_current()) == {}
    assert counts() == {
        ("bandung-juara", 1): 2,
        ("bandung-juara", 4): 1,
        ("surabaya-maju", 1): 1,
        ("surabaya-maju", 2): 1,
        ("surabaya-maju", 3): 1,
        ("surabaya-maju", 4): 1,
        ("surabaya-maju", 5): 1,
    }
    assert gaps() == {
        ("surabaya-maju", 2, 14): 1,  # 19 days
        ("surabaya-maju", 3, 60): 1,  # 73 days
        ("surabaya-maju", 4, 0): 1,
        ("surabaya-maju", 5, 90): 1,  # 94 days
    }


def test_rebuild_funnel_command_reports_and_repairs(coordinator, community, capsys):
    member = register(coordinator, community)
    services.member_step_mark(actor=coordinator, member=member, step=2, status="done", note="x")
    call_command("rebuild_funnel", "--check")
    assert "0 selisih/differences" in capsys.readouterr().out
    StepCount.objects.filter(step=2).update(members=5)
    StepGapCount.objects.all().delete()
    with pytest.raises(CommandError):
        call_command("rebuild_funnel", "--check")
    assert StepCount.objects.get(step=2).members == 5
    capsys.readouterr()
    call_command("rebuild_funnel")
    out = capsys.readouterr().out
    assert f"count:{community.pk}:2: 5 -> 1" in out
    assert f"gap:{community.pk}:2:0: 0 -> 1" in out
    assert "2 selisih/differences" in out
    assert steps.counters_diff(steps.counters_expected(), steps.counters_current()) == {}


# --- Journey and funnel selectors ------------------------------------------------------------


def test_journey_lists_seven_steps_in_order(coordinator, community, at):
    at(2020, 1, 1)
    member = register(coordinator, community)
    evidence = {"kind": "nib", "id": "9", "label": "NIB 9"}
    services.member_step_mark(
        actor=coordinator, member=member, step=4, status="done", note="NIB", evidence=evidence
    )
    journey = selectors.member_journey(actor=coordinator, member_id=member.pk)
    assert [(s["code"], s["status"]) for s in journey] == [
        ("registration", "done"),
        ("training", "not_started"),
        ("mentoring", "not_started"),
        ("licensing", "done"),
        ("marketing", "not_started"),
        ("bookkeeping", "not_started"),
        ("financing", "not_started"),
    ]
    assert journey[3]["evidence"] == {"kind": "nib", "id": "9", "label": "NIB 9"}
    assert journey[3]["completed_at"] == dt.datetime(2020, 1, 1, 9, tzinfo=UTC)
    assert journey[1]["evidence"] is None and journey[1]["completed_at"] is None


def test_journey_of_someone_else_is_not_found(other_coordinator, coordinator, community):
    member = register(coordinator, community)
    with pytest.raises(NotFound):
        selectors.member_journey(actor=other_coordinator, member_id=member.pk)


@pytest.fixture
def funnel_data(community, other_community):
    """Counters as a busy movement would have them (Bandung 32.73, Surabaya 35.78)."""
    third = Community.objects.create(name="Kota Bandung 2", slug="bandung-dua", regency_id="32.73")
    for c, numbers in ((community, (100, 60, 30)), (other_community, (50, 20, 0)),
                       (third, (10, 0, 0))):  # fmt: skip
        for step, n in enumerate(numbers, start=1):
            if n:
                StepCount.objects.create(community=c, step=step, members=n)
    StepGapCount.objects.create(community=community, step=2, days=7, members=40)
    StepGapCount.objects.create(community=community, step=2, days=30, members=20)
    StepGapCount.objects.create(community=other_community, step=2, days=1, members=20)
    StepGapCount.objects.create(community=community, step=3, days=60, members=30)


def summary(result):
    return [
        (s["code"], s["members"], s["conversion_from_previous"], s["median_days_from_previous"])
        for s in result
    ]


def test_funnel_nation(funnel_data, partner_user, django_assert_num_queries):
    with django_assert_num_queries(2):
        result = selectors.funnel(actor=partner_user, scope="nation")
    assert summary(result) == [
        ("registration", 160, None, None),
        ("training", 80, 0.5, 7),
        ("mentoring", 30, 0.375, 60),
        ("licensing", 0, 0.0, None),
        ("marketing", 0, None, None),
        ("bookkeeping", 0, None, None),
        ("financing", 0, None, None),
    ]


def test_funnel_scopes(funnel_data, coordinator, django_assert_num_queries):
    with django_assert_num_queries(3):
        province = selectors.funnel(actor=coordinator, scope="province:32")
    assert summary(province)[:3] == [
        ("registration", 110, None, None),
        ("training", 60, 0.5455, 7),
        ("mentoring", 30, 0.5, 60),
    ]
    regency = selectors.funnel(actor=coordinator, scope="regency:35.78")
    assert summary(regency)[:3] == [
        ("registration", 50, None, None),
        ("training", 20, 0.4, 1),
        ("mentoring", 0, 0.0, None),
    ]
    one = selectors.funnel(actor=coordinator, scope="community:bandung-dua")
    assert summary(one)[:2] == [("registration", 10, None, None), ("training", 0, 0.0, None)]


@pytest.mark.parametrize("scope", ["planet", "province", "province:", "community", "nation:1"])
def test_funnel_unknown_scope_is_a_clear_422(coordinator, scope):
    with pytest.raises(DomainError) as err:
        selectors.funnel(actor=coordinator, scope=scope)
    assert (err.value.code, err.value.status_code) == ("invalid_scope", 422)
    assert "nation" in str(err.value.message)


@pytest.mark.parametrize(
    "scope", ["province:99", "province:32.73", "regency:32", "community:tidak-ada"]
)
def test_funnel_unknown_place_is_not_found(coordinator, scope):
    with pytest.raises(NotFound):
        selectors.funnel(actor=coordinator, scope=scope)


def test_funnel_for_anonymous_is_not_found():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        selectors.funnel(actor=AnonymousUser(), scope="nation")


# --- API -----------------------------------------------------------------------------------


def bearer(api_token, user):
    return {"Authorization": f"Bearer {api_token(user)}"}


def test_api_journey(client, api_token, coordinator, community, django_assert_num_queries):
    member = register(coordinator, community)
    headers = bearer(api_token, coordinator)
    client.get(f"{API}/members/{member.pk}/journey", headers=headers)
    with django_assert_num_queries(3):  # token, member, steps
        response = client.get(f"{API}/members/{member.pk}/journey", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert len(body["steps"]) == 7
    first = body["steps"][0]
    assert (first["code"], first["name"], first["status"], first["source"]) == (
        "registration",
        "Pendaftaran",
        "done",
        "rule",
    )
    assert first["evidence"] == {
        "kind": "registration",
        "id": str(member.pk),
        "label": "Data lengkap",
    }
    assert [s["status"] for s in body["steps"][1:]] == ["not_started"] * 6


def test_api_mark_step(client, api_token, coordinator, community):
    member = register(coordinator, community)
    response = client.post(
        f"{API}/members/{member.pk}/steps/training",
        {"status": "done", "note": "Hadir pelatihan 3 Maret"},
        content_type="application/json",
        headers=bearer(api_token, coordinator),
    )
    assert response.status_code == 200, response.content
    assert response.json()["steps"][1]["status"] == "done"
    assert response.json()["steps"][1]["note"] == "Hadir pelatihan 3 Maret"
    assert Member.objects.get(pk=member.pk).furthest_step == 2


def test_api_mark_step_errors(client, api_token, coordinator, community):
    member = register(coordinator, community)
    headers = bearer(api_token, coordinator)
    before = (rows(member), counts(), AuditEvent.objects.count())
    unknown = client.post(
        f"{API}/members/{member.pk}/steps/flying", {"status": "done", "note": "x"},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert unknown.status_code == 422
    assert list(unknown.json()["fields"]) == ["code"]
    no_note = client.post(
        f"{API}/members/{member.pk}/steps/training", {"status": "done", "note": ""},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert no_note.status_code == 422
    assert list(no_note.json()["fields"]) == ["note"]
    assert (rows(member), counts(), AuditEvent.objects.count()) == before


def test_api_funnel(client, api_token, funnel_data, partner_user, django_assert_num_queries):
    headers = bearer(api_token, partner_user)
    client.get(f"{API}/insights/funnel", headers=headers)
    with django_assert_num_queries(3):  # token, counts, histogram
        response = client.get(f"{API}/insights/funnel", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == "nation"
    assert [
        (s["code"], s["members"], s["conversion_from_previous"], s["median_days_from_previous"])
        for s in body["steps"][:3]
    ] == [("registration", 160, None, None), ("training", 80, 0.5, 7), ("mentoring", 30, 0.375, 60)]
    bad = client.get(f"{API}/insights/funnel", {"scope": "planet:3"}, headers=headers)
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_scope")
    assert list(bad.json()["fields"]) == ["scope"]
    missing = client.get(f"{API}/insights/funnel", {"scope": "province:99"}, headers=headers)
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert client.get(f"{API}/insights/funnel").status_code == 401


# --- Page ----------------------------------------------------------------------------------


def test_member_page_shows_the_journey_and_marks_a_step(
    client, coordinator, community, django_assert_num_queries
):
    member = register(coordinator, community)
    client.force_login(coordinator)
    url = reverse("registry:member_detail", args=[member.pk])
    client.get(url)
    # The page's queries before the journey plus exactly one for the seven steps.
    with django_assert_num_queries(8):
        page = client.get(url)
    html = page.content.decode()
    assert "Tahap 7 TOP" in html and "Tandai tahap" in html
    assert "Bukti: Data lengkap" in html
    assert html.count("journey__step--not_started") == 6
    response = client.post(
        reverse("registry:member_step_mark", args=[member.pk]),
        {"step": "training", "status": "done", "note": "Hadir"},
    )
    assert response.status_code == 302
    assert rows(member) == {1: "done", 2: "done"}
    page = client.get(url).content.decode()
    assert "Catatan: Hadir" in page and "Tahap anggota disimpan." in page
    refused = client.post(
        reverse("registry:member_step_mark", args=[member.pk]),
        {"step": "mentoring", "status": "done", "note": ""},
        follow=True,
    )
    assert "Catatan wajib diisi." in refused.content.decode()
    assert rows(member) == {1: "done", 2: "done"}


def test_member_sees_own_journey_without_the_form(client, member_user, member):
    client.force_login(member_user)
    html = client.get(reverse("registry:member_detail", args=[member.pk])).content.decode()
    assert "Tahap 7 TOP" in html and "Tandai tahap" not in html


def test_factory_members_are_counted_nowhere_until_steps_exist(community):
    # Factories write rows directly; the funnel only counts what the services recorded.
    MemberFactory(community=community)
    assert counts() == {}


def test_secretariat_edits_a_rule_in_the_admin(client, secretariat, community):
    client.force_login(secretariat)
    url = reverse("admin:registry_steprule_change", args=[StepRule.objects.get(step=2).pk])
    response = client.post(
        url,
        {"description": "Dua pelatihan", "enabled": "on", "parameters": '{"min_attendances": 2}'},
    )
    assert response.status_code == 302
    assert StepRule.objects.get(step=2).parameters == {"min_attendances": 2}
    assert AuditEvent.objects.filter(object_type="registry.steprule", action="update").exists()
    coordinator_member = register(secretariat, community)
    row = services.member_step_record_evidence(
        actor=None, member=coordinator_member, step=2, evidence={"kind": "attendance", "id": "1"}
    )
    assert row.status == "in_progress"
    row = services.member_step_record_evidence(
        actor=None, member=coordinator_member, step=2, evidence={"kind": "attendance", "id": "2"}
    )
    assert row.status == "done"


def test_migration_gives_existing_members_their_done_steps(community, other_community):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("penggerak.registry.migrations.0003_seed_step_rules")
    old = MemberFactory(community=community, furthest_step=3)
    MemberFactory(community=other_community, furthest_step=0)
    migration.seed(apps, SimpleNamespace(connection=connection))
    assert rows(old) == {1: "done", 2: "done", 3: "done"}
    assert set(MemberStep.objects.values_list("source", flat=True)) == {"import"}
    assert counts() == {("bandung-juara", s): 1 for s in (1, 2, 3)}
    assert gaps() == {("bandung-juara", 2, 0): 1, ("bandung-juara", 3, 0): 1}
    assert StepRule.objects.count() == 7

"""Demo journeys are explained like real ones: done steps 2-4 point at their evidence rows."""

from __future__ import annotations

import pytest
from django.utils import translation

from penggerak.demo.generator import PRESETS, load_demo
from penggerak.mentoring.models import Session
from penggerak.permits.models import Permit
from penggerak.registry.models import MemberStep
from penggerak.registry.selectors import journey_of
from penggerak.training.models import Attendance

pytestmark = pytest.mark.django_db


def done_rows(step: int):
    return list(
        MemberStep.objects.filter(step=step, status="done").values_list(
            "member_id", "evidence", "evidence_keys"
        )
    )


@pytest.fixture
def demo():
    return load_demo(PRESETS["tiny"], seed=2020)


def test_every_done_step_2_3_4_row_points_at_an_existing_evidence_row(demo):
    attendances = {
        a.pk: a for a in Attendance.objects.select_related("event__course").order_by("pk")
    }
    sessions = {s.pk: s for s in Session.objects.order_by("pk")}
    permits = {p.pk: p for p in Permit.objects.select_related("business").order_by("pk")}
    with translation.override("id"):
        checks = {
            2: (
                "attendance",
                attendances,
                lambda row, member_id: row.member_id == member_id,
                lambda row: row.event.course.title,
            ),
            3: (
                "session",
                sessions,
                lambda row, member_id: row.member_id == member_id,
                lambda row: f"Sesi pendampingan {row.held_on.isoformat()}",
            ),
            4: (
                "nib",
                permits,
                lambda row, member_id: (
                    row.business.owner_id == member_id and row.status == "issued"
                ),
                lambda row: f"{row.get_kind_display()} {row.number}".strip(),
            ),
        }
        for step, (kind, table, belongs, label) in checks.items():
            rows = done_rows(step)
            assert rows, step
            for member_id, evidence, keys in rows:
                assert set(evidence) == {"kind", "id", "label"}, (step, evidence)
                assert evidence["kind"] == kind
                target = table.get(int(evidence["id"]))
                assert target is not None, (step, evidence)
                assert belongs(target, member_id), (step, member_id, evidence)
                assert evidence["label"] == label(target)
                assert keys == [f"{kind}:{evidence['id']}"]


def test_registration_step_says_what_registration_records(demo):
    rows = MemberStep.objects.filter(step=1).values_list("member_id", "evidence", "evidence_keys")
    assert rows
    for member_id, evidence, keys in rows:
        assert evidence == {"kind": "registration", "id": str(member_id), "label": "Data lengkap"}
        assert keys == []


def test_in_progress_steps_2_3_4_carry_no_invented_evidence(demo):
    rows = MemberStep.objects.filter(step__in=[2, 3, 4], status="in_progress")
    assert rows.exists()
    assert [(e, k) for e, k in rows.values_list("evidence", "evidence_keys") if e or k] == []


def test_journey_explains_a_demo_step(demo):
    step = MemberStep.objects.filter(step=3, status="done").select_related("member").first()
    journey = journey_of(step.member)
    mentoring = journey[2]
    assert (mentoring["code"], mentoring["status"]) == ("mentoring", "done")
    assert mentoring["evidence"]["kind"] == "session"
    session = Session.objects.get(pk=int(mentoring["evidence"]["id"]))
    assert session.member_id == step.member_id
    assert mentoring["evidence"]["label"] == f"Sesi pendampingan {session.held_on.isoformat()}"

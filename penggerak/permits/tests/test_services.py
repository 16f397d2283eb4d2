import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from penggerak.core.errors import DomainError, PermissionDenied
from penggerak.core.models import AuditEvent, Notification
from penggerak.permits import selectors, services
from penggerak.permits.models import ChecklistResponse, Permit
from penggerak.permits.tests.factories import PermitFactory
from penggerak.registry.models import MemberStep

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def today(frozen_clock):
    """The services stamp and check dates against today: read from a stopped clock."""
    return timezone.localdate()


def pdf(name="izin.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.any_day
def test_issued_nib_fires_licensing_step_and_sets_business_nib(coordinator, business, today):
    permit = services.permit_create(
        actor=coordinator,
        business=business,
        kind="nib",
        status="issued",
        number="1234 5678 90123",
        issued_on=today - dt.timedelta(days=3),
    )
    assert permit.number == "1234567890123"
    assert permit.issuer == "OSS RBA (Kementerian Investasi/BKPM)"
    business.refresh_from_db()
    assert business.nib == "1234567890123"
    step = MemberStep.objects.get(member=business.owner, step=4)
    assert step.status == "done"
    assert step.evidence == {
        "kind": "nib",
        "id": str(permit.pk),
        "label": permit.get_kind_display() + " 1234567890123",
    }
    assert (
        AuditEvent.objects.filter(object_type="permits.permit", object_id=str(permit.pk)).count()
        == 1
    )
    assert AuditEvent.objects.filter(
        object_type="registry.business", changes__nib=["", "1234567890123"]
    ).exists()


@pytest.mark.any_day
def test_other_kind_is_evidence_but_does_not_complete_the_step(coordinator, business, today):
    services.permit_create(
        actor=coordinator,
        business=business,
        kind="pirt",
        status="issued",
        number="206327301001228",
        issued_on=today,
    )
    step = MemberStep.objects.get(member=business.owner, step=4)
    assert step.status == "in_progress"
    assert step.evidence_keys[-1].startswith("pirt:")


@pytest.mark.any_day
def test_owner_member_may_record_and_issue_own_permit(member_user, business, today):
    permit = services.permit_create(actor=member_user, business=business, kind="nib")
    permit = services.permit_update(actor=member_user, permit=permit, status="submitted")
    assert permit.submitted_on == today
    permit = services.permit_update(
        actor=member_user, permit=permit, status="issued", number="1234567890123"
    )
    assert permit.issued_on == today
    assert MemberStep.objects.get(member=business.owner, step=4).status == "done"
    business.refresh_from_db()
    assert business.nib == "1234567890123"


@pytest.mark.parametrize(
    ("kind", "number", "message"),
    [
        ("pirt", "12345", "Nomor P-IRT harus 15 digit, bukan 5."),
        ("nib", "12345", None),
        ("halal", "HALAL-123", None),
        ("bpom", "MD 1234", None),
    ],
)
def test_wrong_number_format_is_refused_and_nothing_saved(
    coordinator, business, kind, number, message
):
    with pytest.raises(DomainError) as err:
        services.permit_create(
            actor=coordinator, business=business, kind=kind, status="issued", number=number
        )
    assert err.value.code == "validation_error"
    assert list(err.value.fields) == ["number"]
    if message:
        assert [str(m) for m in err.value.fields["number"]] == [message]
    assert not Permit.objects.exists()
    assert not MemberStep.objects.filter(member=business.owner, step=4).exists()


def test_issued_needs_number(coordinator, business):
    with pytest.raises(DomainError) as err:
        services.permit_create(actor=coordinator, business=business, kind="pirt", status="issued")
    assert [str(m) for m in err.value.fields["number"]] == ["Izin yang terbit harus punya nomor."]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("planned", "expired"),
        ("planned", "rejected"),
        ("issued", "planned"),
        ("issued", "submitted"),
        ("rejected", "issued"),
        ("expired", "issued"),
    ],
)
def test_illegal_status_jumps_are_refused(coordinator, business, start, target):
    permit = PermitFactory(business=business, status=start, number="206327301001228")
    with pytest.raises(DomainError) as err:
        services.permit_update(actor=coordinator, permit=permit, status=target)
    assert err.value.code == "invalid_transition"
    permit.refresh_from_db()
    assert permit.status == start


def test_unknown_status_refused(coordinator, business):
    with pytest.raises(DomainError) as err:
        services.permit_create(actor=coordinator, business=business, kind="nib", status="lost")
    assert err.value.code == "invalid_transition"


@pytest.mark.any_day
def test_dates_are_checked(coordinator, business, today):
    with pytest.raises(DomainError) as err:
        services.permit_create(
            actor=coordinator,
            business=business,
            kind="pirt",
            status="issued",
            number="206327301001228",
            submitted_on=today - dt.timedelta(days=2),
            issued_on=today - dt.timedelta(days=5),
            expires_on=today - dt.timedelta(days=6),
        )
    assert set(err.value.fields) == {"issued_on", "expires_on"}
    with pytest.raises(DomainError) as err:
        services.permit_create(
            actor=coordinator,
            business=business,
            kind="nib",
            status="submitted",
            submitted_on=today + dt.timedelta(days=1),
        )
    assert set(err.value.fields) == {"submitted_on"}


def test_halal_route_only_for_halal(coordinator, business):
    permit = services.permit_create(
        actor=coordinator, business=business, kind="halal", halal_route="self_declare"
    )
    assert permit.halal_route == "self_declare"
    with pytest.raises(DomainError) as err:
        services.permit_create(
            actor=coordinator, business=business, kind="pirt", halal_route="self_declare"
        )
    assert set(err.value.fields) == {"halal_route"}


def test_wrong_coordinator_partner_and_other_member_may_not_write(
    other_coordinator, partner_user, business
):
    for actor in (other_coordinator, partner_user):
        with pytest.raises(PermissionDenied):
            services.permit_create(actor=actor, business=business, kind="nib")
    assert not Permit.objects.exists()


def test_document_upload_checks_type_and_size(coordinator, business, settings):
    permit = services.permit_create(
        actor=coordinator, business=business, kind="nib", document=pdf()
    )
    assert permit.document.name.startswith(f"permits/{business.pk}/")
    assert permit.document.name.endswith(".pdf")
    with pytest.raises(DomainError) as err:
        services.permit_update(
            actor=coordinator, permit=permit, document=pdf("virus.exe", b"MZ\x90\x00")
        )
    assert [str(m) for m in err.value.fields["document"]] == [
        "Dokumen harus berupa PDF, JPG atau PNG."
    ]
    with pytest.raises(DomainError) as err:
        services.permit_update(
            actor=coordinator, permit=permit, document=pdf("palsu.pdf", b"<html>")
        )
    assert "document" in err.value.fields
    settings.PERMIT_DOCUMENT_MAX_BYTES = 1024 * 1024
    with pytest.raises(DomainError) as err:
        services.permit_update(
            actor=coordinator, permit=permit, document=pdf(content=PDF + b"0" * 1024 * 1024)
        )
    assert [str(m) for m in err.value.fields["document"]] == [
        "Berkas terlalu besar: paling besar 1 MB."
    ]
    png = SimpleUploadedFile("foto.PNG", b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    permit = services.permit_update(actor=coordinator, permit=permit, document=png)
    assert permit.document.name.endswith(".png")


def test_requirements_show_needed_vs_held(coordinator, business):
    PermitFactory(business=business, kind="pirt", status="issued")
    services.permit_create(
        actor=coordinator, business=business, kind="halal", halal_route="self_declare"
    )
    rows = selectors.permit_requirements(business)
    by_kind = {row["kind"]: row for row in rows}
    assert [row["kind"] for row in rows] == ["halal", "nib", "pirt", "bpom"]
    assert by_kind["pirt"]["held"] is True
    assert by_kind["halal"]["held"] is False and by_kind["halal"]["status"] == "planned"
    assert by_kind["nib"]["status"] is None
    assert by_kind["bpom"]["required"] is False


@pytest.mark.any_day
def test_expiry_job_marks_expired_and_reminds_once(coordinator, member_user, business, today):
    expired = PermitFactory(
        business=business,
        issued_on=today - dt.timedelta(days=400),
        expires_on=today - dt.timedelta(days=1),
    )
    soon = PermitFactory(
        business=business,
        kind="halal",
        number="ID32110000123450222",
        issued_on=today - dt.timedelta(days=300),
        expires_on=today + dt.timedelta(days=5),
    )
    later = PermitFactory(
        business=business,
        kind="bpom",
        number="MD 123456789012",
        issued_on=today - dt.timedelta(days=300),
        expires_on=today + dt.timedelta(days=45),
    )
    PermitFactory(
        business=business,
        kind="sni",
        number="SNI-1",
        expires_on=today + dt.timedelta(days=61),
        issued_on=today - dt.timedelta(days=3),
    )
    assert services.permits_expiry_run(today=today) == {"expired": 1, "reminders": 4}
    expired.refresh_from_db()
    assert expired.status == "expired"
    keys = set(Notification.objects.values_list("user__username", "key"))
    assert keys == {
        (coordinator.username, f"permit-expiry:{soon.pk}:{soon.expires_on}:7"),
        (member_user.username, f"permit-expiry:{soon.pk}:{soon.expires_on}:7"),
        (coordinator.username, f"permit-expiry:{later.pk}:{later.expires_on}:60"),
        (member_user.username, f"permit-expiry:{later.pk}:{later.expires_on}:60"),
    }
    assert services.permits_expiry_run(today=today) == {"expired": 0, "reminders": 0}
    # 15 days later: the 45-day permit crosses 30 days, the 61-day one 60 days, the 5-day
    # one has expired.
    assert services.permits_expiry_run(today=today + dt.timedelta(days=15)) == {
        "expired": 1,
        "reminders": 4,
    }
    assert Notification.objects.filter(key__endswith=":30").count() == 2


def test_checklist_scoring_and_history(coordinator, member_user, business):
    template = selectors.checklist_template_get("chse-protocol")
    items = [item for section in template.sections.all() for item in section.items.all()]
    answers = {item.code: ("yes" if item.answer_type == "ynp" else 4) for item in items}
    first = services.checklist_response_submit(
        actor=coordinator, business=business, template=template, answers=answers
    )
    assert (first.score, first.result, first.to_fix) == (100, "ready", [])
    answers["handwash"] = "no"
    answers["cleaning"] = "2"
    answers["cashless"] = "partial"
    second = services.checklist_response_submit(
        actor=member_user, business=business, template=template, answers=answers
    )
    total = sum(item.weight for item in items)
    expected = round((total - 3 - 1.5 - 1) * 100 / total, 1)
    assert float(second.score) == expected
    assert [row["code"] for row in second.to_fix] == ["handwash", "cleaning", "cashless"]
    assert second.result == ("ready" if expected >= 80 else "almost")
    history = selectors.checklist_history(business=business, template=template)
    assert [r.pk for r in history] == [second.pk, first.pk]


def test_checklist_bad_answers(coordinator, other_coordinator, business):
    template = selectors.checklist_template_get("sni-readiness")
    with pytest.raises(DomainError) as err:
        services.checklist_response_submit(
            actor=coordinator,
            business=business,
            template=template,
            answers={"nib": "maybe", "equipment": 7, "bogus": "yes"},
        )
    assert [str(m) for m in err.value.fields["nib"]] == ["Jawaban harus ya, sebagian atau tidak."]
    assert [str(m) for m in err.value.fields["equipment"]] == [
        "Skor harus bilangan bulat 0 sampai 4."
    ]
    assert [str(m) for m in err.value.fields["label"]] == ["Pertanyaan ini belum dijawab."]
    assert "bogus" in err.value.fields
    with pytest.raises(PermissionDenied):
        services.checklist_response_submit(
            actor=other_coordinator, business=business, template=template, answers={}
        )
    assert not ChecklistResponse.objects.exists()


def test_selectors_scope(
    coordinator, other_coordinator, partner_user, member_user, business, other_business
):
    PermitFactory(business=business)
    PermitFactory(business=other_business, kind="nib", number="1234567890123")
    assert [p.business_id for p in selectors.permit_list(actor=coordinator)] == [business.pk]
    assert [p.business_id for p in selectors.permit_list(actor=other_coordinator)] == [
        other_business.pk
    ]
    assert list(selectors.permit_list(actor=partner_user)) == []
    assert [p.business_id for p in selectors.permit_list(actor=member_user)] == [business.pk]
    from penggerak.core.errors import NotFound

    with pytest.raises(NotFound):
        selectors.business_get(actor=other_coordinator, business_id=business.pk)

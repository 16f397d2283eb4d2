"""Demo permits agree with the journeys: NIB issued at the step-4 completion date."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command

from penggerak.insights.asof import as_of_date
from penggerak.permits.models import ChecklistResponse, Permit
from penggerak.permits.validators import validate_permit_number
from penggerak.registry.models import Business, MemberStep

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny():
    call_command("demo", preset="tiny", verbosity=0)


def test_tiny_demo_permits_follow_the_journeys(tiny):
    as_of = as_of_date()  # tiny is as of the day it is generated
    tz = ZoneInfo(settings.TIME_ZONE)
    done = {
        member_id: completed.astimezone(tz).date()
        for member_id, completed in MemberStep.objects.filter(step=4, status="done").values_list(
            "member_id", "completed_at"
        )
    }
    nib_permits = {
        p.business_id: p for p in Permit.objects.filter(kind="nib").select_related("business")
    }
    with_nib = Business.objects.exclude(nib="")
    assert with_nib.count() == len(nib_permits) > 0
    checked = 0
    for business in with_nib:
        permit = nib_permits[business.pk]
        assert permit.number == business.nib
        if business.owner_id in done:
            assert permit.status == "issued"
            assert permit.issued_on == done[business.owner_id]
            checked += 1
    assert checked > 0
    kinds = set(Permit.objects.values_list("kind", flat=True))
    assert {"nib", "pirt", "halal"} <= kinds
    for permit in Permit.objects.all():
        if permit.number:
            assert validate_permit_number(permit.kind, permit.number)[1] is None, permit.number
        if permit.issued_on:
            assert permit.issued_on <= as_of
        if permit.status == "issued" and permit.expires_on:
            assert permit.expires_on >= as_of
    assert (
        Permit.objects.filter(halal_route="self_declare").count()
        > Permit.objects.filter(halal_route="regular").count()
    )
    assert ChecklistResponse.objects.exists()
    assert all(r.created_at.date() <= as_of for r in ChecklistResponse.objects.all())

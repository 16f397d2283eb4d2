"""Every permits page as the wrong coordinator, a partner and an anonymous visitor."""

import pytest
from django.urls import reverse

from penggerak.permits.models import ChecklistResponse, Permit
from penggerak.permits.tests.factories import PermitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit(business, settings, tmp_path):
    from django.core.files.base import ContentFile

    permit = PermitFactory(business=business)
    permit.document.save("nib.pdf", ContentFile(b"%PDF-1.4 rahasia"), save=True)
    return permit


def page_cases(business, permit):
    return [
        ("get", reverse("permits:business_permits", args=[business.pk]), None),
        ("get", reverse("permits:permit_create", args=[business.pk]), None),
        (
            "post",
            reverse("permits:permit_create", args=[business.pk]),
            {"kind": "nib", "status": "planned"},
        ),
        ("get", reverse("permits:permit_edit", args=[permit.pk]), None),
        ("post", reverse("permits:permit_edit", args=[permit.pk]), {"status": "expired"}),
        ("get", reverse("permits:permit_document", args=[permit.pk]), None),
        ("get", reverse("permits:checklist_fill", args=[business.pk, "sni-readiness"]), None),
        (
            "post",
            reverse("permits:checklist_fill", args=[business.pk, "sni-readiness"]),
            {"a-nib": "yes"},
        ),
        ("get", reverse("permits:checklist_history", args=[business.pk, "sni-readiness"]), None),
    ]


@pytest.mark.parametrize("intruder", ["other_coordinator", "partner_user"])
def test_intruders_get_404_and_nothing_changes(request, client, business, permit, intruder):
    client.force_login(request.getfixturevalue(intruder))
    for method, url, data in page_cases(business, permit):
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 404, (method, url)
    permit.refresh_from_db()
    assert permit.status == "issued" and Permit.objects.count() == 1
    assert not ChecklistResponse.objects.exists()


def test_anonymous_is_sent_to_login(client, business, permit):
    for method, url, data in [
        *page_cases(business, permit),
        ("get", reverse("permits:index"), None),
    ]:
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("accounts:login"))


def test_other_member_gets_404(client, business, permit, other_business):
    from penggerak.accounts.models import Role
    from penggerak.registry.tests.factories import UserFactory

    stranger = UserFactory(role=Role.MEMBER)
    owner = other_business.owner
    owner.user = stranger
    owner.save(update_fields=["user"])
    client.force_login(stranger)
    for method, url, data in page_cases(business, permit):
        assert getattr(client, method)(url, data or {}).status_code == 404, (method, url)


def test_document_is_not_public(client, permit, settings):
    # No MEDIA_URL route exists: the only way to the file is the checked view.
    assert client.get("/media/" + permit.document.name).status_code in (302, 404)

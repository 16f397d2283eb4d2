import pytest

from penggerak.permits.models import PermitRequirement

pytestmark = pytest.mark.django_db


def test_secretariat_edits_requirements(client, secretariat):
    client.force_login(secretariat)
    requirement = PermitRequirement.objects.get(sector="craft", kind="sni")
    assert client.get("/admin/permits/permitrequirement/").status_code == 200
    response = client.post(
        f"/admin/permits/permitrequirement/{requirement.pk}/change/",
        {"sector": "craft", "kind": "sni", "required": "on", "note": "Mainan anak"},
    )
    assert response.status_code == 302
    requirement.refresh_from_db()
    assert requirement.required is True and requirement.note == "Mainan anak"
    assert client.get("/admin/permits/checklisttemplate/").status_code == 200
    assert client.get("/admin/permits/permit/").status_code == 200


def test_coordinator_has_no_back_office(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/admin/permits/permitrequirement/").status_code in (302, 403)

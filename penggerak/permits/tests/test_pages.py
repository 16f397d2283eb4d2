import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from penggerak.permits.models import ChecklistResponse, Permit
from penggerak.permits.tests.factories import PermitFactory
from penggerak.registry.models import MemberStep

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def test_business_page_shows_needed_and_held(login, coordinator, business):
    PermitFactory(business=business, kind="pirt")
    response = login(coordinator).get(reverse("permits:business_permits", args=[business.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Izin yang dibutuhkan" in html
    assert "permit-need--held" in html and "permit-need--missing" in html
    assert "206327301001228" in html


@pytest.mark.any_day
def test_permit_form_create_with_upload_and_issue(login, coordinator, business):
    client = login(coordinator)
    url = reverse("permits:permit_create", args=[business.pk])
    assert client.get(url + "?kind=nib").status_code == 200
    response = client.post(
        url,
        {
            "kind": "nib",
            "status": "issued",
            "number": "1234567890123",
            "issued_on": timezone.localdate().isoformat(),
            "document": SimpleUploadedFile("nib.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    permit = Permit.objects.get()
    assert permit.status == "issued" and permit.document
    assert MemberStep.objects.get(member=business.owner, step=4).status == "done"
    document = client.get(reverse("permits:permit_document", args=[permit.pk]))
    assert document.status_code == 200
    assert document["Content-Type"] == "application/pdf"
    assert "no-store" in document["Cache-Control"]
    assert b"".join(document.streaming_content) == PDF


def test_permit_form_shows_clear_errors_and_saves_nothing(login, coordinator, business):
    client = login(coordinator)
    response = client.post(
        reverse("permits:permit_create", args=[business.pk]),
        {
            "kind": "pirt",
            "status": "issued",
            "number": "123",
            "document": SimpleUploadedFile("x.gif", b"GIF89a", content_type="image/gif"),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nomor P-IRT harus 15 digit, bukan 3." in html
    assert "Dokumen harus berupa PDF, JPG atau PNG." in html
    assert not Permit.objects.exists()


def test_illegal_status_jump_on_edit_page(login, coordinator, business):
    permit = PermitFactory(
        business=business, kind="pirt", status="planned", issued_on=None, expires_on=None
    )
    response = login(coordinator).post(
        reverse("permits:permit_edit", args=[permit.pk]), {"status": "expired"}
    )
    assert response.status_code == 200
    assert "Status tidak bisa diubah dari" in response.content.decode()
    permit.refresh_from_db()
    assert permit.status == "planned"


def test_checklist_fill_htmx_and_history(login, member_user, business):
    client = login(member_user)
    url = reverse("permits:checklist_fill", args=[business.pk, "chse-protocol"])
    page = client.get(url)
    assert page.status_code == 200
    assert "Tersedia tempat cuci tangan" in page.content.decode()
    from penggerak.permits.selectors import checklist_template_get

    template = checklist_template_get("chse-protocol")
    data = {}
    for section in template.sections.all():
        for item in section.items.all():
            data[f"a-{item.code}"] = "4" if item.answer_type == "score" else "yes"
    data["a-handwash"] = "no"
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Siap" in response.content.decode() or "Hampir siap" in response.content.decode()
    assert "<html" not in response.content.decode()
    saved = ChecklistResponse.objects.get()
    assert saved.to_fix[0]["code"] == "handwash"
    bad = client.post(url, {"a-handwash": "maybe"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422
    assert "Jawaban harus ya, sebagian atau tidak." in bad.content.decode()
    assert ChecklistResponse.objects.count() == 1
    history = client.get(url + "riwayat/")
    assert history.status_code == 200
    assert "Yang masih perlu diperbaiki" in history.content.decode()
    assert "<meter" in history.content.decode()


def test_my_permits_page_lists_all_own_businesses(login, member_user, business):
    from penggerak.registry.tests.factories import BusinessFactory

    BusinessFactory(owner=business.owner, name="Kosmetik Siti", sector="cosmetics")
    response = login(member_user).get(reverse("permits:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Izin saya" in html and "Keripik Siti" in html and "Kosmetik Siti" in html


def test_staff_business_list_keyset(login, coordinator, business, other_business):
    response = login(coordinator).get(reverse("permits:index"))
    html = response.content.decode()
    assert "Keripik Siti" in html and "Batik Budi" not in html
    assert login(coordinator).get(reverse("permits:index") + "?after=abc").status_code == 200


def test_page_query_counts_do_not_grow_with_permits(
    login, coordinator, member_user, business, django_assert_max_num_queries
):
    client = login(coordinator)
    url = reverse("permits:business_permits", args=[business.pk])
    client.get(url)
    for kind in ("pirt", "halal", "bpom", "sni"):
        PermitFactory(business=business, kind=kind, number="")
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    member_client = login(member_user)
    with django_assert_max_num_queries(12):
        assert member_client.get(reverse("permits:index")).status_code == 200

"""Registry pages end to end through Django's test client: who sees what, forms, paging."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from penggerak.accounts.models import Role, User
from penggerak.core.identity import compose_nik, validate_nik
from penggerak.core.models import AuditEvent
from penggerak.core.protection import nik_decrypt
from penggerak.registry.models import Community, Member
from penggerak.registry.tests.factories import (
    BANDUNG_DISTRICT,
    BusinessFactory,
    MemberFactory,
    PartnerFactory,
)

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1990, 7, 17)
NEW_NIK = compose_nik(BANDUNG_DISTRICT, BIRTH, "P", 4321)
BAD_NIK = NEW_NIK[:6] + "00" + NEW_NIK[8:]  # day 00 cannot exist


def nik_message(nik: str) -> str:
    """The Indonesian message the identity check gives for ``nik``: pages must show it as is."""
    with translation.override("id"):
        return str(validate_nik(nik).errors[0].message)


def text(response) -> str:
    return response.content.decode()


def field_errors(html: str, field: str) -> list[str]:
    """The messages rendered beside one field (``<ul class="errors" id="id_<field>_error">``)."""
    block = re.search(rf'<ul class="errors" id="id_{field}_error">(.*?)</ul>', html, re.S)
    if block is None:
        return []
    return [re.sub(r"\s+", " ", li).strip() for li in re.findall(r"<li>(.*?)</li>", block[1])]


def unescape(value: str) -> str:
    import html

    return html.unescape(value)


# --- Anonymous visitors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("home", {}),
        ("registry:member_list", {}),
        ("registry:member_create", {}),
        ("registry:member_detail", {"pk": 1}),
        ("registry:community_list", {}),
        ("registry:community_detail", {"slug": "bandung-juara"}),
        ("registry:partner_list", {}),
        ("registry:partner_detail", {"slug": "bank-uji"}),
        ("registry:region_picker", {}),
    ],
)
def test_anonymous_is_sent_to_login(client, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize(
    "name", ["member_update", "member_transfer", "member_approve", "member_reveal_nik"]
)
def test_anonymous_cannot_post_member_actions(client, member, name):
    response = client.post(reverse(f"registry:{name}", args=[member.pk]), {"reason": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert AuditEvent.objects.count() == 0


def test_healthz(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


# --- Home -----------------------------------------------------------------------------------


def test_home_secretariat_sees_headline_figures(client, secretariat, community, other_community):
    Community.objects.filter(pk=community.pk).update(member_count=120_000)
    Community.objects.filter(pk=other_community.pk).update(member_count=258_212)
    PartnerFactory.create_batch(3)
    client.force_login(secretariat)

    html = text(client.get(reverse("home")))

    assert "<strong>378.212</strong> <span>anggota</span>" in html
    assert "<strong>2</strong> <span>komunitas penggerak</span>" in html
    assert "<strong>3</strong> <span>mitra</span>" in html


def test_home_coordinator_sees_own_communities_and_pending(
    client, coordinator, community, other_community
):
    MemberFactory.create_batch(2, community=community)
    pending = MemberFactory(community=community, full_name="Rina Pending", status="pending")
    MemberFactory(community=other_community, full_name="Orang Lain", status="pending")
    client.force_login(coordinator)

    html = text(client.get(reverse("home")))

    assert "Komunitas Bandung Juara" in html
    assert "Komunitas Surabaya Maju" not in html
    assert '<strong class="big">3</strong> anggota' in html
    assert "1 anggota menunggu persetujuan" in html
    assert reverse("registry:member_detail", args=[pending.pk]) in html
    assert "Orang Lain" not in html


def test_coordinator_approves_from_home(client, coordinator, community):
    pending = MemberFactory(community=community, status="pending")
    client.force_login(coordinator)

    response = client.post(
        reverse("registry:member_approve", args=[pending.pk]), {"back": "home"}, follow=True
    )

    pending.refresh_from_db()
    assert pending.status == Member.Status.ACTIVE
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert f"{pending.full_name} disetujui dan sekarang dapat masuk." in text(response)


def test_home_member_sees_own_record(client, member_user, member):
    member.furthest_step = 3
    member.save()
    client.force_login(member_user)

    html = text(client.get(reverse("home")))

    assert "Halo, Siti Aminah" in html
    assert member.nik_masked in html
    assert 'aria-label="Tahap 3 dari 7 selesai"' in html
    assert html.count('<li class="done">') == 3
    # A member has no member list or registration form in the menu.
    assert f'href="{reverse("registry:member_list")}"' not in html
    assert f'href="{reverse("registry:member_create")}"' not in html


def test_home_partner_lands_on_partner_page(client, partner_user):
    client.force_login(partner_user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:partner_detail", args=["bank-uji"])


# --- Member list ----------------------------------------------------------------------------


@pytest.fixture
def sixty_members(community):
    members = [
        MemberFactory(community=community, full_name=f"Anggota {n:02d}", furthest_step=n % 8)
        for n in range(60)
    ]
    return members


def test_member_list_coordinator_sees_own_members_masked(
    client, coordinator, member, other_community
):
    stranger = MemberFactory(community=other_community, full_name="Budi Surabaya")
    client.force_login(coordinator)

    response = client.get(reverse("registry:member_list"))

    html = text(response)
    assert response.status_code == 200
    assert "<html" in html
    assert ">Siti Aminah</a>" in html
    assert member.nik_masked in html
    assert "Budi Surabaya" not in html
    assert stranger.nik_masked not in html
    assert '<p id="result-count" class="result-count" role="status" aria-live="polite">' in html
    # Only the coordinator's own community is offered as a filter.
    assert '<option value="bandung-juara">Komunitas Bandung Juara</option>' in html
    assert "surabaya-maju" not in html


def test_member_list_never_shows_full_nik(client, coordinator, community):
    nik = compose_nik(BANDUNG_DISTRICT, BIRTH, "L", 77)
    MemberFactory(community=community, nik=nik, sex="L", birth_date=BIRTH)
    client.force_login(coordinator)
    html = text(client.get(reverse("registry:member_list")))
    assert nik not in html
    assert f'<td class="mono" data-label="NIK">{"*" * 12}{nik[-4:]}</td>' in html


def test_member_list_keyset_pages(client, coordinator, sixty_members):
    client.force_login(coordinator)
    newest_first = sorted(sixty_members, key=lambda m: -m.pk)

    first = text(client.get(reverse("registry:member_list")))
    assert "60 anggota" in first
    assert first.count('<th scope="row">') == 25
    next_href = f"/anggota/?after={newest_first[24].pk}"
    assert f'href="{next_href}"' in first
    assert "Ke awal" not in first

    second = text(client.get(next_href))
    names = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', second)
    assert names == [m.full_name for m in newest_first[25:50]]
    assert f'href="/anggota/?after={newest_first[49].pk}"' in second
    assert (
        'href="/anggota/" hx-get="/anggota/" hx-target="#results" hx-push-url="true">Ke awal</a>'
        in second
    )

    third = text(client.get(reverse("registry:member_list") + f"?after={newest_first[49].pk}"))
    names = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', third)
    assert names == [m.full_name for m in newest_first[50:]]
    assert ">Berikutnya</a>" not in third


def test_member_list_next_link_keeps_filters(client, coordinator, sixty_members):
    client.force_login(coordinator)
    # Steps 0..7 repeat over 60 members: 28 have reached step 4 or further.
    reached = sorted((m for m in sixty_members if m.furthest_step >= 4), key=lambda m: -m.pk)

    html = unescape(text(client.get(reverse("registry:member_list"), {"step": "4"})))

    assert "28 anggota" in html
    assert f'href="/anggota/?step=4&after={reached[24].pk}"' in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "siti"}, ["Siti Aminah"]),
        ({"q": "SITI am"}, ["Siti Aminah"]),
        ({"q": "0812 9999 0000"}, ["Budi Santoso"]),
        ({"status": "pending"}, ["Rina Marlina"]),
        ({"step": "5"}, ["Budi Santoso"]),
        ({"sector": "craft"}, ["Rina Marlina"]),
        ({"province": "32"}, ["Rina Marlina", "Budi Santoso", "Siti Aminah"]),
        ({"province": "35"}, []),
        ({"community": "bandung-juara", "q": "bu"}, ["Budi Santoso"]),
    ],
)
def test_member_list_filters(client, secretariat, member, community, params, expected):
    budi = MemberFactory(
        community=community, full_name="Budi Santoso", phone="+6281299990000", furthest_step=5
    )
    rina = MemberFactory(community=community, full_name="Rina Marlina", status="pending")
    BusinessFactory(owner=rina, sector="craft")
    BusinessFactory(owner=budi, sector="food")
    client.force_login(secretariat)

    html = text(client.get(reverse("registry:member_list"), params))

    names = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', html)
    assert names == expected


def test_member_list_bad_filter_shows_message(client, coordinator, member):
    client.force_login(coordinator)
    html = text(client.get(reverse("registry:member_list"), {"step": "abc"}))
    assert "Filter tidak valid." in html
    assert "Siti Aminah" not in html


def test_member_list_htmx_gets_results_partial(client, coordinator, member):
    client.force_login(coordinator)

    response = client.get(
        reverse("registry:member_list"),
        {"q": "siti", "community": "", "step": "", "status": ""},
        HTTP_HX_REQUEST="true",
    )

    html = text(response)
    assert response["HX-Push-Url"] == "/anggota/?q=siti"
    assert "<html" not in html
    assert '<form class="filters' not in html
    assert '<span id="result-count" hx-swap-oob="innerHTML">' in html
    assert "1 anggota" in html
    assert ">Siti Aminah</a>" in html


def test_member_list_query_count_does_not_grow_with_rows(
    client, coordinator, sixty_members, django_assert_max_num_queries
):
    client.force_login(coordinator)
    client.get(reverse("registry:member_list"))  # warm the session and content types
    # session + user, the member page, the counters, communities and provinces for the
    # filter form: the same on page 1 and page 80,000, with 25 rows or 2,000,000.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("registry:member_list"))
    assert response.status_code == 200
    with django_assert_max_num_queries(6):
        client.get(reverse("registry:member_list"), {"after": sixty_members[40].pk})
    with django_assert_max_num_queries(4):
        client.get(reverse("registry:member_list"), HTTP_HX_REQUEST="true")


def test_partner_sees_no_members(client, partner_user, member):
    client.force_login(partner_user)
    html = text(client.get(reverse("registry:member_list")))
    assert "Siti Aminah" not in html
    assert "Tidak ada anggota yang cocok." in html


# --- Member detail and its actions ----------------------------------------------------------


def test_member_detail_shows_record_for_its_coordinator(client, coordinator, member):
    BusinessFactory(owner=member, name="Keripik Bu Siti", sector="food")
    AuditEvent.objects.create(
        action="update",
        object_type="registry.member",
        object_id=str(member.pk),
        actor_label="koord-bandung",
        changes={"phone": ["a", "b"]},
    )
    client.force_login(coordinator)

    response = client.get(reverse("registry:member_detail", args=[member.pk]))

    html = text(response)
    assert response.status_code == 200
    assert "<h1>Siti Aminah</h1>" in html
    assert f'<span class="mono">{member.nik_masked}</span>' in html
    assert "Lihat NIK lengkap" in html
    assert "Keripik Bu Siti" in html
    assert "<strong>diubah</strong> oleh koord-bandung" in html
    assert "(phone)" in html
    assert "Ubah data" in html
    # The coordinator runs one community only: transfers are the secretariat's.
    assert "Pemindahan ke komunitas lain dilakukan oleh sekretariat." in html


def test_member_sees_own_detail_without_management_forms(client, member_user, member):
    client.force_login(member_user)
    html = text(client.get(reverse("registry:member_detail", args=[member.pk])))
    assert "<h1>Siti Aminah</h1>" in html
    assert "Lihat NIK lengkap" not in html
    assert "Ubah data" not in html


def test_missing_and_not_yours_are_the_same_404(client, other_coordinator, member):
    client.force_login(other_coordinator)
    not_yours = client.get(reverse("registry:member_detail", args=[member.pk]))
    missing = client.get(reverse("registry:member_detail", args=[member.pk + 1000]))
    assert not_yours.status_code == missing.status_code == 404

    def without_token_and_path(response):
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text(response))
        return re.sub(r'name="next" value="[^"]+"', "", html)

    assert without_token_and_path(not_yours) == without_token_and_path(missing)


def test_wrong_coordinator_gets_404_on_every_action_and_nothing_changes(
    client, other_coordinator, other_community, member, community
):
    member.status = Member.Status.PENDING
    member.save()
    before = Member.objects.values().get(pk=member.pk)
    client.force_login(other_coordinator)

    posts = {
        "member_reveal_nik": {"reason": "verifikasi"},
        "member_update": {"full_name": "Diubah", "phone": "", "email": "", "status": "left"},
        "member_transfer": {"to_community": other_community.pk, "reason": "pindah"},
        "member_approve": {},
    }
    for name, data in posts.items():
        response = client.post(reverse(f"registry:{name}", args=[member.pk]), data)
        assert response.status_code == 404, name

    assert Member.objects.values().get(pk=member.pk) == before
    assert AuditEvent.objects.count() == 0
    community.refresh_from_db()
    other_community.refresh_from_db()
    assert (community.member_count, other_community.member_count) == (1, 0)


def test_member_role_cannot_edit_own_record(client, member_user, member):
    client.force_login(member_user)
    response = client.post(
        reverse("registry:member_update", args=[member.pk]),
        {"full_name": "Nama Lain", "phone": "", "email": "", "status": "active"},
    )
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.full_name == "Siti Aminah"


def test_reveal_nik_requires_a_reason(client, coordinator, member):
    client.force_login(coordinator)

    response = client.post(reverse("registry:member_reveal_nik", args=[member.pk]), {"reason": ""})

    html = text(response)
    assert field_errors(html, "reason") == ["Alasan wajib diisi."]
    assert AuditEvent.objects.filter(action="view_nik").count() == 0
    assert nik_decrypt(member.nik_ciphertext) not in html


def test_reveal_nik_shows_it_once_and_audits(client, coordinator, member):
    full_nik = nik_decrypt(member.nik_ciphertext)
    client.force_login(coordinator)

    response = client.post(
        reverse("registry:member_reveal_nik", args=[member.pk]),
        {"reason": "Verifikasi pengajuan KUR"},
    )

    assert response.status_code == 200
    assert f'<span class="mono big">{full_nik}</span>' in text(response)
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="view_nik")
    assert (event.actor_id, event.object_type, event.object_id, event.reason) == (
        coordinator.pk,
        "registry.member",
        str(member.pk),
        "Verifikasi pengajuan KUR",
    )
    # The detail page itself goes back to the masked value.
    again = text(client.get(reverse("registry:member_detail", args=[member.pk])))
    assert full_nik not in again


def test_reveal_nik_over_htmx_returns_only_the_nik_block(client, secretariat, member):
    client.force_login(secretariat)
    response = client.post(
        reverse("registry:member_reveal_nik", args=[member.pk]),
        {"reason": "Audit data"},
        HTTP_HX_REQUEST="true",
    )
    html = text(response)
    assert html.lstrip().startswith('<div id="nik-block" class="nik">')
    assert nik_decrypt(member.nik_ciphertext) in html
    assert "no-store" in response["Cache-Control"]


def test_edit_member_saves_through_service_and_audits(client, coordinator, member):
    client.force_login(coordinator)

    response = client.post(
        reverse("registry:member_update", args=[member.pk]),
        {
            "full_name": "Siti Aminah Rahayu",
            "phone": "0813-1111-2222",
            "email": "",
            "village": "32.73.01.1001",
            "address": "Jl. Sukasari 1",
            "status": "active",
        },
        follow=True,
    )

    member.refresh_from_db()
    assert (member.full_name, member.phone, member.village_id, member.address) == (
        "Siti Aminah Rahayu",
        "+6281311112222",
        "32.73.01.1001",
        "Jl. Sukasari 1",
    )
    assert "Data anggota disimpan." in text(response)
    assert AuditEvent.objects.filter(action="update", object_id=str(member.pk)).count() == 1


def test_edit_member_with_bad_phone_shows_message_and_changes_nothing(client, coordinator, member):
    client.force_login(coordinator)
    before = Member.objects.values().get(pk=member.pk)

    response = client.post(
        reverse("registry:member_update", args=[member.pk]),
        {"full_name": "Siti", "phone": "12345", "email": "", "status": "active"},
    )

    assert response.status_code == 200
    assert field_errors(text(response), "phone")
    assert Member.objects.values().get(pk=member.pk) == before


def test_secretariat_transfers_member(client, secretariat, member, community, other_community):
    client.force_login(secretariat)

    response = client.post(
        reverse("registry:member_transfer", args=[member.pk]),
        {"to_community": other_community.pk, "reason": "Pindah domisili"},
        follow=True,
    )

    member.refresh_from_db()
    community.refresh_from_db()
    other_community.refresh_from_db()
    assert member.community_id == other_community.pk
    assert (community.member_count, other_community.member_count) == (0, 1)
    assert "Anggota dipindahkan ke Komunitas Surabaya Maju." in text(response)
    assert AuditEvent.objects.get(action="transfer").reason == "Pindah domisili"


def test_transfer_needs_a_reason(client, secretariat, member, other_community):
    client.force_login(secretariat)
    response = client.post(
        reverse("registry:member_transfer", args=[member.pk]),
        {"to_community": other_community.pk, "reason": ""},
    )
    assert field_errors(text(response), "reason") == ["Alasan pemindahan wajib diisi."]
    member.refresh_from_db()
    assert member.community.slug == "bandung-juara"


# --- Registering a member -------------------------------------------------------------------


def register_data(community, **overrides):
    data = {
        "community": community.pk,
        "full_name": "Dewi Lestari",
        "nik": NEW_NIK,
        "birth_date": "",
        "sex": "",
        "phone": "0812-3456-7890",
        "email": "",
        "region_province": "32",
        "region_regency": "32.73",
        "region_district": "32.73.01",
        "village": "32.73.01.1001",
        "address": "Jl. Setiabudi 10",
        "joined_on": "2024-02-01",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_register_form_renders_with_only_visible_communities(
    client, coordinator, community, other_community
):
    client.force_login(coordinator)
    html = text(client.get(reverse("registry:member_create")))
    assert f'<option value="{community.pk}" selected>Komunitas Bandung Juara</option>' in html
    assert "Komunitas Surabaya Maju" not in html
    # The cascade starts at the community's regency.
    assert '<option value="32.73" selected>' in html
    assert 'name="village"' in html


def test_register_member_success(client, coordinator, community):
    client.force_login(coordinator)

    response = client.post(reverse("registry:member_create"), register_data(community))

    member = Member.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:member_detail", args=[member.pk])
    assert (member.full_name, member.birth_date, member.sex, member.village_id) == (
        "Dewi Lestari",
        BIRTH,
        "P",
        "32.73.01.1001",
    )
    assert member.joined_on == dt.date(2024, 2, 1)
    assert member.consent_given_at is not None
    page = text(client.get(response["Location"]))
    assert "Dewi Lestari terdaftar sebagai anggota." in page


def test_register_bad_nik_shows_message_beside_field_and_saves_nothing(
    client, coordinator, community
):
    client.force_login(coordinator)

    response = client.post(reverse("registry:member_create"), register_data(community, nik=BAD_NIK))

    html = text(response)
    assert response.status_code == 200
    assert field_errors(html, "nik") == [nik_message(BAD_NIK)]
    assert 'aria-invalid="true"' in html
    # What was typed stays in the form, the cascade keeps its place.
    assert 'value="Dewi Lestari"' in html
    assert '<option value="32.73.01.1001" selected>' in html
    assert Member.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_register_birth_date_disagreeing_with_nik_is_shown_beside_birth_date(
    client, coordinator, community
):
    client.force_login(coordinator)
    response = client.post(
        reverse("registry:member_create"), register_data(community, birth_date="1991-07-17")
    )
    assert field_errors(text(response), "birth_date")
    assert field_errors(text(response), "nik") == []
    assert Member.objects.count() == 0


def test_register_duplicate_nik(client, coordinator, community, member):
    client.force_login(coordinator)
    existing_nik = nik_decrypt(member.nik_ciphertext)

    response = client.post(
        reverse("registry:member_create"), register_data(community, nik=existing_nik)
    )

    assert field_errors(text(response), "nik") == [
        "NIK ini sudah terdaftar sebagai anggota komunitas Komunitas Bandung Juara."
    ]
    assert Member.objects.count() == 1


def test_register_into_another_coordinators_community_is_refused(
    client, coordinator, other_community
):
    client.force_login(coordinator)
    response = client.post(reverse("registry:member_create"), register_data(other_community))
    assert field_errors(text(response), "community")
    assert Member.objects.count() == 0


@pytest.mark.parametrize("fixture", ["partner_user", "member_user"])
def test_register_form_is_for_coordinators_and_secretariat(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("registry:member_create")).status_code == 403


def test_region_picker_cascade(client, coordinator):
    client.force_login(coordinator)

    html = text(
        client.get(
            reverse("registry:region_picker"),
            # The province changed: the old regency, district and village no longer apply.
            {
                "region_province": "35",
                "region_regency": "32.73",
                "region_district": "32.73.01",
                "village": "32.73.01.1001",
            },
        )
    )

    assert html.lstrip().startswith('<fieldset class="picker" id="region-picker">')
    assert '<option value="35" selected>' in html
    assert '<option value="35.78">' in html
    assert "32.73.01.1001" not in html
    assert 'name="region_district" id="id_region_district"' in html
    assert re.search(r'<select name="village" id="id_village" disabled', html)


# --- Self-registration ----------------------------------------------------------------------


def test_signup_creates_pending_member(client, community):
    response = client.post(
        reverse("registry:signup"),
        {
            "community": community.slug,
            "full_name": "Rina Marlina",
            "nik": NEW_NIK,
            "phone": "0812 3456 7890",
            "password": "Usaha-Kue-2024",
            "consent": "on",
        },
        follow=True,
    )

    assert response.redirect_chain == [(reverse("registry:signup_done"), 302)]
    html = text(response)
    assert (
        "Terima kasih. Koordinator Komunitas Bandung Juara akan memeriksa dan menyetujui "
        "pendaftaran Anda." in html
    )
    assert "masuklah dengan nomor HP" in html
    member = Member.objects.get()
    assert (member.status, member.user.phone, member.user.is_active) == (
        "pending",
        "+6281234567890",
        False,
    )


def test_signup_bad_nik_saves_nothing(client, community):
    response = client.post(
        reverse("registry:signup"),
        {
            "community": community.slug,
            "full_name": "Rina Marlina",
            "nik": BAD_NIK,
            "phone": "0812 3456 7890",
            "password": "Usaha-Kue-2024",
            "consent": "on",
        },
    )
    assert field_errors(text(response), "nik") == [nik_message(BAD_NIK)]
    assert (Member.objects.count(), User.objects.count()) == (0, 0)


def test_signup_requires_consent(client, community):
    response = client.post(
        reverse("registry:signup"),
        {
            "community": community.slug,
            "full_name": "Rina Marlina",
            "nik": NEW_NIK,
            "phone": "0812 3456 7890",
            "password": "Usaha-Kue-2024",
        },
    )
    assert field_errors(text(response), "consent") == [
        "Persetujuan pemrosesan data wajib dicentang."
    ]
    assert Member.objects.count() == 0


def test_signup_lists_only_active_communities(client, community, other_community):
    other_community.status = Community.Status.INACTIVE
    other_community.save()
    html = text(client.get(reverse("registry:signup")))
    assert "Komunitas Bandung Juara — " in html
    assert "Komunitas Surabaya Maju" not in html
    assert client.get("/daftar/").status_code == 200


# --- Communities and partners ---------------------------------------------------------------


def test_community_list_and_search(client, secretariat, community, other_community):
    client.force_login(secretariat)

    html = text(client.get(reverse("registry:community_list")))
    assert "2 komunitas" in html
    assert ">Komunitas Bandung Juara</a>" in html
    assert ">Komunitas Surabaya Maju</a>" in html

    html = text(client.get(reverse("registry:community_list"), {"q": "surabaya"}))
    assert "1 komunitas" in html
    assert "Komunitas Bandung Juara" not in html


def test_community_list_for_coordinator_is_their_own(client, coordinator, other_community):
    client.force_login(coordinator)
    html = text(client.get(reverse("registry:community_list")))
    assert ">Komunitas Bandung Juara</a>" in html
    assert "Surabaya" not in html


def test_community_detail_for_coordinator_links_members(client, coordinator, community, member):
    coordinator.first_name = "Asep"
    coordinator.save()
    MemberFactory(community=community, status="pending")
    client.force_login(coordinator)

    html = text(client.get(reverse("registry:community_detail", args=[community.slug])))

    assert "<h1>Komunitas Bandung Juara</h1>" in html
    assert "<strong>2</strong> <span>anggota</span>" in html
    assert "<strong>1</strong> <span>menunggu persetujuan</span>" in html
    assert "<dd>Asep</dd>" in html
    assert f'href="{reverse("registry:member_list")}?community=bandung-juara"' in html


def test_community_detail_for_partner_has_no_member_link(client, partner_user, community):
    client.force_login(partner_user)
    html = text(client.get(reverse("registry:community_detail", args=[community.slug])))
    assert "<h1>Komunitas Bandung Juara</h1>" in html
    assert "?community=bandung-juara" not in html
    assert "menunggu persetujuan" not in html


def test_community_detail_not_yours_is_404(client, coordinator, other_community):
    client.force_login(coordinator)
    response = client.get(reverse("registry:community_detail", args=[other_community.slug]))
    assert response.status_code == 404


def test_partner_list_filters_by_kind(client, secretariat):
    PartnerFactory(name="Bank Rakyat Uji", kind="bank")
    PartnerFactory(name="Universitas Uji", kind="university")
    client.force_login(secretariat)

    html = text(client.get(reverse("registry:partner_list"), {"kind": "university"}))

    assert ">Universitas Uji</a>" in html
    assert "Bank Rakyat Uji" not in html


def test_partner_detail_shows_contacts_and_agreements(client, secretariat):
    from penggerak.registry.models import Agreement, PartnerContact

    partner = PartnerFactory(name="Yayasan Uji", slug="yayasan-uji", kind="foundation")
    PartnerContact.objects.create(partner=partner, name="Bu Ratna", position="Direktur")
    Agreement.objects.create(
        partner=partner,
        number="MoU/01/2021",
        title="Pelatihan digital",
        signed_on=dt.date(2021, 3, 1),
        starts_on=dt.date(2021, 3, 1),
    )
    client.force_login(secretariat)

    html = text(client.get(reverse("registry:partner_detail", args=["yayasan-uji"])))

    assert "<h1>Yayasan Uji</h1>" in html
    assert "<dd>Yayasan</dd>" in html
    assert "<strong>Bu Ratna</strong>" in html
    assert '<th scope="row">MoU/01/2021</th>' in html
    assert "tanpa batas" in html


def test_partner_staff_cannot_open_other_partners(client, partner_user):
    PartnerFactory(slug="mitra-lain")
    client.force_login(partner_user)
    assert client.get(reverse("registry:partner_detail", args=["mitra-lain"])).status_code == 404


# --- Language -------------------------------------------------------------------------------


def test_english_switch(client, coordinator, member):
    call_command("compile_translations")
    client.force_login(coordinator)

    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("registry:member_list")}
    )
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    html = text(client.get(reverse("registry:member_list")))
    assert '<html lang="en">' in html
    assert ">Members</a>" in html
    assert "1 member" in html
    assert 'value="id" lang="id"><span class="wide-only">Bahasa </span>Indonesia</button>' in html

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    html = text(client.get(reverse("registry:member_list")))
    assert '<html lang="id">' in html
    assert ">Anggota</a>" in html


def test_roles_unknown_to_pages_still_get_a_home(client, db):
    user = User.objects.create_user(username="tanpa-data", password="x", role=Role.MEMBER)
    client.force_login(user)
    assert "Akun Anda belum terhubung" in text(client.get(reverse("home")))


def test_reveal_nik_htmx_without_reason_answers_422_with_the_block(client, coordinator, member):
    client.force_login(coordinator)

    response = client.post(
        reverse("registry:member_reveal_nik", args=[member.pk]),
        {"reason": ""},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 422
    html = text(response)
    assert html.startswith('<div id="nik-block"')
    assert field_errors(html, "reason") == ["Alasan wajib diisi."]
    assert AuditEvent.objects.filter(action="view_nik").count() == 0

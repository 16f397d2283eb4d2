"""Registry services: registration, updates, transfer, NIK reveal, partners, size classes."""

import datetime as dt
import threading

import pytest
from django.db import connection

from penggerak.accounts.models import Role, User
from penggerak.core.errors import DomainError, PermissionDenied
from penggerak.core.identity import compose_nik
from penggerak.core.models import AuditEvent
from penggerak.core.protection import nik_decrypt, nik_digest
from penggerak.registry import services
from penggerak.registry.models import Business, Community, Member
from penggerak.registry.tests.factories import BANDUNG_DISTRICT, MemberFactory

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1990, 7, 17)
NIK_WOMAN = compose_nik(BANDUNG_DISTRICT, BIRTH, "P", 12)
NIK_MAN = compose_nik(BANDUNG_DISTRICT, BIRTH, "L", 13)


def register(actor, community, **overrides):
    fields = {
        "full_name": "Dewi  Lestari ",
        "nik": NIK_WOMAN,
        "phone": "0812-3456-7890",
        "email": "dewi@Example.COM",
        "consent": True,
    }
    fields.update(overrides)
    return services.member_register(actor=actor, community=community, **fields)


class TestMemberRegister:
    def test_creates_member_with_protected_nik_and_derived_fields(self, coordinator, community):
        member = register(coordinator, community)

        member.refresh_from_db()
        assert member.full_name == "Dewi Lestari"
        assert member.search_name == "dewi lestari"
        assert member.birth_date == BIRTH
        assert member.sex == "P"
        assert member.phone == "+6281234567890"
        assert member.email == "dewi@example.com"
        assert member.nik_digest == nik_digest(NIK_WOMAN)
        assert NIK_WOMAN not in member.nik_ciphertext
        assert nik_decrypt(member.nik_ciphertext) == NIK_WOMAN
        assert member.nik_masked == "*" * 12 + NIK_WOMAN[-4:]
        assert member.region_id == community.regency_id
        assert member.status == Member.Status.ACTIVE
        assert member.furthest_step == 1
        assert member.consent_text_version == services.CONSENT_TEXT_VERSION
        community.refresh_from_db()
        assert community.member_count == 1
        event = AuditEvent.objects.get(object_type="registry.member", object_id=str(member.pk))
        assert (event.action, event.actor_id) == ("create", coordinator.pk)

    def test_without_consent_registration_step_is_not_done(self, coordinator, community):
        member = register(coordinator, community, consent=False)
        assert member.consent_given_at is None
        assert member.furthest_step == 0

    def test_village_sets_region(self, coordinator, community):
        member = register(coordinator, community, village_code="32.73.01.1001")
        assert member.village_id == "32.73.01.1001"
        assert member.region_id == "32.73.01.1001"

    def test_all_field_errors_reported_at_once_and_nothing_saved(self, coordinator, community):
        with pytest.raises(DomainError) as caught:
            register(
                coordinator,
                community,
                full_name=" ",
                nik="3273011707900",
                phone="12345",
                email="bukan-email",
                village_code="99.99.99.9999",
            )
        assert caught.value.code == "validation_error"
        assert set(caught.value.fields) == {"full_name", "nik", "phone", "email", "village"}
        assert Member.objects.count() == 0
        assert AuditEvent.objects.count() == 0
        community.refresh_from_db()
        assert community.member_count == 0

    def test_stated_birth_date_and_sex_must_match_nik(self, coordinator, community):
        with pytest.raises(DomainError) as caught:
            register(coordinator, community, birth_date=dt.date(1991, 7, 17), sex="L")
        assert set(caught.value.fields) == {"birth_date", "sex"}
        assert Member.objects.count() == 0

    def test_duplicate_nik_names_community_only_when_visible(
        self, coordinator, community, other_coordinator, other_community
    ):
        register(coordinator, community)

        with pytest.raises(DomainError) as seen:
            register(coordinator, community, full_name="Orang Lain")
        assert seen.value.code == "nik_duplicate"
        assert community.name in str(seen.value.message)

        with pytest.raises(DomainError) as hidden:
            register(other_coordinator, other_community, full_name="Orang Lain")
        assert hidden.value.code == "nik_duplicate"
        assert community.name not in str(hidden.value.message)
        assert Member.objects.count() == 1

    def test_coordinator_cannot_register_into_another_community(self, coordinator, other_community):
        with pytest.raises(PermissionDenied):
            register(coordinator, other_community)
        assert Member.objects.count() == 0

    def test_partner_and_member_cannot_register(self, partner_user, member_user, community):
        for actor in (partner_user, member_user):
            with pytest.raises(PermissionDenied):
                register(actor, community, nik=NIK_MAN)
        assert Member.objects.filter(nik_digest=nik_digest(NIK_MAN)).count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_registration_of_one_nik_leaves_exactly_one_member(secretariat, community):
    """Two registrations race; the unique constraint, not only the pre-check, decides."""
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("an in-memory SQLite database is not shared between threads")
    results: list[str] = []
    barrier = threading.Barrier(4)

    def attempt(n: int) -> None:
        try:
            barrier.wait()
            register(secretariat, community, full_name=f"Peserta {n}")
            results.append("ok")
        except DomainError as error:
            results.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["nik_duplicate"] * 3 + ["ok"]
    assert Member.objects.filter(nik_digest=nik_digest(NIK_WOMAN)).count() == 1
    community.refresh_from_db()
    assert community.member_count == 1


class TestMemberUpdate:
    def test_changes_are_validated_and_audited(self, coordinator, member):
        services.member_update(actor=coordinator, member=member, phone="+62 811 2233 4455")
        member.refresh_from_db()
        assert member.phone == "+6281122334455"
        event = AuditEvent.objects.filter(action="update", object_id=str(member.pk)).get()
        assert event.changes["phone"][1] == "+6281122334455"

    def test_identity_fields_cannot_change(self, coordinator, member):
        with pytest.raises(DomainError) as caught:
            services.member_update(actor=coordinator, member=member, birth_date=dt.date(2000, 1, 1))
        assert "birth_date" in caught.value.fields

    def test_bad_phone_changes_nothing(self, coordinator, member):
        before = member.phone
        with pytest.raises(DomainError):
            services.member_update(actor=coordinator, member=member, phone="abc", full_name="X")
        member.refresh_from_db()
        assert (member.phone, member.full_name) == (before, "Siti Aminah")

    def test_wrong_coordinator_is_refused(self, other_coordinator, member):
        with pytest.raises(PermissionDenied):
            services.member_update(actor=other_coordinator, member=member, full_name="Diubah")
        member.refresh_from_db()
        assert member.full_name == "Siti Aminah"


class TestTransfer:
    def test_secretariat_transfers_with_reason_and_counters_follow(
        self, secretariat, member, community, other_community
    ):
        services.member_transfer(
            actor=secretariat, member=member, to_community=other_community, reason="Pindah domisili"
        )
        member.refresh_from_db()
        community.refresh_from_db()
        other_community.refresh_from_db()
        assert member.community == other_community
        assert member.region_id == other_community.regency_id
        assert (community.member_count, other_community.member_count) == (0, 1)
        event = AuditEvent.objects.get(action="transfer")
        assert event.reason == "Pindah domisili"
        assert event.changes == {"community": [community.slug, other_community.slug]}

    def test_reason_required(self, secretariat, member, other_community):
        with pytest.raises(DomainError) as caught:
            services.member_transfer(
                actor=secretariat, member=member, to_community=other_community, reason=" "
            )
        assert caught.value.code == "reason_required"
        member.refresh_from_db()
        assert member.community_id != other_community.pk

    def test_coordinator_of_one_side_only_is_refused(self, coordinator, member, other_community):
        with pytest.raises(PermissionDenied):
            services.member_transfer(
                actor=coordinator, member=member, to_community=other_community, reason="x"
            )
        assert AuditEvent.objects.filter(action="transfer").count() == 0


class TestRevealNik:
    def test_reveal_returns_nik_and_audits_reason(self, secretariat, member):
        nik = services.member_reveal_nik(actor=secretariat, member=member, reason="Verifikasi KUR")
        assert nik == nik_decrypt(member.nik_ciphertext)
        event = AuditEvent.objects.get(action="view_nik")
        assert (event.actor_id, event.reason) == (secretariat.pk, "Verifikasi KUR")

    def test_reason_is_required(self, secretariat, member):
        with pytest.raises(DomainError):
            services.member_reveal_nik(actor=secretariat, member=member, reason="")
        assert AuditEvent.objects.filter(action="view_nik").count() == 0

    def test_other_roles_are_refused(self, other_coordinator, partner_user, member):
        for actor in (other_coordinator, partner_user):
            with pytest.raises(PermissionDenied):
                services.member_reveal_nik(actor=actor, member=member, reason="ingin tahu")
        assert AuditEvent.objects.filter(action="view_nik").count() == 0


class TestSelfRegistration:
    def test_creates_pending_member_and_inactive_login_until_approved(self, community, coordinator):
        member = services.member_self_register(
            community=community,
            full_name="Rina Marlina",
            nik=NIK_WOMAN,
            phone="081234567890",
            password="kata-sandi-aman",
            consent=True,
        )
        assert member.status == Member.Status.PENDING
        user = User.objects.get(phone="+6281234567890")
        assert (user.role, user.is_active, member.user_id) == (Role.MEMBER, False, user.pk)

        services.member_approve(actor=coordinator, member=member)
        user.refresh_from_db()
        member.refresh_from_db()
        assert (member.status, user.is_active) == (Member.Status.ACTIVE, True)

    def test_consent_is_required_and_nothing_is_saved(self, community):
        with pytest.raises(DomainError) as caught:
            services.member_self_register(
                community=community,
                full_name="Rina",
                nik=NIK_WOMAN,
                phone="081234567890",
                password="kata-sandi-aman",
                consent=False,
            )
        assert "consent" in caught.value.fields
        assert (User.objects.count(), Member.objects.count()) == (0, 0)

    def test_every_problem_is_reported_in_one_try(self, community):
        with pytest.raises(DomainError) as caught:
            services.member_self_register(
                community=community,
                full_name="",
                nik="1234",
                phone="12",
                password="short",
                consent=False,
            )
        assert set(caught.value.fields) == {"full_name", "nik", "phone", "password", "consent"}

    def test_bad_nik_leaves_no_orphan_login(self, community):
        with pytest.raises(DomainError):
            services.member_self_register(
                community=community,
                full_name="Rina",
                nik="1234",
                phone="081234567890",
                password="kata-sandi-aman",
                consent=True,
            )
        assert (User.objects.count(), Member.objects.count()) == (0, 0)


class TestBusiness:
    @pytest.mark.parametrize(
        ("capital", "monthly_turnover", "expected"),
        [
            (50_000_000, 10_000_000, "micro"),
            (1_000_000_000, 0, "micro"),
            (1_000_000_001, 0, "small"),
            (100_000_000, 200_000_000, "small"),  # 2.4 bn a year in sales
            (6_000_000_000, 0, "medium"),
            (0, 5_000_000_000, "large"),  # 60 bn a year
        ],
    )
    def test_size_class_per_pp_7_2021(self, capital, monthly_turnover, expected):
        assert (
            services.business_size_class(capital=capital, monthly_turnover=monthly_turnover)
            == expected
        )

    def test_create_validates_identifiers(self, coordinator, member):
        with pytest.raises(DomainError) as caught:
            services.business_create(
                actor=coordinator,
                owner=member,
                name="Keripik Bu Siti",
                sector="food",
                nib="123",
                kbli_code="1",
                employees=-1,
            )
        assert set(caught.value.fields) == {"nib", "kbli_code", "employees"}
        assert Business.objects.count() == 0

    def test_create(self, coordinator, member):
        business = services.business_create(
            actor=coordinator,
            owner=member,
            name="Keripik Bu Siti",
            sector="food",
            kbli_code="10794",
            nib="1234567890123",
            employees=3,
            monthly_turnover=15_000_000,
            capital=20_000_000,
            latitude=-6.9,
            longitude=107.6,
        )
        assert (business.size_class, business.kbli_edition, business.nib) == (
            "micro",
            2020,
            "1234567890123",
        )


class TestCommunitiesAndPartners:
    def test_only_secretariat_creates_communities(self, secretariat, coordinator):
        community = services.community_create(
            actor=secretariat, name="Komunitas  Tasik Maju", regency_code="32.06"
        )
        assert (community.slug, community.regency_id) == ("komunitas-tasik-maju", "32.06")
        with pytest.raises(PermissionDenied):
            services.community_create(actor=coordinator, name="X", regency_code="32.06")
        assert Community.objects.filter(name="X").count() == 0

    def test_slug_is_checked_after_slugifying(self, secretariat):
        services.community_create(actor=secretariat, name="A", regency_code="32.73", slug="tasik")
        with pytest.raises(DomainError) as caught:
            services.community_create(
                actor=secretariat, name="B", regency_code="32.73", slug=" Tasik "
            )
        assert "slug" in caught.value.fields
        assert Community.objects.filter(name="B").count() == 0

    def test_community_needs_a_current_regency(self, secretariat):
        with pytest.raises(DomainError) as caught:
            services.community_create(actor=secretariat, name="Salah", regency_code="32.73.01")
        assert "regency" in caught.value.fields

    def test_provincial_secretariat_stays_in_its_province(self, secretariat):
        secretariat.province_id = "35"
        secretariat.save()
        with pytest.raises(DomainError) as caught:
            services.community_create(actor=secretariat, name="Bandung", regency_code="32.73")
        assert "regency" in caught.value.fields

    def test_agreement_dates_must_be_ordered(self, secretariat):
        partner = services.partner_create(actor=secretariat, name="Bank Maju", kind="bank")
        with pytest.raises(DomainError) as caught:
            services.agreement_create(
                actor=secretariat,
                partner=partner,
                number="MoU/01/2020",
                title="Pembiayaan",
                signed_on=dt.date(2020, 1, 1),
                starts_on=dt.date(2020, 2, 1),
                ends_on=dt.date(2019, 2, 1),
            )
        assert "ends_on" in caught.value.fields
        services.agreement_create(
            actor=secretariat,
            partner=partner,
            number="MoU/01/2020",
            title="Pembiayaan",
            signed_on=dt.date(2020, 1, 1),
            starts_on=dt.date(2020, 2, 1),
        )
        with pytest.raises(DomainError) as duplicate:
            services.agreement_create(
                actor=secretariat,
                partner=partner,
                number="MoU/01/2020",
                title="Lagi",
                signed_on=dt.date(2020, 1, 1),
                starts_on=dt.date(2020, 2, 1),
            )
        assert "number" in duplicate.value.fields


def test_factory_members_are_visible_as_expected(community):
    MemberFactory.create_batch(3, community=community)
    community.refresh_from_db()
    assert community.member_count == 3

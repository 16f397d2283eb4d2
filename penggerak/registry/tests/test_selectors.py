"""Scoped reads: who sees which members, filters, counts."""

import datetime as dt

import pytest

from penggerak.core.errors import DomainError, NotFound
from penggerak.core.identity import compose_nik
from penggerak.registry import selectors
from penggerak.registry.models import Business
from penggerak.registry.tests.factories import (
    BANDUNG_DISTRICT,
    BusinessFactory,
    MemberFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_communities(community, other_community):
    here = MemberFactory.create_batch(3, community=community)
    there = MemberFactory.create_batch(2, community=other_community)
    return here, there


class TestScope:
    def test_secretariat_sees_everyone(self, secretariat, two_communities):
        assert selectors.members_visible_to(secretariat).count() == 5

    def test_provincial_secretariat_sees_its_province(self, secretariat, two_communities):
        here, _there = two_communities
        secretariat.province_id = "32"
        secretariat.save()
        visible = set(selectors.members_visible_to(secretariat).values_list("pk", flat=True))
        assert visible == {m.pk for m in here}

    def test_coordinator_sees_own_communities(self, coordinator, two_communities):
        here, _there = two_communities
        visible = set(selectors.members_visible_to(coordinator).values_list("pk", flat=True))
        assert visible == {m.pk for m in here}

    def test_member_sees_only_self(self, member_user, member, two_communities):
        assert list(selectors.members_visible_to(member_user)) == [member]

    def test_partner_and_anonymous_see_nobody(self, partner_user, two_communities):
        from django.contrib.auth.models import AnonymousUser

        assert selectors.members_visible_to(partner_user).count() == 0
        assert selectors.members_visible_to(AnonymousUser()).count() == 0
        assert selectors.members_visible_to(None).count() == 0

    def test_inactive_user_sees_nobody(self, coordinator, two_communities):
        coordinator.is_active = False
        coordinator.save()
        assert selectors.members_visible_to(coordinator).count() == 0

    def test_not_yours_looks_like_missing(self, other_coordinator, member):
        with pytest.raises(NotFound) as not_yours:
            selectors.member_get(actor=other_coordinator, member_id=member.pk)
        with pytest.raises(NotFound) as missing:
            selectors.member_get(actor=other_coordinator, member_id=999_999)
        assert not_yours.value.as_dict() == missing.value.as_dict()


class TestFilters:
    def test_name_prefix_is_case_and_accent_insensitive(self, secretariat, community):
        MemberFactory(community=community, full_name="Siti Ãminah")
        MemberFactory(community=community, full_name="Budi Santoso")
        names = [
            m.full_name
            for m in selectors.member_list(actor=secretariat, filters={"q": "  SITI  ã"})
        ]
        assert names == ["Siti Ãminah"]

    @pytest.mark.parametrize(
        "shape",
        [
            lambda nik: nik,
            lambda nik: f"{nik[:6]} {nik[6:12]} {nik[12:]}",
            lambda nik: f"{nik[:6]}.{nik[6:12]}-{nik[12:]}",
            lambda nik: f"NIK {nik}",
            lambda nik: "*" * 12 + nik[-4:],
            lambda nik: nik[:2] + "*" * 10 + nik[-4:],
        ],
    )
    def test_a_nik_is_never_a_list_filter(self, secretariat, community, shape):
        """Filters travel in URLs (page, API, export): a NIK there would sit in logs."""
        nik = compose_nik(BANDUNG_DISTRICT, dt.date(1979, 1, 2), "L", 77)
        MemberFactory(community=community, nik=nik, sex="L", birth_date=dt.date(1979, 1, 2))
        for read in (selectors.member_list, selectors.member_count):
            with pytest.raises(DomainError) as refused:
                read(actor=secretariat, filters={"q": shape(nik)})
            assert refused.value.code == "nik_in_query"
            assert refused.value.status_code == 422
            assert set(refused.value.fields) == {"q"}

    def test_nik_lookup_is_exact_and_scoped(
        self, secretariat, coordinator, other_coordinator, community
    ):
        nik = compose_nik(BANDUNG_DISTRICT, dt.date(1979, 1, 2), "L", 77)
        target = MemberFactory(
            community=community, nik=nik, sex="L", birth_date=dt.date(1979, 1, 2)
        )
        MemberFactory(community=community)
        assert selectors.member_find_by_nik(actor=secretariat, nik=nik) == target
        assert selectors.member_find_by_nik(actor=coordinator, nik=nik) == target
        assert selectors.member_find_by_nik(actor=other_coordinator, nik=nik) is None
        other = compose_nik(BANDUNG_DISTRICT, dt.date(1979, 1, 2), "L", 78)
        assert selectors.member_find_by_nik(actor=secretariat, nik=other) is None

    def test_phone_matches_in_local_form(self, secretariat, community):
        target = MemberFactory(community=community, phone="+6281398765432")
        MemberFactory(community=community)
        found = selectors.member_list(actor=secretariat, filters={"q": "0813-9876-5432"})
        assert list(found) == [target]

    def test_region_province_step_sector_community(self, secretariat, two_communities):
        here, there = two_communities
        here[0].furthest_step = 4
        here[0].save()
        BusinessFactory(owner=there[1], sector=Business.Sector.CRAFT)

        def ids(**filters):
            return {m.pk for m in selectors.member_list(actor=secretariat, filters=filters)}

        assert ids(province="32") == {m.pk for m in here}
        assert ids(region="35.78") == {m.pk for m in there}
        assert ids(step=4) == {here[0].pk}
        assert ids(sector="craft") == {there[1].pk}
        assert ids(community=here[0].community.slug) == {m.pk for m in here}
        assert ids(province="3") == set()

    def test_filters_never_widen_scope(self, coordinator, two_communities):
        _here, there = two_communities
        found = selectors.member_list(
            actor=coordinator, filters={"community": there[0].community.slug}
        )
        assert list(found) == []

    def test_malformed_filter_is_a_domain_error(self, secretariat):
        with pytest.raises(DomainError) as caught:
            selectors.member_list(actor=secretariat, filters={"step": "abc"})
        assert caught.value.code == "invalid_filter"
        assert "step" in caught.value.fields


class TestCount:
    def test_counter_path_and_query_path_agree(self, secretariat, coordinator, two_communities):
        _here, _there = two_communities
        assert selectors.member_count(actor=secretariat) == 5
        assert selectors.member_count(actor=coordinator) == 3
        assert (
            selectors.member_count(actor=secretariat, filters={"community": "surabaya-maju"}) == 2
        )
        assert selectors.member_count(actor=secretariat, filters={"province": "35"}) == 2
        assert (
            selectors.member_count(actor=coordinator, filters={"community": "surabaya-maju"}) == 0
        )

    def test_counter_read_costs_one_query(
        self, secretariat, two_communities, django_assert_num_queries
    ):
        with django_assert_num_queries(1):
            selectors.member_count(actor=secretariat)


def test_member_table_introspects_with_its_generated_region_columns(db):
    """Later migrations introspect this table; the generated columns must not break that."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "registry_member")
    assert constraints["member_province_idx"]["columns"] == ["province_code", "id"]
    assert constraints["member_regency_idx"]["columns"] == ["regency_code", "id"]


def test_generated_codes_follow_the_region(secretariat, community):
    member = MemberFactory(community=community, region_id="32.73.01.1001")
    member.refresh_from_db()
    assert (member.province_code, member.regency_code) == ("32", "32.73")


def test_partner_contacts_are_hidden_from_members(secretariat, coordinator, member_user):
    from penggerak.registry.models import PartnerContact
    from penggerak.registry.tests.factories import PartnerFactory

    partner = PartnerFactory(slug="bank-kontak")
    PartnerContact.objects.create(partner=partner, name="Ibu Kontak", phone="+6281234567890")
    seen = {
        actor.username: [
            c.name for c in selectors.partner_get(actor=actor, slug="bank-kontak").contacts.all()
        ]
        for actor in (secretariat, coordinator, member_user)
    }
    assert seen == {
        secretariat.username: ["Ibu Kontak"],
        coordinator.username: ["Ibu Kontak"],
        member_user.username: [],
    }

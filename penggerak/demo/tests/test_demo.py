"""The demo generator: exact counts, valid identities, realistic shape, determinism, safety."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from penggerak.accounts.models import Role, User
from penggerak.core import identity
from penggerak.core.models import AuditEvent, Region
from penggerak.core.protection import nik_decrypt, nik_digest, nik_mask
from penggerak.core.text import search_text
from penggerak.demo.catalog import JAVA, PRIVATE_PARTNER_MIX, SECTORS
from penggerak.demo.generator import (
    PRESETS,
    DemoDataExists,
    apportion,
    funnel_counts,
    load_demo,
)
from penggerak.registry.models import (
    Agreement,
    Business,
    Community,
    Member,
    Partner,
    PartnerContact,
)
from penggerak.registry.services import (
    CONSENT_PURPOSE,
    CONSENT_TEXT_VERSION,
    business_size_class,
)

# The first community's founding; the tiny preset is as of the day it is generated (the
# stopped clock of conftest.py).
START = dt.date(2017, 12, 1)


def load_tiny(seed: int = 2020) -> str:
    """Load the tiny preset through the command; returns its stdout."""
    out = StringIO()
    call_command("demo", preset="tiny", seed=seed, stdout=out, verbosity=0)
    return out.getvalue()


def wipe_demo() -> None:
    """Remove a loaded demo, so the next load starts from an empty registry."""
    Business.objects.all().delete()
    Member.objects.all().delete()
    Agreement.objects.all().delete()
    PartnerContact.objects.all().delete()
    Partner.staff.through.objects.all().delete()
    Partner.objects.all().delete()
    Community.coordinators.through.objects.all().delete()
    Community.objects.all().delete()
    User.objects.filter(username__startswith=("koord-")).delete()
    User.objects.filter(username__startswith=("mitra-")).delete()
    User.objects.filter(username="sekretariat").delete()
    AuditEvent.objects.filter(object_type="demo").delete()


def fingerprint() -> list[tuple]:
    """What must repeat exactly for the same seed (ciphertexts need not)."""
    return list(
        Member.objects.order_by("id").values_list("full_name", "nik_digest", "phone", "joined_on")
    )


def registry_snapshot() -> tuple:
    """Counts and a few rows: equal snapshots mean nothing was written."""
    return (
        Community.objects.count(),
        Member.objects.count(),
        Business.objects.count(),
        Partner.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
        list(Member.objects.order_by("id").values_list("id", "nik_digest")[:5]),
    )


class TestArithmetic:
    def test_apportion_is_exact_and_proportional(self):
        assert apportion(10, [1, 1, 1]) == [4, 3, 3]
        assert apportion(378_212, [0.2, 0.8]) == [75_642, 302_570]
        assert sum(apportion(1001, [0.3, 0.3, 0.4])) == 1001
        assert apportion(0, [1, 2]) == [0, 0]

    def test_funnel_follows_the_real_programme(self):
        counts = funnel_counts(378_212, PRESETS["okoce-2020"])
        reached = [sum(n for step, n in counts.items() if step >= k) for k in range(1, 8)]
        assert sum(counts.values()) == 378_212
        assert counts[0] == round(378_212 * 0.025)
        real = (284_164, 176_891, 157_498, 148_374, 44_456, 32_883, 6_159)
        for k in range(7):
            assert reached[k] == round(reached[0] * real[k] / real[0])

    def test_catalog_covers_every_sector_with_valid_kbli(self):
        assert {s.code for s in SECTORS} == set(Business.Sector.values)
        assert sum(s.share for s in SECTORS) == pytest.approx(1.0)
        for sector in SECTORS:
            for product in sector.products:
                assert identity.validate_kbli(product.kbli, edition=2020).valid, product


@pytest.mark.django_db
class TestTinyPreset:
    def test_exact_counts_and_logins(self):
        summary = load_tiny()

        assert "3 komunitas/communities" in summary
        communities = list(Community.objects.select_related("regency"))
        assert len(communities) == 3
        provinces = {c.regency_id[:2] for c in communities}
        assert len(provinces) == 3 and "31" in provinces
        assert Member.objects.count() == 300
        assert Business.objects.count() >= 300
        kinds = list(Partner.objects.values_list("kind", flat=True))
        assert sorted(k for k in kinds if not k.endswith("_gov")) == [
            "bank",
            "company",
            "university",
        ]
        assert sorted(k for k in kinds if k.endswith("_gov")) in (
            ["city_gov", "province_gov"],
            ["province_gov", "regency_gov"],
        )
        assert Partner.objects.get(kind="province_gov").region_id == "31"
        assert PartnerContact.objects.count() == 5
        assert set(Agreement.objects.values_list("partner", flat=True)) == set(
            Partner.objects.values_list("id", flat=True)
        )
        secretariat = User.objects.get(username="sekretariat")
        assert (secretariat.role, secretariat.is_staff, secretariat.province_id) == (
            Role.SECRETARIAT,
            True,
            None,
        )
        for community in communities:
            coordinator = User.objects.get(username=f"koord-{community.slug}")
            assert coordinator.role == Role.COORDINATOR
            assert list(community.coordinators.all()) == [coordinator]
        partner_logins = User.objects.filter(role=Role.PARTNER)
        assert partner_logins.count() == 3
        assert all(
            u.username.startswith("mitra-") and u.partners.count() == 1 for u in partner_logins
        )
        assert User.objects.count() == 1 + 3 + 3
        event = AuditEvent.objects.get(object_type="demo")
        assert (event.action, event.reason, event.actor_id) == (
            "create",
            "demo preset tiny seed 2020",
            None,
        )
        assert event.changes["as_of"] == timezone.localdate().isoformat()
        assert AuditEvent.objects.count() == 1

    def test_every_member_is_valid_and_consistent(self):
        load_tiny(seed=7)

        villages = dict(Region.objects.filter(level=4).values_list("code", "level"))
        founded = dict(Community.objects.values_list("id", "founded_on"))
        regency = dict(Community.objects.values_list("id", "regency_id"))
        members = list(Member.objects.all())
        for m in members:
            nik = nik_decrypt(m.nik_ciphertext)
            result = identity.validate_nik(nik, birth_date=m.birth_date, sex=m.sex)
            assert result.valid, (nik, result.errors)
            assert nik[:6] == m.village_id[:8].replace(".", "")
            assert (m.nik_digest, m.nik_masked) == (nik_digest(nik), nik_mask(nik))
            assert m.search_name == search_text(m.full_name)
            if m.phone:
                phone = identity.validate_phone(m.phone)
                assert phone.valid and phone.normalized == m.phone, m.phone
                assert phone.details["type"] == "mobile"
                assert m.phone.startswith("+628")
            if m.email:
                assert identity.validate_email(m.email).valid, m.email
            assert m.village_id in villages and m.region_id == m.village_id
            assert m.village_id.startswith(regency[m.community_id] + ".")
            assert founded[m.community_id] <= m.joined_on <= timezone.localdate()
            assert founded[m.community_id] >= START
            age = (m.joined_on - m.birth_date).days / 365.25
            assert 18 <= age < 71
            assert m.status in ("active", "inactive", "pending")
            if m.furthest_step == 0:
                assert m.consent_given_at is None
            else:
                assert m.consent_given_at is not None
                assert (m.consent_purpose, m.consent_text_version) == (
                    CONSENT_PURPOSE,
                    CONSENT_TEXT_VERSION,
                )
        assert len({nik_decrypt(m.nik_ciphertext) for m in members}) == 300
        phones = [m.phone for m in members if m.phone]
        assert len(set(phones)) >= 0.98 * len(phones)
        assert 0.55 <= sum(m.sex == "P" for m in members) / 300 <= 0.65
        assert 0 < sum(not m.email for m in members) < 300

        reached = [sum(m.furthest_step >= k for m in members) for k in range(8)]
        assert reached == sorted(reached, reverse=True)
        assert reached[1] >= 0.95 * 300

        for community in Community.objects.all():
            assert community.member_count == Member.objects.filter(community=community).count()

    def test_businesses_are_plausible(self):
        load_tiny(seed=8)

        owners = set(Business.objects.values_list("owner", flat=True))
        assert owners == set(Member.objects.values_list("id", flat=True))
        for b in Business.objects.all():
            assert b.sector in Business.Sector.values
            assert identity.validate_kbli(b.kbli_code, edition=2020).valid
            assert b.kbli_edition == 2020
            assert b.employees >= 1 and b.monthly_turnover > 0 and b.capital > 0
            assert b.size_class == business_size_class(
                capital=b.capital, monthly_turnover=b.monthly_turnover
            )
            if b.nib:
                assert identity.validate_nib(b.nib).valid and len(b.nib) == 13
            if b.npwp:
                assert identity.validate_npwp(b.npwp).valid, b.npwp
            assert -11 < b.latitude < 6 and 95 < b.longitude < 141
        micro = Business.objects.filter(size_class="micro").count()
        assert micro >= 0.9 * Business.objects.count()
        # Step 4 (licensing) means holding a NIB.
        licensed = Member.objects.filter(furthest_step__gte=4)
        assert all(m.businesses.exclude(nib="").exists() for m in licensed)

    def test_same_seed_same_data_other_seed_other_data(self):
        load_tiny(seed=5)
        first = fingerprint()
        wipe_demo()
        load_tiny(seed=5)
        second = fingerprint()
        wipe_demo()
        load_tiny(seed=6)
        third = fingerprint()

        assert len(first) == 300
        assert first == second
        assert first != third

    def test_if_empty_on_loaded_database_changes_nothing(self):
        load_tiny()
        before = registry_snapshot()

        out = StringIO()
        call_command("demo", preset="tiny", if_empty=True, stdout=out)

        assert "Demo skipped" in out.getvalue() and "Demo dilewati" in out.getvalue()
        assert registry_snapshot() == before

    def test_refuses_to_load_twice(self):
        load_tiny()
        before = registry_snapshot()

        with pytest.raises(CommandError, match="already holds data"):
            call_command("demo", preset="tiny", stdout=StringIO())
        with pytest.raises(DemoDataExists):
            load_demo(PRESETS["tiny"], seed=1)

        assert registry_snapshot() == before

    def test_demo_passwords_work(self):
        load_tiny()
        community = Community.objects.first()

        assert authenticate(username="sekretariat", password=settings.DEMO_PASSWORD) is not None
        coordinator = authenticate(
            username=f"koord-{community.slug}", password=settings.DEMO_PASSWORD
        )
        assert coordinator is not None and coordinator.is_coordinator
        assert authenticate(username="sekretariat", password="salah") is None

    def test_demo_logins_lists_logins_and_password(self):
        out = StringIO()
        call_command("demo_logins", stdout=out)
        assert "No demo data" in out.getvalue()
        assert settings.DEMO_PASSWORD not in out.getvalue()

        load_tiny()
        out = StringIO()
        call_command("demo_logins", stdout=out)

        text = out.getvalue()
        assert "sekretariat" in text
        assert "3 koordinator" in text
        assert text.count("mitra-") == 3
        assert settings.DEMO_PASSWORD in text


@pytest.mark.django_db
class TestOkoceShape:
    def test_proportions_at_small_scale(self):
        spec = PRESETS["okoce-2020"].scaled(0.01)
        summary = load_demo(spec, seed=3)

        assert summary.members == Member.objects.count() == 3_782
        assert Community.objects.count() == 156
        per_province: dict[str, int] = {}
        for region in Member.objects.values_list("region_id", flat=True):
            per_province[region[:2]] = per_province.get(region[:2], 0) + 1
        java = sum(n for code, n in per_province.items() if code in JAVA)
        assert 0.57 <= java / 3_782 <= 0.63
        assert 0.18 <= per_province["31"] / 3_782 <= 0.22
        assert per_province["31"] == max(per_province.values())
        assert len(per_province) >= 30

        steps = dict(summary.steps)
        assert steps == funnel_counts(3_782, spec)
        assert steps == {k: Member.objects.filter(furthest_step=k).count() for k in range(8)}

        government = Partner.objects.filter(kind__endswith="_gov")
        assert government.count() == 8
        assert government.filter(kind="province_gov", region_id="31").exists()
        private = Partner.objects.exclude(kind__endswith="_gov")
        assert private.count() == 71
        assert {k: private.filter(kind=k).count() for k, _ in PRIVATE_PARTNER_MIX} == dict(
            PRIVATE_PARTNER_MIX
        )
        assert PartnerContact.objects.count() == 79
        assert not Community.objects.filter(member_count=0).exists()

        # Intake accelerates: the last year brings more members than the years before.
        recent = Member.objects.filter(joined_on__gt=dt.date(2019, 8, 31)).count()
        assert recent > 3_782 / 2
        assert Member.objects.filter(joined_on__lt=dt.date(2018, 6, 1)).count() < 3_782 / 20

    def test_deferred_indexes_come_back(self):
        def indexes():
            with connection.cursor() as cursor:
                found = connection.introspection.get_constraints(cursor, Member._meta.db_table)
                found.update(
                    connection.introspection.get_constraints(cursor, Business._meta.db_table)
                )
            return sorted(name for name, info in found.items() if info["index"])

        before = indexes()
        load_demo(PRESETS["tiny"], seed=4, defer_indexes=True)

        assert indexes() == before
        assert Member.objects.count() == 300

"""Rollups kept incrementally by the registry services equal a rebuild from scratch."""

import datetime as dt
import random
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from penggerak.core.identity import compose_nik
from penggerak.insights import rollups
from penggerak.insights.models import RollupDelta, RollupTotal
from penggerak.registry import services
from penggerak.registry.models import Member, MemberStep
from penggerak.registry.tests.factories import BANDUNG_DISTRICT, MemberFactory

pytestmark = pytest.mark.django_db


def _register(secretariat, community, serial, *, sex="P", joined_on=None, phone=True):
    birth = dt.date(1980, 1, 1) + dt.timedelta(days=serial * 37)
    return services.member_register(
        actor=secretariat,
        community=community,
        full_name=f"Anggota {serial}",
        nik=compose_nik(BANDUNG_DISTRICT, birth, sex, serial),
        phone=f"+62812{serial:08d}"[:14] if phone else "",
        consent=True,
        joined_on=joined_on or dt.date(2020, 1, 1) + dt.timedelta(days=serial % 200),
    )


@pytest.mark.any_day
def test_registration_updates_every_scope(secretariat, community):
    rollups.rebuild()
    member = _register(secretariat, community, 1, joined_on=dt.date(2020, 3, 5))
    for scope in ("nation", "province:32", "regency:32.73", f"community:{community.pk}"):
        assert rollups.total(scope, "members") == 1
        assert rollups.total(scope, "women_members") == 1
        assert rollups.total(scope, "step_registration") == 1
        assert rollups.value_on(scope, "members", dt.date(2020, 3, 4)) == 0
        assert rollups.value_on(scope, "members", dt.date(2020, 3, 5)) == 1
    services.member_update(actor=secretariat, member=member, status=Member.Status.LEFT)
    assert rollups.total("nation", "members") == 0
    assert rollups.total("nation", "women_members") == 0
    assert rollups.rollups_diff() == {}


def test_random_operations_match_rebuild(secretariat, community, other_community):
    rng = random.Random(5)
    MemberFactory(community=community)  # written around the services: the rebuild sees it
    rollups.rebuild()
    communities = [community, other_community]
    members = []
    for serial in range(1, 41):
        sex = rng.choice("LP")
        members.append(
            _register(
                secretariat, rng.choice(communities), serial, sex=sex, phone=rng.random() < 0.8
            )
        )
    for _ in range(120):
        member = Member.objects.get(pk=rng.choice(members).pk)
        action = rng.randrange(6)
        if action == 0:
            target = next(c for c in communities if c.pk != member.community_id)
            services.member_transfer(
                actor=secretariat, member=member, to_community=target, reason="pindah"
            )
        elif action == 1:
            status = rng.choice(Member.Status.values)
            services.member_update(actor=secretariat, member=member, status=status)
        elif action == 2:
            services.member_step_mark(
                actor=secretariat,
                member=member,
                step=rng.randint(1, 7),
                status=rng.choice(["done", "in_progress", "not_started"]),
                note="uji",
            )
        elif action == 3:
            services.business_create(
                actor=secretariat,
                owner=member,
                name="Warung",
                sector="food",
                employees=rng.randint(0, 5),
            )
        elif action == 4:
            services.member_step_record_evidence(
                actor=secretariat,
                member=member,
                step=2,
                evidence={"kind": "attendance", "id": str(rng.randint(1, 3))},
            )
        else:
            services.partner_create(
                actor=secretariat,
                name=f"Mitra {rng.random()}",
                kind=rng.choice(["bank", "company"]),
                region_code=rng.choice([None, "32", "32.73", "35.78.01"]),
            )
    services.community_create(actor=secretariat, name="Komunitas Baru", regency_code="31.71")
    assert RollupDelta.objects.exists()
    assert rollups.rollups_diff() == {}
    call_command("rebuild_rollups", "--check")
    expected_members = Member.objects.exclude(status="left").count()
    assert rollups.total("nation", "members") == expected_members


def test_check_reports_differences(secretariat, community):
    rollups.rebuild()
    RollupTotal.objects.filter(scope="nation", metric="communities").update(value=99)
    with pytest.raises(CommandError):
        call_command("rebuild_rollups", "--check")
    call_command("rebuild_rollups")
    call_command("rebuild_rollups", "--check")
    assert rollups.total("nation", "communities") == 1


@pytest.mark.any_day
def test_bulk_inserts_counted_like_the_signal_handlers(secretariat, community, other_community):
    rollups.rebuild()
    _register(secretariat, other_community, 7)
    joined = dt.date(2021, 2, 2)
    members = [
        MemberFactory(community=community, joined_on=joined, sex="P"),
        MemberFactory(community=community, joined_on=joined, sex="L", serial=901),
        MemberFactory(community=community, joined_on=dt.date(2022, 5, 1), sex="P"),
    ]
    today = timezone.localdate()
    for member in members:
        MemberStep.objects.create(
            member=member,
            step=1,
            status="done",
            started_at=timezone.now(),
            completed_at=timezone.now(),
            source="import",
        )
    added = Counter((m.community_id, community.regency_id, m.joined_on, m.sex) for m in members)
    with transaction.atomic():
        rollups.rollups_add_members(added)
        rollups.rollups_add_steps_done(1, Counter({(community.pk, community.regency_id, today): 3}))
    assert rollups.rollups_diff() == {}
    assert rollups.total("nation", "members") == 4
    assert rollups.total(f"community:{community.pk}", "women_members") == 2

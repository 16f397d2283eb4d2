"""Insights demo data: the as-of date, the rollups and the seed targets.

Runs last in the demo's transaction (after communities, members, steps and partners exist):
the rollups come from one set-based rebuild, not from per-row signals, and the targets are
the movement's own (2,000,000 members and 500 communities by 2024-12-31), cascaded to the
provinces by current members.
"""

from __future__ import annotations

import time
from datetime import date
from typing import TYPE_CHECKING

from penggerak.insights import rollups
from penggerak.insights.models import InsightSettings, Target
from penggerak.insights.scopes import child_scopes, parse_scope
from penggerak.insights.services import apportion

if TYPE_CHECKING:
    from penggerak.demo.generator import DemoContext

SEED_TARGETS = {"members": 2_000_000, "communities": 500}
SEED_DEADLINE = date(2024, 12, 31)
# The okoce-2020 movement the targets were set for; smaller presets get targets in proportion.
OKOCE_2020 = {"members": 378_212, "communities": 156}


def seed_targets(members: int, communities: int, as_of: date) -> tuple[dict[str, int], date]:
    """The seed targets for a preset of this size, and their deadline (after ``as_of``: a
    preset generated after 2024 gets the same four-year horizon from its own date)."""
    values = dict(SEED_TARGETS)
    if members < OKOCE_2020["members"] // 2:
        values = {
            "members": max(1, round(SEED_TARGETS["members"] * members / OKOCE_2020["members"])),
            "communities": max(
                1,
                round(SEED_TARGETS["communities"] * communities / OKOCE_2020["communities"]),
            ),
        }
    deadline = SEED_DEADLINE if as_of <= SEED_DEADLINE else date(as_of.year + 4, 12, 31)
    return values, deadline


def populate(context: DemoContext) -> dict[str, int]:
    """Set the as-of date, rebuild the rollups, write the targets; returns what it wrote."""
    spec = context.spec
    InsightSettings.objects.update_or_create(pk=1, defaults={"as_of": spec.as_of})
    started = time.monotonic()
    rollups.rebuild()
    context.progress(f"ringkasan/rollups: {time.monotonic() - started:.1f} s")
    values, deadline = seed_targets(spec.members, spec.communities, spec.as_of)
    provinces = child_scopes(parse_scope("nation"))
    written = 0
    # The registry was empty before this load, so targets left from an earlier one are stale.
    Target.objects.filter(metric__in=list(values)).delete()
    for metric, value in values.items():
        parent = Target.objects.create(
            scope="nation", metric=metric, value=value, deadline=deadline
        )
        weights = rollups.totals([p.rollup_key for p in provinces], "members")
        shares = apportion(value, [float(weights.get(p.rollup_key, 0)) for p in provinces])
        children = [
            Target(
                scope=province.key,
                metric=metric,
                value=share,
                deadline=deadline,
                parent=parent,
                split_key=Target.SplitKey.MEMBERS,
            )
            for province, share in zip(provinces, shares, strict=True)
            if share > 0
        ]
        Target.objects.bulk_create(children)
        written += 1 + len(children)
    return {"targets": written}

"""Reads of the insights app: targets with progress and forecast, scoped by the actor.

Every figure comes from the rollups (a handful of indexed reads per target), so a scope
answers as fast at 2,000,000 members as at 300.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from penggerak.accounts.models import Role
from penggerak.core.errors import NotFound
from penggerak.insights import forecast, rollups
from penggerak.insights.asof import as_of_date
from penggerak.insights.metrics import METRICS
from penggerak.insights.models import Target
from penggerak.insights.scopes import Scope, parse_scope


def scope_for(*, actor: Any, scope: str | None) -> Scope:
    """Resolve a scope the actor may read; NotFound otherwise (also for "not yours").

    Secretariat: any scope (a provincial one: its province and below); partner staff: any
    scope (aggregates only); coordinator: their own communities; members and anonymous: none.
    """
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise NotFound()
    found = parse_scope(scope)
    if actor.is_secretariat:
        if actor.province_id and found.province_code != actor.province_id:
            raise NotFound()
        return found
    if actor.role == Role.PARTNER:
        return found
    if (
        actor.role == Role.COORDINATOR
        and found.kind == "community"
        and actor.coordinated_communities.filter(pk=found.community_id).exists()
    ):
        return found
    raise NotFound()


def target_progress(*, target: Target, scope: Scope, as_of: dt.date) -> dict:
    """One target's figures (see ``forecast.progress_of``)."""
    key = scope.rollup_key
    start = rollups.first_day(key, target.metric)
    days = forecast.month_end_days(as_of)
    four_weeks_ago = as_of - dt.timedelta(days=28)
    values = dict(rollups.month_end_values(key, target.metric, sorted({four_weeks_ago, *days})))
    current = values[as_of]
    last_28 = current - values[four_weeks_ago] if start else None
    usable = [(day, values[day]) for day in days if start is not None and day >= start]
    result = forecast.progress_of(
        current=current,
        target=target.value,
        as_of=as_of,
        deadline=target.deadline,
        month_ends=usable,
        last_28_days=last_28,
    )
    return {
        "metric": target.metric,
        "scope": target.scope,
        "target": target.value,
        "deadline": target.deadline,
        "current": result.current,
        "progress": result.progress,
        "forecast_at_deadline": result.forecast_at_deadline,
        "forecast_low": result.forecast_low,
        "forecast_high": result.forecast_high,
        "eta": result.eta,
        "required_per_month": result.required_per_month,
        "current_per_month": result.current_per_month,
        "current_per_week": result.current_per_week,
        "status": result.status,
        "note": result.note,
        "month_ends": usable,
    }


def targets_with_progress(*, actor: Any, scope: str | None = "nation") -> list[dict]:
    """Targets set for a scope with progress and forecast as of the platform's date.

    Raises NotFound (scope missing or not the actor's) or DomainError ``invalid_scope``.
    """
    found = scope_for(actor=actor, scope=scope)
    as_of = as_of_date()
    targets = Target.objects.filter(scope=found.key, metric__in=list(METRICS)).order_by("metric")
    return [target_progress(target=t, scope=found, as_of=as_of) for t in targets]


def metric_label(code: str) -> str:
    """The metric's name in the current language."""
    metric = METRICS.get(code)
    return str(metric.label) if metric else code


def province_rows(*, actor: Any) -> list[dict]:
    """Members, communities and the members target of every province (drill-down list):
    a few reads of at most 38 rows each, whatever the number of members."""
    from penggerak.core.models import Region, RegionLevel
    from penggerak.insights.models import RollupTotal

    provinces = Region.objects.filter(level=RegionLevel.PROVINCE, is_current=True)
    if actor.province_id:
        provinces = provinces.filter(code=actor.province_id)
    rows = list(provinces.order_by("code").values_list("code", "name"))
    keys = [f"province:{code}" for code, _name in rows]
    totals: dict[tuple[str, str], int] = {
        (scope, metric): value
        for scope, metric, value in RollupTotal.objects.filter(
            scope__in=keys, metric__in=["members", "communities"]
        ).values_list("scope", "metric", "value")
    }
    targets = dict(
        Target.objects.filter(scope__in=keys, metric="members").values_list("scope", "value")
    )
    result = []
    for code, name in rows:
        key = f"province:{code}"
        members = totals.get((key, "members"), 0)
        target = targets.get(key)
        result.append(
            {
                "code": code,
                "name": name,
                "members": members,
                "communities": totals.get((key, "communities"), 0),
                "target": target,
                "progress": round(members * 100 / target, 1) if target else None,
            }
        )
    return result

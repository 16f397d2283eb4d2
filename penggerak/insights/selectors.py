"""Reads of the insights app: targets with progress and forecast, scoped by the actor.

Every figure comes from the rollups (a handful of indexed reads per target), so a scope
answers as fast at 2,000,000 members as at 300.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import CharField, Q, Value
from django.db.models.functions import Concat

from penggerak.accounts import access
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
    if not access.is_signed_in(actor):
        raise NotFound()
    found = parse_scope(scope)
    if access.is_secretariat(actor):
        if actor.province_id and found.province_code != actor.province_id:
            raise NotFound()
        return found
    if access.is_partner_staff(actor):
        return found
    if (
        access.is_coordinator(actor)
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


def target_pace_since_start(*, scope: Scope, metric: str, as_of: dt.date, current: int) -> dict:
    """The average pace since the movement began, for the pages and CSV (not the API):
    {"pace_since": the first month-end with a value, "pace_since_start": value gained from
    it to ``as_of`` per month}; both None without history or before that month has ended.
    Read from the rollups in one indexed query (no member counting)."""
    first = rollups.first_month_end(scope.rollup_key, metric)
    if first is None or first[0] >= as_of:
        return {"pace_since": None, "pace_since_start": None}
    day, value = first
    months = forecast.months_between(day, as_of)
    return {"pace_since": day, "pace_since_start": round((current - value) / months, 1)}


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


def province_rows(*, actor: Any, as_of: dt.date | None = None) -> list[dict]:
    """Members, communities, women share, jobs, 90-day growth and the members target of every
    province (the tile grid and the drill-down list): a few reads of at most 38 rows each,
    whatever the number of members."""
    from penggerak.core.models import Region, RegionLevel

    provinces = Region.objects.filter(level=RegionLevel.PROVINCE, is_current=True)
    if actor.province_id:
        provinces = provinces.filter(code=actor.province_id)
    entries = [
        {"code": code, "name": name, "key": f"province:{code}", "target_scope": f"province:{code}"}
        for code, name in provinces.order_by("code").values_list("code", "name")
    ]
    return _figure_rows(entries, as_of or as_of_date())


# --- Dashboard blocks -------------------------------------------------------------------------
# Every block reads RollupTotal / RollupDelta (and the funnel's StepCount): a fixed number of
# indexed reads per page, none of which counts members.

SERIES_MONTHS = 36
SERIES_METRICS = ("members", "communities", "women_members", "jobs")
GROWTH_DAYS = 90
TOP_COUNT = 5


def month_end_days(as_of: dt.date, months: int = SERIES_MONTHS) -> list[dt.date]:
    """The last ``months`` month ends before ``as_of``, then ``as_of`` itself (ascending)."""
    days = [as_of]
    day = as_of.replace(day=1) - dt.timedelta(days=1)
    while len(days) < months + 1:
        days.append(day)
        day = day.replace(day=1) - dt.timedelta(days=1)
    return sorted(days)


def series(*, scope: Scope, as_of: dt.date, metrics: tuple[str, ...] = SERIES_METRICS) -> dict:
    """Month-end values of ``metrics`` in a scope over the last ``SERIES_MONTHS`` months, from
    two reads: the totals, and the deltas after the first day shown summed per month by the
    database (at most ~37 rows per metric, however many days and members there are).

    Returns ``{"days": [...], "values": {metric: [...]}, "current": {metric: n}}``; months
    before the scope's first figure are left out so a chart does not start with a flat zero.
    """
    from django.db.models import Case, CharField, Sum, Value, When
    from django.db.models.functions import Cast, Substr

    from penggerak.insights.models import RollupDelta, RollupTotal

    days = month_end_days(as_of)
    key = scope.rollup_key
    current = {metric: 0 for metric in metrics}
    current.update(
        RollupTotal.objects.filter(scope=key, metric__in=metrics).values_list("metric", "value")
    )
    later_than = "9999-99"  # the bucket of deltas after the as-of date
    month = Case(
        When(day__gt=as_of, then=Value(later_than)),
        default=Substr(Cast("day", CharField()), 1, 7),
        output_field=CharField(),
    )
    buckets: dict[str, dict[str, int]] = {metric: {} for metric in metrics}
    for metric, bucket, value in (
        RollupDelta.objects.filter(scope=key, metric__in=metrics, day__gt=days[0])
        .annotate(month=month)
        .order_by()
        .values("metric", "month")
        .annotate(n=Sum("value"))
        .values_list("metric", "month", "n")
    ):
        buckets[metric][bucket] = int(value or 0)
    values: dict[str, list[int]] = {}
    for metric in metrics:
        column = []
        for day in days:
            mark = day.isoformat()[:7]
            later = sum(n for bucket, n in buckets[metric].items() if bucket > mark)
            column.append(current[metric] - later)
        values[metric] = column
    # Drop leading months where nothing existed yet (all metrics zero).
    first = next((i for i in range(len(days)) if any(values[m][i] for m in metrics)), len(days) - 1)
    return {
        "days": days[first:],
        "values": {metric: column[first:] for metric, column in values.items()},
        "current": {metric: column[-1] for metric, column in values.items()},
    }


def women_share(members: int, women: int) -> float | None:
    """Women members as a percentage of members (None without members)."""
    return round(women * 100 / members, 1) if members else None


def _totals_of(keys: list[str], metrics: tuple[str, ...]) -> dict[tuple[str, str], int]:
    from penggerak.insights.models import RollupTotal

    return {
        (scope, metric): value
        for scope, metric, value in RollupTotal.objects.filter(
            scope__in=keys, metric__in=metrics
        ).values_list("scope", "metric", "value")
    }


def _growth_of(keys: list[str], as_of: dt.date, days: int = GROWTH_DAYS) -> dict[str, int]:
    """{key: members added in (as_of - days, as_of]} from the daily deltas of these scopes
    (one range read per scope through the (scope, metric, day) index)."""
    from django.db.models import Sum

    from penggerak.insights.models import RollupDelta

    start = as_of - dt.timedelta(days=days)
    rows = (
        RollupDelta.objects.filter(scope__in=keys, metric="members", day__gt=start, day__lte=as_of)
        .order_by()
        .values("scope")
        .annotate(n=Sum("value"))
        .values_list("scope", "n")
    )
    return {scope: n or 0 for scope, n in rows}


def _figure_rows(entries: list[dict], as_of: dt.date, *, targets: bool = True) -> list[dict]:
    """Add members, communities, women share, jobs (current totals), the members added in the
    last ``GROWTH_DAYS`` days up to the as-of date and the members target to ``entries`` (each
    with a ``key`` rollup scope and a ``target_scope``)."""
    keys = [entry["key"] for entry in entries]
    totals = _totals_of(keys, SERIES_METRICS)
    growth = _growth_of(keys, as_of)
    goal = {}
    if targets:
        goal = dict(
            Target.objects.filter(
                scope__in=[entry["target_scope"] for entry in entries], metric="members"
            ).values_list("scope", "value")
        )
    for entry in entries:
        key = entry["key"]
        added = growth.get(key, 0)
        members = totals.get((key, "members"), 0)
        women = totals.get((key, "women_members"), 0)
        before = members - added
        target = goal.get(entry["target_scope"])
        entry.update(
            members=members,
            communities=totals.get((key, "communities"), 0),
            women_share=women_share(members, women),
            jobs=totals.get((key, "jobs"), 0),
            growth=added,
            growth_percent=round(added * 100 / before, 1) if before > 0 else None,
            target=target,
            progress=round(members * 100 / target, 1) if target else None,
        )
    return entries


def regency_rows(*, scope: Scope, as_of: dt.date) -> list[dict]:
    """The regencies/cities of a province with their figures (at most ~40 rows)."""
    from penggerak.core.models import Region, RegionLevel

    regencies = Region.objects.filter(
        level=RegionLevel.REGENCY, is_current=True, code__startswith=f"{scope.code}."
    ).order_by("code")
    entries = [
        {"code": code, "name": name, "key": f"regency:{code}", "target_scope": f"regency:{code}"}
        for code, name in regencies.values_list("code", "name")
    ]
    return _figure_rows(entries, as_of)


def _community_entries(scope: Scope) -> list[dict]:
    from penggerak.registry.models import Community

    communities = Community.objects.order_by("name")
    if scope.kind == "regency":
        communities = communities.filter(regency_id=scope.code)
    elif scope.kind == "province":
        communities = communities.filter(regency__code__startswith=f"{scope.code}.")
    return [
        {
            "slug": slug,
            "name": name,
            "regency": regency,
            "key": f"community:{pk}",
            "target_scope": f"community:{slug}",
        }
        for pk, slug, name, regency in communities.values_list("pk", "slug", "name", "regency_id")
    ]


def community_rows(*, scope: Scope, as_of: dt.date) -> list[dict]:
    """The communities of a regency (or a province) with their figures."""
    return _figure_rows(_community_entries(scope), as_of)


def top_and_lagging(*, scope: Scope, as_of: dt.date, count: int = TOP_COUNT) -> dict:
    """The communities of a scope (nation, province, regency) that added the most and the
    fewest members in the last ``GROWTH_DAYS`` days up to the as-of date (ties: the larger
    community first among the top, the smaller among the lagging), from the daily deltas.
    A community is never in both lists."""
    rows = _figure_rows(_community_entries(scope), as_of, targets=False)
    ranked = sorted(rows, key=lambda row: (-row["growth"], -row["members"], row["name"]))
    top = ranked[:count]
    lagging = list(reversed(ranked[count:]))[:count]
    return {"top": top, "lagging": lagging, "days": GROWTH_DAYS}


def community_for_coordinator(*, actor: Any, slug: str) -> Scope:
    """The community scope of ``slug`` for its coordinator or the secretariat (a provincial
    one within its province); NotFound otherwise, also when the community does not exist."""
    if not access.is_signed_in(actor):
        raise NotFound()
    if not (access.is_secretariat(actor) or access.is_coordinator(actor)):
        raise NotFound()
    return scope_for(actor=actor, scope=f"community:{slug}")


def stuck_members(*, actor: Any, scope: Scope, limit: int = 50) -> tuple[list, int]:
    """The community's stuck members (the mentoring rule), newest first, at most ``limit``,
    and how many there are."""
    from penggerak.mentoring.selectors import stuck_members as mentoring_stuck

    members = mentoring_stuck(actor=actor, community=scope.code)
    return list(members[:limit]), members.count()


# --- The back office, scoped like the dashboards --------------------------------------------


def targets_visible_to(actor: Any):
    """Targets a back-office user manages: all for the national secretariat; for a provincial
    one its province's, its regencies' and its communities' targets."""

    from penggerak.registry.models import Community

    targets = Target.objects.all()
    if not access.is_secretariat(actor):
        return targets.none()
    province = access.secretariat_province(actor)
    if province is None:
        return targets
    community_scopes = (
        Community.objects.filter(regency__code__startswith=province + ".")
        .annotate(key=Concat(Value("community:"), "slug", output_field=CharField()))
        .values("key")
    )
    return targets.filter(
        Q(scope=f"province:{province}")
        | Q(scope__startswith=f"regency:{province}.")
        | Q(scope__in=community_scopes)
    )


def umkm_population_visible_to(actor: Any):
    """UMKM population figures of the actor's scope (secretariat only)."""
    from penggerak.insights.models import UmkmPopulation

    rows = UmkmPopulation.objects.select_related("region")
    if not access.is_secretariat(actor):
        return rows.none()
    province = access.secretariat_province(actor)
    if province is None:
        return rows
    return rows.filter(Q(region__code=province) | Q(region__code__startswith=province + "."))

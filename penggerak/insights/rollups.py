"""Daily rollups: sparse per-day deltas and current totals per scope and metric.

Incremental writes (``apply``) run inside the registry service's transaction, through the
receivers connected in ``apps.InsightsConfig.ready``. Bulk writers add their rows' counts in
their own transaction (imports: ``rollups_add_members``, ``rollups_add_steps_done``) or call
``rebuild`` after their inserts (demo). Reads never count
members: the value of a metric on a day is its total minus the deltas after that day, and a
monthly series reads at most one row per day of the window asked for.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Sum

from penggerak.insights.metrics import METRICS, Metric, community_scopes
from penggerak.insights.models import RollupDelta, RollupTotal
from penggerak.registry import steps as step_defs

Key = tuple[str, str, dt.date]  # (scope, metric, day)


def apply(metric: str, deltas: Counter) -> None:
    """Add ``{(scope, day): delta}`` of one metric to the deltas and totals (caller's
    transaction): one upsert per changed row, all sent at once, in key order so concurrent
    writers take row locks in the same order."""
    totals: Counter = Counter()
    rows = []
    for (scope, day), delta in sorted(deltas.items(), key=lambda item: (item[0][0], item[0][1])):
        if not delta:
            continue
        totals[scope] += delta
        rows.append((scope, metric, connection.ops.adapt_datefield_value(day), delta))
    _upsert(RollupDelta, ["scope", "metric", "day"], rows)
    _upsert(
        RollupTotal,
        ["scope", "metric"],
        [(scope, metric, delta) for scope, delta in sorted(totals.items()) if delta],
    )


def _upsert(model, key: list[str], rows: list[tuple]) -> None:
    """INSERT the rows (key columns, then the value) or add the value to the existing row."""
    if not rows:
        return
    table = _table(model)
    columns = ", ".join([*key, "value"])
    placeholders = ", ".join(["%s"] * (len(key) + 1))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET value = {table}.value + excluded.value",
            rows,
        )


def rollups_add_members(added: Counter) -> None:
    """Count members inserted in bulk (imports) at every scope, in the caller's transaction:
    ``{(community_id, regency_code, joined_on, sex): number}`` of members who have not left.
    The same figures the signal handlers add for one member at a time."""
    members: Counter = Counter()
    women: Counter = Counter()
    for (community_id, regency_code, joined_on, sex), count in added.items():
        for scope in community_scopes(community_id, regency_code):
            members[scope, joined_on] += count
            if sex == "P":
                women[scope, joined_on] += count
    apply("members", members)
    apply("women_members", women)


def rollups_add_steps_done(step: int, done: Counter) -> None:
    """Count step completions made in bulk (imports): ``{(community_id, regency_code, day):
    number}``, in the caller's transaction."""
    code = next(f"step_{info.code}" for info in step_defs.STEPS if info.number == step)
    spread: Counter = Counter()
    for (community_id, regency_code, day), count in done.items():
        for scope in community_scopes(community_id, regency_code):
            spread[scope, day] += count
    apply(code, spread)


# --- Set-based rebuild ----------------------------------------------------------------------


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _community_table() -> str:
    from penggerak.registry.models import Community

    return _table(Community)


def _as_text(expression: str) -> str:
    return f"CAST({expression} AS TEXT)" if connection.vendor == "postgresql" else expression


def _spread_sql(metric: Metric) -> str:
    """SELECT (scope, metric, day, value) of one metric at every scope, from its source rows."""
    source = metric.rebuild_sql()
    code = metric.code.replace("'", "")
    if metric.level == "community":
        cte = (
            f"WITH src(k, d, v) AS ({source}), rows_ AS (SELECT src.k AS k, src.d AS d, "
            f"src.v AS v, c.regency_id AS reg FROM src JOIN {_community_table()} c "
            f"ON c.id = src.k"
        )
        cte += ")"
        parts = [
            f"SELECT 'community:' || {_as_text('k')}, k, d, SUM(v) FROM rows_ GROUP BY k, d",
            "SELECT 'regency:' || reg, 0, d, SUM(v) FROM rows_ GROUP BY reg, d",
            "SELECT 'province:' || SUBSTR(reg, 1, 2), 0, d, SUM(v) FROM rows_ "
            "GROUP BY SUBSTR(reg, 1, 2), d",
            "SELECT 'nation', 0, d, SUM(v) FROM rows_ GROUP BY d",
        ]
    else:
        cte = f"WITH rows_(k, d, v) AS ({source})"
        parts = [
            "SELECT 'nation', 0, d, SUM(v) FROM rows_ GROUP BY d",
            "SELECT 'province:' || SUBSTR(k, 1, 2), 0, d, SUM(v) FROM rows_ "
            "WHERE k IS NOT NULL GROUP BY SUBSTR(k, 1, 2), d",
            "SELECT 'regency:' || SUBSTR(k, 1, 5), 0, d, SUM(v) FROM rows_ "
            "WHERE LENGTH(k) >= 5 GROUP BY SUBSTR(k, 1, 5), d",
        ]
    union = " UNION ALL ".join(parts)
    return (
        f"{cte}, spread(s, x, d, v) AS ({union}) SELECT s, '{code}', d, v FROM spread WHERE v <> 0"
    )


def rollups_expected(metrics: Iterable[str] | None = None) -> dict[Key, int]:
    """Every non-zero daily delta as the source tables say it should be."""
    result: dict[Key, int] = {}
    with connection.cursor() as cursor:
        for code in metrics or METRICS:
            cursor.execute(_spread_sql(METRICS[code]))
            for scope, metric, day, value in cursor.fetchall():
                if isinstance(day, str):
                    day = dt.date.fromisoformat(day)
                result[scope, metric, day] = int(value)
    return result


def rollups_current(metrics: Iterable[str] | None = None) -> dict[Key, int]:
    """Every non-zero daily delta as stored."""
    rows = RollupDelta.objects.exclude(value=0)
    if metrics is not None:
        rows = rows.filter(metric__in=list(metrics))
    return {
        (scope, metric, day): value
        for scope, metric, day, value in rows.values_list("scope", "metric", "day", "value")
    }


def rollups_diff(metrics: Iterable[str] | None = None) -> dict[tuple, tuple[int, int]]:
    """Stored figures that differ from a recomputation: {key: (stored, expected)}, daily
    deltas keyed (scope, metric, day) and totals keyed (scope, metric)."""
    codes = list(metrics or METRICS)
    expected = rollups_expected(codes)
    current = rollups_current(codes)
    diff: dict[tuple, tuple[int, int]] = {
        key: (current.get(key, 0), expected.get(key, 0))
        for key in set(expected) | set(current)
        if current.get(key, 0) != expected.get(key, 0)
    }
    expected_totals: Counter = Counter()
    for (scope, metric, _day), value in expected.items():
        expected_totals[scope, metric] += value
    stored_totals = {
        (scope, metric): value
        for scope, metric, value in RollupTotal.objects.filter(metric__in=codes)
        .exclude(value=0)
        .values_list("scope", "metric", "value")
    }
    for key in set(expected_totals) | set(stored_totals):
        if stored_totals.get(key, 0) != expected_totals.get(key, 0):
            diff[key] = (stored_totals.get(key, 0), expected_totals.get(key, 0))
    return diff


def _insert_totals(where: str = "") -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table(RollupTotal)} (scope, metric, value) "
            f"SELECT scope, metric, SUM(value) FROM {_table(RollupDelta)} {where} "
            f"GROUP BY scope, metric"
        )


def rebuild(metrics: Iterable[str] | None = None) -> None:
    """Replace the rollups of ``metrics`` (default: all) with a set-based recomputation."""
    codes = list(metrics or METRICS)
    with transaction.atomic():
        RollupDelta.objects.filter(metric__in=codes).delete()
        RollupTotal.objects.filter(metric__in=codes).delete()
        with connection.cursor() as cursor:
            for code in codes:
                cursor.execute(
                    f"INSERT INTO {_table(RollupDelta)} (scope, metric, day, value) "
                    f"{_spread_sql(METRICS[code])}"
                )
        quoted = ",".join(f"'{c}'" for c in codes)
        _insert_totals(f"WHERE metric IN ({quoted})")


# --- Reads ------------------------------------------------------------------------------------


def total(scope: str, metric: str) -> int:
    """The current value (all deltas ever recorded)."""
    row = RollupTotal.objects.filter(scope=scope, metric=metric).values_list("value", flat=True)
    return int(row.first() or 0)


def value_on(scope: str, metric: str, day: dt.date) -> int:
    """The value at the end of ``day``: the total minus what changed after it."""
    later = RollupDelta.objects.filter(scope=scope, metric=metric, day__gt=day).aggregate(
        n=Sum("value")
    )["n"]
    return total(scope, metric) - int(later or 0)


def daily_window(scope: str, metric: str, start: dt.date, end: dt.date) -> dict[dt.date, int]:
    """{day: delta} for start < day <= end (one indexed range read)."""
    return dict(
        RollupDelta.objects.filter(scope=scope, metric=metric, day__gt=start, day__lte=end)
        .exclude(value=0)
        .values_list("day", "value")
    )


def totals(scopes: list[str], metric: str) -> dict[str, int]:
    """{scope: current value} of one metric for many scopes (one query)."""
    return dict(
        RollupTotal.objects.filter(scope__in=scopes, metric=metric).values_list("scope", "value")
    )


def first_day(scope: str, metric: str) -> dt.date | None:
    """The first day the metric changed in the scope (None: never)."""
    return (
        RollupDelta.objects.filter(scope=scope, metric=metric)
        .exclude(value=0)
        .order_by("day")
        .values_list("day", flat=True)
        .first()
    )


def first_month_end(scope: str, metric: str) -> tuple[dt.date, int] | None:
    """(end of the first month the metric changed in the scope, its value then); None:
    never changed. One read on the (scope, metric, day) index: a month has at most 31 days,
    so the first 31 changed days hold every change of the first month."""
    first = list(
        RollupDelta.objects.filter(scope=scope, metric=metric)
        .exclude(value=0)
        .order_by("day")
        .values_list("day", "value")[:31]
    )
    if not first:
        return None
    start = first[0][0]
    end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return end, sum(value for day, value in first if day <= end)


def month_end_values(scope: str, metric: str, days: list[dt.date]) -> list[tuple[dt.date, int]]:
    """The value at the end of each of ``days`` (ascending): the total minus the deltas
    after it, from one range read starting at the first day."""
    if not days:
        return []
    after = sorted(
        RollupDelta.objects.filter(scope=scope, metric=metric, day__gt=days[0])
        .exclude(value=0)
        .values_list("day", "value")
    )
    current = total(scope, metric)
    result = []
    later = sum(value for _day, value in after)
    index = 0
    for day in days:
        while index < len(after) and after[index][0] <= day:
            later -= after[index][1]
            index += 1
        result.append((day, current - later))
    return result

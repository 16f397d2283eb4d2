"""The seven steps (7 TOP) and the funnel counters that summarise them.

The step list is fixed by the curriculum; what completes a step is a ``StepRule`` row the
secretariat may edit. The counters (``StepCount``, ``StepGapCount``) are kept by the services
in the same transaction as every change; ``counters_rebuild`` recomputes them from the
``MemberStep`` rows with set-based SQL (demo load, ``penggerak rebuild_funnel``).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class StepInfo:
    number: int
    code: str
    name: str | Promise


STEPS: tuple[StepInfo, ...] = (
    StepInfo(1, "registration", _("Pendaftaran")),
    StepInfo(2, "training", _("Pelatihan")),
    StepInfo(3, "mentoring", _("Pendampingan")),
    StepInfo(4, "licensing", _("Perizinan")),
    StepInfo(5, "marketing", _("Pemasaran")),
    StepInfo(6, "bookkeeping", _("Pelaporan keuangan")),
    StepInfo(7, "financing", _("Permodalan")),
)
STEP_BY_CODE = {s.code: s for s in STEPS}
STEP_BY_NUMBER = {s.number: s for s in STEPS}
STEP_CODES = [s.code for s in STEPS]

# What DESIGN.md says completes each step; seeded into StepRule by a data migration.
DEFAULT_RULES: dict[int, tuple[str, dict]] = {
    1: ("Data anggota lengkap (nomor HP) dan persetujuan diberikan", {}),
    2: ("Menghadiri minimal satu pelatihan kurikulum", {"min_attendances": 1}),
    3: ("Pendamping ditugaskan dan satu sesi tercatat", {"min_sessions": 1}),
    4: ("Memiliki NIB (dan izin yang dibutuhkan produknya)", {"kinds": ["nib"]}),
    5: ("Produk terdaftar atau ikut bazar/pameran/marketplace", {"min_items": 1}),
    6: ("Tiga bulan berturut-turut pembukuan", {"months": 3}),
    7: ("Pengajuan pembiayaan disetujui", {"min_approved": 1}),
}

# --- Day-gap buckets --------------------------------------------------------------------------

# The histogram keeps a bounded number of buckets per community and step, so the national
# funnel reads the same number of rows at 2,000,000 members as at 300: exact days up to two
# weeks, then weekly, monthly (30 days), quarterly and yearly, capped at ten years.
GAP_CAP_DAYS = 3650
GAP_BUCKETS: tuple[int, ...] = (
    *range(15),
    21,
    28,
    *range(30, 361, 30),
    450,
    540,
    630,
    730,
    *range(1095, GAP_CAP_DAYS + 1, 365),
)


def gap_bucket(days: int) -> int:
    """The histogram bucket (its lower bound in days) of a gap; negative gaps count as 0."""
    if days <= 0:
        return 0
    return GAP_BUCKETS[bisect_right(GAP_BUCKETS, days) - 1]


def gap_days(later: dt.datetime, earlier: dt.datetime) -> int:
    """Whole days between two completions, on whole seconds, exactly as the SQL computes it."""
    return (int(later.timestamp()) - int(earlier.timestamp())) // 86400


def contributions(community_id: int, done: dict[int, dt.datetime]) -> Counter:
    """What one member with these done steps adds to the counters of their community.

    Keys: ``("count", community, step)`` and ``("gap", community, step, bucket)``; a gap is
    counted for step k when step k-1 is also done.
    """
    result: Counter = Counter()
    for step, completed_at in done.items():
        result["count", community_id, step] += 1
        previous = done.get(step - 1)
        if previous is not None:
            bucket = gap_bucket(gap_days(completed_at, previous))
            result["gap", community_id, step, bucket] += 1
    return result


def median_from_histogram(histogram: dict[int, int]) -> int | None:
    """The lower median of a {bucket: members} histogram (the bucket's lower bound)."""
    total = sum(histogram.values())
    if total <= 0:
        return None
    rank = (total + 1) // 2
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen >= rank:
            return bucket
    return None  # pragma: no cover - unreachable when total > 0


# --- Set-based recomputation ------------------------------------------------------------------


def _tables() -> dict[str, str]:
    from penggerak.registry.models import Member, MemberStep, StepCount, StepGapCount

    quote = connection.ops.quote_name
    return {
        "member": quote(Member._meta.db_table),
        "step": quote(MemberStep._meta.db_table),
        "count": quote(StepCount._meta.db_table),
        "gap": quote(StepGapCount._meta.db_table),
    }


def _seconds(column: str) -> str:
    # Statements here run without parameters, so a literal % needs no escaping.
    if connection.vendor == "postgresql":
        return f"FLOOR(EXTRACT(EPOCH FROM {column}))"
    return f"CAST(strftime('%s', {column}) AS INTEGER)"


def _days_sql() -> str:
    diff = f"({_seconds('s.completed_at')} - {_seconds('p.completed_at')})"
    if connection.vendor == "postgresql":
        return f"CAST(FLOOR({diff} / 86400.0) AS INTEGER)"
    # SQLite divides integers by truncation; negative gaps all land in bucket 0 anyway.
    return f"({diff} / 86400)"


def _bucket_sql(column: str) -> str:
    whens = " ".join(
        f"WHEN {column} >= {bound} THEN {bound}" for bound in sorted(GAP_BUCKETS, reverse=True)
    )
    return f"CASE {whens} ELSE 0 END"


def _count_select() -> str:
    t = _tables()
    return (
        f"SELECT m.community_id, s.step, COUNT(*) FROM {t['step']} s "
        f"JOIN {t['member']} m ON m.id = s.member_id WHERE s.status = 'done' "
        f"GROUP BY m.community_id, s.step"
    )


def _gap_select() -> str:
    t = _tables()
    return (
        f"SELECT community_id, step, {_bucket_sql('days')} AS bucket, COUNT(*) FROM ("
        f"SELECT m.community_id AS community_id, s.step AS step, {_days_sql()} AS days "
        f"FROM {t['step']} s JOIN {t['step']} p ON p.member_id = s.member_id "
        f"AND p.step = s.step - 1 AND p.status = 'done' "
        f"JOIN {t['member']} m ON m.id = s.member_id WHERE s.status = 'done') gaps "
        f"GROUP BY community_id, step, {_bucket_sql('days')}"
    )


def counters_expected() -> Counter:
    """The counters as the MemberStep rows say they should be (one GROUP BY each)."""
    result: Counter = Counter()
    with connection.cursor() as cursor:
        cursor.execute(_count_select())
        for community_id, step, members in cursor.fetchall():
            result["count", community_id, step] = members
        cursor.execute(_gap_select())
        for community_id, step, bucket, members in cursor.fetchall():
            result["gap", community_id, step, bucket] = members
    return result


def counters_current() -> Counter:
    """The counters as stored (zero rows left out)."""
    from penggerak.registry.models import StepCount, StepGapCount

    result: Counter = Counter()
    for community_id, step, members in StepCount.objects.filter(members__gt=0).values_list(
        "community_id", "step", "members"
    ):
        result["count", community_id, step] = members
    for community_id, step, days, members in StepGapCount.objects.filter(members__gt=0).values_list(
        "community_id", "step", "days", "members"
    ):
        result["gap", community_id, step, days] = members
    return result


def counters_diff(expected: Counter, current: Counter) -> dict[tuple, tuple[int, int]]:
    """Keys whose stored value differs from the recomputed one: {key: (stored, expected)}."""
    keys = set(expected) | set(current)
    return {
        key: (current.get(key, 0), expected.get(key, 0))
        for key in sorted(keys, key=str)
        if current.get(key, 0) != expected.get(key, 0)
    }


def counters_rebuild() -> None:
    """Replace every counter with a fresh INSERT ... SELECT ... GROUP BY (caller's transaction)."""
    t = _tables()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {t['count']}")
        cursor.execute(f"DELETE FROM {t['gap']}")
        cursor.execute(f"INSERT INTO {t['count']} (community_id, step, members) {_count_select()}")
        cursor.execute(
            f"INSERT INTO {t['gap']} (community_id, step, days, members) {_gap_select()}"
        )

"""The metric registry: what each rollup metric counts, how it is rebuilt, how it is kept.

Every ``Metric`` declares

- ``rebuild_sql()``: one SELECT of ``(key, day, value)`` rows computed from the source tables,
  where ``key`` is a community id (``level="community"``) or a region code
  (``level="region"``); ``rollups.rebuild`` spreads them over the scopes above with set-based
  SQL;
- ``handlers``: ``(signal, function)`` pairs; the function gets the signal's arguments and
  returns ``{(scope, day): delta}``, applied in the sender's transaction.

Both must describe the same figure: ``penggerak rebuild_rollups --check`` compares them.
A new metric is one more entry here (``trainings`` follows ``training.signals``).

Dates are calendar days in the platform's time zone (Asia/Jakarta, no daylight saving): a
member counts from ``joined_on``; a step from its completion; a community from its founding
day (else its creation); a partner and a business's jobs from their creation; a training event
(``trainings``: not cancelled) on the day it starts, so an event still to come counts only
once the as-of date reaches its day. History follows
the present: a member who moved counts in their new community from the day they joined, and a
member who left disappears from the ``members`` series altogether (the registry keeps no date
of leaving that a rebuild could use).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.dispatch import Signal
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from penggerak.registry import signals
from penggerak.registry import steps as step_defs
from penggerak.registry.models import Business, Community, Member, MemberStep, Partner
from penggerak.training import signals as training_signals
from penggerak.training.models import Event

Deltas = Counter  # {(scope, day): delta}
Handler = Callable[..., Deltas]


@dataclass(frozen=True)
class Metric:
    code: str
    label: str | Promise
    level: str  # "community" or "region"
    rebuild_sql: Callable[[], str]
    handlers: tuple[tuple[Signal, Handler], ...] = field(default=())


# --- Scopes and days --------------------------------------------------------------------------


def community_scopes(community_id: int, regency_code: str) -> list[str]:
    """The four scopes a community's figures count in, nation first."""
    return [
        "nation",
        f"province:{regency_code[:2]}",
        f"regency:{regency_code[:5]}",
        f"community:{community_id}",
    ]


def region_scopes(region_code: str | None) -> list[str]:
    """Scopes of something placed in a region (a partner): the nation and what is known."""
    scopes = ["nation"]
    if region_code:
        scopes.append(f"province:{region_code[:2]}")
        if len(region_code) >= 5:
            scopes.append(f"regency:{region_code[:5]}")
    return scopes


def local_day(moment: dt.datetime) -> dt.date:
    """The calendar day of a stored timestamp in the platform's time zone."""
    return timezone.localdate(moment)


def local_day_sql(column: str) -> str:
    """SQL for ``local_day``: the zone has no daylight saving, so SQLite adds its offset."""
    if connection.vendor == "postgresql":
        return f"CAST(({column} AT TIME ZONE '{settings.TIME_ZONE}') AS DATE)"
    offset = timezone.localtime(timezone.now()).utcoffset() or dt.timedelta(0)
    return f"DATE({column}, '{int(offset.total_seconds())} seconds')"


def _q(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _scopes_of(community: Community) -> list[str]:
    return community_scopes(community.pk, community.regency_id)


def _spread(scopes: Iterable[str], day: dt.date, delta: int, into: Deltas | None = None) -> Deltas:
    result = into if into is not None else Counter()
    for scope in scopes:
        result[scope, day] += delta
    return result


# --- Members and women members ----------------------------------------------------------------


def _members_sql(extra: str = "") -> Callable[[], str]:
    def sql() -> str:
        return (
            f"SELECT community_id, joined_on, COUNT(*) FROM {_q(Member)} "
            f"WHERE status <> 'left'{extra} GROUP BY community_id, joined_on"
        )

    return sql


def _counts_as_member(member: Member, women_only: bool) -> bool:
    return not women_only or member.sex == Member.Sex.FEMALE


def _member_handlers(women_only: bool) -> tuple[tuple[Signal, Handler], ...]:
    def registered(member: Member, **_kw: Any) -> Deltas:
        if member.status == Member.Status.LEFT or not _counts_as_member(member, women_only):
            return Counter()
        return _spread(_scopes_of(member.community), member.joined_on, 1)

    def status_changed(member: Member, old_status: str, new_status: str, **_kw: Any) -> Deltas:
        was, now = old_status != Member.Status.LEFT, new_status != Member.Status.LEFT
        if was == now or not _counts_as_member(member, women_only):
            return Counter()
        return _spread(_scopes_of(member.community), member.joined_on, 1 if now else -1)

    def moved(member: Member, from_community: Community, **_kw: Any) -> Deltas:
        if member.status == Member.Status.LEFT or not _counts_as_member(member, women_only):
            return Counter()
        deltas = _spread(_scopes_of(from_community), member.joined_on, -1)
        return _spread(_scopes_of(member.community), member.joined_on, 1, deltas)

    return (
        (signals.member_registered, registered),
        (signals.member_status_changed, status_changed),
        (signals.member_moved, moved),
    )


# --- Steps --------------------------------------------------------------------------------


def _step_sql(number: int) -> Callable[[], str]:
    def sql() -> str:
        day = local_day_sql("s.completed_at")
        return (
            f"SELECT m.community_id, {day}, COUNT(*) FROM {_q(MemberStep)} s "
            f"JOIN {_q(Member)} m ON m.id = s.member_id "
            f"WHERE s.status = 'done' AND s.step = {int(number)} "
            f"GROUP BY m.community_id, {day}"
        )

    return sql


def _step_handlers(number: int) -> tuple[tuple[Signal, Handler], ...]:
    def changed(member: Member, before: dict, after: dict, **_kw: Any) -> Deltas:
        old, new = before.get(number), after.get(number)
        if old == new:
            return Counter()
        scopes = _scopes_of(member.community)
        deltas: Deltas = Counter()
        if old is not None:
            _spread(scopes, local_day(old), -1, deltas)
        if new is not None:
            _spread(scopes, local_day(new), 1, deltas)
        return deltas

    def moved(member: Member, from_community: Community, **_kw: Any) -> Deltas:
        done = MemberStep.objects.filter(
            member=member, step=number, status=MemberStep.Status.DONE
        ).values_list("completed_at", flat=True)
        deltas: Deltas = Counter()
        for completed_at in done:
            if completed_at is None:  # a done step is always dated (database constraint)
                continue
            _spread(_scopes_of(from_community), local_day(completed_at), -1, deltas)
            _spread(_scopes_of(member.community), local_day(completed_at), 1, deltas)
        return deltas

    return ((signals.member_step_changed, changed), (signals.member_moved, moved))


# --- Jobs (employees of member businesses) --------------------------------------------------


def _jobs_sql() -> str:
    day = local_day_sql("b.created_at")
    return (
        f"SELECT m.community_id, {day}, SUM(b.employees) FROM {_q(Business)} b "
        f"JOIN {_q(Member)} m ON m.id = b.owner_id WHERE b.employees > 0 "
        f"GROUP BY m.community_id, {day}"
    )


def _jobs_changed(business: Business, old_employees: int, **_kw: Any) -> Deltas:
    delta = business.employees - old_employees
    if not delta:
        return Counter()
    owner = business.owner
    return _spread(_scopes_of(owner.community), local_day(business.created_at), delta)


def _jobs_moved(member: Member, from_community: Community, **_kw: Any) -> Deltas:
    deltas: Deltas = Counter()
    for employees, created_at in Business.objects.filter(owner=member, employees__gt=0).values_list(
        "employees", "created_at"
    ):
        _spread(_scopes_of(from_community), local_day(created_at), -employees, deltas)
        _spread(_scopes_of(member.community), local_day(created_at), employees, deltas)
    return deltas


# --- Communities and partners ---------------------------------------------------------------


def _communities_sql() -> str:
    return f"SELECT id, COALESCE(founded_on, {local_day_sql('created_at')}), 1 FROM {_q(Community)}"


def _community_created(community: Community, **_kw: Any) -> Deltas:
    day = community.founded_on or local_day(community.created_at)
    return _spread(_scopes_of(community), day, 1)


def _partner_sql(kind: str) -> Callable[[], str]:
    def sql() -> str:
        day = local_day_sql("created_at")
        return (
            f"SELECT region_id, {day}, COUNT(*) FROM {_q(Partner)} "
            f"WHERE kind = '{kind}' GROUP BY region_id, {day}"
        )

    return sql


def _partner_handler(kind: str) -> Handler:
    def created(partner: Partner, **_kw: Any) -> Deltas:
        if partner.kind != kind:
            return Counter()
        return _spread(region_scopes(partner.region_id), local_day(partner.created_at), 1)

    return created


# --- Trainings held -----------------------------------------------------------------------


def _trainings_sql() -> str:
    day = local_day_sql("starts_at")
    return (
        f"SELECT community_id, {day}, COUNT(*) FROM {_q(Event)} "
        f"WHERE status <> 'cancelled' GROUP BY community_id, {day}"
    )


def _event_counts(community_id: int, starts_at: dt.datetime, status: str) -> Deltas:
    """+1 at the event's scopes and day when it counts as a training held."""
    if status == Event.Status.CANCELLED:
        return Counter()
    regency = Community.objects.filter(pk=community_id).values_list("regency_id", flat=True)
    return _spread(community_scopes(community_id, regency.get()), local_day(starts_at), 1)


def _event_changed(event: Event, before: dict | None, **_kw: Any) -> Deltas:
    deltas = _event_counts(event.community_id, event.starts_at, event.status)
    if before is not None:
        for key, value in _event_counts(
            before["community_id"], before["starts_at"], before["status"]
        ).items():
            deltas[key] -= value
    return Counter({key: value for key, value in deltas.items() if value})


# --- The registry -------------------------------------------------------------------------

METRICS: dict[str, Metric] = {}


def register(metric: Metric) -> None:
    """Add a metric to the registry."""
    METRICS[metric.code] = metric


register(Metric("members", _("Anggota"), "community", _members_sql(), _member_handlers(False)))
register(
    Metric(
        "women_members",
        _("Anggota perempuan"),
        "community",
        _members_sql(" AND sex = 'P'"),
        _member_handlers(True),
    )
)
register(
    Metric(
        "communities",
        _("Komunitas"),
        "community",
        _communities_sql,
        ((signals.community_created, _community_created),),
    )
)
for _info in step_defs.STEPS:
    register(
        Metric(
            f"step_{_info.code}",
            _info.name,
            "community",
            _step_sql(_info.number),
            _step_handlers(_info.number),
        )
    )
register(
    Metric(
        "jobs",
        _("Tenaga kerja"),
        "community",
        _jobs_sql,
        ((signals.business_changed, _jobs_changed), (signals.member_moved, _jobs_moved)),
    )
)
for _kind, _label in Partner.Kind.choices:
    register(
        Metric(
            f"partners_{_kind}",
            _label,
            "region",
            _partner_sql(_kind),
            ((signals.partner_created, _partner_handler(_kind)),),
        )
    )
register(
    Metric(
        "trainings",
        _("Pelatihan terlaksana"),
        "community",
        _trainings_sql,
        ((training_signals.event_changed, _event_changed),),
    )
)

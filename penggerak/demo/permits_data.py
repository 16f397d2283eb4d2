"""Demo permits and checklist responses, consistent with the journeys already written.

Every business with an NIB gets an NIB permit: issued on its owner's step-4 (licensing)
completion date when that step is done (the step row's evidence points at that permit),
submitted when the step is still in progress (the out-of-order journeys), and issued when
the business was registered otherwise (the few who held an NIB before joining). Food,
beverage, cosmetics and livestock businesses of members at step 4 or beyond get P-IRT, halal
(mostly the free self-declare route) and BPOM permits in every status, some of them expiring
within 60 days of the as-of date; a few businesses have filled in a checklist. Rows go in
through ``demo.bulk`` (executemany / COPY), never services.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Concat
from django.utils import translation

from penggerak.demo import bulk
from penggerak.demo.evidence import steps_point_at
from penggerak.permits.models import ChecklistResponse, Permit, PermitKind
from penggerak.permits.selectors import checklist_templates
from penggerak.permits.services import DEFAULT_ISSUERS, checklist_score
from penggerak.registry.models import Business, MemberStep

PERMIT_FIELDS = (
    "business", "kind", "status", "number", "halal_route", "issuer", "submitted_on",
    "issued_on", "expires_on", "note", "document", "created_at", "updated_at",
)  # fmt: skip
RESPONSE_FIELDS = (
    "template", "business", "filled_by", "answers", "score", "result", "to_fix", "created_at",
)  # fmt: skip
if TYPE_CHECKING:  # the generator imports this module
    from penggerak.demo.generator import DemoContext

BATCH = 20_000
CHECKLIST_RESPONSES = 400
_FOOD = {"food", "beverage"}
_HALAL = {"food", "beverage", "cosmetics", "livestock"}


def _date_value(day: dt.date | None):
    return None if day is None else connection.ops.adapt_datefield_value(day)


def _datetime_value(moment: dt.datetime):
    return connection.ops.adapt_datetimefield_value(moment)


class _Permits:
    """Builds permit rows and flushes them in batches."""

    def __init__(self, rng: random.Random, as_of: dt.date, tz: ZoneInfo) -> None:
        self.rng = rng
        self.as_of = as_of
        self.tz = tz
        self.rows: list[tuple] = []
        self.written = 0
        self.now = _datetime_value(dt.datetime.combine(as_of, dt.time(12), tz))

    def add(self, business_id: int, kind: str, status: str, number: str = "", **dates) -> None:
        route = dates.pop("halal_route", "")
        self.rows.append(
            (
                business_id, kind, status, number, route, DEFAULT_ISSUERS[kind],
                _date_value(dates.get("submitted_on")), _date_value(dates.get("issued_on")),
                _date_value(dates.get("expires_on")), "", "", self.now, self.now,
            )
        )  # fmt: skip
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        bulk.insert_rows(Permit, PERMIT_FIELDS, self.rows)
        self.written += len(self.rows)
        self.rows = []

    def lifecycle(self, since: dt.date, *, years: int) -> dict:
        """A status with dates between ``since`` and the as-of date; 1 in 8 issued ones
        expires within 60 days of the as-of date."""
        rng, as_of = self.rng, self.as_of
        room = max(0, (as_of - since).days)
        submitted = since + dt.timedelta(days=rng.randint(0, room))
        roll = rng.random()
        if roll < 0.15:
            return {"status": "planned"}
        if roll < 0.4 or submitted >= as_of:
            return {"status": "submitted", "submitted_on": submitted}
        if roll < 0.45:
            return {"status": "rejected", "submitted_on": submitted}
        issued = submitted + dt.timedelta(
            days=rng.randint(1, max(1, min(45, (as_of - submitted).days)))
        )
        issued = min(issued, as_of)
        expires = (
            issued.replace(year=issued.year + years)
            if issued.month != 2 or issued.day != 29
            else issued + dt.timedelta(days=365 * years)
        )
        if rng.random() < 0.125:
            expires = as_of + dt.timedelta(days=rng.randint(1, 60))
        status = "issued" if expires >= as_of else "expired"
        return {
            "status": status,
            "submitted_on": submitted,
            "issued_on": issued,
            "expires_on": expires,
        }


def populate(context: DemoContext) -> dict[str, int]:
    rng = random.Random(f"{context.seed}/permits")
    tz = ZoneInfo(settings.TIME_ZONE)
    as_of = context.spec.as_of
    permits = _Permits(rng, as_of, tz)
    licensing = MemberStep.objects.filter(member=OuterRef("owner_id"), step=4)
    rows = (
        Business.objects.annotate(
            step_status=Subquery(licensing.values("status")[:1]),
            step_done=Subquery(licensing.values("completed_at")[:1]),
            step_started=Subquery(licensing.values("started_at")[:1]),
        )
        .order_by("pk")
        .values_list(
            "pk", "nib", "sector", "created_at", "owner__community__regency_id",
            "step_status", "step_done", "step_started",
        )
    )  # fmt: skip
    candidates: list[int] = []
    for pk, nib, sector, created, regency, status, done_at, started_at in rows.iterator(
        chunk_size=BATCH
    ):
        created_day = created.astimezone(tz).date()
        if nib:
            if status == "done" and done_at is not None:
                day = done_at.astimezone(tz).date()
                permits.add(pk, "nib", "issued", nib, submitted_on=day, issued_on=day)
            elif status == "in_progress" and started_at is not None:
                day = started_at.astimezone(tz).date()
                permits.add(pk, "nib", "submitted", nib, submitted_on=day)
            else:
                permits.add(
                    pk, "nib", "issued", nib, submitted_on=created_day, issued_on=created_day
                )
        if status != "done" or done_at is None or sector not in _HALAL:
            continue
        candidates.append(pk)
        since = done_at.astimezone(tz).date()
        area = (regency or "00.00").replace(".", "")[:4]
        if sector in _FOOD and rng.random() < 0.45:
            plan = permits.lifecycle(since, years=5)
            number = ""
            if plan.get("issued_on"):
                number = (
                    f"{rng.randint(1, 9)}{rng.randint(1, 16):02d}{area}{rng.randint(1, 20):02d}"
                    f"{rng.randrange(1, 10**4):04d}{plan['expires_on'].year % 100:02d}"
                )
            permits.add(pk, "pirt", plan.pop("status"), number, **plan)
        if rng.random() < 0.35:
            plan = permits.lifecycle(since, years=4)
            route = "self_declare" if rng.random() < 0.7 else "regular"
            number = f"ID{area[:2]}{rng.randrange(10**15):015d}" if plan.get("issued_on") else ""
            permits.add(pk, "halal", plan.pop("status"), number, halal_route=route, **plan)
        if sector == "cosmetics" and rng.random() < 0.5:
            plan = permits.lifecycle(since, years=3)
            number = ""
            if plan.get("issued_on"):
                number = f"NA18{plan['issued_on'].year % 100:02d}{rng.randrange(10**7):07d}"
            permits.add(pk, "bpom", plan.pop("status"), number, **plan)
    permits.flush()
    _licensing_evidence()
    responses = _checklist_responses(rng, candidates, as_of, tz)
    return {"izin/permits": permits.written, "daftar periksa/checklists": responses}


def _licensing_evidence() -> None:
    """Done step-4 rows point at the owner's first issued NIB permit, labelled as
    ``permit_issued`` labels it: "<kind label> <number>"."""
    with translation.override(settings.LANGUAGE_CODE):
        kind_label = str(PermitKind.NIB.label)
    # Through the owner's first business with an NIB (the one step 4 is about), so the
    # lookup uses the (owner) and (business, kind) indexes: filtering on business__owner
    # lets SQLite drive it from the status index instead, one scan per member.
    first_with_nib = (
        Business.objects.filter(owner_id=OuterRef(OuterRef("member_id")))
        .exclude(nib="")
        .order_by("id")
        .values("id")[:1]
    )
    steps_point_at(
        step=4,
        kind=PermitKind.NIB.value,
        candidates=Permit.objects.filter(
            business_id=Subquery(first_with_nib), kind=PermitKind.NIB, status="issued"
        ).order_by("issued_on", "id"),
        label=Concat(Value(f"{kind_label} "), "number", output_field=CharField()),
    )


def _checklist_responses(
    rng: random.Random, candidates: list[int], as_of: dt.date, tz: ZoneInfo
) -> int:
    templates = list(checklist_templates())
    if not templates or not candidates:
        return 0
    chosen = rng.sample(candidates, min(CHECKLIST_RESPONSES, len(candidates)))
    rows = []
    for business_id in chosen:
        template = rng.choice(templates)
        skill = rng.random()
        moment = dt.datetime.combine(
            as_of - dt.timedelta(days=rng.randint(0, 300)), dt.time(10), tz
        )
        for _attempt in range(rng.randint(1, 3)):
            answers = {}
            for section in template.sections.all():
                for item in section.items.all():
                    level = min(1.0, max(0.0, rng.gauss(skill, 0.3)))
                    if item.answer_type == "score":
                        answers[item.code] = round(level * 4)
                    else:
                        answers[item.code] = (
                            "yes" if level > 0.66 else "partial" if level > 0.33 else "no"
                        )
            scored = checklist_score(template, answers)
            rows.append(
                (
                    template.pk, business_id, None, json.dumps(scored["answers"]),
                    str(scored["score"]), scored["result"], json.dumps(scored["to_fix"]),
                    _datetime_value(moment),
                )
            )  # fmt: skip
            moment = min(
                moment + dt.timedelta(days=rng.randint(20, 90)),
                dt.datetime.combine(as_of, dt.time(16), tz),
            )
            skill = min(1.0, skill + 0.15)
    bulk.insert_rows(ChecklistResponse, RESPONSE_FIELDS, rows)
    return len(rows)

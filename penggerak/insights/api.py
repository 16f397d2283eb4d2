"""``/api/v1/insights/targets``: targets with progress and forecast for one scope."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema

from penggerak.core.api import errors
from penggerak.insights import selectors

router = Router(tags=["insights"])


class TargetsParams(Schema):
    scope: str = Field(
        "nation",
        max_length=100,
        pattern=r"^[-a-zA-Z0-9_.:]+$",
        description='"nation", "province:KODE", "regency:KODE" atau "community:SLUG".',
    )


class TargetOut(Schema):
    metric: str
    scope: str
    target: int
    deadline: dt.date
    current: int
    progress: float
    forecast_at_deadline: int | None
    forecast_low: int | None
    forecast_high: int | None
    eta: dt.date | None
    required_per_month: float | None
    current_per_month: float | None
    status: Literal["on_track", "at_risk", "off_track"] | None
    note: str | None = Field(None, description="Why forecast figures are null, when they are.")


class TargetsOut(Schema):
    items: list[TargetOut]


@router.get("/targets", response={200: TargetsOut, **errors(401, 404, 422)})
def list_targets(request, params: Query[TargetsParams]):
    """Targets of a scope with current value, progress %, pace per month, the forecast at
    the deadline with an 80 % band, the date it is reached at the current pace (eta), the
    pace required from the as-of date, and a status. Read from the daily rollups.
    Secretariat and partners: any scope; coordinators: their communities (404 otherwise)."""
    return {"items": selectors.targets_with_progress(actor=request.auth, scope=params.scope)}

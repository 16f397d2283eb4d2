"""Progress and forecast of a target: pure functions, no database.

Method (``METHOD``): a straight line fitted by least squares to the month-end values of the
last 12 months gives the current pace per month; the value at the deadline is today's value
plus that pace times the months left, with an 80 % prediction interval of the regression as
the low/high band. At least ``MIN_POINTS`` month-end values are needed, otherwise every
forecast figure is None and ``note`` says why.

Why linear and not a growth curve: compounding a recent growth rate over several years is
what makes dashboards promise the impossible. On the okoce-2020 history (monthly intake
doubling about every 15 months) a log-linear fit extrapolated over the 52 months to 2024 would
predict about 4.2 million members; the question the secretariat asks is "at the current pace",
which is what the line answers. Acceleration shows up as a rising pace month after month.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

DAYS_PER_MONTH = 365.25 / 12
MIN_POINTS = 3
WINDOW_MONTHS = 12
# Two-sided 80 % Student t quantiles (0.90) by degrees of freedom; 1.282 beyond 30.
_T90 = (
    3.078, 1.886, 1.638, 1.533, 1.476, 1.440, 1.415, 1.397, 1.383, 1.372,
    1.363, 1.356, 1.350, 1.345, 1.341, 1.337, 1.333, 1.330, 1.328, 1.325,
    1.323, 1.321, 1.319, 1.318, 1.316, 1.315, 1.314, 1.313, 1.311, 1.310,
)  # fmt: skip
MAX_ETA_DAYS = 100 * 365

METHOD = _(
    "Prakiraan: garis lurus (kuadrat terkecil) pada nilai akhir bulan selama 12 bulan "
    "terakhir, diteruskan dari nilai hari ini sampai tenggat; rentang rendah sampai tinggi adalah "
    "interval prediksi 80%."
)
TOO_LITTLE_HISTORY = _(
    "Riwayat terlalu pendek untuk prakiraan: dibutuhkan nilai akhir bulan dari minimal "
    "%(months)d bulan."
)

ON_TRACK, AT_RISK, OFF_TRACK = "on_track", "at_risk", "off_track"


@dataclass(frozen=True)
class Progress:
    """Every figure the API and the dashboard show for one target."""

    current: int
    progress: float
    current_per_month: float | None
    current_per_week: float | None
    required_per_month: float | None
    forecast_at_deadline: float | None
    forecast_low: float | None
    forecast_high: float | None
    eta: dt.date | None
    status: str | None
    note: str | None


def t_quantile_80(df: int) -> float:
    """The 0.90 quantile of Student's t with ``df`` degrees of freedom (df >= 1)."""
    if df < 1:
        raise ValueError("df must be at least 1")
    return _T90[df - 1] if df <= len(_T90) else 1.282


@dataclass(frozen=True)
class LineFit:
    slope: float  # per month
    intercept: float
    residual_sd: float
    n: int
    x_mean: float
    sxx: float

    def prediction_sd(self, x: float) -> float:
        """Standard deviation of a new observation at ``x`` (months from the as-of date)."""
        return self.residual_sd * math.sqrt(1 + 1 / self.n + (x - self.x_mean) ** 2 / self.sxx)


def fit_line(points: Sequence[tuple[float, float]]) -> LineFit:
    """Least-squares line through (x, y) points; at least 3 points with distinct x."""
    n = len(points)
    if n < MIN_POINTS:
        raise ValueError("at least three points are needed")
    x_mean = sum(x for x, _y in points) / n
    y_mean = sum(y for _x, y in points) / n
    sxx = sum((x - x_mean) ** 2 for x, _y in points)
    if sxx <= 0:
        raise ValueError("points need distinct x values")
    sxy = sum((x - x_mean) * (y - y_mean) for x, y in points)
    slope = sxy / sxx
    intercept = y_mean - slope * x_mean
    sse = sum((y - (intercept + slope * x)) ** 2 for x, y in points)
    return LineFit(slope, intercept, math.sqrt(sse / (n - 2)), n, x_mean, sxx)


def months_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / DAYS_PER_MONTH


def progress_of(
    *,
    current: int,
    target: int,
    as_of: dt.date,
    deadline: dt.date,
    month_ends: Sequence[tuple[dt.date, int]],
    last_28_days: int | None = None,
) -> Progress:
    """Progress and forecast of ``target`` by ``deadline`` seen on ``as_of``.

    ``month_ends``: (day, value) points on or before ``as_of``, oldest first, the last one
    being ``as_of`` itself; only the last ``WINDOW_MONTHS + 1`` are used. ``last_28_days``:
    the change over the 28 days up to ``as_of`` (the weekly pace is a quarter of it).
    """
    if target <= 0:
        raise ValueError("target must be positive")
    points = [(months_between(as_of, day), float(value)) for day, value in month_ends]
    points = points[-(WINDOW_MONTHS + 1) :]
    months_left = months_between(as_of, deadline)
    gap = max(0, target - current)
    required = round(gap / months_left, 1) if months_left > 0 else None
    per_week = round(last_28_days / 4, 1) if last_28_days is not None else None
    progress = round(current * 100 / target, 1)
    if len(points) < MIN_POINTS:
        return Progress(
            current, progress, None, per_week, required, None, None, None,
            as_of if current >= target else None,
            ON_TRACK if current >= target else None,
            str(TOO_LITTLE_HISTORY % {"months": MIN_POINTS}),
        )  # fmt: skip
    fit = fit_line(points)
    horizon = max(0.0, months_left)
    forecast = current + fit.slope * horizon
    spread = t_quantile_80(fit.n - 2) * fit.prediction_sd(horizon)
    low, high = max(0.0, forecast - spread), forecast + spread
    eta: dt.date | None = None
    if current >= target:
        eta = as_of
    elif fit.slope > 0:
        days = gap / fit.slope * DAYS_PER_MONTH
        if days <= MAX_ETA_DAYS:
            eta = as_of + dt.timedelta(days=math.ceil(days))
    if current >= target or forecast >= target:
        status = ON_TRACK
    elif high >= target:
        status = AT_RISK
    else:
        status = OFF_TRACK
    return Progress(
        current=current,
        progress=progress,
        current_per_month=round(fit.slope, 1),
        current_per_week=per_week,
        required_per_month=required,
        forecast_at_deadline=round(forecast),
        forecast_low=round(low),
        forecast_high=round(high),
        eta=eta,
        status=status,
        note=None,
    )


def month_end_days(as_of: dt.date, months: int = WINDOW_MONTHS) -> list[dt.date]:
    """The last day of each of the ``months`` months before ``as_of``'s month, then ``as_of``
    itself, oldest first (2020-08-31 -> 2019-08-31, 2019-09-30, ..., 2020-07-31, 2020-08-31)."""
    days = [as_of]
    first = as_of.replace(day=1)
    for _month in range(months):
        first_prev_end = first - dt.timedelta(days=1)
        days.append(first_prev_end)
        first = first_prev_end.replace(day=1)
    return sorted(days)

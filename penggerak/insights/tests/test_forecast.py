"""The forecast: pure functions on month-end series."""

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from penggerak.insights import forecast
from penggerak.insights.services import apportion

AS_OF = dt.date(2020, 8, 31)
DEADLINE = dt.date(2024, 12, 31)


def okoce_like_series():
    """Members joining since 2017-12-01 with the monthly intake doubling every 450 days,
    scaled to 378,212 on 2020-08-31 (the okoce-2020 demo's shape)."""
    start = dt.date(2017, 12, 1)
    growth = math.log(2) / 450

    def raw(day):
        return math.exp(growth * (day - start).days) - 1

    scale = 378_212 / raw(AS_OF)
    return [(day, round(raw(day) * scale)) for day in forecast.month_end_days(AS_OF)]


def test_okoce_2020_does_not_reach_two_million_by_2024():
    series = okoce_like_series()
    result = forecast.progress_of(
        current=378_212, target=2_000_000, as_of=AS_OF, deadline=DEADLINE, month_ends=series
    )
    assert result.status == forecast.OFF_TRACK
    assert result.forecast_high < 2_000_000
    assert 10_000 < result.current_per_month < 20_000
    # (2,000,000 - 378,212) over the 52 months left: about 31,000 a month (issue 5).
    assert result.required_per_month == pytest.approx(31_184, rel=0.01)
    assert result.eta > DEADLINE
    assert result.progress == 18.9
    assert result.note is None


def test_steady_series_on_track_and_eta():
    series = [(day, 1000 + 100 * i) for i, day in enumerate(forecast.month_end_days(AS_OF))]
    result = forecast.progress_of(
        current=2200, target=3000, as_of=AS_OF, deadline=dt.date(2021, 12, 31), month_ends=series
    )
    assert result.current_per_month == pytest.approx(100, rel=0.02)
    assert result.forecast_low <= result.forecast_at_deadline <= result.forecast_high
    assert result.status == forecast.ON_TRACK
    assert dt.date(2021, 4, 1) < result.eta < dt.date(2021, 6, 30)


def test_too_little_history_invents_nothing():
    series = [(dt.date(2020, 7, 31), 5), (AS_OF, 9)]
    result = forecast.progress_of(
        current=9, target=100, as_of=AS_OF, deadline=DEADLINE, month_ends=series
    )
    assert result.forecast_at_deadline is None
    assert result.forecast_low is None and result.forecast_high is None
    assert result.eta is None and result.status is None and result.current_per_month is None
    assert "minimal 3 bulan" in result.note
    assert result.required_per_month is not None


def test_target_already_reached():
    series = [(day, 500) for day in forecast.month_end_days(AS_OF)]
    result = forecast.progress_of(
        current=500, target=400, as_of=AS_OF, deadline=DEADLINE, month_ends=series
    )
    assert result.status == forecast.ON_TRACK
    assert result.eta == AS_OF
    assert result.required_per_month == 0


def test_flat_series_never_reaches():
    series = [(day, 500) for day in forecast.month_end_days(AS_OF)]
    result = forecast.progress_of(
        current=500, target=600, as_of=AS_OF, deadline=DEADLINE, month_ends=series
    )
    assert result.eta is None
    assert result.forecast_at_deadline == 500
    assert result.status == forecast.OFF_TRACK


def test_month_end_days():
    days = forecast.month_end_days(dt.date(2020, 3, 15), months=3)
    assert days == [
        dt.date(2019, 12, 31),
        dt.date(2020, 1, 31),
        dt.date(2020, 2, 29),
        dt.date(2020, 3, 15),
    ]


values = st.lists(st.integers(min_value=0, max_value=10_000_000), min_size=0, max_size=13)


@given(values=values, target=st.integers(1, 10**8), days_left=st.integers(-30, 5000))
def test_forecast_invariants(values, target, days_left):
    days = forecast.month_end_days(AS_OF)[-len(values) :] if values else []
    series = list(zip(days, sorted(values), strict=True))
    current = series[-1][1] if series else 0
    result = forecast.progress_of(
        current=current,
        target=target,
        as_of=AS_OF,
        deadline=AS_OF + dt.timedelta(days=days_left),
        month_ends=series,
    )
    assert result.status in (None, "on_track", "at_risk", "off_track")
    if len(series) < forecast.MIN_POINTS:
        assert result.forecast_at_deadline is None and result.note
    else:
        assert 0 <= result.forecast_low <= result.forecast_at_deadline + 1
        assert result.forecast_at_deadline <= result.forecast_high + 1
        assert result.current_per_month >= -1e-6  # non-decreasing series never has a falling pace
    if result.required_per_month is not None:
        assert result.required_per_month >= 0


@given(
    total=st.integers(0, 10**7),
    weights=st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=60),
)
def test_apportion_adds_up(total, weights):
    parts = apportion(total, weights)
    assert len(parts) == len(weights)
    assert all(p >= 0 for p in parts)
    if sum(weights) > 0:
        assert sum(parts) == total
        for part, weight in zip(parts, weights, strict=True):
            assert abs(part - total * weight / sum(weights)) < 1 + 1e-6

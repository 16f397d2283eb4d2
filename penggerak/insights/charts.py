"""Server-rendered SVG charts: coordinates computed here, drawn by a small template.

No JavaScript and no CDN: a chart is a few hundred bytes of SVG, and its numbers are also
given in a table for screen readers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 320, 140, 6


@dataclass(frozen=True)
class TargetChart:
    history: str  # polyline points of the month-end values
    forecast: str  # polyline from today's value to the forecast at the deadline
    band: str  # polygon of the low/high band (empty without a forecast)
    target_y: float
    width: int = WIDTH
    height: int = HEIGHT


def _scale(lo: float, hi: float, size: float):
    span = (hi - lo) or 1.0

    def to(value: float) -> float:
        return round(PAD + (value - lo) / span * (size - 2 * PAD), 1)

    return to


def target_chart(item: dict, as_of: dt.date) -> TargetChart | None:
    """History, forecast and band of one target between the first month shown and the
    deadline, with the target as a horizontal line; None without any history."""
    points = item["month_ends"]
    if not points:
        return None
    start, end = points[0][0], max(item["deadline"], as_of)
    top = max(item["target"], item["forecast_high"] or 0, *(value for _day, value in points))
    x = _scale(start.toordinal(), end.toordinal(), WIDTH)
    y_up = _scale(0, top, HEIGHT)

    def y(value: float) -> float:
        return round(HEIGHT - y_up(value), 1)

    history = " ".join(f"{x(day.toordinal())},{y(value)}" for day, value in points)
    forecast = band = ""
    if item["forecast_at_deadline"] is not None:
        now_x, end_x = x(as_of.toordinal()), x(end.toordinal())
        forecast = f"{now_x},{y(item['current'])} {end_x},{y(item['forecast_at_deadline'])}"
        band = (
            f"{now_x},{y(item['current'])} {end_x},{y(item['forecast_high'])} "
            f"{end_x},{y(item['forecast_low'])}"
        )
    return TargetChart(history, forecast, band, y(item["target"]))

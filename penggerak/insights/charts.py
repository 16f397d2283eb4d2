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


# --- Line/area chart of month-end values ------------------------------------------------------


@dataclass(frozen=True)
class LineChart:
    line: str  # polyline points
    area: str  # polygon points (the line closed down to the baseline)
    top: int  # the value at the top of the y axis
    first: dt.date
    last: dt.date
    width: int = WIDTH
    height: int = HEIGHT


def line_chart(days: list[dt.date], values: list[int]) -> LineChart | None:
    """A month-end series as a line over a filled area, from zero to its maximum; None with
    fewer than two points (nothing to draw a line through)."""
    if len(days) < 2 or len(days) != len(values):
        return None
    top = max(max(values), 1)
    x = _scale(days[0].toordinal(), days[-1].toordinal(), WIDTH)
    y_up = _scale(0, top, HEIGHT)

    def y(value: float) -> float:
        return round(HEIGHT - y_up(value), 1)

    points = [f"{x(day.toordinal())},{y(value)}" for day, value in zip(days, values, strict=True)]
    base = HEIGHT - PAD
    area = f"{x(days[0].toordinal())},{base} {' '.join(points)} {x(days[-1].toordinal())},{base}"
    return LineChart(" ".join(points), area, top, days[0], days[-1])


# --- Funnel -----------------------------------------------------------------------------------

FUNNEL_WIDTH, FUNNEL_ROW, FUNNEL_LABEL = 320, 26, 0


@dataclass(frozen=True)
class FunnelBar:
    number: int
    name: str
    members: int
    y: int
    width: float
    text_y: int


def funnel_bars(steps: list[dict]) -> tuple[list[FunnelBar], int]:
    """One horizontal bar per step, its length in proportion to the step with most members;
    returns the bars and the height of the drawing."""
    most = max([step["members"] for step in steps] + [1])
    bars = []
    for index, step in enumerate(steps):
        y = index * FUNNEL_ROW
        width = round(step["members"] / most * FUNNEL_WIDTH, 1) if step["members"] else 0.0
        bars.append(FunnelBar(step["number"], step["name"], step["members"], y + 2, width, y + 17))
    return bars, len(steps) * FUNNEL_ROW


# --- Tile grid of Indonesia's 38 provinces ----------------------------------------------------

TILE, TILE_GAP = 30, 3
# (column, row, ISO 3166-2:ID abbreviation): west to east, north to south, roughly where each
# province lies, so Sumatra runs down the left, Java along the bottom and Papua on the right.
TILE_LAYOUT: dict[str, tuple[int, int, str]] = {
    "11": (0, 0, "AC"), "12": (1, 1, "SU"), "13": (1, 2, "SB"), "14": (2, 2, "RI"),
    "21": (3, 1, "KR"), "15": (2, 3, "JA"), "16": (3, 3, "SS"), "19": (4, 3, "BB"),
    "17": (2, 4, "BE"), "18": (3, 4, "LA"),
    "36": (4, 5, "BT"), "31": (5, 5, "JK"), "32": (6, 5, "JB"), "33": (7, 5, "JT"),
    "34": (8, 5, "YO"), "35": (9, 5, "JI"), "51": (10, 5, "BA"), "52": (11, 5, "NB"),
    "53": (12, 5, "NT"),
    "61": (6, 2, "KB"), "62": (7, 2, "KT"), "65": (8, 1, "KU"), "64": (8, 2, "KI"),
    "63": (8, 3, "KS"),
    "75": (10, 1, "GO"), "71": (11, 1, "SA"), "76": (9, 2, "SR"), "72": (10, 2, "ST"),
    "73": (10, 3, "SN"), "74": (11, 3, "SG"),
    "82": (13, 1, "MU"), "81": (13, 3, "MA"),
    "96": (14, 2, "PD"), "92": (15, 2, "PB"), "94": (16, 2, "PT"), "91": (17, 2, "PA"),
    "95": (17, 3, "PE"), "93": (17, 4, "PS"),
}  # fmt: skip
TILE_COLUMNS, TILE_ROWS = 18, 6
TILE_GRID_WIDTH = TILE_COLUMNS * (TILE + TILE_GAP)
TILE_GRID_HEIGHT = TILE_ROWS * (TILE + TILE_GAP)
# Light to dark green; class 0 (no members) is grey. Text turns white on the dark ones.
TILE_COLOURS = ("#eceeed", "#d7eee4", "#a6d8c0", "#5fae8c", "#1f7a57", "#0b4d37")


def tile_bins(most: int) -> list[tuple[int, int]]:
    """Five member ranges (low, high inclusive) doubling up to ``most``: a movement's
    provinces differ by orders of magnitude, so equal steps would leave most tiles pale."""
    if most <= 0:
        return []
    edges = [0] + [max(1, round(most / 2**k)) for k in (4, 3, 2, 1, 0)]
    bins = []
    low = 1
    for high in edges[1:]:
        if high >= low:
            bins.append((low, high))
            low = high + 1
    return bins


def province_tiles(rows: list[dict]) -> list[dict]:
    """Each province row (code, name, members, ...) with its tile's position, colour class and
    abbreviation; provinces missing from the layout are left out of the grid (never of the
    table)."""
    bins = tile_bins(max([row["members"] for row in rows] + [0]))
    tiles = []
    for row in rows:
        place = TILE_LAYOUT.get(row["code"])
        if place is None:
            continue
        column, line, abbreviation = place
        level = 0
        for index, (_low, high) in enumerate(bins, start=1):
            if row["members"] and row["members"] <= high:
                level = index
                break
        tiles.append(
            {
                **row,
                "x": column * (TILE + TILE_GAP),
                "y": line * (TILE + TILE_GAP),
                "abbreviation": abbreviation,
                "level": level,
                "fill": TILE_COLOURS[level],
                "ink": "#fff" if level >= 4 else "#1c2321",
            }
        )
    return tiles


def tile_legend(rows: list[dict]) -> list[dict]:
    """The legend of ``province_tiles``: colour and member range of each class."""
    bins = tile_bins(max([row["members"] for row in rows] + [0]))
    legend = [{"fill": TILE_COLOURS[0], "low": 0, "high": 0}]
    legend += [
        {"fill": TILE_COLOURS[index], "low": low, "high": high}
        for index, (low, high) in enumerate(bins, start=1)
    ]
    return legend

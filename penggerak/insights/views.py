"""Dashboard pages: the nation, a province, a regency (for the secretariat) and a community
(for its coordinators and the secretariat), each table also as a streamed CSV.

Every figure comes from the rollups and the funnel counters (never a count of members), so a
page costs the same few dozen indexed reads at 300 and at 2,000,000 members. The one list of
people, a community's stuck members, is read through the mentoring app's scoped selector.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from penggerak.accounts import access
from penggerak.core.audit import audit_record
from penggerak.core.errors import DomainError
from penggerak.core.models import AuditEvent
from penggerak.core.spreadsheet import safe_cell
from penggerak.insights import charts, forecast, selectors
from penggerak.insights.asof import as_of_date
from penggerak.insights.scopes import Scope
from penggerak.registry import selectors as registry_selectors


def _secretariat_scope(request: HttpRequest, scope: str) -> Scope:
    """The scope for the secretariat (a provincial one: its province and below); 404 for
    anyone else, a scope out of reach, a malformed one or one that does not exist."""
    if not access.is_secretariat(request.user):
        raise Http404
    try:
        return selectors.scope_for(actor=request.user, scope=scope)
    except DomainError:
        raise Http404 from None


def _community_scope(request: HttpRequest, slug: str) -> Scope:
    """The community for its coordinators and the secretariat; 404 for anyone else."""
    try:
        return selectors.community_for_coordinator(actor=request.user, slug=slug)
    except DomainError:
        raise Http404 from None


def _series_block(found: Scope, as_of: dt.date) -> dict:
    data = selectors.series(scope=found, as_of=as_of)
    days, values = data["days"], data["values"]
    current = data["current"]
    rows = [
        {
            "day": day,
            "members": values["members"][i],
            "communities": values["communities"][i],
            "women_members": values["women_members"][i],
            "jobs": values["jobs"][i],
            "women_share": selectors.women_share(values["members"][i], values["women_members"][i]),
        }
        for i, day in enumerate(days)
    ]
    return {
        "rows": rows,
        "members": charts.line_chart(days, values["members"]),
        "communities": charts.line_chart(days, values["communities"]),
        "women": charts.line_chart(days, values["women_members"]),
        "jobs": charts.line_chart(days, values["jobs"]),
        "current": current,
        "women_share": selectors.women_share(current["members"], current["women_members"]),
        "first": days[0] if days else None,
    }


def _funnel_block(request: HttpRequest, found: Scope) -> dict:
    steps = registry_selectors.funnel(actor=request.user, scope=found.key)
    for step in steps:
        conversion = step["conversion_from_previous"]
        step["conversion_percent"] = round(conversion * 100, 1) if conversion is not None else None
    bars, height = charts.funnel_bars(steps)
    return {"steps": steps, "bars": bars, "height": height, "width": charts.FUNNEL_WIDTH}


def _with_links(rows: list[dict], name: str, field: str) -> list[dict]:
    """Each row's drill-down link, from one ``reverse`` (not one per row)."""
    pattern = reverse(f"insights:{name}", args=["--placeholder--"])
    for row in rows:
        row["href"] = pattern.replace("--placeholder--", row[field])
    return rows


def _context(request: HttpRequest, found: Scope) -> dict[str, Any]:
    """Every block of a scope's dashboard."""
    actor = request.user
    as_of = as_of_date()
    items = selectors.targets_with_progress(actor=actor, scope=found.key)
    for item in items:
        item["chart"] = charts.target_chart(item, as_of)
        item["label"] = selectors.metric_label(item["metric"])
        item.update(
            selectors.target_pace_since_start(
                scope=found, metric=item["metric"], as_of=as_of, current=item["current"]
            )
        )
        item["bar"] = min(100.0, item["progress"])
    context: dict[str, Any] = {
        "scope": found,
        "as_of": as_of,
        "items": items,
        "method": forecast.METHOD,
        "series": _series_block(found, as_of),
        "funnel": _funnel_block(request, found),
        "growth_days": selectors.GROWTH_DAYS,
    }
    if found.kind == "nation":
        rows = _with_links(selectors.province_rows(actor=actor, as_of=as_of), "province", "code")
        context["provinces"] = rows
        context["tiles"] = charts.province_tiles(rows)
        context["legend"] = charts.tile_legend(rows)
        context["grid"] = {"width": charts.TILE_GRID_WIDTH, "height": charts.TILE_GRID_HEIGHT,
                           "tile": charts.TILE}  # fmt: skip
    elif found.kind == "province":
        context["regencies"] = _with_links(
            selectors.regency_rows(scope=found, as_of=as_of), "regency", "code"
        )
    elif found.kind == "regency":
        context["communities"] = _with_links(
            selectors.community_rows(scope=found, as_of=as_of), "community", "slug"
        )
    if found.kind != "community":
        ranking = selectors.top_and_lagging(scope=found, as_of=as_of)
        _with_links(ranking["top"] + ranking["lagging"], "community", "slug")
        context["ranking"] = ranking
    else:
        context["stuck"], context["stuck_count"] = selectors.stuck_members(actor=actor, scope=found)
    return context


def _render(request: HttpRequest, found: Scope) -> HttpResponse:
    context = _context(request, found)
    context["csv_base"] = request.path + "csv/"
    return render(request, "insights/dashboard.html", context)


@login_required
def national(request: HttpRequest) -> HttpResponse:
    """Targets, history, funnel, the provinces' tile grid, top and lagging communities."""
    return _render(request, _secretariat_scope(request, "nation"))


@login_required
def province(request: HttpRequest, code: str) -> HttpResponse:
    """The same figures for one province, with its regencies."""
    return _render(request, _secretariat_scope(request, f"province:{code}"))


@login_required
def regency(request: HttpRequest, code: str) -> HttpResponse:
    """The same figures for one regency/city, with its communities."""
    return _render(request, _secretariat_scope(request, f"regency:{code}"))


@login_required
def community(request: HttpRequest, slug: str) -> HttpResponse:
    """A community's targets, history, funnel and stuck members, for its coordinators."""
    return _render(request, _community_scope(request, slug))


# --- CSV: /<dashboard>/csv/<table>/ -----------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def _number(value: Any) -> Any:
    return "" if value is None else value


def _targets_table(context: dict) -> Iterator[list]:
    yield [_("metrik"), _("nama"), _("target"), _("tenggat"), _("nilai sekarang"),
           _("kemajuan %"), _("laju sekarang per bulan"), _("rata-rata per bulan sejak awal"),
           _("awal (akhir bulan pertama)"), _("laju dibutuhkan per bulan"),
           _("prakiraan pada tenggat"), _("prakiraan rendah"), _("prakiraan tinggi"),
           _("perkiraan tercapai"), _("status")]  # fmt: skip
    for item in context["items"]:
        yield [
            item["metric"], item["label"], item["target"], item["deadline"].isoformat(),
            item["current"], item["progress"], _number(item["current_per_month"]),
            _number(item["pace_since_start"]),
            item["pace_since"].isoformat() if item["pace_since"] else "",
            _number(item["required_per_month"]), _number(item["forecast_at_deadline"]),
            _number(item["forecast_low"]), _number(item["forecast_high"]),
            item["eta"].isoformat() if item["eta"] else "", item["status"] or "",
        ]  # fmt: skip


def _history_table(context: dict) -> Iterator[list]:
    yield [_("tanggal"), _("jumlah anggota"), _("komunitas"), _("anggota perempuan"),
           _("porsi perempuan %"), _("tenaga kerja")]  # fmt: skip
    for row in context["series"]["rows"]:
        yield [row["day"].isoformat(), row["members"], row["communities"],
               row["women_members"], _number(row["women_share"]), row["jobs"]]  # fmt: skip


def _funnel_table(context: dict) -> Iterator[list]:
    yield [_("tahap"), _("nama"), _("jumlah anggota"), _("konversi dari tahap sebelumnya %"),
           _("median hari dari tahap sebelumnya")]  # fmt: skip
    for step in context["funnel"]["steps"]:
        yield [step["number"], step["name"], step["members"],
               _number(step["conversion_percent"]),
               _number(step["median_days_from_previous"])]  # fmt: skip


def _figures_header(first: list[str]) -> list[str]:
    return [*first, _("jumlah anggota"), _("target anggota"), _("kemajuan %"), _("komunitas"),
            _("porsi perempuan %"), _("tenaga kerja"), _("anggota baru 90 hari")]  # fmt: skip


def _figures(row: dict) -> list:
    return [row["members"], _number(row["target"]), _number(row["progress"]),
            row["communities"], _number(row["women_share"]), row["jobs"],
            row["growth"]]  # fmt: skip


def _area_table(name: str, code: str) -> Callable[[dict], Iterator[list]]:
    def table(context: dict) -> Iterator[list]:
        yield _figures_header([_("kode"), _("nama")])
        for row in context[name]:
            yield [row[code], row["name"], *_figures(row)]

    return table


def _ranking_table(context: dict) -> Iterator[list]:
    yield [_("kelompok"), _("komunitas"), _("nama"), _("jumlah anggota"), _("anggota baru 90 hari"),
           _("pertumbuhan 90 hari %")]  # fmt: skip
    for group, label in (("top", _("teratas")), ("lagging", _("tertinggal"))):
        for row in context["ranking"][group]:
            yield [label, row["slug"], row["name"], row["members"], row["growth"],
                   _number(row["growth_percent"])]  # fmt: skip


def _stuck_table(context: dict) -> Iterator[list]:
    yield [_("nama"), _("tahap terjauh")]
    for member in context["stuck"]:
        yield [member.full_name, member.furthest_step]


TABLES: dict[str, tuple[str, Callable[[dict], Iterable[list]]]] = {
    # url name: (context key that must be present, rows)
    "target": ("items", _targets_table),
    "riwayat": ("series", _history_table),
    "tahap": ("funnel", _funnel_table),
    "provinsi": ("provinces", _area_table("provinces", "code")),
    "kabupaten": ("regencies", _area_table("regencies", "code")),
    "komunitas": ("communities", _area_table("communities", "slug")),
    "pertumbuhan": ("ranking", _ranking_table),
    "macet": ("stuck", _stuck_table),
}


def _csv(request: HttpRequest, found: Scope, table: str) -> StreamingHttpResponse:
    """One table of the scope's dashboard as CSV (UTF-8 with BOM for spreadsheet programs);
    404 for a table the page does not have."""
    if table not in TABLES:
        raise Http404
    key, rows = TABLES[table]
    context = _context(request, found)
    if key not in context:
        raise Http404
    if table == "macet":
        # Names of people leave the platform: recorded like every other export.
        from penggerak.registry.models import Community

        audit_record(
            actor=request.user,
            action=AuditEvent.Action.EXPORT,
            obj=Community.objects.get(pk=found.community_id),
            reason="dashboard CSV: stuck members",
            changes={"rows": len(context["stuck"])},
        )
    writer = csv.writer(_Echo())
    # Names of communities and members are typed by people: neutralised against formulas.
    stream = (writer.writerow([safe_cell(str(cell)) for cell in row]) for row in rows(context))
    response = StreamingHttpResponse(_with_bom(stream), content_type="text/csv; charset=utf-8")
    name = found.key.replace(":", "-")
    response["Content-Disposition"] = f'attachment; filename="dasbor-{name}-{table}.csv"'
    return response


def _with_bom(stream: Iterator[str]) -> Iterator[str]:
    yield "\ufeff"
    yield from stream


@login_required
def national_csv(request: HttpRequest, table: str) -> StreamingHttpResponse:
    return _csv(request, _secretariat_scope(request, "nation"), table)


@login_required
def province_csv(request: HttpRequest, code: str, table: str) -> StreamingHttpResponse:
    return _csv(request, _secretariat_scope(request, f"province:{code}"), table)


@login_required
def regency_csv(request: HttpRequest, code: str, table: str) -> StreamingHttpResponse:
    return _csv(request, _secretariat_scope(request, f"regency:{code}"), table)


@login_required
def community_csv(request: HttpRequest, slug: str, table: str) -> StreamingHttpResponse:
    return _csv(request, _community_scope(request, slug), table)

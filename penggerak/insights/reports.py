"""The monthly report of a scope: its figures (``report_data``), a PDF with a chart per target
(reportlab platypus + reportlab graphics) and an XLSX with the numbers, one sheet per table.

Every figure is read from the rollups at the end of the month (or at the platform's as-of
date when the month has not ended yet), the same way the dashboard reads them, so a report
costs a few dozen indexed reads whatever the number of members.

The XLSX is written with openpyxl directly, not with ``imports.xlsx``: insights may not import
imports (layer order), and a report is a few hundred cells, so the streaming writer buys
nothing here. Rows go through ``core.spreadsheet.sheet_append`` (a community named "=..." stays
text), and every text in a PDF ``Paragraph`` is escaped: reportlab reads it as mini-HTML, so a
name like ``<font size=80>`` or ``Siti & <b>`` would change the layout or break the build.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from reportlab.graphics.shapes import Drawing, Line, Polygon, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from penggerak.accounts import access
from penggerak.core.errors import NotFound
from penggerak.core.spreadsheet import sheet_append
from penggerak.insights import forecast, rollups
from penggerak.insights.asof import as_of_date
from penggerak.insights.metrics import METRICS
from penggerak.insights.models import ReportRun, ReportSchedule, Target
from penggerak.insights.scopes import Scope
from penggerak.insights.selectors import metric_label, target_progress
from penggerak.permits.models import Permit, PermitKind, PermitStatus
from penggerak.registry import steps as step_defs
from penggerak.registry.models import Partner
from penggerak.training.models import Attendance, Certificate, Event

HISTORY_MONTHS = 24


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@dataclass
class ReportData:
    scope: Scope
    month: dt.date  # first day of the month reported
    as_of: dt.date  # the day the figures are read at
    targets: list[dict] = field(default_factory=list)
    # (month end, members, communities), oldest first
    history: list[tuple[dt.date, int, int]] = field(default_factory=list)
    # (step number, step name, members who completed it, % of step 1)
    funnel: list[tuple[int, str, int, float | None]] = field(default_factory=list)
    trainings: int = 0


def report_data(scope: Scope, month: dt.date) -> ReportData:
    """The figures of ``scope`` at the end of ``month`` (capped at the platform's as-of date)."""
    as_of = min(month_end(month), as_of_date())
    data = ReportData(scope=scope, month=month, as_of=as_of)
    key = scope.rollup_key
    for target in Target.objects.filter(scope=scope.key, metric__in=list(METRICS)).order_by(
        "metric"
    ):
        item = target_progress(target=target, scope=scope, as_of=as_of)
        item["label"] = metric_label(target.metric)
        data.targets.append(item)
    days = forecast.month_end_days(as_of, HISTORY_MONTHS - 1)
    members = dict(rollups.month_end_values(key, "members", days))
    communities = dict(rollups.month_end_values(key, "communities", days))
    data.history = [(day, members[day], communities[day]) for day in days]
    first = None
    for info in step_defs.STEPS:
        (_day, value), *_rest = rollups.month_end_values(key, f"step_{info.code}", [as_of])
        if first is None:
            first = value
        share = round(value * 100 / first, 1) if first else None
        data.funnel.append((info.number, str(info.name), value, share))
    data.trainings = rollups.month_end_values(key, "trainings", [as_of])[0][1]
    return data


# --- Labels -------------------------------------------------------------------------------


def _status_label(status: str | None) -> str:
    return {
        "on_track": _("Sesuai jalur"),
        "at_risk": _("Berisiko"),
        "off_track": _("Tidak sesuai jalur"),
    }.get(status or "", "—")


def _number(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return formats.number_format(value, digits, force_grouping=True)


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def month_label(month: dt.date) -> str:
    return formats.date_format(month, "F Y")


def target_rows(data: ReportData) -> tuple[list[str], list[list]]:
    header = [
        _("Metrik"),
        _("Target"),
        _("Tenggat"),
        _("Nilai"),
        _("Kemajuan (%)"),
        _("Prakiraan pada tenggat"),
        _("Prakiraan rendah"),
        _("Prakiraan tinggi"),
        _("Perkiraan tercapai"),
        _("Laju yang dibutuhkan per bulan"),
        _("Laju sekarang per bulan"),
        _("Status"),
    ]
    rows = [
        [
            item["label"],
            item["target"],
            item["deadline"],
            item["current"],
            item["progress"],
            item["forecast_at_deadline"],
            item["forecast_low"],
            item["forecast_high"],
            item["eta"],
            None if item["required_per_month"] is None else round(item["required_per_month"]),
            None if item["current_per_month"] is None else round(item["current_per_month"]),
            _status_label(item["status"]),
        ]
        for item in data.targets
    ]
    return header, rows


# --- XLSX -------------------------------------------------------------------------------------


def report_xlsx(data: ReportData) -> bytes:
    """Three sheets: targets, members and communities per month, the seven-step funnel."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Target")[:31]
    header, rows = target_rows(data)
    sheet_append(sheet, [_("Cakupan"), data.scope.name, _("Per tanggal"), data.as_of])
    sheet_append(sheet, header)
    for row in rows:
        sheet_append(sheet, row)
    history = workbook.create_sheet(_("Anggota dan komunitas")[:31])
    sheet_append(history, [_("Akhir bulan"), _("Anggota"), _("Komunitas")])
    for day, members, communities in data.history:
        sheet_append(history, [day, members, communities])
    funnel = workbook.create_sheet(_("Corong tujuh tahap")[:31])
    sheet_append(funnel, [_("Tahap"), _("Nama"), _("Anggota"), _("% dari tahap 1")])
    for number, name, value, share in data.funnel:
        sheet_append(funnel, [number, name, value, share])
    sheet_append(funnel, [])
    sheet_append(funnel, [_("Pelatihan terlaksana"), None, data.trainings])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- PDF --------------------------------------------------------------------------------------

CHART_W, CHART_H, PAD = 170 * mm, 55 * mm, 8 * mm
BLUE, GREY, RED = colors.HexColor("#1f5fa8"), colors.HexColor("#8a8a8a"), colors.HexColor("#b3261e")


def _scaler(lo: float, hi: float, start: float, size: float):
    span = (hi - lo) or 1.0
    return lambda value: start + (value - lo) / span * size


def target_drawing(item: dict, as_of: dt.date) -> Drawing | None:
    """Month-end history (solid), the forecast to the deadline with its band (dashed, shaded)
    and the target (red line); None without history."""
    points = item["month_ends"]
    if not points:
        return None
    start, end = points[0][0], max(item["deadline"], as_of)
    top = max(item["target"], item["forecast_high"] or 0, *(value for _d, value in points))
    x = _scaler(start.toordinal(), end.toordinal(), PAD, CHART_W - 2 * PAD)
    y = _scaler(0, top, PAD, CHART_H - 2 * PAD)
    drawing = Drawing(CHART_W, CHART_H)
    drawing.add(Line(PAD, PAD, CHART_W - PAD, PAD, strokeColor=GREY, strokeWidth=0.5))
    target_y = y(item["target"])
    drawing.add(Line(PAD, target_y, CHART_W - PAD, target_y, strokeColor=RED, strokeWidth=0.8))
    label = _("Target %(value)s") % {"value": _number(item["target"])}
    drawing.add(String(PAD, target_y + 2, label, fontSize=7, fillColor=RED))
    if item["forecast_at_deadline"] is not None:
        now_x, end_x = x(as_of.toordinal()), x(end.toordinal())
        drawing.add(
            Polygon(
                [
                    now_x,
                    y(item["current"]),
                    end_x,
                    y(item["forecast_high"]),
                    end_x,
                    y(item["forecast_low"]),
                ],
                fillColor=colors.HexColor("#dbe6f3"),
                strokeColor=None,
            )
        )
        drawing.add(
            Line(
                now_x,
                y(item["current"]),
                end_x,
                y(item["forecast_at_deadline"]),
                strokeColor=BLUE,
                strokeDashArray=[3, 2],
            )
        )
    coordinates = []
    for day, value in points:
        coordinates += [x(day.toordinal()), y(value)]
    if len(coordinates) == 2:  # one month of history: a short tick, still visible
        coordinates += [coordinates[0] + 1, coordinates[1]]
    drawing.add(PolyLine(coordinates, strokeColor=BLUE, strokeWidth=1.5))
    drawing.add(String(PAD, 1, start.isoformat(), fontSize=7, fillColor=GREY))
    drawing.add(
        String(CHART_W - PAD, 1, end.isoformat(), fontSize=7, fillColor=GREY, textAnchor="end")
    )
    return drawing


def history_drawing(data: ReportData) -> Drawing | None:
    """Members (blue) and communities (grey, own scale) at each month end."""
    if not data.history or not any(m or c for _d, m, c in data.history):
        return None
    drawing = Drawing(CHART_W, CHART_H)
    first, last = data.history[0][0].toordinal(), data.history[-1][0].toordinal()
    x = _scaler(first, last, PAD, CHART_W - 2 * PAD)
    for index, color in ((1, BLUE), (2, GREY)):
        values = [row[1] if index == 1 else row[2] for row in data.history]
        top = max(values) or 1
        y = _scaler(0, top, PAD, CHART_H - 2 * PAD)
        coordinates = []
        for row, value in zip(data.history, values, strict=True):
            coordinates += [x(row[0].toordinal()), y(value)]
        drawing.add(PolyLine(coordinates, strokeColor=color, strokeWidth=1.5))
    drawing.add(Line(PAD, PAD, CHART_W - PAD, PAD, strokeColor=GREY, strokeWidth=0.5))
    legend = _("Biru: anggota (maks. %(m)s); abu-abu: komunitas (maks. %(c)s)") % {
        "m": _number(max(row[1] for row in data.history)),
        "c": _number(max(row[2] for row in data.history)),
    }
    drawing.add(String(PAD, CHART_H - 7, legend, fontSize=7, fillColor=GREY))
    return drawing


def _table(header: list[str], rows: list[list], widths: list[float] | None = None) -> Table:
    table = Table([header, *rows], colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f2f2")]),
            ]
        )
    )
    return table


def _text(text: object, style) -> Paragraph:
    """A paragraph of plain text: ``<``, ``>`` and ``&`` escaped, so a scope name or a note
    is printed as typed instead of read as reportlab markup."""
    return Paragraph(escape(str(text)), style)


def report_pdf(data: ReportData) -> bytes:
    """Title, scope and month; per target its figures and a chart; members and communities
    over time; the seven-step funnel."""
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    title = _("Laporan bulanan %(scope)s — %(month)s") % {
        "scope": data.scope.name,
        "month": month_label(data.month),
    }
    document = SimpleDocTemplate(
        out, pagesize=A4, title=title, author="Penggerak", leftMargin=20 * mm, rightMargin=20 * mm
    )
    story: list = [
        _text(title, styles["Title"]),
        _text(
            _("Cakupan: %(scope)s · angka per tanggal %(day)s · pelatihan terlaksana: %(n)s")
            % {
                "scope": data.scope.name,
                "day": data.as_of.isoformat(),
                "n": _number(data.trainings),
            },
            styles["Normal"],
        ),
        Spacer(1, 4 * mm),
        _text(_("Target"), styles["Heading2"]),
    ]
    if not data.targets:
        story.append(_text(_("Belum ada target untuk cakupan ini."), styles["Normal"]))
    for item in data.targets:
        story.append(_text(item["label"], styles["Heading3"]))
        facts = [
            [_("Nilai / target"), f"{_number(item['current'])} / {_number(item['target'])}"],
            [_("Kemajuan"), f"{_number(item['progress'], 1)} %"],
            [_("Tenggat"), _day(item["deadline"])],
            [
                _("Prakiraan pada tenggat"),
                f"{_number(item['forecast_at_deadline'])} "
                f"({_number(item['forecast_low'])} - {_number(item['forecast_high'])})"
                if item["forecast_at_deadline"] is not None
                else "—",
            ],
            [_("Perkiraan tercapai"), _day(item["eta"])],
            [_("Laju yang dibutuhkan per bulan"), _number(item["required_per_month"])],
            [_("Laju sekarang per bulan"), _number(item["current_per_month"])],
            [_("Status"), _status_label(item["status"])],
        ]
        story.append(_table([_("Ukuran"), _("Nilai")], facts, [70 * mm, 90 * mm]))
        if item["note"]:
            story.append(_text(item["note"], styles["Italic"]))
        drawing = target_drawing(item, data.as_of)
        if drawing is not None:
            story += [Spacer(1, 2 * mm), drawing]
    story += [Spacer(1, 4 * mm), _text(_("Anggota dan komunitas"), styles["Heading2"])]
    drawing = history_drawing(data)
    if drawing is not None:
        story.append(drawing)
    story.append(
        _table(
            [_("Akhir bulan"), _("Anggota"), _("Komunitas")],
            [[day.isoformat(), _number(m), _number(c)] for day, m, c in data.history],
        )
    )
    story += [Spacer(1, 4 * mm), _text(_("Corong tujuh tahap"), styles["Heading2"])]
    story.append(
        _table(
            [_("Tahap"), _("Nama"), _("Anggota"), _("% dari tahap 1")],
            [
                [str(n), name, _number(value), "—" if share is None else f"{_number(share, 1)} %"]
                for n, name, value, share in data.funnel
            ],
        )
    )
    document.build(story)
    return out.getvalue()


# --- Reads of report runs (scoped by the actor) -----------------------------------------------


def report_runs_for(actor) -> QuerySet[ReportRun]:
    """Report runs the actor may see: the secretariat's (a provincial one: its province's
    scopes only); nobody else's. Newest first."""
    if not (access.is_secretariat(actor)):
        return ReportRun.objects.none()
    runs = ReportRun.objects.all()
    if actor.province_id:
        runs = runs.filter(province_code=actor.province_id)
    return runs


def report_run_get(*, actor, run_id: int) -> ReportRun:
    """One run the actor may see; NotFound for "missing" and "not yours" alike."""
    run = report_runs_for(actor).filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("Laporan tidak ditemukan."))
    return run


def report_schedules_for(actor) -> QuerySet[ReportSchedule]:
    """Schedules the actor may see and change (same rule as the runs)."""
    if not (access.is_secretariat(actor)):
        return ReportSchedule.objects.none()
    schedules = ReportSchedule.objects.all()
    if actor.province_id:
        schedules = schedules.filter(province_code=actor.province_id)
    return schedules


# --- Partner impact ---------------------------------------------------------------------------
#
# What a partner's programmes achieved, counted from the trainings it ran (``Event.partner``):
#
# - events held: its events that are not cancelled and started on or before the platform's
#   as-of date;
# - attendances: the sum of the ``attendee_count`` counter kept on each of those event rows;
# - members trained: distinct members with an attendance at one of its events;
# - certificates: certificates of its events that are not revoked;
# - permits: permits with an issue date (issued, or issued and since expired) of businesses
#   owned by a member it trained, issued on or after that member's first attendance at one of
#   its events (a permit that came before the training is not the programme's result).
#
# Query plans (EXPLAIN QUERY PLAN on SQLite): every figure starts from the partner's events
# through the ``partner_id`` foreign-key index, then reads attendances and certificates
# through their event indexes, and the trainees' businesses and permits through the
# ``owner_id`` and ``business_id`` indexes (see the NOT IN note in ``partner_impact``). The cost
# grows with the size of that partner's programme, never with the 2,000,000 members or other
# partners' events, so no pre-aggregated figure is needed. PostgreSQL picks by statistics (on
# the small test tables it scans; the same indexes serve it at scale). The list page reads
# only the event rows of the partners on the page (one GROUP BY over ``partner_id IN (...)``).


def partners_visible_to(actor) -> QuerySet[Partner]:
    """Partners whose impact the actor may see: the secretariat all of them, partner staff
    their own partners, nobody else."""
    if not access.is_signed_in(actor):
        return Partner.objects.none()
    if access.is_secretariat(actor):
        return Partner.objects.all()
    if access.is_partner_staff(actor):
        return Partner.objects.filter(staff=actor)
    return Partner.objects.none()


def partner_get(*, actor, partner_id: int) -> Partner:
    """One partner the actor may see; NotFound for "missing" and "not yours" alike."""
    partner = partners_visible_to(actor).filter(pk=partner_id).first()
    if partner is None:
        raise NotFound(_("Mitra tidak ditemukan."))
    return partner


def _held_events(partner_ids) -> QuerySet[Event]:
    day_after = as_of_date() + dt.timedelta(days=1)
    before = timezone.make_aware(dt.datetime(day_after.year, day_after.month, day_after.day))
    return Event.objects.filter(partner_id__in=partner_ids, starts_at__lt=before).exclude(
        status=Event.Status.CANCELLED
    )


def partner_list_figures(partner_ids: list[int]) -> dict[int, dict]:
    """{partner id: {"events", "attendances"}} for a page of partners (one grouped read)."""
    rows = (
        _held_events(partner_ids)
        .order_by()
        .values("partner_id")
        .annotate(events=Count("id"), attended=Sum("attendee_count"))
    )
    return {
        row["partner_id"]: {"events": row["events"], "attendances": row["attended"] or 0}
        for row in rows
    }


@dataclass
class PartnerImpact:
    partner: Partner
    events: int
    attendances: int
    members_trained: int
    certificates: int
    permits: int
    permits_by_kind: list[tuple[str, int]]
    loans_available: bool = False  # no financing/loan model exists in the platform yet


def partner_impact(partner: Partner) -> PartnerImpact:
    """The figures of one partner (see the definitions above)."""
    events = _held_events([partner.pk])
    totals = events.aggregate(events=Count("id"), attendances=Sum("attendee_count"))
    attendances = Attendance.objects.filter(event__in=events.values("pk"))
    trained = attendances.values("member_id").distinct().count()
    certificates = Certificate.objects.filter(
        event__in=events.values("pk"), revoked_at__isnull=True
    ).count()
    first_attended = (
        attendances.filter(member_id=OuterRef("business__owner_id"))
        .order_by("checked_in_at")
        .values("checked_in_at")[:1]
    )
    permits = (
        # "Not planned, submitted or rejected" (= issued or expired) on purpose: a NOT IN is
        # not an index search, so the planner drives from the partner's trainees (owner
        # index, then the (business, kind) index) instead of walking every issued permit in
        # the country through the (status, expires_on) index.
        Permit.objects.filter(
            business__owner_id__in=attendances.values("member_id"), issued_on__isnull=False
        )
        .exclude(status__in=[PermitStatus.PLANNED, PermitStatus.SUBMITTED, PermitStatus.REJECTED])
        .annotate(first_attended=TruncDate(Subquery(first_attended)))
        .filter(issued_on__gte=F("first_attended"))
    )
    by_kind = dict(permits.order_by().values_list("kind").annotate(n=Count("id")))
    labels = dict(PermitKind.choices)
    return PartnerImpact(
        partner=partner,
        events=totals["events"] or 0,
        attendances=totals["attendances"] or 0,
        members_trained=trained,
        certificates=certificates,
        permits=sum(by_kind.values()),
        permits_by_kind=[(str(labels.get(k, k)), n) for k, n in sorted(by_kind.items())],
    )

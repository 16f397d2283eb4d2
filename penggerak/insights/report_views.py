"""Report pages under ``/dasbor/laporan/``: request a monthly report, watch it, download it
(audited), and switch the monthly schedule of a scope on or off. Secretariat only; a
provincial secretariat sees and asks for its province's scopes only."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from penggerak.accounts import access
from penggerak.accounts.decorators import allowed_for
from penggerak.core.errors import DomainError
from penggerak.core.models import Region, RegionLevel
from penggerak.core.storage import private_path
from penggerak.core.views import domain_errors_as_http, form_add_domain_error
from penggerak.insights import reports, selectors, services
from penggerak.insights.asof import as_of_date
from penggerak.insights.models import ReportRun

SCOPE_HELP = _(
    'Tulis "nation", "province:KODE", "regency:KODE" atau "community:SLUG", misalnya province:32.'
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUNS_SHOWN = 50


class ReportRequestForm(forms.Form):
    scope = forms.CharField(
        label=_("Cakupan"),
        max_length=100,
        help_text=SCOPE_HELP,
        widget=forms.TextInput(attrs={"list": "report-scopes"}),
    )
    month = forms.CharField(
        label=_("Bulan"),
        max_length=7,
        help_text=_("TTTT-BB, misalnya 2020-07."),
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2020-07"}),
    )


class ScheduleForm(forms.Form):
    scope = forms.CharField(
        label=_("Cakupan"),
        max_length=100,
        help_text=SCOPE_HELP,
        widget=forms.TextInput(attrs={"list": "report-scopes"}),
    )
    active = forms.BooleanField(label=_("Buat laporan bulanan otomatis"), required=False)


def _scope_choices(user) -> list[tuple[str, str]]:
    provinces = Region.objects.filter(level=RegionLevel.PROVINCE, is_current=True)
    if user.province_id:
        provinces = provinces.filter(code=user.province_id)
    choices = [] if user.province_id else [("nation", str(_("Nasional")))]
    return choices + [
        (f"province:{c}", n) for c, n in provinces.order_by("code").values_list("code", "name")
    ]


def _page(request: HttpRequest, form=None, schedule_form=None, status: int = 200) -> HttpResponse:
    runs = list(reports.report_runs_for(request.user).select_related("requested_by")[:RUNS_SHOWN])
    context = {
        "form": form
        or ReportRequestForm(
            initial={"month": services.previous_month(as_of_date()).strftime("%Y-%m")}
        ),
        "schedule_form": schedule_form or ScheduleForm(initial={"active": True}),
        "runs": runs,
        "pending": any(
            r.status in (ReportRun.Status.QUEUED, ReportRun.Status.RUNNING) for r in runs
        ),
        "schedules": reports.report_schedules_for(request.user),
        "scope_choices": _scope_choices(request.user),
        "as_of": as_of_date(),
    }
    if request.htmx and request.GET.get("part") == "runs":
        return render(request, "insights/report_runs.html", context)
    return render(request, "insights/reports.html", context, status=status)


@allowed_for(access.is_secretariat)
def reports_page(request: HttpRequest) -> HttpResponse:
    """The list of reports with a request form (POST asks for one)."""
    if request.method != "POST":
        return _page(request)
    form = ReportRequestForm(request.POST)
    if form.is_valid():
        try:
            services.report_request(actor=request.user, **form.cleaned_data)
        except DomainError as err:
            form_add_domain_error(form, err)
        else:
            return redirect("insights:reports")
    return _page(request, form=form, status=422)


@allowed_for(access.is_secretariat)
@require_POST
def schedule(request: HttpRequest) -> HttpResponse:
    """Switch the monthly report of a scope on or off."""
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.report_schedule_set(actor=request.user, **form.cleaned_data)
        except DomainError as err:
            form_add_domain_error(form, err)
        else:
            return redirect("insights:reports")
    return _page(request, schedule_form=form, status=422)


@allowed_for(access.is_secretariat)
@require_GET
@domain_errors_as_http
def download(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    """The PDF or XLSX of a finished report; 404 for another province's report. Audited."""
    if kind not in ("pdf", "xlsx"):
        raise Http404
    run = reports.report_run_get(actor=request.user, run_id=pk)
    relative = run.pdf_file if kind == "pdf" else run.xlsx_file
    path = private_path(relative) if relative and run.status == ReportRun.Status.DONE else None
    if path is None or not path.exists():
        raise Http404(_("Berkas laporan belum tersedia."))
    services.report_download_record(actor=request.user, run=run, kind=kind)
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=path.name,
        content_type="application/pdf" if kind == "pdf" else XLSX,
    )
    response["Cache-Control"] = "private, no-store"
    return response


PARTNERS_PER_PAGE = 50


@login_required
@require_GET
def partners(request: HttpRequest) -> HttpResponse:
    """Partners with the trainings they ran (secretariat: all; partner staff: their own)."""
    visible = reports.partners_visible_to(request.user)
    if not (access.is_secretariat(request.user) or visible.exists()):
        raise Http404
    page = Paginator(visible.order_by("name", "id"), PARTNERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    figures = reports.partner_list_figures([p.pk for p in page])
    rows = [(p, figures.get(p.pk, {"events": 0, "attendances": 0})) for p in page]
    return render(
        request, "insights/partners.html", {"page": page, "rows": rows, "as_of": as_of_date()}
    )


@login_required
@require_GET
@domain_errors_as_http
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What one partner's programmes achieved; 404 for a partner that is not the actor's."""
    partner = reports.partner_get(actor=request.user, partner_id=pk)
    impact = reports.partner_impact(partner)
    return render(
        request, "insights/partner_detail.html", {"impact": impact, "as_of": as_of_date()}
    )


class UmkmPopulationForm(forms.Form):
    region_code = forms.CharField(
        label=_("Kode provinsi atau kabupaten/kota"),
        max_length=5,
        help_text=_("Kode Kemendagri, misalnya 32 atau 32.73."),
    )
    value = forms.IntegerField(label=_("Jumlah UMKM"), min_value=1)
    source = forms.CharField(
        label=_("Sumber"),
        max_length=300,
        help_text=_("Publikasi dan tahunnya, misalnya hasil pendataan resmi tahun tertentu."),
    )


@allowed_for(access.is_secretariat)
def umkm_population(request: HttpRequest) -> HttpResponse:
    """The recorded UMKM population figures (weights of the ``umkm`` target split) and a form
    to record one. Secretariat only; a provincial secretariat within its province."""
    form = UmkmPopulationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.umkm_population_set(actor=request.user, **form.cleaned_data)
            except DomainError as err:
                form_add_domain_error(form, err)
            else:
                return redirect("insights:umkm_population")
        status = 422
    rows = selectors.umkm_population_visible_to(request.user).order_by("region_id")
    return render(request, "insights/report_umkm.html", {"form": form, "rows": rows}, status=status)

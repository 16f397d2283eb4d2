"""Pages of the imports app: upload, progress and result, report downloads, templates,
and the member-list export job (options, progress, download). Each view checks who may see
what through a selector or service.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from penggerak.core.errors import DomainError, PermissionDenied
from penggerak.core.views import domain_errors_as_http, form_add_domain_error
from penggerak.imports import exports, selectors, services
from penggerak.imports.forms import ExportForm, UploadForm
from penggerak.imports.models import ImportRun
from penggerak.imports.storage import private_path
from penggerak.imports.templates_xlsx import communities_template, members_template
from penggerak.registry.selectors import communities_visible_to

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUNS_SHOWN = 20


def _require_importer(user) -> None:
    if not (user.is_secretariat or user.is_coordinator):
        raise DjangoPermissionDenied(_("Hanya koordinator dan sekretariat yang dapat mengimpor."))


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_importer(user)
    communities = communities_visible_to(user).order_by("name")
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        communities=communities,
        allow_communities=user.is_secretariat,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.import_run_create(
                actor=user,
                kind=data["kind"],
                upload=data["file"],
                community=data["community"],
                dry_run=data["dry_run"],
                overwrite=data["overwrite"],
                consent=data["consent"],
            )
        except DomainError as err:
            form_add_domain_error(form, err)
        else:
            services.import_run_start(run)
            return redirect("imports:detail", pk=run.pk)
    runs = list(selectors.import_runs_visible_to(user).filter(actor=user)[:RUNS_SHOWN])
    return render(request, "imports/upload.html", {"form": form, "runs": runs})


def _run_context(request: HttpRequest, run: ImportRun) -> dict:
    invitations = [
        {**item, "url": request.build_absolute_uri(item["link"])} for item in run.invitations
    ]
    return {
        "run": run,
        "stale": services.import_run_is_stale(run),
        "invitations": invitations,
        "summary_items": [
            (_("Baris data"), run.summary.get("rows", 0)),
            (_("Dibuat"), run.summary.get("created", 0)),
            (_("Diperbarui"), run.summary.get("updated", 0)),
            (_("Tidak berubah"), run.summary.get("unchanged", 0)),
            (_("Ditolak"), run.summary.get("refused", 0)),
            (_("Peringatan"), run.summary.get("warnings", 0)),
        ],
        "problem_kinds": run.summary.get("kinds", []),
    }


@login_required
@never_cache
@domain_errors_as_http
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's progress (polled by htmx every 2 s until finished), then its result."""
    run = selectors.import_run_get(actor=request.user, run_id=pk)
    context = _run_context(request, run)
    if request.htmx:
        return render(request, "imports/partials/run_status.html", context)
    return render(request, "imports/detail.html", context)


@login_required
@require_POST
@domain_errors_as_http
def rerun(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.import_run_get(actor=request.user, run_id=pk)
    try:
        run = services.import_run_rerun(actor=request.user, run=run)
    except DomainError as err:
        if err.code in ("import_expired", "import_not_stalled"):
            return redirect("imports:detail", pk=pk)
        raise
    services.import_run_start(run)
    return redirect("imports:detail", pk=pk)


_DOWNLOADS = {
    "laporan.csv": ("report_csv", "text/csv; charset=utf-8", "laporan-impor-{pk}.csv"),
    "laporan.xlsx": ("report_xlsx", XLSX, "laporan-impor-{pk}.xlsx"),
    "berkas": ("stored_file", "application/octet-stream", None),
}


@login_required
@require_GET
@domain_errors_as_http
def download(request: HttpRequest, pk: int, name: str) -> FileResponse:
    """Reports and the uploaded file, for the uploader and the secretariat only."""
    run = selectors.import_run_get(actor=request.user, run_id=pk)
    attribute, content_type, filename = _DOWNLOADS[name]
    relative = getattr(run, attribute)
    if not relative or run.status == ImportRun.Status.EXPIRED:
        raise Http404(_("Berkas sudah kedaluwarsa atau belum tersedia."))
    path = private_path(relative)
    if not path.exists():
        raise Http404(_("Berkas sudah kedaluwarsa atau belum tersedia."))
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=filename.format(pk=pk) if filename else run.original_name,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def template(request: HttpRequest, kind: str) -> HttpResponse:
    _require_importer(request.user)
    if kind == "komunitas":
        if not request.user.is_secretariat:
            raise Http404()
        content, filename = communities_template(), "templat-komunitas.xlsx"
    else:
        content, filename = members_template(), "templat-anggota.xlsx"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


_FILTER_LABELS = {
    "q": gettext_lazy("Cari"),
    "community": gettext_lazy("Komunitas"),
    "province": gettext_lazy("Provinsi"),
    "region": gettext_lazy("Wilayah"),
    "step": gettext_lazy("Sudah menyelesaikan tahap"),
    "sector": gettext_lazy("Sektor usaha"),
    "status": gettext_lazy("Status"),
}


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def export_members(request: HttpRequest, fmt: str) -> HttpResponse:
    """The export page for the member list's filters: row count, options, then the job.

    Every export runs as a background job (``ExportRun``), whatever its size: the same path
    for 20 and 2,000,000 rows, a page that never times out, and a file that can be downloaded
    again until it expires.
    """
    user = request.user
    if not exports.may_export(user):
        raise DjangoPermissionDenied(_("Hanya koordinator dan sekretariat yang dapat mengekspor."))
    filters = exports.clean_filters(request.POST if request.method == "POST" else request.GET)
    form = ExportForm(request.POST if request.method == "POST" else None)
    context = {
        "fmt": fmt,
        "form": form,
        "filters": filters,
        "filters_query": urlencode(filters),
        "filter_items": [(_FILTER_LABELS[key], value) for key, value in filters.items()],
        "may_unmask": exports.may_unmask(user),
        "runs": list(exports.export_runs_visible_to(user).filter(actor=user)[:RUNS_SHOWN]),
    }
    try:
        context["rows"] = exports.member_export_count(actor=user, filters=filters)
    except DomainError as err:
        context["filter_error"] = err.message
        return render(request, "imports/export.html", context, status=400)
    if request.method == "POST" and form.is_valid():
        try:
            run = exports.member_export_create(
                actor=user,
                filters=filters,
                fmt=fmt,
                unmasked=form.cleaned_data["unmasked"],
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied:
            raise
        except DomainError as err:
            form_add_domain_error(form, err)
        else:
            exports.export_run_start(run)
            return redirect("imports:export_detail", pk=run.pk)
    return render(request, "imports/export.html", context)


@login_required
@never_cache
@domain_errors_as_http
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The export's progress (polled by htmx every 2 s until finished), then its download."""
    run = exports.export_run_get(actor=request.user, run_id=pk)
    context = {
        "run": run,
        "stale": exports.export_run_is_stale(run),
        "filter_items": [
            (_FILTER_LABELS.get(k, k), v) for k, v in exports.shown_filters(run).items()
        ],
    }
    if request.htmx:
        return render(request, "imports/partials/export_status.html", context)
    return render(request, "imports/export_detail.html", context)


@login_required
@require_POST
@domain_errors_as_http
def export_rerun(request: HttpRequest, pk: int) -> HttpResponse:
    run = exports.export_run_get(actor=request.user, run_id=pk)
    try:
        run = exports.export_run_rerun(actor=request.user, run=run)
    except DomainError as err:
        if err.code in ("export_expired", "export_not_stalled"):
            return redirect("imports:export_detail", pk=pk)
        raise
    exports.export_run_start(run)
    return redirect("imports:export_detail", pk=pk)


_EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}


@login_required
@require_GET
@domain_errors_as_http
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    """The finished file, for the requester and the national secretariat; audited."""
    run = exports.export_run_get(actor=request.user, run_id=pk)
    path, filename = exports.export_run_download(actor=request.user, run=run)
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=filename, content_type=_EXPORT_TYPES[run.fmt]
    )
    response["Cache-Control"] = "private, no-store"
    return response

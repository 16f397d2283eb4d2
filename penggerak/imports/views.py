"""Pages of the imports app: upload, progress and result, report downloads, templates,
and the member-list export job (options, progress, download). Each view checks who may see
what through a selector or service.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from penggerak.accounts import access
from penggerak.accounts.decorators import allowed_for
from penggerak.core.errors import DomainError, PermissionDenied
from penggerak.core.views import domain_errors_as_http, form_add_domain_error
from penggerak.imports import downloads, exports, selectors, services
from penggerak.imports.forms import ExportForm, UploadForm
from penggerak.imports.models import ImportRun
from penggerak.imports.templates_xlsx import communities_template, members_template
from penggerak.registry.selectors import communities_visible_to

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUNS_SHOWN = 20


@allowed_for(access.may_import_members)
def upload(request: HttpRequest) -> HttpResponse:
    user = request.user
    communities = communities_visible_to(user).order_by("name")
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        communities=communities,
        allow_communities=access.is_secretariat(user),
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
    invitations = []
    if run.status == ImportRun.Status.DONE and run.invitations:
        invitations = [
            {**item, "url": request.build_absolute_uri(item["link"]) if item["link"] else ""}
            for item in downloads.import_run_take_invitations(actor=request.user, run=run)
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


@login_required
@require_GET
@domain_errors_as_http
def download(request: HttpRequest, pk: int, name: str) -> FileResponse:
    """Reports and the uploaded file, for who may see the run; audited."""
    run = selectors.import_run_get(actor=request.user, run_id=pk)
    path, filename, content_type = downloads.import_run_file(actor=request.user, run=run, name=name)
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@allowed_for(access.may_import_members)
@require_GET
def template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind == "komunitas":
        if not access.may_import_communities(request.user):
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


@allowed_for(access.may_export_members)
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

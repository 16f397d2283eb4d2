"""HTML pages of permits and checklists.

Every page finds its business or permit through ``permits.selectors`` (404 for "missing" and
"not yours") and writes through ``permits.services``; an htmx checklist save gets only the
result partial back.
"""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from penggerak.accounts import access
from penggerak.core.errors import DomainError
from penggerak.core.views import domain_errors_as_http, form_add_domain_error
from penggerak.permits import selectors, services
from penggerak.permits.forms import PermitForm
from penggerak.permits.models import ChecklistItem, ChecklistResponse

BUSINESS_PAGE_SIZE = 25
ANSWER_PREFIX = "a-"


def _positive_int(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else None


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Members see their own permits; staff a keyset-paged list of the businesses they serve."""
    user = request.user
    if access.is_member_user(user):
        businesses = selectors.member_businesses(actor=user)
        rows = [
            {"business": b, "requirements": selectors.permit_requirements(b, list(b.permits.all()))}
            for b in businesses
        ]
        return render(request, "permits/my_permits.html", {"rows": rows})
    queryset = selectors.business_list(actor=user)
    after = _positive_int(request.GET.get("after"))
    if after:
        queryset = queryset.filter(pk__lt=after)
    page = list(queryset[: BUSINESS_PAGE_SIZE + 1])
    more = len(page) > BUSINESS_PAGE_SIZE
    page = page[:BUSINESS_PAGE_SIZE]
    return render(
        request,
        "permits/business_list.html",
        {"businesses": page, "next_after": page[-1].pk if more else None},
    )


@login_required
@domain_errors_as_http
def business_permits(request: HttpRequest, business_id: int) -> HttpResponse:
    """Needed vs held permits, every permit, and the latest checklist results."""
    business = selectors.business_get(actor=request.user, business_id=business_id)
    permits = list(business.permits.order_by("kind", "-id"))
    latest = selectors.checklist_latest(business=business)
    templates = [
        {"template": t, "latest": latest.get(t.pk)}
        for t in selectors.checklist_templates().prefetch_related(None)
    ]
    return render(
        request,
        "permits/business_permits.html",
        {
            "business": business,
            "permits": permits,
            "requirements": selectors.permit_requirements(business, permits),
            "checklists": templates,
            "may_write": services.may_write(request.user, business),
        },
    )


def _form_values(form: PermitForm) -> dict:
    data = dict(form.cleaned_data)
    data.pop("document", None)
    data.pop("kind", None)
    return data


@login_required
@domain_errors_as_http
def permit_create(request: HttpRequest, business_id: int) -> HttpResponse:
    business = selectors.business_get(actor=request.user, business_id=business_id)
    if not services.may_write(request.user, business):
        raise Http404
    if request.method == "POST":
        form = PermitForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.permit_create(
                    actor=request.user,
                    business=business,
                    kind=form.cleaned_data["kind"],
                    document=form.cleaned_data.get("document") or None,
                    **_form_values(form),
                )
            except DomainError as err:
                form_add_domain_error(form, err)
            else:
                messages.success(request, _("Izin tersimpan."))
                return redirect("permits:business_permits", business.pk)
    else:
        form = PermitForm(initial={"kind": request.GET.get("kind", ""), "status": "planned"})
    return render(
        request, "permits/permit_form.html", {"business": business, "form": form, "permit": None}
    )


@login_required
@domain_errors_as_http
def permit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    permit = selectors.permit_get(actor=request.user, permit_id=pk)
    business = permit.business
    if not services.may_write(request.user, business):
        raise Http404
    if request.method == "POST":
        form = PermitForm(request.POST, request.FILES, editing=True)
        if form.is_valid():
            try:
                services.permit_update(
                    actor=request.user,
                    permit=permit,
                    document=form.cleaned_data.get("document") or None,
                    **_form_values(form),
                )
            except DomainError as err:
                form_add_domain_error(form, err)
            else:
                messages.success(request, _("Izin tersimpan."))
                return redirect("permits:business_permits", business.pk)
    else:
        form = PermitForm(initial=PermitForm.initial_for(permit), editing=True)
    return render(
        request, "permits/permit_form.html", {"business": business, "form": form, "permit": permit}
    )


@login_required
@require_GET
@never_cache
@domain_errors_as_http
def permit_document(request: HttpRequest, pk: int) -> FileResponse:
    """The uploaded document, only to those who may see the business; never cached."""
    permit = selectors.permit_get(actor=request.user, permit_id=pk)
    if not permit.document:
        raise Http404
    try:
        handle = permit.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = mimetypes.guess_type(permit.document.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="izin-{permit.pk}{_suffix(permit)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


def _suffix(permit) -> str:
    name = permit.document.name
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


def _answers_from_post(template, data) -> dict:
    answers = {}
    for section in template.sections.all():
        for item in section.items.all():
            value = data.get(ANSWER_PREFIX + item.code, "")
            if value != "":
                answers[item.code] = value
    return answers


@login_required
@domain_errors_as_http
def checklist_fill(request: HttpRequest, business_id: int, code: str) -> HttpResponse:
    """Fill in a checklist; an htmx save answers with the result partial only."""
    business = selectors.business_get(actor=request.user, business_id=business_id)
    template = selectors.checklist_template_get(code)
    if not services.may_write(request.user, business):
        raise Http404
    history = selectors.checklist_history(business=business, template=template, limit=1)
    answers = dict(history[0].answers) if history else {}
    errors: dict = {}
    error_message = ""
    response_obj = None
    if request.method == "POST":
        answers = _answers_from_post(template, request.POST)
        try:
            response_obj = services.checklist_response_submit(
                actor=request.user, business=business, template=template, answers=answers
            )
        except DomainError as err:
            errors = {name: [str(m) for m in msgs] for name, msgs in err.fields.items()}
            error_message = str(err.message)
        if request.htmx:
            return render(
                request,
                "permits/partials/checklist_result.html",
                {
                    "business": business,
                    "template": template,
                    "response": response_obj,
                    "errors": errors,
                    "error_message": error_message,
                },
                status=200 if response_obj else 422,
            )
        if response_obj:
            messages.success(request, _("Jawaban tersimpan."))
            return redirect("permits:checklist_history", business.pk, template.code)
    return render(
        request,
        "permits/checklist_fill.html",
        {
            "business": business,
            "template": template,
            "answers": answers,
            "errors": errors,
            "error_message": error_message,
            "ynp_choices": [("yes", _("Ya")), ("partial", _("Sebagian")), ("no", _("Tidak"))],
            "score_choices": ["0", "1", "2", "3", "4"],
            "prefix": ANSWER_PREFIX,
            "score_type": ChecklistItem.AnswerType.SCORE,
        },
        status=422 if errors else 200,
    )


@login_required
@require_GET
@domain_errors_as_http
def checklist_history(request: HttpRequest, business_id: int, code: str) -> HttpResponse:
    """The latest result with what to fix, and the score over time."""
    business = selectors.business_get(actor=request.user, business_id=business_id)
    template = selectors.checklist_template_get(code)
    history = selectors.checklist_history(business=business, template=template)
    return render(
        request,
        "permits/checklist_history.html",
        {
            "business": business,
            "template": template,
            "latest": history[0] if history else None,
            "history": history,
            "results": ChecklistResponse.Result,
            "may_write": services.may_write(request.user, business),
        },
    )

"""HTML pages of trainings: events, check-in on a phone, member card, certificates, courses.

Each view parses, lets ``login_required`` and a selector decide who may see what, calls one
service or selector and renders; an htmx request gets the partial it asked for.
"""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from penggerak.accounts import access
from penggerak.core.errors import DomainError, NotFound, PermissionDenied
from penggerak.core.views import domain_errors_as_http, form_add_domain_error
from penggerak.registry.selectors import communities_visible_to, member_get
from penggerak.training import pdf, selectors, services
from penggerak.training.cards import card_payload, member_number
from penggerak.training.forms import (
    CancelForm,
    CheckInForm,
    CourseForm,
    EventForm,
    RegisterMemberForm,
    RevokeForm,
)
from penggerak.training.models import Registration

PAGE_SIZE = 25
MAX_PAGES = 400  # bounded pages: at most 10,000 rows reachable per list


def _page(request: HttpRequest, queryset, key: str = "page"):
    paginator = Paginator(queryset, PAGE_SIZE)
    number = request.GET.get(key, "1")
    page = paginator.get_page(number if str(number).isdigit() and int(number) <= MAX_PAGES else 1)
    return page


def _qr_svg(data: str, scale: int = 4) -> str:
    return segno.make(data, error="m").svg_inline(scale=scale, border=2)


def _may_organise(user) -> bool:
    return access.is_secretariat(user) or access.is_coordinator(user)


# --- Events -------------------------------------------------------------------------------


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    """Visible events, upcoming first (``?past=1`` for past ones), bounded pages."""
    past = request.GET.get("past") == "1"
    events = selectors.event_list(actor=request.user, upcoming=not past)
    if past:
        events = events.order_by("-starts_at", "-id")
    context = {
        "page": _page(request, events),
        "past": past,
        "may_organise": _may_organise(request.user),
    }
    return render(request, "training/event_list.html", context)


@login_required
@require_GET
def events_today(request: HttpRequest) -> HttpResponse:
    """A coordinator's trainings today, each with its check-in button."""
    if not _may_organise(request.user):
        raise DjangoPermissionDenied
    events = list(selectors.events_today(actor=request.user)[:50])
    return render(request, "training/events_today.html", {"events": events})


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    """A coordinator (or the secretariat) schedules a training."""
    user = request.user
    if not _may_organise(user):
        raise DjangoPermissionDenied
    communities = communities_visible_to(user).order_by("name")
    form = EventForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.event_create(actor=user, **data)
        except DomainError as err:
            form_add_domain_error(form, err)
        else:
            messages.success(request, _("Pelatihan dijadwalkan."))
            return redirect("training:event_detail", pk=event.pk)
    return render(request, "training/event_form.html", {"form": form})


TABS = ("registered", "waitlisted", "attendance", "certificates")


@login_required
@require_GET
@domain_errors_as_http
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The event; organisers also see registrations, the waiting list and attendance."""
    user = request.user
    event = selectors.event_get(actor=user, event_id=pk)
    manage = selectors.event_may_manage(actor=user, event=event)
    own = selectors.own_member(user)
    context: dict = {
        "event": event,
        "manage": manage,
        "own_member": own,
        "registration": selectors.registration_of(event=event, member=own),
        "now": timezone.now(),
    }
    if manage:
        tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "registered"
        if tab == "attendance":
            rows = selectors.event_attendances(event=event)
        elif tab == "certificates":
            rows = selectors.event_certificates(event=event)
        else:
            rows = selectors.event_registrations(event=event, status=tab)
        context.update(
            tab=tab,
            page=_page(request, rows),
            cancel_form=CancelForm(),
            register_form=RegisterMemberForm(),
            revoke_form=RevokeForm(),
        )
    return render(request, "training/event_detail.html", context)


@login_required
@require_POST
@domain_errors_as_http
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    """A member registers themselves (or joins the waiting list)."""
    event = selectors.event_get(actor=request.user, event_id=pk)
    member = selectors.own_member(request.user)
    if member is None:
        raise DjangoPermissionDenied
    try:
        registration = services.registration_create(actor=request.user, event=event, member=member)
    except DomainError as err:
        messages.error(request, str(err.message))
    else:
        if registration.status == Registration.Status.WAITLISTED:
            messages.info(request, _("Pelatihan penuh; Anda masuk daftar tunggu."))
        else:
            messages.success(request, _("Anda terdaftar di pelatihan ini."))
    return redirect("training:event_detail", pk=event.pk)


@login_required
@require_POST
@domain_errors_as_http
def event_unregister(request: HttpRequest, pk: int) -> HttpResponse:
    """A member cancels their own registration; the first on the waiting list moves up."""
    event = selectors.event_get(actor=request.user, event_id=pk)
    registration = selectors.registration_of(event=event, member=selectors.own_member(request.user))
    if registration is None:
        raise Http404
    try:
        services.registration_cancel(actor=request.user, registration=registration)
    except DomainError as err:
        messages.error(request, str(err.message))
    else:
        messages.success(request, _("Pendaftaran dibatalkan."))
    return redirect("training:event_detail", pk=event.pk)


def _managed_event(request: HttpRequest, pk: int):
    event = selectors.event_get(actor=request.user, event_id=pk)
    if not selectors.event_may_manage(actor=request.user, event=event):
        raise NotFound()
    return event


@login_required
@require_POST
@domain_errors_as_http
def event_register_member(request: HttpRequest, pk: int) -> HttpResponse:
    """An organiser registers a member by membership number (waiting list when full)."""
    event = _managed_event(request, pk)
    form = RegisterMemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["number"][0])
        return redirect("training:event_detail", pk=event.pk)
    try:
        member = selectors.member_by_number(actor=request.user, number=form.cleaned_data["number"])
        registration = services.registration_create(actor=request.user, event=event, member=member)
    except DomainError as err:  # NotFound too: a typo and another community's member read alike
        messages.error(request, str(err.message))
    else:
        if registration.status == Registration.Status.WAITLISTED:
            messages.info(
                request,
                _("Pelatihan penuh; %(name)s masuk daftar tunggu.") % {"name": member.full_name},
            )
        else:
            messages.success(
                request, _("%(name)s terdaftar di pelatihan ini.") % {"name": member.full_name}
            )
    return redirect("training:event_detail", pk=event.pk)


@login_required
@require_POST
@domain_errors_as_http
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Organisers cancel an event that nobody attended yet, with a reason."""
    event = _managed_event(request, pk)
    try:
        services.event_cancel(
            actor=request.user, event=event, reason=request.POST.get("reason", "")
        )
    except DomainError as err:
        messages.error(request, str(err.message))
    else:
        messages.success(request, _("Pelatihan dibatalkan."))
    return redirect("training:event_detail", pk=event.pk)


@login_required
@require_POST
@domain_errors_as_http
def event_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed_event(request, pk)
    try:
        count = services.certificates_issue(actor=request.user, event=event)
    except DomainError as err:
        messages.error(request, str(err.message))
    else:
        messages.success(request, _("%(n)s sertifikat baru diterbitkan.") % {"n": count})
    return redirect("training:event_detail", pk=event.pk)


@login_required
@domain_errors_as_http
def event_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """Check-in on a phone: camera scan (BarcodeDetector) or membership number; the result
    comes back as an htmx partial so the page stays ready for the next person."""
    event = _managed_event(request, pk)
    form = CheckInForm(request.POST or None)
    result: dict = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = services.attendance_record(
                actor=request.user,
                event=event,
                number=data["number"] or None,
                card=data["card"] or None,
            )
        except DomainError as err:
            result = {"refused": err.message}
        else:
            attendance = outcome.attendance
            result = {
                "name": attendance.member.full_name,
                "number": member_number(attendance.member_id),
                "created": outcome.created,
                "walk_in": attendance.walk_in,
            }
        event.refresh_from_db()
        form = CheckInForm()
    context = {"event": event, "form": form, "result": result}
    if request.htmx:
        return render(request, "training/partials/checkin_result.html", context)
    return render(request, "training/checkin.html", context)


# --- Member card ----------------------------------------------------------------------------


def _card_context(member) -> dict:
    payload = card_payload(member.pk)
    return {"member": member, "number": member_number(member.pk), "qr": _qr_svg(payload)}


@login_required
@require_GET
def own_card(request: HttpRequest) -> HttpResponse:
    member = selectors.own_member(request.user)
    if member is None:
        raise Http404
    return render(request, "training/card.html", _card_context(member))


@login_required
@require_GET
@domain_errors_as_http
def member_card(request: HttpRequest, member_id: int) -> HttpResponse:
    member = member_get(actor=request.user, member_id=member_id)
    return render(request, "training/card.html", _card_context(member))


@login_required
@require_GET
@domain_errors_as_http
def member_card_pdf(request: HttpRequest, member_id: int) -> HttpResponse:
    member = member_get(actor=request.user, member_id=member_id)
    body = pdf.member_card_pdf(
        name=member.full_name,
        number=member_number(member.pk),
        community=member.community.name,
        payload=card_payload(member.pk),
        title=_("Kartu Anggota Penggerak"),
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kartu-{member_number(member.pk)}.pdf"'
    return response


@login_required
@require_GET
def my_trainings(request: HttpRequest) -> HttpResponse:
    """A member's upcoming registrations, trainings attended and certificates."""
    member = selectors.own_member(request.user)
    if member is None:
        raise Http404
    context = {
        "member": member,
        "registrations": list(
            selectors.member_registrations(actor=request.user, member_id=member.pk)[:20]
        ),
        "page": _page(
            request, selectors.member_attendances(actor=request.user, member_id=member.pk)
        ),
        "certificates": list(
            selectors.member_certificates(actor=request.user, member_id=member.pk)[:50]
        ),
    }
    return render(request, "training/my_trainings.html", context)


# --- Certificates -------------------------------------------------------------------------


@require_GET
@domain_errors_as_http
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: anyone holding the certificate's QR code can check it (name, course, date)."""
    certificate = selectors.certificate_public(code=code)
    return render(request, "training/certificate_verify.html", {"certificate": certificate})


@login_required
@require_POST
@domain_errors_as_http
def certificate_revoke(request: HttpRequest, code: str) -> HttpResponse:
    """The event's organisers (or the secretariat in scope) revoke a certificate with a
    reason; the public verification page then says it is revoked."""
    certificate = selectors.certificate_managed(actor=request.user, code=code)
    back = reverse("training:event_detail", args=[certificate.event_id]) + "?tab=certificates"
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["reason"][0])
        return redirect(back)
    try:
        services.certificate_revoke(
            actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
        )
    except DomainError as err:
        if isinstance(err, PermissionDenied):
            raise
        messages.error(request, str(err.message))
    else:
        messages.success(
            request,
            _("Sertifikat %(name)s dicabut.") % {"name": certificate.holder_name},
        )
    return redirect(back)


@login_required
@require_GET
@domain_errors_as_http
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    certificate = selectors.certificate_get(actor=request.user, code=code)
    url = request.build_absolute_uri(
        reverse("training:certificate_verify", args=[certificate.code])
    )
    day = timezone.localtime(certificate.event.starts_at).date().isoformat()
    body = pdf.certificate_pdf(
        heading=_("Sertifikat Pelatihan"),
        holder=certificate.holder_name,
        lines=[
            _("telah mengikuti pelatihan"),
            certificate.course_title,
            _("pada %(date)s") % {"date": day},
        ],
        verify_url=url,
        verify_label=_("Periksa keaslian:"),
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="sertifikat.pdf"'
    return response


# --- Courses ------------------------------------------------------------------------------


@login_required
@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    courses = selectors.course_list(actor=request.user).select_related(None)
    return render(
        request,
        "training/course_list.html",
        {"page": _page(request, courses), "may_create": access.is_secretariat(request.user)},
    )


@login_required
@require_GET
@domain_errors_as_http
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get(actor=request.user, course_id=pk)
    return render(
        request,
        "training/course_detail.html",
        {"course": course, "modules": list(course.modules.all())},
    )


@login_required
def course_create(request: HttpRequest) -> HttpResponse:
    if not access.is_secretariat(request.user):
        raise DjangoPermissionDenied
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            course = services.course_create(
                actor=request.user,
                title=data["title"],
                description=data["description"],
                modules=data["modules"].splitlines(),
            )
        except DomainError as err:
            form_add_domain_error(form, err)
        else:
            messages.success(request, _("Kursus ditambahkan."))
            return redirect("training:course_detail", pk=course.pk)
    return render(request, "training/course_form.html", {"form": form})

"""HTML pages of mentoring: mentors, assignments, sessions, stuck members, journeys, inbox.

Each view parses, lets ``login_required`` and a scoped selector decide who may see what,
calls one service or selector, and renders; an htmx request gets the partial it asked for.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from penggerak.accounts import access
from penggerak.accounts.models import User
from penggerak.core.errors import DomainError, PermissionDenied
from penggerak.core.notifications import notifications_for, notifications_mark_read
from penggerak.core.views import domain_errors_as_http, form_add_domain_error
from penggerak.mentoring import selectors, services
from penggerak.mentoring.forms import (
    AssignForm,
    EndAssignmentForm,
    MentorForm,
    SessionForm,
    StuckSettingsForm,
)
from penggerak.mentoring.templatetags.mentoring_tags import menu_forget
from penggerak.registry import steps as step_defs
from penggerak.registry.selectors import communities_visible_to, journey_of, partner_list

PAGE_SIZE = 25


def _manager(user) -> bool:
    return access.is_secretariat(user) or access.is_coordinator(user)


def _url_with(request: HttpRequest, **changes) -> str:
    params = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key not in changes:
            params.setlist(key, [v for v in values if v.strip()])
    for key, value in changes.items():
        if value:
            params[key] = str(value)
    for key in [k for k, v in params.lists() if not v]:
        del params[key]
    return f"{request.path}?{params.urlencode()}" if params else request.path


# --- Mentors -------------------------------------------------------------------------------


@login_required
def mentor_list(request: HttpRequest) -> HttpResponse:
    mentors = selectors.mentors_visible_to(request.user).order_by("-id")
    page = Paginator(mentors, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mentoring/mentor_list.html",
        {"page": page, "may_create": _manager(request.user)},
    )


@login_required
def mentor_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _manager(user):
        raise DjangoPermissionDenied
    communities = communities_visible_to(user).order_by("name")
    form = MentorForm(
        request.POST or None, communities=communities, partners=partner_list(actor=user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = User.objects.filter(username=data["username"].strip()).first()
        if account is None:
            form.add_error("username", _("Akun dengan nama pengguna ini tidak ditemukan."))
        else:
            try:
                mentor = services.mentor_create(
                    actor=user,
                    user=account,
                    communities=list(data["communities"]),
                    expertise=data["expertise"],
                    caseload_limit=data["caseload_limit"],
                    partner=data["partner"],
                )
            except DomainError as err:
                form_add_domain_error(form, err)
            else:
                messages.success(request, _("Pendamping ditambahkan."))
                return redirect("mentoring:mentor_detail", pk=mentor.pk)
    return render(request, "mentoring/mentor_form.html", {"form": form})


@login_required
@domain_errors_as_http
def mentor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mentor = selectors.mentor_get(actor=request.user, mentor_id=pk)
    assignments = selectors.mentor_assignments(mentor=mentor)
    page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mentoring/mentor_detail.html",
        {"mentor": mentor, "page": page, "communities": mentor.communities.order_by("name")},
    )


# --- One member's mentoring ----------------------------------------------------------------


def _member_context(
    request: HttpRequest, member, *, assign_form=None, session_form=None, end_form=None
) -> dict:
    user = request.user
    manages = services.may_manage_community(user, member.community)
    assignment = selectors.current_assignment(member)
    is_mentor = assignment is not None and assignment.mentor.user_id == user.pk
    return {
        "member": member,
        "assignment": assignment,
        "manages": manages,
        "may_record": (manages or is_mentor) and assignment is not None,
        "assign_form": assign_form
        or (
            AssignForm(mentors=selectors.mentors_for_member(actor=user, member=member))
            if manages
            else None
        ),
        "end_form": end_form or (EndAssignmentForm() if manages and assignment else None),
        "session_form": session_form or SessionForm(),
        "may_tick": manages or is_mentor,
        "sessions": selectors.member_sessions(member),
        "journey": journey_of(member),
    }


@login_required
@domain_errors_as_http
def member_mentoring(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.mentee_get(actor=request.user, member_id=pk)
    return render(request, "mentoring/member.html", _member_context(request, member))


@login_required
@require_POST
@domain_errors_as_http
def member_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    member = selectors.mentee_get(actor=user, member_id=pk)
    mentors = selectors.mentors_for_member(actor=user, member=member)
    form = AssignForm(request.POST, mentors=mentors)
    if form.is_valid():
        try:
            services.assignment_create(
                actor=user,
                mentor=form.cleaned_data["mentor"],
                member=member,
                goal=form.cleaned_data["goal"],
            )
        except DomainError as err:
            if isinstance(err, PermissionDenied):
                raise
            form_add_domain_error(form, err)
        else:
            messages.success(request, _("Pendamping ditugaskan."))
            return redirect("mentoring:member", pk=member.pk)
    context = _member_context(request, member, assign_form=form)
    return render(request, "mentoring/member.html", context, status=422)


@login_required
@require_POST
@domain_errors_as_http
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager ends the member's current assignment, with a reason."""
    user = request.user
    member = selectors.mentee_get(actor=user, member_id=pk)
    if not services.may_manage_community(user, member.community):
        raise DjangoPermissionDenied
    assignment = selectors.current_assignment(member)
    if assignment is None:  # ended meanwhile (another tab, another coordinator)
        messages.error(request, _("Anggota ini tidak sedang didampingi."))
        return redirect("mentoring:member", pk=member.pk)
    form = EndAssignmentForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_end(
                actor=user, assignment=assignment, reason=form.cleaned_data["reason"]
            )
        except DomainError as err:
            if isinstance(err, PermissionDenied):
                raise
            form_add_domain_error(form, err)
        else:
            messages.success(request, _("Pendampingan diakhiri."))
            return redirect("mentoring:member", pk=member.pk)
    context = _member_context(request, member, end_form=form)
    return render(request, "mentoring/member.html", context, status=422)


@login_required
@require_POST
@domain_errors_as_http
def next_action_done(request: HttpRequest, pk: int) -> HttpResponse:
    """The mentor or a manager ticks a next action done; htmx swaps the session section,
    the mentor's own list (``next=mentees``) comes back to that list."""
    user = request.user
    action = selectors.next_action_get(actor=user, action_id=pk)
    services.next_action_complete(actor=user, action=action)
    if request.POST.get("next") == "mentees":
        messages.success(request, _("Langkah ditandai selesai."))
        return redirect("mentoring:my_mentees")
    member = action.member
    if not request.htmx:
        messages.success(request, _("Langkah ditandai selesai."))
        return redirect("mentoring:member", pk=member.pk)
    context = _member_context(request, member)
    context["ticked"] = True
    return render(request, "mentoring/partials/sessions.html", context)


@login_required
@require_POST
@domain_errors_as_http
def session_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a session; htmx swaps the session section in place (small page on a phone)."""
    user = request.user
    member = selectors.mentee_get(actor=user, member_id=pk)
    form = SessionForm(request.POST)
    saved = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.session_record(
                actor=user,
                member=member,
                held_on=data["held_on"],
                duration_minutes=data["duration_minutes"],
                mode=data["mode"],
                goals=data["goals"],
                notes=data["notes"],
                next_actions=form.next_actions(),
            )
        except DomainError as err:
            if isinstance(err, PermissionDenied):
                raise
            form_add_domain_error(form, err)
        else:
            saved = True
    if saved and not request.htmx:
        messages.success(request, _("Sesi pendampingan dicatat."))
        return redirect("mentoring:member", pk=member.pk)
    context = _member_context(request, member, session_form=None if saved else form)
    context["saved"] = saved
    template = "mentoring/partials/sessions.html" if request.htmx else "mentoring/member.html"
    return render(request, template, context, status=200 if saved else 422)


@login_required
def my_mentees(request: HttpRequest) -> HttpResponse:
    mentor = selectors.mentor_of_user(request.user)
    if mentor is None:
        raise DjangoPermissionDenied
    assignments = selectors.mentor_assignments(mentor=mentor)
    page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mentoring/my_mentees.html",
        {"mentor": mentor, "page": page, "due": list(selectors.actions_due(mentor=mentor)[:20])},
    )


# --- Stuck members and journeys ------------------------------------------------------------


@login_required
def stuck_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _manager(user):
        raise DjangoPermissionDenied
    community = request.GET.get("community", "").strip()
    members = selectors.stuck_members(actor=user, community=community or None)
    after = selectors.parse_after(request.GET.get("after"))
    if after:
        members = members.filter(pk__lt=after)
    rows = list(members[: PAGE_SIZE + 1])
    next_url = _url_with(request, after=rows[PAGE_SIZE - 1].pk) if len(rows) > PAGE_SIZE else None
    step_names = {s.number: s.name for s in step_defs.STEPS}
    for row in rows:
        row.next_step_name = step_names.get(row.furthest_step + 1, "")
    return render(
        request,
        "mentoring/stuck_list.html",
        {
            "members": rows[:PAGE_SIZE],
            "next_url": next_url,
            "first_url": _url_with(request, after=None) if after else None,
            "days": selectors.stuck_after_days(),
            "communities": communities_visible_to(user).order_by("name"),
            "community": community,
            "settings_form": StuckSettingsForm(
                initial={"stuck_after_days": selectors.stuck_after_days()}
            )
            if access.is_secretariat(user) and not user.province_id
            else None,
        },
    )


@login_required
@require_POST
def stuck_settings(request: HttpRequest) -> HttpResponse:
    if not access.is_secretariat(request.user):
        raise DjangoPermissionDenied
    form = StuckSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.settings_update(
                actor=request.user, stuck_after_days=form.cleaned_data["stuck_after_days"]
            )
        except PermissionDenied:
            raise DjangoPermissionDenied from None
        messages.success(request, _("Pengaturan disimpan."))
    else:
        messages.error(request, _("Batas macet harus antara 7 dan 730 hari."))
    return redirect("mentoring:stuck")


@login_required
def journeys(request: HttpRequest) -> HttpResponse:
    """The coordinator's screen: every member's seven steps, one keyset page at a time."""
    user = request.user
    if not _manager(user):
        raise DjangoPermissionDenied
    community = request.GET.get("community", "").strip()
    step = request.GET.get("step", "").strip()
    stuck = request.GET.get("stuck") == "1"
    error = None
    rows: list = []
    next_after = None
    try:
        rows, next_after = selectors.journey_grid(
            actor=user,
            community=community or None,
            next_step=int(step) if step.isdigit() else None,
            stuck=stuck,
            after=request.GET.get("after"),
        )
    except DomainError as err:
        error = err.message
    context = {
        "rows": rows,
        "error": error,
        "next_url": _url_with(request, after=next_after) if next_after else None,
        "first_url": _url_with(request, after=None) if request.GET.get("after") else None,
        "communities": communities_visible_to(user).order_by("name"),
        "steps": step_defs.STEPS,
        "community": community,
        "step": step,
        "stuck": stuck,
    }
    return render(request, "mentoring/journeys.html", context)


@login_required
def my_journey(request: HttpRequest) -> HttpResponse:
    """A member's own seven steps with what to do next."""
    member = selectors.own_member(request.user)
    if member is None:
        raise DjangoPermissionDenied
    journey = journey_of(member)
    return render(
        request,
        "mentoring/my_journey.html",
        {
            "member": member,
            "journey": journey,
            "next_step": selectors.next_step_of(journey),
            "assignment": selectors.current_assignment(member),
            "actions": selectors.open_actions_of_member(member),
        },
    )


# --- Notifications -------------------------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    notes = notifications_for(request.user)
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mentoring/inbox.html", {"page": page})


@login_required
@require_POST
def inbox_mark_read(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()]
    notifications_mark_read(user=request.user, ids=ids or None)
    menu_forget(request.user.pk)
    return redirect("mentoring:inbox")

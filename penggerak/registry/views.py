"""HTML pages of the registry: home, members, communities, partners, self-registration.

Each view parses its input, lets ``login_required`` and a selector decide who may see what,
calls one service or selector, and renders. An htmx request gets the partial it asked for.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url

from penggerak.accounts.models import Role
from penggerak.core.errors import DomainError, PermissionDenied, Throttled
from penggerak.core.identity import holds_nik, search_nik
from penggerak.core.models import Region, RegionLevel
from penggerak.core.protection import nik_mask
from penggerak.core.views import domain_errors_as_http, form_add_domain_error
from penggerak.registry import selectors, services
from penggerak.registry.forms import (
    STEPS,
    CommunitySearchForm,
    MemberEditForm,
    MemberFilterForm,
    MemberRegisterForm,
    MemberTransferForm,
    PartnerFilterForm,
    RevealNikForm,
    SignupForm,
)
from penggerak.registry.models import Member, MemberStep

MEMBER_PAGE_SIZE = 25
LIST_PAGE_SIZE = 25
MEMBER_FILTER_KEYS = ("q", "community", "province", "region", "step", "sector", "status")
AUDIT_EVENTS_SHOWN = 10
_REGION_CODE = re.compile(r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")


def _may_manage_members(user) -> bool:
    """Roles whose writes the registry services accept (within the communities they see)."""
    return user.is_secretariat or user.is_coordinator


# --- Home ----------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on what it works with: figures, its communities, its own record."""
    user = request.user
    context: dict = {"steps": STEPS}
    if user.is_secretariat:
        context["figures"] = {
            "members": selectors.member_count(actor=user),
            "communities": selectors.community_list(actor=user).count(),
            "partners": selectors.partner_list(actor=user).count(),
        }
    elif user.is_coordinator:
        pending_filter = {"status": Member.Status.PENDING}
        context["communities"] = selectors.communities_visible_to(user).order_by("name")
        context["pending"] = list(selectors.member_list(actor=user, filters=pending_filter)[:10])
        context["pending_count"] = selectors.member_count(actor=user, filters=pending_filter)
    elif user.role == Role.PARTNER:
        partner = selectors.partner_list(actor=user).first()
        if partner is not None:
            return redirect("registry:partner_detail", slug=partner.slug)
    else:
        context["own_member"] = selectors.member_list(actor=user).first()
    return render(request, "registry/home.html", context)


# --- Members -------------------------------------------------------------------------------


def _member_filters(query) -> dict[str, str]:
    """Only the filter keys, and only non-empty ones: ``after`` is paging, not a filter, and
    ``member_count`` reads the counters only when no other filter is present."""
    filters = {}
    for key in MEMBER_FILTER_KEYS:
        value = query.get(key, "").strip()
        if value:
            filters[key] = value
    return filters


def _positive_int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number > 0 else None


def _page_url(query: QueryDict, *, after: int | None, drop: tuple[str, ...] = ()) -> str:
    """The member list's URL with the filters of ``query`` kept, empty ones dropped, and the
    keyset position set.

    Dropping the empty fields a filter form always sends keeps shared links short and readable.
    """
    path = reverse("registry:member_list")
    params = QueryDict(mutable=True)
    for key, values in query.lists():
        if key not in ("after", "csrfmiddlewaretoken", *drop):
            params.setlist(key, [v for v in values if v.strip()])
    for key in [k for k, v in params.lists() if not v]:
        del params[key]
    if after:
        params["after"] = str(after)
    return f"{path}?{params.urlencode()}" if params else path


def _member_list_page(
    request: HttpRequest, context: dict, *, query: QueryDict, push: str, status: int = 200
) -> HttpResponse:
    """The results partial for htmx (with the address bar set to ``push``), else the whole
    page with its filter form showing ``query``."""
    user = request.user
    context["may_register"] = _may_manage_members(user)
    # The export buttons carry the list's filters, never a NIK.
    filters = {k: v for k, v in _member_filters(query).items() if not holds_nik(v)}
    context["export_query"] = urlencode(filters)
    if request.htmx:
        response = render(request, "registry/partials/member_results.html", context, status=status)
        # The address bar shows the tidy URL, not every empty field the form sent.
        return push_url(response, push)
    context["filter_form"] = MemberFilterForm(
        query, communities=selectors.communities_visible_to(user).order_by("name")
    )
    return render(request, "registry/member_list.html", context, status=status)


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    """Members newest first, one keyset page at a time (``?after=<last id>``).

    Keyset paging costs the same on page 1 and page 80,000; OFFSET would not. The total comes
    from ``member_count``, which reads the community counters when it can.

    A NIK in ``?q=`` is not searched for: the URL carrying it sits in server logs and browser
    history. The page drops it and says to use the search box, which posts (``member_search``).
    """
    if holds_nik(request.GET.get("q", "")):
        message = _(
            "NIK tidak dicari lewat alamat halaman. Ketik NIK di kotak pencarian: pencarian "
            "itu dikirim tanpa masuk ke alamat halaman dan riwayat peramban."
        )
        without = _page_url(request.GET, after=None, drop=("q",))
        if request.htmx:
            context = {"members": [], "total": None, "filter_error": message}
            return _member_list_page(request, context, query=QueryDict(), push=without)
        messages.warning(request, message)
        return _see_other(without)
    return _member_list_get(request, request.GET)


def _member_list_get(
    request: HttpRequest, query: QueryDict, *, private: bool = False
) -> HttpResponse:
    """One keyset page of the list for the filters in ``query`` (no NIK among them).

    ``private``: the search text stays out of every URL (the address bar, the pager) and off
    the form; only the first page is shown.
    """
    user = request.user
    filters = _member_filters(query)
    after = _positive_int(query.get("after"))
    rows: list[Member] = []
    total = None
    filter_error = None
    try:
        members = selectors.member_list(actor=user, filters=filters)
        if after:
            members = members.filter(pk__lt=after)
        rows = list(members[: MEMBER_PAGE_SIZE + 1])
        total = selectors.member_count(actor=user, filters=filters)
    except DomainError as err:
        filter_error = err.message
    next_after = rows[MEMBER_PAGE_SIZE - 1].pk if len(rows) > MEMBER_PAGE_SIZE else None
    step_names = dict(STEPS)
    for row in rows:
        row.step_label = step_names.get(row.furthest_step, "")
    context = {
        "members": rows[:MEMBER_PAGE_SIZE],
        "total": total,
        "first_page_url": _page_url(query, after=None) if after else None,
        "next_page_url": _page_url(query, after=next_after) if next_after else None,
        "filter_error": filter_error,
    }
    if private:
        shown = query.copy()
        shown.pop("q", None)
        context["first_page_url"] = context["next_page_url"] = None
        return _member_list_page(request, context, query=shown, push=_page_url(shown, after=None))
    return _member_list_page(request, context, query=query, push=_page_url(query, after=after))


# A search with this many digits is a phone number, or a NIK still being typed (the live
# search posts every pause): its first digits are the region and the birth date, so it goes
# into no URL either.
_DIGITS_KEPT_OUT_OF_URLS = 8


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("q")
def member_search(request: HttpRequest) -> HttpResponse:
    """The member list's search form posts here, so that what is typed never lands in a URL.

    A NIK (16 digits, separators allowed) is looked up by ``services.member_nik_search``
    (scoped, audited, rate-limited): without htmx a match opens the member's page; otherwise
    the list shows the match, or says there is none, with the NIK masked, and the address bar
    gets the list URL without it. Text holding a NIK among other words is refused. A phone
    number (or the first digits of a NIK as the live search sends them) is listed here too,
    out of the URL. A name goes on to the list's own URL, which may be shared and paged.
    """
    if request.method == "GET":
        # Where the language switch of a page answered from here leads: the list, and
        # nothing of a query string (it is never read).
        return _see_other(reverse("registry:member_list"))
    query = QueryDict(mutable=True)
    for key, value in _member_filters(request.POST).items():
        query[key] = value
    typed = query.get("q", "")
    nik = search_nik(typed)
    if nik is None and not holds_nik(typed):
        if sum(ch.isdigit() for ch in typed) >= _DIGITS_KEPT_OUT_OF_URLS:
            return _member_list_get(request, query, private=True)
        if request.htmx:
            return _member_list_get(request, query)
        return _see_other(_page_url(query, after=None))
    rest = query.copy()
    rest.pop("q", None)
    plain = _page_url(rest, after=None)
    if nik is None:
        context = {
            "members": [],
            "total": None,
            "filter_error": _("Ketik NIK saja (16 angka), tanpa kata lain."),
        }
        return _member_list_page(request, context, query=rest, push=plain, status=422)
    try:
        found = services.member_nik_search(actor=request.user, nik=nik, via="web")
    except Throttled as err:
        context = {"members": [], "total": None, "filter_error": err.message}
        return _member_list_page(request, context, query=rest, push=plain, status=429)
    if found is not None and not request.htmx:
        return _see_other(reverse("registry:member_detail", args=[found.pk]))
    if found is not None:
        found.step_label = dict(STEPS).get(found.furthest_step, "")
    context = {
        "members": [found] if found else [],
        "total": 1 if found else 0,
        "filter_error": None,
        "nik_searched": nik_mask(nik),
    }
    return _member_list_page(request, context, query=rest, push=plain)


def _see_other(url: str) -> HttpResponse:
    """303 See Other: the browser follows with a GET, and Back never posts a search again."""
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


def _region_picker(
    *, province: str = "", regency: str = "", district: str = "", village: str = ""
) -> dict:
    """Options for the province → regency → district → village cascade.

    Each level is kept only when it lies inside the level above, so changing the province
    clears the rest. A lone village code (an edit form) brings its ancestors with it, as
    Kemendagri codes nest: 32 ⊃ 32.73 ⊃ 32.73.01 ⊃ 32.73.01.1001.
    """
    codes = [
        c.strip() if _REGION_CODE.match(c.strip()) else ""
        for c in (province, regency, district, village)
    ]
    province, regency, district, village = codes
    if village and not (province or regency or district):
        province, regency, district = village[:2], village[:5], village[:8]
    if not regency.startswith(province + "."):
        regency = ""
    if not regency or not district.startswith(regency + "."):
        district = ""
    if not district or not village.startswith(district + "."):
        village = ""

    def options(**lookup):
        return list(
            Region.objects.filter(is_current=True, **lookup)
            .order_by("name")
            .values_list("code", "name")
        )

    return {
        "province": province,
        "regency": regency,
        "district": district,
        "village": village,
        "provinces": options(level=RegionLevel.PROVINCE),
        "regencies": options(parent_id=province) if province else [],
        "districts": options(parent_id=regency) if regency else [],
        "villages": options(parent_id=district) if district else [],
    }


def _picker_from_post(data, *, village: str = "") -> dict:
    return _region_picker(
        province=data.get("region_province", ""),
        regency=data.get("region_regency", ""),
        district=data.get("region_district", ""),
        village=data.get("village", village),
    )


@login_required
@require_GET
def region_picker(request: HttpRequest) -> HttpResponse:
    """The cascade's next state; htmx swaps the whole fieldset so no level can go stale."""
    return render(
        request,
        "registry/partials/region_picker.html",
        {"picker": _picker_from_post(request.GET)},
    )


@login_required
@sensitive_post_parameters("nik")
def member_create(request: HttpRequest) -> HttpResponse:
    """A coordinator (or the secretariat) registers a member of a community they run."""
    user = request.user
    if not _may_manage_members(user):
        raise DjangoPermissionDenied
    communities = selectors.communities_visible_to(user).order_by("name")
    form = MemberRegisterForm(request.POST or None, communities=communities)
    if request.method == "POST":
        picker = _picker_from_post(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                member = services.member_register(
                    actor=user,
                    community=data["community"],
                    full_name=data["full_name"],
                    nik=data["nik"],
                    birth_date=data["birth_date"],
                    sex=data["sex"] or None,
                    phone=data["phone"],
                    email=data["email"],
                    village_code=data["village"] or None,
                    address=data["address"],
                    joined_on=data["joined_on"],
                    consent=data["consent"],
                )
            except DomainError as err:
                form_add_domain_error(form, err)
            else:
                messages.success(
                    request, _("%(name)s terdaftar sebagai anggota.") % {"name": member.full_name}
                )
                return redirect("registry:member_detail", pk=member.pk)
    else:
        # Most members live where their community is: start the cascade at its regency.
        only = form.fields["community"].initial
        regency = next((c.regency_id for c in communities if c.pk == only), "") if only else ""
        picker = _region_picker(province=regency[:2], regency=regency)
    return render(request, "registry/member_form.html", {"form": form, "picker": picker})


def _member_detail_response(
    request: HttpRequest,
    member: Member,
    *,
    edit_form: MemberEditForm | None = None,
    transfer_form: MemberTransferForm | None = None,
    reveal_form: RevealNikForm | None = None,
    revealed_nik: str | None = None,
) -> HttpResponse:
    user = request.user
    may_manage = _may_manage_members(user)
    context = {
        "member": member,
        "businesses": list(member.businesses.all()),
        "audit_events": selectors.member_audit_events(member=member, limit=AUDIT_EVENTS_SHOWN),
        "steps": STEPS,
        "journey": selectors.journey_of(member),
        "step_statuses": MemberStep.Status.choices,
        "may_manage": may_manage,
        "revealed_nik": revealed_nik,
        "reveal_form": reveal_form or RevealNikForm(),
    }
    if may_manage:
        targets = selectors.communities_visible_to(user).exclude(pk=member.community_id)
        context["edit_form"] = edit_form or MemberEditForm(
            initial=MemberEditForm.initial_for(member)
        )
        context["picker"] = (
            _picker_from_post(request.POST)
            if edit_form is not None
            else _region_picker(village=member.village_id or "")
        )
        context["transfer_form"] = transfer_form or MemberTransferForm(
            communities=targets.order_by("name")
        )
        context["may_transfer"] = targets.exists()
    response = render(request, "registry/member_detail.html", context)
    if revealed_nik:
        # The full NIK is shown once: no browser, proxy or back button may keep a copy.
        response["Cache-Control"] = "no-store, private"
    return response


@login_required
@domain_errors_as_http
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(actor=request.user, member_id=pk)
    return _member_detail_response(request, member)


@login_required
@require_POST
@domain_errors_as_http
def member_update(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(actor=request.user, member_id=pk)
    form = MemberEditForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.member_update(
                actor=request.user,
                member=member,
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
                village_code=data["village"] or None,
                address=data["address"],
                status=data["status"],
            )
        except PermissionDenied:
            raise
        except DomainError as err:
            form_add_domain_error(form, err)
        else:
            messages.success(request, _("Data anggota disimpan."))
            return redirect("registry:member_detail", pk=member.pk)
    return _member_detail_response(request, member, edit_form=form)


@login_required
@require_POST
@domain_errors_as_http
def member_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(actor=request.user, member_id=pk)
    targets = selectors.communities_visible_to(request.user).exclude(pk=member.community_id)
    form = MemberTransferForm(request.POST, communities=targets.order_by("name"))
    if form.is_valid():
        try:
            services.member_transfer(
                actor=request.user,
                member=member,
                to_community=form.cleaned_data["to_community"],
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied:
            raise
        except DomainError as err:
            form_add_domain_error(form, err)
        else:
            messages.success(
                request,
                _("Anggota dipindahkan ke %(community)s.") % {"community": member.community.name},
            )
            return redirect("registry:member_detail", pk=member.pk)
    return _member_detail_response(request, member, transfer_form=form)


@login_required
@require_POST
@domain_errors_as_http
def member_step_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator marks one of the member's steps with a status and a note."""
    member = selectors.member_get(actor=request.user, member_id=pk)
    try:
        services.member_step_mark(
            actor=request.user,
            member=member,
            step=request.POST.get("step", ""),
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
        )
    except PermissionDenied:
        raise
    except DomainError as err:
        problems = [str(m) for messages_ in err.fields.values() for m in messages_]
        messages.error(request, " ".join(problems) or str(err.message))
    else:
        messages.success(request, _("Tahap anggota disimpan."))
    return redirect(f"{reverse('registry:member_detail', args=[member.pk])}#tahap")


@login_required
@require_POST
@domain_errors_as_http
def member_approve(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(actor=request.user, member_id=pk)
    try:
        services.member_approve(actor=request.user, member=member)
    except PermissionDenied:
        raise
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(
            request,
            _("%(name)s disetujui dan sekarang dapat masuk.") % {"name": member.full_name},
        )
    # Approving from the coordinator's home page keeps them on their list of pending members.
    if request.POST.get("back") == "home":
        return redirect("home")
    return redirect("registry:member_detail", pk=member.pk)


@login_required
@require_POST
@never_cache
@domain_errors_as_http
def member_reveal_nik(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full NIK once, after the service has recorded who asked and why."""
    member = selectors.member_get(actor=request.user, member_id=pk)
    form = RevealNikForm(request.POST)
    revealed = None
    if form.is_valid():
        try:
            revealed = services.member_reveal_nik(
                actor=request.user, member=member, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied:
            raise
        except DomainError as err:
            form_add_domain_error(form, err)
    if request.htmx:
        response = render(
            request,
            "registry/partials/nik_block.html",
            {"member": member, "revealed_nik": revealed, "reveal_form": form, "may_manage": True},
            status=422 if form.errors else 200,
        )
        response["Cache-Control"] = "no-store, private"
        return response
    return _member_detail_response(request, member, reveal_form=form, revealed_nik=revealed)


# --- Self-registration ---------------------------------------------------------------------


@sensitive_post_parameters("password", "nik")
def signup(request: HttpRequest) -> HttpResponse:
    """A person joins a community from their phone; its coordinator approves them later.

    A NIK or phone number that is already registered gets the same answer as a new one (the
    service records it instead); too many sign-ups from one address answer 429.
    """
    from penggerak.accounts.throttle import client_address

    communities = selectors.community_directory().order_by("name")
    form = SignupForm(request.POST or None, communities=communities)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.member_self_register(
                community=data["community"],
                full_name=data["full_name"],
                nik=data["nik"],
                phone=data["phone"],
                password=data["password"],
                consent=data["consent"],
                client_address=client_address(request),
            )
        except DomainError as err:
            form_add_domain_error(form, err)
            status = err.status_code if err.status_code == 429 else 200
        else:
            request.session["signup_community"] = data["community"].name
            return redirect("registry:signup_done")
    return render(request, "registry/signup.html", {"form": form}, status=status)


def signup_done(request: HttpRequest) -> HttpResponse:
    community = request.session.pop("signup_community", None)
    return render(request, "registry/signup_done.html", {"community": community})


# --- Communities ---------------------------------------------------------------------------


@login_required
def community_list(request: HttpRequest) -> HttpResponse:
    """A few hundred communities at most: numbered pages are cheap and easy to share."""
    form = CommunitySearchForm(request.GET)
    communities = selectors.community_list(actor=request.user).order_by("name")
    query = request.GET.get("q", "").strip()
    if query:
        communities = communities.filter(name__icontains=query)
    page = Paginator(communities, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/community_list.html", {"form": form, "page": page})


@login_required
@domain_errors_as_http
def community_detail(request: HttpRequest, slug: str) -> HttpResponse:
    user = request.user
    community = selectors.community_get(actor=user, slug=slug)
    may_see_members = selectors.communities_visible_to(user).filter(pk=community.pk).exists()
    pending_count = (
        selectors.member_count(
            actor=user, filters={"community": community.slug, "status": Member.Status.PENDING}
        )
        if may_see_members
        else None
    )
    return render(
        request,
        "registry/community_detail.html",
        {
            "community": community,
            "coordinators": list(community.coordinators.order_by("first_name", "username")),
            "may_see_members": may_see_members,
            "pending_count": pending_count,
        },
    )


# --- Partners ------------------------------------------------------------------------------


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    form = PartnerFilterForm(request.GET)
    partners = selectors.partner_list(actor=request.user).order_by("name")
    if form.is_valid() and form.cleaned_data["kind"]:
        partners = partners.filter(kind=form.cleaned_data["kind"])
    page = Paginator(partners, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/partner_list.html", {"form": form, "page": page})


@login_required
@domain_errors_as_http
def partner_detail(request: HttpRequest, slug: str) -> HttpResponse:
    partner = selectors.partner_get(actor=request.user, slug=slug)
    return render(request, "registry/partner_detail.html", {"partner": partner})

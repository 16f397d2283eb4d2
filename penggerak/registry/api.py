"""Members, communities and partners over JSON: the same selectors and services as the pages.

Every endpoint reads through ``registry.selectors`` (scoped by the token's user) and writes
through ``registry.services``, so "not yours" is a 404 here exactly as on the pages.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Status

from penggerak.core.api import SLUG, PageParams, errors, page_of
from penggerak.core.errors import DomainError
from penggerak.registry import selectors, services
from penggerak.registry.models import Community
from penggerak.registry.schemas import (
    CommunityFilters,
    CommunityIn,
    CommunityOut,
    CommunityPage,
    FunnelOut,
    FunnelParams,
    JourneyOut,
    MemberDetailOut,
    MemberFilters,
    MemberIn,
    MemberPage,
    MemberPatch,
    NikSearchIn,
    PartnerDetailOut,
    PartnerFilters,
    PartnerPage,
    StepCode,
    StepMarkIn,
    TransferIn,
)

READ = errors(401, 404, 422)
# 400: a body that is not JSON at all.
WRITE = errors(400, 401, 403, 404, 422)


class CommunityNotFound(DomainError):
    """A community named in a request body that the actor may not use: 404, like a URL."""

    status_code = 404

    def __init__(self) -> None:
        message = _("Komunitas tidak ditemukan.")
        super().__init__("not_found", message, fields={"community": [message]})


def _visible_community(actor, slug: str) -> Community:
    community = selectors.communities_visible_to(actor).filter(slug=slug).first()
    if community is None:
        raise CommunityNotFound()
    return community


# --- Members -----------------------------------------------------------------------------

members = Router(tags=["anggota"])


@members.get("", response={200: MemberPage, **errors(401, 422)})
def list_members(request, filters: Query[MemberFilters], paging: Query[PageParams]):
    """Members the token's user may see, newest first, with the filters of the member page.
    `count` counts every match, not just this page. NIKs are always masked, birth dates given
    as a year. A NIK in `q` is refused (422 `nik_in_query`): URLs end up in logs, so a NIK is
    searched with `POST /api/v1/members/search-nik`."""
    query = filters.model_dump(exclude_none=True)
    rows = page_of(selectors.member_list(actor=request.auth, filters=query), paging)
    return {"items": rows, "count": selectors.member_count(actor=request.auth, filters=query)}


@members.post("", response={201: MemberDetailOut, **WRITE})
def create_member(request, payload: MemberIn):
    """Register a member in a community the user coordinates (or, for the secretariat, any
    community in scope). One NIK is one member nationally: a second registration fails with
    `nik_duplicate`. Birth date and sex default to what the NIK encodes."""
    data = payload.model_dump()
    community = _visible_community(request.auth, data.pop("community"))
    data["village_code"] = data.pop("village")
    member = services.member_register(actor=request.auth, community=community, **data)
    return Status(201, member)


@members.post("/search-nik", response={200: MemberPage, **errors(400, 401, 422, 429)})
def search_members_by_nik(request, payload: NikSearchIn):
    """The member with this full NIK among those the user may see (`items` empty when there
    is none or it is not theirs to see). The NIK travels in the body, never in a URL; each
    search is recorded in the audit trail (NIK masked) and at most 30 are allowed per user in
    10 minutes (429 `throttled`)."""
    found = services.member_nik_search(actor=request.auth, nik=payload.nik, via="api")
    items = [found] if found is not None else []
    return {"items": items, "count": len(items)}


@members.get("/{id}", response={200: MemberDetailOut, **READ})
def get_member(request, id: int):
    """One member; 404 when it does not exist or the user may not see it."""
    return selectors.member_get(actor=request.auth, member_id=id)


@members.patch("/{id}", response={200: MemberDetailOut, **WRITE})
def update_member(request, id: int, payload: MemberPatch):
    """Change contact details, address, village or status. NIK, birth date and sex are
    identity, fixed at registration. Every change is audited."""
    member = selectors.member_get(actor=request.auth, member_id=id)
    changes = payload.model_dump(exclude_unset=True)
    if "village" in changes:
        changes["village_code"] = changes.pop("village")
    return services.member_update(actor=request.auth, member=member, **changes)


@members.post("/{id}/transfer", response={200: MemberDetailOut, **WRITE})
def transfer_member(request, id: int, payload: TransferIn):
    """Move a member to another community, with a reason for the audit trail. The user must
    be allowed to write in both communities."""
    member = selectors.member_get(actor=request.auth, member_id=id)
    target = _visible_community(request.auth, payload.community)
    return services.member_transfer(
        actor=request.auth, member=member, to_community=target, reason=payload.reason
    )


@members.post("/{id}/approve", response={200: MemberDetailOut, **WRITE})
def approve_member(request, id: int):
    """Approve a self-registered (pending) member, who becomes active and may log in."""
    member = selectors.member_get(actor=request.auth, member_id=id)
    return services.member_approve(actor=request.auth, member=member)


@members.get("/{id}/journey", response={200: JourneyOut, **READ})
def get_journey(request, id: int):
    """The member's seven steps in curriculum order (always seven), with status
    (`not_started`, `in_progress`, `done`), dates, source and evidence."""
    return {"steps": selectors.member_journey(actor=request.auth, member_id=id)}


@members.post("/{id}/steps/{code}", response={200: JourneyOut, **WRITE})
def mark_step(request, id: int, code: StepCode, payload: StepMarkIn):
    """A coordinator or the secretariat sets one step's status with a note (audited).
    Setting the status a step already has changes nothing. Returns the whole journey."""
    member = selectors.member_get(actor=request.auth, member_id=id)
    services.member_step_mark(
        actor=request.auth, member=member, step=code, status=payload.status, note=payload.note
    )
    return {"steps": selectors.journey_of(member)}


# --- Insights ----------------------------------------------------------------------------

insights = Router(tags=["insights"])


@insights.get("/funnel", response={200: FunnelOut, **READ})
def get_funnel(request, params: Query[FunnelParams]):
    """The seven-step funnel of the nation, a province, a regency/city or a community:
    members who completed each step, conversion from the previous step and the median days
    between them. Read from pre-aggregated counters: as fast at 2,000,000 members as at 300.
    Aggregates only, so any logged-in user may read any scope."""
    steps = selectors.funnel(actor=request.auth, scope=params.scope)
    return {"scope": params.scope, "steps": steps}


# --- Communities -------------------------------------------------------------------------

communities = Router(tags=["komunitas"])


def _filter_communities(queryset: QuerySet[Community], filters: CommunityFilters):
    if filters.q and filters.q.strip():
        queryset = queryset.filter(name__icontains=filters.q.strip())
    if filters.province:
        # Through the related code: Django 5.2 has no startswith on the raw FK column.
        queryset = queryset.filter(regency__code__startswith=f"{filters.province}.")
    # A unique tie-breaker keeps pages stable when two communities share a name.
    return queryset.order_by("name", "id")


@communities.get("", response={200: CommunityPage, **errors(401, 422)})
def list_communities(request, filters: Query[CommunityFilters], paging: Query[PageParams]):
    """Communities the user may browse: the whole movement for the secretariat (its province
    for a provincial one) and partners, their own communities for coordinators and members."""
    found = _filter_communities(selectors.community_list(actor=request.auth), filters)
    return {"items": page_of(found, paging), "count": found.count()}


@communities.post("", response={201: CommunityOut, **WRITE})
def create_community(request, payload: CommunityIn):
    """Register a community in a current regency/city (secretariat only). The slug is made
    from the name unless given."""
    community = services.community_create(
        actor=request.auth,
        name=payload.name,
        regency_code=payload.regency,
        slug=payload.slug or "",
        founded_on=payload.founded_on,
        status=payload.status,
    )
    return Status(201, community)


@communities.get("/{slug}", response={200: CommunityOut, **READ})
def get_community(request, slug: str = Path(..., pattern=SLUG, max_length=80)):
    """One community by slug; 404 when it does not exist or is outside the user's view."""
    return selectors.community_get(actor=request.auth, slug=slug)


# --- Partners ----------------------------------------------------------------------------

partners = Router(tags=["mitra"])


@partners.get("", response={200: PartnerPage, **errors(401, 422)})
def list_partners(request, filters: Query[PartnerFilters], paging: Query[PageParams]):
    """Partner organisations (government, companies, banks, universities...); partner staff
    see their own organisation only."""
    found = selectors.partner_list(actor=request.auth)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    found = found.order_by("name", "id")
    return {"items": page_of(found, paging), "count": found.count()}


@partners.get("/{slug}", response={200: PartnerDetailOut, **READ})
def get_partner(request, slug: str = Path(..., pattern=SLUG, max_length=80)):
    """One partner with its contact people and agreements (MoU), newest agreement first."""
    return selectors.partner_get(actor=request.auth, slug=slug)

"""Reads of the registry, always scoped by the actor.

Every page, API endpoint, export and admin list that shows members goes through
``members_visible_to``; "not yours" and "does not exist" both raise ``NotFound``.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import CharField, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from penggerak.accounts import access
from penggerak.core.errors import DomainError, NotFound
from penggerak.core.identity import holds_nik, validate_phone
from penggerak.core.models import AuditEvent, Region, RegionLevel
from penggerak.core.protection import nik_digest
from penggerak.core.text import search_text
from penggerak.registry import steps as step_defs
from penggerak.registry.models import (
    Agreement,
    Business,
    Community,
    Member,
    MemberStep,
    Partner,
    PartnerContact,
    StepCount,
    StepGapCount,
)


def communities_visible_to(actor: Any) -> QuerySet[Community]:
    """Communities whose members the actor may see.

    Secretariat: all (or one province); coordinator: the communities they coordinate;
    a member: their own community; partners and visitors: none (they get aggregates elsewhere).
    """
    qs = Community.objects.select_related("regency")
    if access.is_secretariat(actor):
        province = access.secretariat_province(actor)
        return qs if province is None else qs.filter(regency__code__startswith=province)
    if access.is_coordinator(actor):
        return qs.filter(coordinators=actor)
    if access.is_member_user(actor):
        return qs.filter(members__user=actor)
    return qs.none()


def community_directory() -> QuerySet[Community]:
    """Active communities anyone may pick from (self-registration, public pages): no members."""
    return Community.objects.filter(status=Community.Status.ACTIVE).select_related("regency")


def community_list(*, actor: Any) -> QuerySet[Community]:
    """Communities listed to a logged-in user: the secretariat (of its scope) and partners see
    the directory of the movement, a coordinator or member the ones they belong to."""
    if access.is_secretariat(actor):
        return communities_visible_to(actor)
    if access.is_partner_staff(actor):
        return Community.objects.select_related("regency")
    return communities_visible_to(actor)


def community_get(*, actor: Any, slug: str) -> Community:
    """One community from ``community_list``; raises NotFound otherwise."""
    community = community_list(actor=actor).filter(slug=slug).first()
    if community is None:
        raise NotFound(_("Komunitas tidak ditemukan."))
    return community


def members_visible_to(actor: Any) -> QuerySet[Member]:
    """The members whose personal data the actor may read.

    Secretariat: every member (or those of communities in its province); coordinator: members
    of their communities; member: themselves; partner staff: none until programmes with
    consent exist; anyone else: none.
    """
    qs = Member.objects.all()
    if access.is_secretariat(actor):
        province = access.secretariat_province(actor)
        if province is None:
            return qs
        return qs.filter(community__in=Community.objects.filter(regency__code__startswith=province))
    if access.is_coordinator(actor):
        return qs.filter(community__in=Community.objects.filter(coordinators=actor))
    if access.is_member_user(actor):
        return qs.filter(user=actor)
    return qs.none()


def member_get(*, actor: Any, member_id: int) -> Member:
    """One member the actor may see, with community and region; NotFound otherwise."""
    member = (
        members_visible_to(actor)
        .select_related("community", "community__regency", "village", "region")
        .filter(pk=member_id)
        .first()
    )
    if member is None:
        raise NotFound(_("Anggota tidak ditemukan."))
    return member


def member_may_see(*, actor: Any, member: Member) -> bool:
    return members_visible_to(actor).filter(pk=member.pk).exists()


def member_audit_events(*, member: Member, limit: int = 10) -> list[AuditEvent]:
    """The latest audit events of a member; pass only a member obtained from ``member_get``,
    which has already checked that the actor may see it."""
    return list(
        AuditEvent.objects.filter(object_type="registry.member", object_id=str(member.pk)).order_by(
            "-at", "-id"
        )[:limit]
    )


class MemberFilterSet(django_filters.FilterSet):
    """The one member filter behind the member page and ``GET /api/v1/members``."""

    q = django_filters.CharFilter(method="filter_q", label=_("Cari nama atau HP"))
    community = django_filters.CharFilter(field_name="community__slug", label=_("Komunitas"))
    province = django_filters.CharFilter(method="filter_region", label=_("Provinsi"))
    region = django_filters.CharFilter(method="filter_region", label=_("Wilayah"))
    step = django_filters.NumberFilter(method="filter_step", label=_("Sudah menyelesaikan tahap"))
    sector = django_filters.ChoiceFilter(
        choices=Business.Sector.choices, method="filter_sector", label=_("Sektor usaha")
    )
    status = django_filters.ChoiceFilter(choices=Member.Status.choices, label=_("Status"))

    class Meta:
        model = Member
        fields = ["q", "community", "province", "region", "step", "sector", "status"]

    def filter_q(self, queryset: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        """A phone number matches in any local form; anything else is a name prefix. A NIK
        never gets here (``member_list`` refuses it: see ``member_find_by_nik``)."""
        value = value.strip()
        if not value:
            return queryset
        if sum(ch.isdigit() for ch in value) >= 8:
            phone = validate_phone(value)
            if phone.valid:
                return queryset.filter(phone=phone.normalized)
        prefix = search_text(value)
        if not prefix:
            return queryset
        # A range instead of LIKE: both SQLite and PostgreSQL walk the index for it.
        return queryset.filter(search_name__gte=prefix, search_name__lt=prefix + "\uffff")

    def filter_region(self, queryset: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        code = value.strip()
        if not code:
            return queryset
        # Provinces and regencies hold up to hundreds of thousands of members: use the
        # generated code columns, whose indexes also give the id order for free.
        if len(code) == 2:
            return queryset.filter(province_code=code)
        if len(code) == 5:
            return queryset.filter(regency_code=code)
        return queryset.filter(
            Q(region_id=code) | Q(region_id__gte=code + ".", region_id__lt=code + ".\uffff")
        )

    def filter_step(self, queryset: QuerySet[Member], name: str, value: Any) -> QuerySet[Member]:
        return queryset.filter(furthest_step__gte=int(value))

    def filter_sector(self, queryset: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        return queryset.filter(Exists(Business.objects.filter(owner=OuterRef("pk"), sector=value)))


NIK_IN_QUERY_MESSAGE = _(
    "Pencarian dengan NIK tidak dikirim lewat alamat (URL): ketik NIK di kotak pencarian "
    "halaman anggota, atau kirim POST /api/v1/members/search-nik."
)


def member_list(*, actor: Any, filters: dict | None = None) -> QuerySet[Member]:
    """Members visible to the actor, filtered, newest first, with what a list row shows.

    Raises DomainError ``nik_in_query`` when the search text holds a NIK (whole or masked):
    filters travel in URLs, which server logs and browser history keep, so a NIK is looked up
    by ``member_find_by_nik`` behind a POST instead. Raises DomainError ``invalid_filter``
    via ``MemberFilterSet`` validation when a filter value is malformed.
    """
    if holds_nik((filters or {}).get("q")):
        raise DomainError(
            "nik_in_query", NIK_IN_QUERY_MESSAGE, fields={"q": [NIK_IN_QUERY_MESSAGE]}
        )
    filterset = MemberFilterSet(filters or {}, queryset=members_visible_to(actor))
    if not filterset.is_valid():
        raise DomainError(
            "invalid_filter",
            _("Filter tidak valid."),
            fields={k: list(v) for k, v in filterset.errors.items()},
        )
    return filterset.qs.select_related("community").order_by("-id")


def member_find_by_nik(*, actor: Any, nik: str) -> Member | None:
    """The member with this NIK (16 digits, normalised) among those the actor may see, with
    its community; None otherwise, whether it does not exist or is not the actor's to see.
    One query, through the unique index on the keyed hash. Pass the NIK through
    ``registry.services.member_nik_search``, which rate-limits and audits the search."""
    return (
        members_visible_to(actor)
        .select_related("community")
        .filter(nik_digest=nik_digest(nik))
        .first()
    )


def member_count(*, actor: Any, filters: dict | None = None) -> int:
    """How many members ``member_list`` would return.

    Unfiltered and community-filtered counts add up the communities' counters instead of
    counting rows, so the figure costs the same at 2,000,000 members as at 300.
    """
    active = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    if set(active) <= {"community"} and (
        access.is_secretariat(actor) or access.is_coordinator(actor)
    ):
        communities = communities_visible_to(actor)
        if "community" in active:
            communities = communities.filter(slug=active["community"])
        return communities.aggregate(total=Sum("member_count"))["total"] or 0
    return member_list(actor=actor, filters=filters).count()


def partner_list(*, actor: Any) -> QuerySet[Partner]:
    """Partners any logged-in user may browse; partner staff see their own organisation."""
    if not access.is_signed_in(actor):
        return Partner.objects.none()
    qs = Partner.objects.select_related("region")
    if access.is_partner_staff(actor):
        return qs.filter(staff=actor)
    return qs


def _contacts_for(actor: Any) -> Prefetch:
    """Contact people are personal data: the secretariat, coordinators and the partner's own
    staff see them; members see the organisation without its people."""
    contacts = PartnerContact.objects.all()
    if not (
        access.is_secretariat(actor)
        or access.is_coordinator(actor)
        or access.is_partner_staff(actor)
    ):
        contacts = PartnerContact.objects.none()
    return Prefetch("contacts", queryset=contacts)


def partner_get(*, actor: Any, slug: str) -> Partner:
    partner = (
        partner_list(actor=actor)
        .prefetch_related(_contacts_for(actor), "agreements")
        .filter(slug=slug)
        .first()
    )
    if partner is None:
        raise NotFound(_("Mitra tidak ditemukan."))
    return partner


# --- The seven steps ------------------------------------------------------------------------


def journey_of(member: Member) -> list[dict]:
    """The seven steps of a member already obtained through ``member_get``, in curriculum
    order; a step without a row is ``not_started``. One query."""
    rows = {row.step: row for row in MemberStep.objects.filter(member=member)}
    journey = []
    for info in step_defs.STEPS:
        row = rows.get(info.number)
        journey.append(
            {
                "number": info.number,
                "code": info.code,
                "name": str(info.name),
                "status": row.status if row else MemberStep.Status.NOT_STARTED.value,
                "status_label": str(
                    MemberStep.Status(row.status).label
                    if row
                    else MemberStep.Status.NOT_STARTED.label
                ),
                "started_at": row.started_at if row else None,
                "completed_at": row.completed_at if row else None,
                "source": row.source if row else None,
                "evidence": (row.evidence or None) if row else None,
                "note": row.note if row else "",
            }
        )
    return journey


def member_journey(*, actor: Any, member_id: int) -> list[dict]:
    """A member's seven steps (see ``journey_of``); NotFound when not visible to the actor."""
    return journey_of(member_get(actor=actor, member_id=member_id))


def _scope_communities(scope: str) -> tuple[str, QuerySet[Community] | None]:
    """The communities a funnel scope covers (None: the whole nation)."""
    kind, _sep, value = (scope or "nation").strip().partition(":")
    value = value.strip()
    if kind == "nation" and not value:
        return "nation", None
    if kind == "province" and value:
        region = Region.objects.filter(code=value, level=RegionLevel.PROVINCE).first()
        if region is None:
            raise NotFound(_("Provinsi tidak ditemukan."))
        return scope, Community.objects.filter(regency__code__startswith=f"{region.code}.")
    if kind == "regency" and value:
        region = Region.objects.filter(code=value, level=RegionLevel.REGENCY).first()
        if region is None:
            raise NotFound(_("Kabupaten/kota tidak ditemukan."))
        return scope, Community.objects.filter(regency_id=region.code)
    if kind == "community" and value:
        if not Community.objects.filter(slug=value).exists():
            raise NotFound(_("Komunitas tidak ditemukan."))
        return scope, Community.objects.filter(slug=value)
    message = _(
        'Cakupan tidak dikenal: gunakan "nation", "province:KODE", "regency:KODE" '
        'atau "community:SLUG".'
    )
    raise DomainError("invalid_scope", message, fields={"scope": [message]})


def funnel(*, actor: Any, scope: str = "nation") -> list[dict]:
    """The seven-step funnel of a scope: "nation", "province:CODE", "regency:CODE" or
    "community:SLUG", read from the pre-aggregated counters only.

    For each step: members who completed it, the conversion from the previous step (null for
    step 1 or when the previous step has no members) and the median days between completing
    the previous step and this one (bucketed histogram, see ``steps.GAP_BUCKETS``; null
    without data). Aggregates are not personal data, so any logged-in user may read any
    scope. Raises DomainError (``invalid_scope``, 422) for a malformed scope and NotFound for
    an unknown region or community, or an anonymous actor. Three queries at most, whatever
    the number of members: the scope, the counts, the histogram.
    """
    access.require(access.is_signed_in(actor))
    _label, communities = _scope_communities(scope)
    counts = StepCount.objects.all()
    gaps = StepGapCount.objects.all()
    if communities is not None:
        counts = counts.filter(community__in=communities)
        gaps = gaps.filter(community__in=communities)
    members = dict(
        counts.order_by().values("step").annotate(n=Sum("members")).values_list("step", "n")
    )
    histograms: dict[int, dict[int, int]] = {}
    for step, days, n in (
        gaps.order_by()
        .values("step", "days")
        .annotate(n=Sum("members"))
        .values_list("step", "days", "n")
    ):
        histograms.setdefault(step, {})[days] = n
    result = []
    previous: int | None = None
    for info in step_defs.STEPS:
        done = members.get(info.number) or 0
        conversion = None
        if previous:
            conversion = round(done / previous, 4)
        result.append(
            {
                "number": info.number,
                "code": info.code,
                "name": str(info.name),
                "members": done,
                "conversion_from_previous": conversion,
                "median_days_from_previous": (
                    step_defs.median_from_histogram(histograms.get(info.number, {}))
                    if info.number > 1
                    else None
                ),
            }
        )
        previous = done
    return result


# --- The back office (admin lists), scoped like the pages --------------------------------------


def _in_province(field: str, province: str) -> Q:
    return Q(**{field: province}) | Q(**{f"{field}__startswith": province + "."})


def partners_visible_to(actor: Any) -> QuerySet[Partner]:
    """Partners a back-office user manages: all for the national secretariat; a provincial
    one those whose region lies in its province (national partners have no region)."""
    qs = Partner.objects.select_related("region")
    if not access.is_secretariat(actor):
        return qs.none()
    province = access.secretariat_province(actor)
    return qs if province is None else qs.filter(_in_province("region__code", province))


def agreements_visible_to(actor: Any) -> QuerySet[Agreement]:
    """Agreements (MoU) of the partners in ``partners_visible_to``."""
    return Agreement.objects.select_related("partner").filter(
        partner__in=partners_visible_to(actor)
    )


def audit_events_visible_to(actor: Any) -> QuerySet[AuditEvent]:
    """The audit trail a back-office user may read: all of it for the national secretariat;
    for a provincial one, the events about its province's members and communities and those
    its province's people caused (its secretariat users and its communities' coordinators)."""
    events = AuditEvent.objects.all()
    if not access.is_secretariat(actor):
        return events.none()
    province = access.secretariat_province(actor)
    if province is None:
        return events
    from penggerak.accounts.models import User

    communities = communities_visible_to(actor)
    member_keys = members_visible_to(actor).annotate(key=Cast("pk", CharField())).values("key")
    community_keys = communities.annotate(key=Cast("pk", CharField())).values("key")
    people = User.objects.filter(
        Q(province_id=province) | Q(coordinated_communities__in=communities)
    ).values("pk")
    return events.filter(
        Q(object_type="registry.member", object_id__in=member_keys)
        | Q(object_type="registry.community", object_id__in=community_keys)
        | Q(actor__in=people)
    )

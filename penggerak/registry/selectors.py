"""Reads of the registry, always scoped by the actor.

Every page, API endpoint, export and admin list that shows members goes through
``members_visible_to``; "not yours" and "does not exist" both raise ``NotFound``.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from penggerak.accounts.models import Role
from penggerak.core.errors import NotFound
from penggerak.core.identity import normalize_nik, validate_phone
from penggerak.core.models import AuditEvent
from penggerak.core.protection import nik_digest
from penggerak.core.text import search_text
from penggerak.registry.models import Business, Community, Member, Partner


def _is_secretariat(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.is_secretariat)


def communities_visible_to(actor: Any) -> QuerySet[Community]:
    """Communities whose members the actor may see.

    Secretariat: all (or one province); coordinator: the communities they coordinate;
    a member: their own community; partners and visitors: none (they get aggregates elsewhere).
    """
    qs = Community.objects.select_related("regency")
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return qs.none()
    if _is_secretariat(actor):
        if actor.province_id:
            return qs.filter(regency__code__startswith=actor.province_id)
        return qs
    if actor.role == Role.COORDINATOR:
        return qs.filter(coordinators=actor)
    if actor.role == Role.MEMBER:
        return qs.filter(members__user=actor)
    return qs.none()


def community_directory() -> QuerySet[Community]:
    """Active communities anyone may pick from (self-registration, public pages): no members."""
    return Community.objects.filter(status=Community.Status.ACTIVE).select_related("regency")


def community_list(*, actor: Any) -> QuerySet[Community]:
    """Communities listed to a logged-in user: the secretariat and partners see the directory
    of the whole movement, a coordinator or member the ones they belong to."""
    if not getattr(actor, "is_authenticated", False):
        return Community.objects.none()
    if _is_secretariat(actor) or actor.role == Role.PARTNER:
        qs = Community.objects.select_related("regency")
        if _is_secretariat(actor) and actor.province_id:
            qs = qs.filter(regency__code__startswith=actor.province_id)
        return qs
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
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return qs.none()
    if _is_secretariat(actor):
        if actor.province_id:
            return qs.filter(
                community__in=Community.objects.filter(regency__code__startswith=actor.province_id)
            )
        return qs
    if actor.role == Role.COORDINATOR:
        return qs.filter(community__in=Community.objects.filter(coordinators=actor))
    if actor.role == Role.MEMBER:
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

    q = django_filters.CharFilter(method="filter_q", label=_("Cari nama, HP atau NIK"))
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
        """A 16-digit NIK matches exactly (by its keyed hash); a phone number matches in any
        local form; anything else is a name prefix."""
        value = value.strip()
        if not value:
            return queryset
        digits = normalize_nik(value)
        if len(digits) == 16 and digits.isdigit():
            return queryset.filter(nik_digest=nik_digest(digits))
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
        return queryset.filter(
            Q(region_id=code) | Q(region_id__gte=code + ".", region_id__lt=code + ".\uffff")
        )

    def filter_step(self, queryset: QuerySet[Member], name: str, value: Any) -> QuerySet[Member]:
        return queryset.filter(furthest_step__gte=int(value))

    def filter_sector(self, queryset: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        return queryset.filter(Exists(Business.objects.filter(owner=OuterRef("pk"), sector=value)))


def member_list(*, actor: Any, filters: dict | None = None) -> QuerySet[Member]:
    """Members visible to the actor, filtered, newest first, with what a list row shows.

    Raises DomainError via ``MemberFilterSet`` validation when a filter value is malformed.
    """
    filterset = MemberFilterSet(filters or {}, queryset=members_visible_to(actor))
    if not filterset.is_valid():
        from penggerak.core.errors import DomainError

        raise DomainError(
            "invalid_filter",
            _("Filter tidak valid."),
            fields={k: list(v) for k, v in filterset.errors.items()},
        )
    return filterset.qs.select_related("community").order_by("-id")


def member_count(*, actor: Any, filters: dict | None = None) -> int:
    """How many members ``member_list`` would return.

    Unfiltered and community-filtered counts add up the communities' counters instead of
    counting rows, so the figure costs the same at 2,000,000 members as at 300.
    """
    active = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    if set(active) <= {"community"} and (
        _is_secretariat(actor) or getattr(actor, "role", None) == Role.COORDINATOR
    ):
        communities = communities_visible_to(actor)
        if "community" in active:
            communities = communities.filter(slug=active["community"])
        return communities.aggregate(total=Sum("member_count"))["total"] or 0
    return member_list(actor=actor, filters=filters).count()


def partner_list(*, actor: Any) -> QuerySet[Partner]:
    """Partners any logged-in user may browse; partner staff see their own organisation."""
    if not getattr(actor, "is_authenticated", False):
        return Partner.objects.none()
    qs = Partner.objects.select_related("region")
    if actor.role == Role.PARTNER and not _is_secretariat(actor):
        return qs.filter(staff=actor)
    return qs


def partner_get(*, actor: Any, slug: str) -> Partner:
    partner = (
        partner_list(actor=actor)
        .prefetch_related("contacts", "agreements")
        .filter(slug=slug)
        .first()
    )
    if partner is None:
        raise NotFound(_("Mitra tidak ditemukan."))
    return partner

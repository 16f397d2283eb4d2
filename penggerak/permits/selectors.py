"""Reads of permits and checklists, always scoped by the actor.

A business is visible exactly when its owner is (``registry.selectors.members_visible_to``):
the secretariat in scope, the community's coordinators and the owner member. "Not yours" and
"does not exist" both raise ``NotFound``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from penggerak.core.errors import NotFound
from penggerak.permits.models import (
    ChecklistItem,
    ChecklistResponse,
    ChecklistSection,
    ChecklistTemplate,
    Permit,
    PermitKind,
    PermitRequirement,
    PermitStatus,
)
from penggerak.registry.models import Business
from penggerak.registry.selectors import members_visible_to


def businesses_visible_to(actor: Any) -> QuerySet[Business]:
    """Businesses whose owner the actor may see."""
    return Business.objects.filter(owner__in=members_visible_to(actor).values("pk"))


def business_list(*, actor: Any) -> QuerySet[Business]:
    """Visible businesses, newest first (page them by ``id`` keyset)."""
    return businesses_visible_to(actor).select_related("owner").order_by("-id")


def business_get(*, actor: Any, business_id: int) -> Business:
    """One visible business with its owner and community; NotFound otherwise."""
    business = (
        businesses_visible_to(actor)
        .select_related("owner", "owner__community")
        .filter(pk=business_id)
        .first()
    )
    if business is None:
        raise NotFound(_("Usaha tidak ditemukan."))
    return business


def member_businesses(*, actor: Any) -> list[Business]:
    """The logged-in member's own businesses ("my permits"), with their permits."""
    return list(
        Business.objects.filter(owner__user=actor, owner__user__isnull=False)
        .select_related("owner")
        .prefetch_related(Prefetch("permits", queryset=Permit.objects.order_by("kind", "-id")))
        .order_by("name", "id")[:50]
    )


def permit_list(
    *,
    actor: Any,
    business_id: int | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> QuerySet[Permit]:
    """Visible permits, newest first, optionally for one business, kind or status."""
    permits = Permit.objects.filter(business__in=businesses_visible_to(actor).values("pk"))
    if business_id is not None:
        permits = permits.filter(business_id=business_id)
    if kind:
        permits = permits.filter(kind=kind)
    if status:
        permits = permits.filter(status=status)
    return permits.select_related("business").order_by("-id")


def permit_get(*, actor: Any, permit_id: int) -> Permit:
    """One visible permit with its business; NotFound otherwise."""
    permit = permit_list(actor=actor).select_related("business__owner").filter(pk=permit_id).first()
    if permit is None:
        raise NotFound(_("Izin tidak ditemukan."))
    return permit


_STATUS_RANK: dict[str, int] = {
    PermitStatus.ISSUED: 0,
    PermitStatus.SUBMITTED: 1,
    PermitStatus.PLANNED: 2,
    PermitStatus.REJECTED: 3,
    PermitStatus.EXPIRED: 4,
}


def permit_requirements(business: Business, permits: list[Permit] | None = None) -> list[dict]:
    """What the business needs by its sector, next to what it holds.

    One row per required or recommended kind: ``held`` is true when an issued permit of that
    kind exists; ``permit`` is the best one it has (issued, then submitted, planned...).
    Pass a business obtained through ``business_get``.
    """
    if permits is None:
        permits = list(business.permits.all())
    best: dict[str, Permit] = {}
    for permit in permits:
        current: Permit | None = best.get(permit.kind)
        if current is None or _STATUS_RANK[permit.status] < _STATUS_RANK[current.status]:
            best[permit.kind] = permit
    labels = dict(PermitKind.choices)
    rows = []
    for requirement in PermitRequirement.objects.filter(sector=business.sector).order_by(
        "-required", "kind"
    ):
        held = best.get(requirement.kind)
        rows.append(
            {
                "kind": requirement.kind,
                "label": str(labels[requirement.kind]),
                "required": requirement.required,
                "note": requirement.note,
                "held": bool(held and held.status == PermitStatus.ISSUED),
                "status": held.status if held else None,
                "permit": held,
            }
        )
    return rows


def checklist_templates() -> QuerySet[ChecklistTemplate]:
    """Active checklist templates with their sections and items (two extra queries)."""
    return ChecklistTemplate.objects.filter(active=True).prefetch_related(
        Prefetch(
            "sections",
            queryset=ChecklistSection.objects.prefetch_related(
                Prefetch("items", queryset=ChecklistItem.objects.order_by("order", "id"))
            ).order_by("order", "id"),
        )
    )


def checklist_template_get(code: str) -> ChecklistTemplate:
    """One active template by code; NotFound otherwise."""
    template = checklist_templates().filter(code=code).first()
    if template is None:
        raise NotFound(_("Daftar periksa tidak ditemukan."))
    return template


def checklist_history(
    *, business: Business, template: ChecklistTemplate, limit: int = 50
) -> list[ChecklistResponse]:
    """The latest responses of a business to a template, newest first (pass a business from
    ``business_get``)."""
    return list(
        ChecklistResponse.objects.filter(business=business, template=template)
        .select_related("filled_by")
        .order_by("-id")[:limit]
    )


def checklist_latest(*, business: Business) -> dict[int, ChecklistResponse]:
    """The newest response per template for one business."""
    latest: dict[int, ChecklistResponse] = {}
    for response in ChecklistResponse.objects.filter(business=business).order_by("-id")[:200]:
        latest.setdefault(response.template_id, response)
    return latest

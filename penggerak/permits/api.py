"""Permits and checklists over JSON: the same selectors and services as the pages.

Every business and permit is found through ``permits.selectors`` (scoped by the token's
user), so "not yours" is a 404 here exactly as on the pages.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Status

from penggerak.core.api import SLUG, PageParams, errors, page_of
from penggerak.core.errors import DomainError
from penggerak.permits import selectors, services
from penggerak.permits.schemas import (
    ChecklistOut,
    ChecklistResponseIn,
    ChecklistResponseOut,
    Id,
    PermitFilters,
    PermitIn,
    PermitOut,
    PermitPage,
    PermitPatch,
    RequirementsOut,
    RequirementsParams,
)

READ = errors(401, 404, 422)
WRITE = errors(400, 401, 403, 404, 422)

router = Router(tags=["perizinan"])


class BusinessNotFound(DomainError):
    """A business named in a body that the actor may not see: 404, like a URL."""

    status_code = 404

    def __init__(self) -> None:
        message = _("Usaha tidak ditemukan.")
        super().__init__("not_found", message, fields={"business_id": [message]})


def _business(actor, business_id: int):
    try:
        return selectors.business_get(actor=actor, business_id=business_id)
    except DomainError:
        raise BusinessNotFound() from None


@router.get("", response={200: PermitPage, **errors(401, 422)})
def list_permits(request, filters: Query[PermitFilters], paging: Query[PageParams]):
    """Permits of the businesses the user may see, newest first; `count` counts every match."""
    permits = selectors.permit_list(actor=request.auth, **filters.model_dump(exclude_none=True))
    return {"items": page_of(permits, paging), "count": permits.count()}


@router.post("", response={201: PermitOut, **WRITE})
def create_permit(request, payload: PermitIn):
    """Record a permit (planned, submitted or already issued) of a business. The number is
    checked against its kind's format (NIB 13 digits, P-IRT 15 digits, halal BPJPH
    "ID"+17 digits, BPOM MD/ML+12 digits or NA+11); an issued permit completes the licensing
    step when the rule asks for it (NIB by default) and sets the business's NIB."""
    data = payload.model_dump(exclude_unset=True)
    data.setdefault("status", "planned")
    business = _business(request.auth, data.pop("business_id"))
    return Status(201, services.permit_create(actor=request.auth, business=business, **data))


@router.get("/requirements", response={200: RequirementsOut, **READ})
def get_requirements(request, params: Query[RequirementsParams]):
    """The permits a business needs by its sector, what it holds, and what is missing."""
    business = selectors.business_get(actor=request.auth, business_id=params.business_id)
    rows = selectors.permit_requirements(business)
    return {
        "business_id": business.pk,
        "sector": business.sector,
        "items": [
            {**row, "permit_id": row["permit"].pk if row["permit"] else None} for row in rows
        ],
        "missing": [row["kind"] for row in rows if row["required"] and not row["held"]],
    }


@router.get("/checklists", response={200: list[ChecklistOut], **errors(401, 422)})
def list_checklists(request):
    """The active checklist templates with their sections, items, weights and thresholds."""
    return list(selectors.checklist_templates())


@router.post("/checklists/{code}/responses", response={201: ChecklistResponseOut, **WRITE})
def submit_checklist(
    request, payload: ChecklistResponseIn, code: str = Path(..., pattern=SLUG, max_length=40)
):
    """Fill in a checklist for a business: every item answered. Returns the score (weighted,
    percent), the result (ready / almost / not_ready by the template's thresholds) and the
    items still to fix. Every response is kept as history."""
    template = selectors.checklist_template_get(code)
    business = _business(request.auth, payload.business_id)
    response = services.checklist_response_submit(
        actor=request.auth, business=business, template=template, answers=payload.answers
    )
    return Status(201, response)


@router.get("/{id}", response={200: PermitOut, **READ})
def get_permit(request, id: Id):
    """One permit; 404 when it does not exist or the user may not see it."""
    return selectors.permit_get(actor=request.auth, permit_id=id)


@router.patch("/{id}", response={200: PermitOut, **WRITE})
def update_permit(request, id: Id, payload: PermitPatch):
    """Change a permit's status (only along the allowed transitions: an illegal jump is a
    422 `invalid_transition`) or its details."""
    permit = selectors.permit_get(actor=request.auth, permit_id=id)
    return services.permit_update(
        actor=request.auth, permit=permit, **payload.model_dump(exclude_unset=True)
    )

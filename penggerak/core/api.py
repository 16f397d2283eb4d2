"""Public region lookups for the JSON API, plus the pieces every app's API shares.

The shared pieces (error shape, paging, field types) live here because core is the bottom
layer: every app's ``api.py`` may import them without turning the dependency arrows around.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from penggerak.core.errors import NotFound
from penggerak.core.models import Region, RegionLevel
from penggerak.core.regiondata import search_key

# PostgreSQL rejects NUL inside text, so it must fail validation (422) instead of the
# database (500); SQLite would store it silently and the two backends would disagree.
NO_NUL = r"^[^\x00]*$"
SLUG = r"^[-a-zA-Z0-9_]+$"
REGION_CODE = r"^[0-9.]{1,13}$"
PROVINCE_CODE = r"^[0-9]{2}$"
# Far beyond 2,000,000 rows at any page size, yet small enough that OFFSET stays a 64-bit
# integer on every backend.
MAX_PAGE = 10_000_000
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def _without_null(schema: dict[str, Any]) -> None:
    # Left out means "not given" and null is refused, so the published schema shows the
    # plain type with no "default": null that contradicts it.
    schema.pop("default", None)
    any_of = schema.pop("anyOf", None)
    if any_of:
        schema.update(next(s for s in any_of if s.get("type") != "null"))


def optional(**constraints: Any) -> Any:
    """A field that may be left out but, when present, must be a real value.

    Annotate it with the plain type (``str = optional()``): pydantic does not validate the
    None default, and an explicit null fails as the wrong type.
    """
    return Field(None, json_schema_extra=_without_null, **constraints)


def text(*, max_length: int, **constraints: Any) -> dict[str, Any]:
    """Constraints for free text: bounded like its model column, no NUL characters."""
    return {"max_length": max_length, "pattern": NO_NUL, **constraints}


def choice(values: list[str]) -> Any:
    """A Literal type of a model's choices, so the schema lists the allowed values."""
    return Literal[tuple(values)]


def _iso_date_only(value: Any) -> Any:
    # JSON has no date type: accept the ISO string only. Pydantic alone would also take a
    # number as a Unix timestamp, and a typo would become a birth date in 1970.
    if isinstance(value, str) or (
        isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    ):
        return value
    raise PydanticCustomError("date_type", "Input should be a valid date")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]


class ErrorOut(Schema):
    """Every error the API returns: a stable code, a message in the request's language and
    the messages per field (empty when the error is not about one field)."""

    code: str
    message: str
    fields: dict[str, list[str]]


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Response declarations for the error statuses an endpoint can return."""
    return dict.fromkeys(statuses, ErrorOut)


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Halaman, mulai dari 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Baris per halaman, paling banyak {MAX_PAGE_SIZE}.",
    )


def page_of(queryset: QuerySet, paging: PageParams) -> list:
    """One page of an ordered queryset, fetched in a single query."""
    start = (paging.page - 1) * paging.page_size
    return list(queryset[start : start + paging.page_size])


# --- Regions -----------------------------------------------------------------------------

LEVELS: dict[str, int] = {
    "province": RegionLevel.PROVINCE,
    "regency": RegionLevel.REGENCY,
    "district": RegionLevel.DISTRICT,
    "village": RegionLevel.VILLAGE,
}
LEVEL_NAMES = {number: name for name, number in LEVELS.items()}
LevelName = Literal["province", "regency", "district", "village"]


class RegionOut(Schema):
    code: str
    name: str
    level: LevelName
    parent: str | None
    postal_code: str
    is_current: bool
    successor: str | None

    @staticmethod
    def resolve_level(obj: Region) -> str:
        return LEVEL_NAMES[obj.level]

    @staticmethod
    def resolve_parent(obj: Region) -> str | None:
        return obj.parent_id

    @staticmethod
    def resolve_successor(obj: Region) -> str | None:
        return obj.successor_id


class RegionPage(Schema):
    items: list[RegionOut]
    count: int


class RegionFilters(Schema):
    level: LevelName = optional(description="Tingkat wilayah.")
    parent: str = optional(pattern=REGION_CODE, description="Kode wilayah induk.")
    q: str = optional(
        description='Nama wilayah; "Kab. Tasikmalaya" dan "tasikmalaya" sama-sama cocok.',
        **text(max_length=100),
    )
    include_former: bool = Field(False, description="Sertakan kode lama (mis. Papua pra-2022).")


def region_search(filters: RegionFilters) -> QuerySet[Region]:
    """Regions matching the filters, broadest level first; former codes only on request."""
    regions = Region.objects.order_by("level", "code")
    if not filters.include_former:
        regions = regions.filter(is_current=True)
    if filters.level:
        regions = regions.filter(level=LEVELS[filters.level])
    if filters.parent:
        regions = regions.filter(parent_id=filters.parent)
    if filters.q and filters.q.strip():
        key = search_key(filters.q)
        # search_name holds the same key, so a substring test forgives "KAB."/"Kota"
        # prefixes, case and spacing. A query with nothing searchable in it matches nothing.
        regions = regions.filter(search_name__contains=key) if key else regions.none()
    return regions


router = Router(tags=["wilayah"])


@router.get("", response={200: RegionPage, **errors(422)}, auth=None)
def list_regions(request, filters: Query[RegionFilters], paging: Query[PageParams]):
    """Kemendagri regions (Kepmendagri 300.2.2-2138/2025): provinces, regencies/cities,
    districts and villages. Public, no token needed. Current codes only unless
    `include_former=true`; `count` counts every match."""
    regions = region_search(filters)
    return {"items": page_of(regions, paging), "count": regions.count()}


@router.get("/{code}", response={200: RegionOut, **errors(404, 422)}, auth=None)
def get_region(request, code: str = Path(..., pattern=REGION_CODE)):
    """One region by its dotted code ("32.73.01"), current or former."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise NotFound(_("Wilayah tidak ditemukan."))
    return region

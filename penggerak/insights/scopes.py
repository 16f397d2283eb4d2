"""Scopes as people type them (``nation``, ``province:31``, ``regency:31.71``,
``community:SLUG``) and as the rollups key them (``community:<id>``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from penggerak.core.errors import DomainError, NotFound
from penggerak.core.models import Region, RegionLevel
from penggerak.registry.models import Community

INVALID_SCOPE = _(
    'Cakupan tidak dikenal: gunakan "nation", "province:KODE", "regency:KODE" atau '
    '"community:SLUG".'
)


@dataclass(frozen=True)
class Scope:
    kind: str  # nation, province, regency, community
    code: str  # "" for the nation, region code, or community slug
    name: str
    rollup_key: str
    community_id: int | None = None
    province_code: str = ""

    @property
    def key(self) -> str:
        return "nation" if self.kind == "nation" else f"{self.kind}:{self.code}"


def parse_scope(raw: str | None) -> Scope:
    """Resolve a scope; DomainError ``invalid_scope`` when malformed, NotFound when the
    province, regency or community does not exist."""
    kind, _sep, value = (raw or "nation").strip().partition(":")
    value = value.strip()
    if kind == "nation" and not value:
        return Scope("nation", "", str(_("Nasional")), "nation")
    if kind in ("province", "regency") and value:
        level = RegionLevel.PROVINCE if kind == "province" else RegionLevel.REGENCY
        region = Region.objects.filter(code=value, level=level).first()
        if region is None:
            raise NotFound(
                _("Provinsi tidak ditemukan.")
                if kind == "province"
                else _("Kabupaten/kota tidak ditemukan.")
            )
        return Scope(kind, region.code, region.name, f"{kind}:{region.code}",
                     province_code=region.code[:2])  # fmt: skip
    if kind == "community" and value:
        community = Community.objects.filter(slug=value).values_list("pk", "name", "regency_id")
        found = community.first()
        if found is None:
            raise NotFound(_("Komunitas tidak ditemukan."))
        pk, name, regency = found
        return Scope("community", value, name, f"community:{pk}", pk, regency[:2])
    raise DomainError("invalid_scope", INVALID_SCOPE, fields={"scope": [INVALID_SCOPE]})


def child_scopes(parent: Scope) -> list[Scope]:
    """Where a target of ``parent`` cascades: nation -> current provinces; a province or a
    regency -> its communities; a community has none."""
    if parent.kind == "nation":
        return [
            Scope("province", code, name, f"province:{code}", province_code=code)
            for code, name in Region.objects.filter(level=RegionLevel.PROVINCE, is_current=True)
            .order_by("code")
            .values_list("code", "name")
        ]
    if parent.kind in ("province", "regency"):
        prefix = f"{parent.code}." if parent.kind == "province" else parent.code
        communities = Community.objects.order_by("slug")
        if parent.kind == "province":
            communities = communities.filter(regency__code__startswith=prefix)
        else:
            communities = communities.filter(regency_id=parent.code)
        return [
            Scope("community", slug, name, f"community:{pk}", pk, regency[:2])
            for pk, slug, name, regency in communities.values_list(
                "pk", "slug", "name", "regency_id"
            )
        ]
    return []

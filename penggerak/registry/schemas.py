"""Request and response shapes of the registry API (members, communities, partners)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool

from penggerak.core.api import (
    PROVINCE_CODE,
    REGION_CODE,
    SLUG,
    IsoDate,
    choice,
    optional,
    text,
)
from penggerak.registry.models import Business, Community, Member, MemberStep, Partner
from penggerak.registry.steps import STEP_CODES

MemberStatus = choice(Member.Status.values)
CommunityStatus = choice(Community.Status.values)
PartnerKind = choice(Partner.Kind.values)
Sector = choice(Business.Sector.values)
Sex = choice(Member.Sex.values)
# What a community's slug looks like when the API creates one: what slugify() keeps.
NEW_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class _Input(Schema):
    # An unknown field is a mistake worth reporting (e.g. "nik" in a PATCH), not ignoring.
    model_config = ConfigDict(extra="forbid")


# --- Communities -------------------------------------------------------------------------


class RegionRef(Schema):
    code: str
    name: str


class CommunityRef(Schema):
    id: int
    slug: str
    name: str


class CommunityOut(Schema):
    id: int
    slug: str
    name: str
    regency: RegionRef
    status: CommunityStatus
    member_count: int
    founded_on: dt.date | None


class CommunityPage(Schema):
    items: list[CommunityOut]
    count: int


class CommunityFilters(Schema):
    q: str = optional(description="Bagian dari nama komunitas.", **text(max_length=100))
    province: str = optional(pattern=PROVINCE_CODE, description="Kode provinsi (2 digit).")


class CommunityIn(_Input):
    name: str = Field(..., **text(max_length=150))
    regency: str = Field(..., pattern=REGION_CODE, description="Kode kabupaten/kota, mis. 32.73.")
    slug: str = optional(
        pattern=NEW_SLUG, max_length=80, description="Dibuat dari nama bila kosong."
    )
    founded_on: IsoDate | None = None
    status: CommunityStatus = Community.Status.ACTIVE.value


# --- Members -----------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    community: CommunityRef
    full_name: str
    nik_masked: str = Field(
        ...,
        description="NIK tersamar: hanya empat digit terakhir (************0001); NIK lengkap "
        "tidak pernah dikirim.",
    )
    birth_year: int = Field(
        ...,
        description="Tahun lahir. Tanggal lahir lengkap tidak dikirim: bersama wilayah dan "
        "empat digit terakhir, tanggal itu membuka kembali NIK tersamar.",
    )
    sex: Sex
    phone: str
    email: str
    village: str | None = Field(..., description="Kode desa/kelurahan.")
    region: str = Field(..., description="Wilayah paling rinci yang diketahui (kode).")
    joined_on: dt.date
    status: MemberStatus
    furthest_step: int
    consent_given_at: dt.datetime | None

    @staticmethod
    def resolve_birth_year(obj: Member) -> int:
        return obj.birth_date.year

    @staticmethod
    def resolve_village(obj: Member) -> str | None:
        return obj.village_id

    @staticmethod
    def resolve_region(obj: Member) -> str:
        return obj.region_id


class MemberDetailOut(MemberOut):
    address: str
    consent_purpose: str
    consent_text_version: str
    created_at: dt.datetime
    updated_at: dt.datetime


class MemberPage(Schema):
    items: list[MemberOut]
    count: int


class MemberFilters(Schema):
    """The query of the member page; registry.selectors.MemberFilterSet applies it."""

    community: str = optional(pattern=SLUG, max_length=80, description="Slug komunitas.")
    province: str = optional(pattern=PROVINCE_CODE, description="Kode provinsi.")
    region: str = optional(
        pattern=REGION_CODE, description="Kode wilayah; mencakup semua wilayah di bawahnya."
    )
    q: str = optional(
        description="Awal nama, atau nomor HP dalam format apa pun. NIK tidak boleh ada di "
        "URL (422 `nik_in_query`): cari NIK dengan `POST /api/v1/members/search-nik`.",
        **text(max_length=100),
    )
    step: int = optional(ge=0, le=7, description="Sudah menyelesaikan tahap ini (1-7).")
    sector: Sector = optional(description="Memiliki usaha di sektor ini.")
    status: MemberStatus = optional()


class MemberIn(_Input):
    community: str = Field(..., pattern=SLUG, max_length=80, description="Slug komunitas.")
    nik: str = Field(..., description="16 digit; pemisah boleh.", **text(max_length=32))
    full_name: str = Field(..., **text(max_length=150))
    birth_date: IsoDate | None = Field(None, description="Bawaan: tanggal dari NIK.")
    sex: Sex | None = Field(None, description="L atau P; bawaan: dari NIK.")
    phone: str = Field("", **text(max_length=32))
    email: str = Field("", **text(max_length=254))
    village: str | None = Field(None, pattern=REGION_CODE, description="Kode desa/kelurahan.")
    address: str = Field("", **text(max_length=300))
    joined_on: IsoDate | None = Field(None, description="Bawaan: hari ini.")
    consent: StrictBool = Field(False, description="Persetujuan pemrosesan data (UU PDP).")


class NikSearchIn(_Input):
    nik: str = Field(
        ..., description="NIK lengkap, 16 digit; pemisah boleh.", **text(max_length=32)
    )


class MemberPatch(_Input):
    full_name: str = optional(**text(max_length=150))
    phone: str = optional(description="Kosongkan untuk menghapus.", **text(max_length=32))
    email: str = optional(description="Kosongkan untuk menghapus.", **text(max_length=254))
    village: str | None = Field(
        None, pattern=REGION_CODE, description="Kode desa/kelurahan; null untuk menghapus."
    )
    address: str = optional(**text(max_length=300))
    status: MemberStatus = optional()


class TransferIn(_Input):
    community: str = Field(..., pattern=SLUG, max_length=80, description="Slug komunitas tujuan.")
    reason: str = Field(..., **text(max_length=500))


# --- Partners ----------------------------------------------------------------------------


class PartnerOut(Schema):
    id: int
    slug: str
    name: str
    kind: PartnerKind
    region: str | None
    website: str

    @staticmethod
    def resolve_region(obj: Partner) -> str | None:
        return obj.region_id


class PartnerContactOut(Schema):
    id: int
    name: str
    position: str
    phone: str
    email: str


class AgreementOut(Schema):
    id: int
    number: str
    title: str
    signed_on: dt.date
    starts_on: dt.date
    ends_on: dt.date | None
    scope: str


class PartnerDetailOut(PartnerOut):
    contacts: list[PartnerContactOut]
    agreements: list[AgreementOut]

    @staticmethod
    def resolve_contacts(obj: Partner) -> list:
        return list(obj.contacts.all())

    @staticmethod
    def resolve_agreements(obj: Partner) -> list:
        return list(obj.agreements.all())


class PartnerPage(Schema):
    items: list[PartnerOut]
    count: int


class PartnerFilters(Schema):
    kind: PartnerKind = optional(description="Jenis mitra.")


# --- The seven steps ---------------------------------------------------------------------

StepCode = choice(STEP_CODES)
StepStatus = choice(MemberStep.Status.values)


class EvidenceOut(Schema):
    kind: str
    id: str = ""
    label: str = ""


class JourneyStepOut(Schema):
    number: int
    code: StepCode
    name: str
    status: StepStatus
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    source: str | None
    evidence: EvidenceOut | None
    note: str


class JourneyOut(Schema):
    steps: list[JourneyStepOut]


class StepMarkIn(_Input):
    status: StepStatus
    note: str = Field(..., **text(max_length=500, min_length=1))


class FunnelStepOut(Schema):
    number: int
    code: StepCode
    name: str
    members: int
    conversion_from_previous: float | None
    median_days_from_previous: int | None


class FunnelOut(Schema):
    scope: str
    steps: list[FunnelStepOut]


class FunnelParams(Schema):
    scope: str = Field(
        "nation",
        max_length=100,
        pattern=r"^[-a-zA-Z0-9_.:]+$",
        description='"nation", "province:KODE", "regency:KODE" atau "community:SLUG".',
    )

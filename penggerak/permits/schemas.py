"""Request and response shapes of the permits API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict, StringConstraints

from penggerak.core.api import NO_NUL, IsoDate, choice, optional, text
from penggerak.permits.models import ChecklistResponse, Permit, PermitKind, PermitStatus

Kind = choice(PermitKind.values)
Status = choice(PermitStatus.values)
HalalRoute = choice(["", *Permit.HalalRoute.values])
Result = choice(ChecklistResponse.Result.values)
# The largest primary key both SQLite and PostgreSQL (bigint) can hold.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class PermitOut(Schema):
    id: int
    business_id: int
    kind: Kind
    status: Status
    number: str
    halal_route: HalalRoute
    issuer: str
    submitted_on: dt.date | None
    issued_on: dt.date | None
    expires_on: dt.date | None
    note: str
    has_document: bool
    updated_at: dt.datetime

    @staticmethod
    def resolve_has_document(obj: Permit) -> bool:
        return bool(obj.document)


class PermitPage(Schema):
    items: list[PermitOut]
    count: int


class PermitFilters(Schema):
    business_id: Id = optional(description="Hanya izin usaha ini.")
    kind: Kind = optional(description="Jenis izin.")
    status: Status = optional(description="Status izin.")


class _PermitFields(_Input):
    number: str = optional(description="Nomor izin; wajib bila terbit.", **text(max_length=60))
    halal_route: HalalRoute = optional(description="Jalur halal (hanya sertifikat halal).")
    issuer: str = optional(**text(max_length=150))
    submitted_on: IsoDate = optional()
    issued_on: IsoDate = optional()
    expires_on: IsoDate = optional()
    note: str = optional(**text(max_length=500))


class PermitIn(_PermitFields):
    business_id: Id
    kind: Kind
    status: Status = Field("planned", description="planned, submitted atau issued.")


class PermitPatch(_PermitFields):
    status: Status = optional(
        description="planned→submitted/issued, submitted→issued/rejected, issued→expired, "
        "rejected/expired→submitted."
    )


class RequirementsParams(Schema):
    business_id: Id


class RequirementOut(Schema):
    kind: Kind
    label: str
    required: bool
    note: str
    held: bool
    status: Status | None
    permit_id: int | None


class RequirementsOut(Schema):
    business_id: int
    sector: str
    items: list[RequirementOut]
    missing: list[Kind]


class ChecklistItemOut(Schema):
    code: str
    text: str
    weight: int
    answer_type: choice(["ynp", "score"])


class ChecklistSectionOut(Schema):
    title: str
    items: list[ChecklistItemOut]


class ChecklistOut(Schema):
    code: str
    title: str
    description: str
    ready_threshold: int
    almost_threshold: int
    sections: list[ChecklistSectionOut]


AnswerKey = Annotated[str, StringConstraints(max_length=40, pattern=NO_NUL)]
AnswerText = Annotated[str, StringConstraints(max_length=20, pattern=NO_NUL)]
AnswerValue = Annotated[int, Field(ge=-1000, le=1000)] | AnswerText


class ChecklistResponseIn(_Input):
    business_id: Id
    answers: dict[AnswerKey, AnswerValue] = Field(
        ...,
        max_length=200,
        description='Kode butir → "yes", "partial", "no" (ya/sebagian/tidak) atau skor 0-4.',
    )


class ToFixOut(Schema):
    code: str
    section: str
    text: str
    weight: int


class ChecklistResponseOut(Schema):
    id: int
    checklist: str
    business_id: int
    score: float
    result: Result
    to_fix: list[ToFixOut]
    created_at: dt.datetime

    @staticmethod
    def resolve_checklist(obj: ChecklistResponse) -> str:
        return obj.template.code

"""Communities import: one ``community_create`` per row, with the coordinator's login.

Communities are few (hundreds), so each row goes through the registry service in its own
transaction; a re-run skips rows whose code (slug) already exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.text import slugify

from penggerak.accounts.services import coordinator_invite
from penggerak.core.errors import DomainError
from penggerak.core.identity import validate_email, validate_phone
from penggerak.core.regiondata import match_region
from penggerak.imports import cells as rescue
from penggerak.imports.headers import COMMUNITY_HEADERS, build_lookup, is_blank, map_headers
from penggerak.imports.members import HEADER_SEARCH_ROWS, NoHeaderRow, SheetsLeftOut, Summary
from penggerak.imports.readers import Row, read_rows
from penggerak.imports.report import Problem, ReportWriter, message
from penggerak.registry.models import Community
from penggerak.registry.services import community_add_coordinator, community_create

_LABELS = {
    "name": "Nama Komunitas",
    "slug": "Kode",
    "regency": "Kabupaten/Kota",
    "founded": "Tanggal Berdiri",
    "coordinator": "Koordinator",
    "coordinator_phone": "HP Koordinator",
    "coordinator_email": "Email Koordinator",
}


def import_communities(
    path: str | Path,
    report_path: str | Path,
    *,
    actor: Any,
    dry_run: bool = False,
    header_map: dict[str, str] | None = None,
    announce: Callable[[str], None] = print,
    on_invite: Callable[[str, str, str], None] | None = None,
    on_row: Callable[[Summary], None] | None = None,
) -> Summary:
    """Create the file's communities; ``actor`` must be secretariat (community_create checks)."""
    with translation.override("id"):
        return _import(
            Path(path),
            Path(report_path),
            actor,
            dry_run,
            header_map or {},
            announce,
            on_invite,
            on_row,
        )


def _import(path, report_path, actor, dry_run, overrides, announce, on_invite, on_row) -> Summary:
    left_out = SheetsLeftOut(lambda sheet: _find_header(sheet, overrides))
    rows = read_rows(path, later=left_out)
    found = _find_header(rows, overrides)
    if found is None:
        raise NoHeaderRow(
            "Baris judul kolom tidak ditemukan: perlu kolom Nama Komunitas dan Kabupaten/Kota. "
            "/ No header row found: the name and regency columns are required."
        )
    _, mapping = found
    summary = Summary(report=str(report_path))
    report = ReportWriter(report_path)
    try:
        for number, cells in rows:
            if is_blank(cells):
                continue
            values = {name: cells[i] for i, name in mapping.items() if i < len(cells)}
            name = " ".join(rescue.cell_text(values.get("name")).split())
            if not name:
                continue
            if name.lower() in COMMUNITY_HEADERS["name"]:
                continue  # a repeated header row
            summary.rows += 1
            problems: list[Problem] = []
            outcome = _one(number, values, name, actor, dry_run, problems, announce, on_invite)
            if outcome == "refused":
                summary.refused += 1
            elif outcome == "created":
                summary.created += 1
            else:
                summary.unchanged += 1
            report.write(problems)
            if on_row:
                on_row(summary)
        report.write(left_out.problems)
    finally:
        report.close()
    summary.warnings = report.warnings
    summary.kinds = report.kinds()
    return summary


def _find_header(rows: Iterator[Row], overrides: dict[str, str]) -> tuple[int, dict] | None:
    """The first row (of the first 30) naming the name and regency columns."""
    lookup = build_lookup(COMMUNITY_HEADERS)
    for number, cells in rows:
        mapping = map_headers(cells, lookup, overrides)
        if {"name", "regency"} <= set(mapping.values()):
            return number, mapping
        if number >= HEADER_SEARCH_ROWS:
            break
    return None


def _one(number, values, name, actor, dry_run, problems, announce, on_invite) -> str:
    def add(column, severity, code, text):
        value = rescue.cell_text(values.get(column))
        problems.append(Problem(number, _LABELS[column], value, severity, code, text))

    slug = slugify(rescue.cell_text(values.get("slug")))
    if slug and Community.objects.filter(slug=slug).exists():
        add("slug", "warning", "community_exists", message("community_exists"))
        return "unchanged"
    regency_text = rescue.cell_text(values.get("regency"))
    if not regency_text:
        add("regency", "error", "regency_missing", message("regency_missing"))
        return "refused"
    match = match_region(regency_text, level=2)
    if match.status == "ambiguous":
        names = ", ".join(f"{c.name} ({c.code})" for c in match.candidates)
        add("regency", "error", "regency_ambiguous", message("regency_ambiguous", candidates=names))
        return "refused"
    if match.status != "found" or match.region is None:
        add("regency", "error", "regency_not_found", message("regency_not_found"))
        return "refused"
    founded, problem = rescue.parse_date(values.get("founded"))
    if problem:
        add("founded", "warning", problem, message(problem))
    phone = ""
    phone_raw = rescue.parse_phone_text(values.get("coordinator_phone"))
    if phone_raw:
        result = validate_phone(phone_raw)
        if result.valid:
            phone = result.normalized or ""
        else:
            text = message("phone_invalid_kept_empty", message=result.errors[0].message)
            add("coordinator_phone", "warning", result.errors[0].code, text)
    email = ""
    email_raw = rescue.cell_text(values.get("coordinator_email"))
    if email_raw:
        result = validate_email(email_raw)
        if result.valid:
            email = result.normalized or ""
        else:
            text = message("email_invalid_kept_empty", message=result.errors[0].message)
            add("coordinator_email", "warning", result.errors[0].code, text)
    coordinator = " ".join(rescue.cell_text(values.get("coordinator")).split())
    try:
        with transaction.atomic():
            community = community_create(
                actor=actor,
                name=name,
                regency_code=match.region.code,
                slug=slug,
                founded_on=founded,
            )
            if coordinator or phone or email:
                username = f"koord-{community.slug}"[:150]
                user, link = coordinator_invite(
                    actor=actor, username=username, full_name=coordinator, email=email, phone=phone
                )
                community_add_coordinator(actor=actor, community=community, user=user)
                if not dry_run and link:
                    announce(f"{community.slug}: undangan koordinator {username}: {link}")
                    if on_invite:
                        on_invite(community.slug, username, link)
            if dry_run:
                transaction.set_rollback(True)
    except DomainError as error:
        fields = error.fields or {"name": [error.message]}
        for field, messages in fields.items():
            column = {"regency": "regency", "slug": "slug"}.get(field, "name")
            for text in messages:
                add(column, "error", error.code, str(text))
        return "refused"
    return "created"

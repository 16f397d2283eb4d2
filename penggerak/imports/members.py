"""Members import: read -> locate header -> rescue -> validate -> decide -> upsert -> report.

Rows stream through in batches; each batch is decided and written in one transaction (existing
members fetched by ``nik_digest IN (...)``, new ones inserted with one executemany or COPY,
filled ones updated, ``member_count``, step 1 counters and audit in the same transaction), so a
crash loses nothing already committed and a re-run completes the rest with every member exactly
once. The unique ``nik_digest`` index is the final guard: a batch that loses a race with a
concurrent import is rolled back and decided again against what is now in the database.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.db.models import F
from django.utils import timezone, translation

from penggerak.core.identity import (
    phone_e164_fast,
    validate_email,
    validate_nik,
    validate_phone,
)
from penggerak.core.models import AuditEvent
from penggerak.core.protection import nik_digest, nik_encrypt_many, nik_mask
from penggerak.core.regiondata import match_region
from penggerak.core.text import search_text
from penggerak.imports import cells as rescue
from penggerak.imports.digests import DigestSet, nik_key
from penggerak.imports.headers import MEMBER_HEADERS, build_lookup, is_blank, map_headers
from penggerak.imports.readers import UnreadableFile, read_rows
from penggerak.imports.report import Problem, ReportWriter, message
from penggerak.insights.rollups import rollups_refresh_communities
from penggerak.registry.models import Community, Member, MemberStep, StepCount
from penggerak.registry.services import CONSENT_PURPOSE, CONSENT_TEXT_VERSION

BATCH_SIZE = 5000
HEADER_SEARCH_ROWS = 30
# Test hook only: crash (os._exit) after this many committed batches, to prove re-runs.
CRASH_AFTER_ENV = "PENGGERAK_IMPORT_TEST_CRASH_AFTER_BATCHES"
_MISMATCH = frozenset({"nik_birth_date_mismatch", "nik_sex_mismatch"})
_FILLABLE = ("full_name", "phone", "email", "village_id", "address")
_LABELS = {
    "full_name": "Nama",
    "nik": "NIK",
    "phone": "No HP",
    "email": "Email",
    "birth_date": "Tanggal lahir",
    "sex": "Jenis kelamin",
    "village": "Desa/Kelurahan",
    "address": "Alamat",
    "joined_on": "Tanggal bergabung",
    "community": "Komunitas",
}


@dataclass
class ImportOptions:
    community: Community | None = None
    dry_run: bool = False
    overwrite: bool = False
    actor: Any = None
    consent: bool = False
    header_map: dict[str, str] = field(default_factory=dict)
    batch_size: int = BATCH_SIZE
    progress: Callable[[str], None] | None = None
    # Called after each committed batch with the running totals (the upload page's progress).
    on_batch: Callable[[Summary], None] | None = None


@dataclass
class Summary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    warnings: int = 0
    report: str = ""

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "refused": self.refused,
            "warnings": self.warnings,
            "report": self.report,
        }


class NoHeaderRow(UnreadableFile):
    pass


@dataclass(slots=True)
class Candidate:
    """A row that passed the per-row rules; the batch decides against the database."""

    row: int
    digest: str
    nik: str
    community: Community
    values: dict
    raw: dict
    warnings: list[Problem]


# --- header -------------------------------------------------------------------------------


def _locate_header(
    rows: Iterator[tuple[int, list]], overrides: dict[str, str]
) -> tuple[dict[int, str], list]:
    """Skip title rows: the header is the first row naming a NIK or name column plus one more."""
    lookup = build_lookup(MEMBER_HEADERS)
    for number, cells in rows:
        mapping = map_headers(cells, lookup, overrides)
        fields = set(mapping.values())
        if len(fields) >= 2 and fields & {"nik", "full_name"}:
            return mapping, cells
        if number >= HEADER_SEARCH_ROWS:
            break
    raise NoHeaderRow(
        "Baris judul kolom (header) tidak ditemukan: perlu kolom NIK atau Nama. / "
        "No header row found: a NIK or name column is required."
    )


# --- per row ------------------------------------------------------------------------------


class RowChecker:
    """Applies the rescue and refusal rules to one row (no database access)."""

    def __init__(self, options: ImportOptions, communities: dict[str, Community | None]):
        self.options = options
        self.communities = communities
        self.seen = DigestSet()

    def _community(self, raw: object) -> Community | str | None:
        if self.options.community is not None:
            return self.options.community
        text = rescue.cell_text(raw)
        if not text:
            return "community_missing"
        if text not in self.communities:
            self.communities[text] = (
                Community.objects.filter(slug=text).first()
                or Community.objects.filter(name__iexact=text).first()
            )
        return self.communities[text] or "community_unknown"

    def check(self, number: int, cells: dict[str, object]) -> tuple[Candidate | None, list]:
        problems: list[Problem] = []

        def add(column: str, severity: str, code: str, text: str) -> None:
            value = rescue.cell_text(cells.get(column))
            problems.append(
                Problem(number, _LABELS.get(column, column), value, severity, code, text)
            )

        def refuse(column: str, code: str, text: str | None = None) -> tuple[None, list]:
            add(column, "error", code, text or message(code))
            return None, problems

        nik_text, nik_problem = rescue.parse_nik(cells.get("nik"))
        if nik_problem:
            return refuse("nik", nik_problem)
        assert nik_text is not None
        full_name = " ".join(rescue.cell_text(cells.get("full_name")).split())

        birth_date, date_problem = rescue.parse_date(cells.get("birth_date"))
        if date_problem:
            add("birth_date", "warning", date_problem, message(date_problem))
        sex, sex_problem = rescue.parse_sex(cells.get("sex"))
        if sex_problem:
            add("sex", "warning", sex_problem, message(sex_problem))

        result = validate_nik(nik_text, birth_date=birth_date, sex=sex)
        structural = [issue for issue in result.errors if issue.code not in _MISMATCH]
        if structural:
            return refuse("nik", structural[0].code, structural[0].message)
        digest = nik_digest(nik_text)
        key = nik_key(digest)
        if key in self.seen:
            return refuse("nik", "nik_duplicate_in_file")
        self.seen.add(key)
        if not full_name:
            return refuse("full_name", "name_missing")
        for issue in result.errors:  # birth date or sex disagrees with the NIK
            column = "birth_date" if issue.code == "nik_birth_date_mismatch" else "sex"
            return refuse(column, issue.code, issue.message)
        for issue in result.warnings:
            add("nik", "warning", issue.code, issue.message)

        community = self._community(cells.get("community"))
        if isinstance(community, str):
            return refuse("community", community, message(community, value=cells.get("community")))
        if community.status == Community.Status.INACTIVE:
            return refuse("community", "community_inactive")

        values: dict[str, Any] = {
            "full_name": full_name,
            "birth_date": birth_date or dt.date.fromisoformat(result.details["birth_date"]),
            "sex": sex or result.details["sex"],
            "phone": "",
            "email": "",
            "village_id": None,
            "address": rescue.cell_text(cells.get("address"))[:300],
            "joined_on": None,
        }
        phone_raw = cells.get("phone")
        if phone_raw is not None and rescue.cell_text(phone_raw):
            phone_text = rescue.parse_phone_text(phone_raw)
            fast = phone_e164_fast(phone_text)
            if fast is not None:
                values["phone"] = fast
            elif (phone := validate_phone(phone_text)).valid:
                values["phone"] = phone.normalized
            else:
                text = message("phone_invalid_kept_empty", message=phone.errors[0].message)
                add("phone", "warning", phone.errors[0].code, text)
        email_raw = rescue.cell_text(cells.get("email"))
        if email_raw:
            email = validate_email(email_raw)
            if email.valid:
                values["email"] = email.normalized[:254]
            else:
                text = message("email_invalid_kept_empty", message=email.errors[0].message)
                add("email", "warning", email.errors[0].code, text)
        village_raw = rescue.cell_text(cells.get("village"))
        if village_raw:
            values["village_id"] = self._village(village_raw, cells, community, add)
        joined_on, joined_problem = rescue.parse_date(cells.get("joined_on"))
        if joined_problem:
            add("joined_on", "warning", joined_problem, message(joined_problem))
        values["joined_on"] = joined_on
        raw = {name: rescue.cell_text(cells.get(name)) for name in ("phone", "email", "village")}
        raw["full_name"] = full_name
        raw["address"] = values["address"]
        warnings = problems
        return Candidate(number, digest, nik_text, community, values, raw, warnings), []

    def _village(self, text: str, cells: dict, community: Community, add: Callable) -> str | None:
        within = community.regency_id
        district = rescue.cell_text(cells.get("district"))
        if district:
            found = match_region(district, level=3, within=within)
            if found.status == "found" and found.region:
                within = found.region.code
        match = match_region(text, level=4, within=within)
        if match.status == "found" and match.region:
            return match.region.code
        if match.status == "ambiguous":
            names = ", ".join(f"{c.name} ({c.code})" for c in match.candidates[:5])
            add(
                "village",
                "warning",
                "village_ambiguous",
                message("village_ambiguous", candidates=names),
            )
        else:
            add("village", "warning", "village_not_found", message("village_not_found"))
        return None


# --- batch write --------------------------------------------------------------------------


class BatchWriter:
    """Decides a batch of candidates against the database and writes it in one transaction."""

    def __init__(self, options: ImportOptions, reason: str):
        self.options = options
        self.reason = reason
        self.now = timezone.now()
        self.today = timezone.localdate()
        fields = [f for f in Member._meta.concrete_fields if not f.primary_key and not f.generated]
        self.fields = fields
        self.columns = [f.column for f in fields]
        self.defaults = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in fields}

    def write(self, batch: list[Candidate]) -> tuple[Counts, list[Problem]]:
        for attempt in range(10):
            try:
                with transaction.atomic():
                    counts, problems = self._write(batch)
                    if self.options.dry_run:
                        transaction.set_rollback(True)
                return counts, problems
            except (IntegrityError, OperationalError):
                # A concurrent import committed some of these NIKs first (or held the write
                # lock too long): decide the batch again against what is there now.
                if attempt == 9:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _write(self, batch: list[Candidate]) -> tuple[Counts, list[Problem]]:
        counts = Counts()
        problems: list[Problem] = []
        # Which NIKs are already there: one plain query (most rows of a big import are new);
        # model instances only for those that are, to merge them.
        known = _existing_digests([c.digest for c in batch])
        existing = {
            m.nik_digest: m
            for m in Member.objects.filter(nik_digest__in=known).only(
                "id",
                "nik_digest",
                "community_id",
                "full_name",
                "phone",
                "email",
                "village_id",
                "region_id",
                "address",
                "consent_given_at",
                "furthest_step",
            )
        }
        new: list[Candidate] = []
        changed: list[Member] = []
        for candidate in batch:
            problems.extend(candidate.warnings)
            member = existing.get(candidate.digest)
            if member is None:
                new.append(candidate)
            elif member.community_id != candidate.community.pk:
                problems.append(
                    Problem(
                        candidate.row,
                        "NIK",
                        candidate.nik,
                        "error",
                        "nik_other_community",
                        message("nik_other_community"),
                    )
                )
                counts.refused += 1
            elif self._merge(member, candidate, problems):
                changed.append(member)
            else:
                counts.unchanged += 1
        created = self._insert(new)
        counts.created = len(created)
        if changed:
            Member.objects.bulk_update(
                changed,
                [
                    "full_name",
                    "search_name",
                    "phone",
                    "email",
                    "village_id",
                    "region_id",
                    "address",
                    "consent_given_at",
                    "consent_purpose",
                    "consent_text_version",
                    "updated_at",
                ],
            )
            counts.updated = len(changed)
        ready = [(pk, community_id) for pk, community_id, done in created if done]
        self._complete_step_one(ready, [m for m in changed if m.furthest_step == 0])
        per_community: dict[int, int] = {}
        for _pk, community_id, _done in created:
            per_community[community_id] = per_community.get(community_id, 0) + 1
        for community_id, added in per_community.items():
            Community.objects.filter(pk=community_id).update(member_count=F("member_count") + added)
        self._audit(AuditEvent.Action.CREATE, [pk for pk, _cid, _done in created])
        self._audit(AuditEvent.Action.UPDATE, [m.pk for m in changed])
        return counts, problems

    def _merge(self, member: Member, candidate: Candidate, problems: list[Problem]) -> bool:
        """Fill blanks; keep (and warn about) different values unless overwriting."""
        filled = False
        for name in _FILLABLE:
            new = candidate.values[name]
            if new in (None, ""):
                continue
            current = getattr(member, name)
            if current in (None, "") or (self.options.overwrite and current != new):
                setattr(member, name, new)
                filled = True
            elif current != new:
                column = "village" if name == "village_id" else name
                problems.append(
                    Problem(
                        candidate.row,
                        _LABELS[column],
                        candidate.raw.get(column, str(new)),
                        "warning",
                        "value_kept",
                        message("value_kept", current=current),
                    )
                )
        if self.options.consent and member.consent_given_at is None:
            member.consent_given_at = self.now
            member.consent_purpose = CONSENT_PURPOSE
            member.consent_text_version = CONSENT_TEXT_VERSION
            filled = True
        if filled:
            member.search_name = search_text(member.full_name)
            member.region_id = member.village_id or member.region_id
            member.updated_at = self.now
        return filled

    def _insert(self, new: list[Candidate]) -> list[tuple[int, int, bool]]:
        """Insert new members; (id, community id, step 1 done) for each.

        Step 1 is done at once when consent is given and there is a phone (registry rule), so
        the member is inserted with ``furthest_step=1`` rather than updated afterwards.
        """
        if not new:
            return []
        ops = connection.ops
        now_db = ops.adapt_datetimefield_value(self.now)
        today_db = ops.adapt_datefield_value(self.today)
        consent = self.options.consent
        consent_values = (
            (now_db, CONSENT_PURPOSE, CONSENT_TEXT_VERSION) if consent else (None, "", "")
        )
        active = Member.Status.ACTIVE
        tokens = nik_encrypt_many([candidate.nik for candidate in new])
        rows = []
        done = []
        base = dict(self.defaults)
        base.update(
            status=active,
            consent_given_at=consent_values[0],
            consent_purpose=consent_values[1],
            consent_text_version=consent_values[2],
            created_at=now_db,
            updated_at=now_db,
        )
        attnames = [f.attname for f in self.fields]
        for candidate, token in zip(new, tokens, strict=True):
            values = candidate.values
            phone = values["phone"]
            ready = consent and bool(phone)
            done.append(ready)
            record = base.copy()
            record.update(
                full_name=values["full_name"],
                search_name=search_text(values["full_name"]),
                nik_digest=candidate.digest,
                nik_ciphertext=token,
                nik_masked=nik_mask(candidate.nik),
                birth_date=ops.adapt_datefield_value(values["birth_date"]),
                sex=values["sex"],
                phone=phone,
                email=values["email"],
                village_id=values["village_id"],
                region_id=values["village_id"] or candidate.community.regency_id,
                address=values["address"],
                community_id=candidate.community.pk,
                joined_on=(
                    ops.adapt_datefield_value(values["joined_on"])
                    if values["joined_on"]
                    else today_db
                ),
                furthest_step=1 if ready else 0,
            )
            rows.append([record[name] for name in attnames])
        table = connection.ops.quote_name(Member._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {table}")
            (before,) = cursor.fetchone()
            _insert_rows(Member, self.columns, rows)
            # Ids come from a sequence: this batch's rows all have ids above every id that was
            # visible before it (a concurrent import's rows may be there too: keyed by digest).
            cursor.execute(f"SELECT nik_digest, id FROM {table} WHERE id > %s", [before or 0])
            ids = dict(cursor.fetchall())
        return [
            (ids[candidate.digest], candidate.community.pk, ready)
            for candidate, ready in zip(new, done, strict=True)
        ]

    def _complete_step_one(self, created: list[tuple[int, int]], changed: list[Member]) -> None:
        """Record step 1 for new members inserted with it done, and for existing members
        whose consent and phone this import completed."""
        changed = [m for m in changed if m.consent_given_at and m.phone and m.furthest_step == 0]
        if changed:
            already = set(
                MemberStep.objects.filter(member__in=[m.pk for m in changed], step=1).values_list(
                    "member_id", flat=True
                )
            )
            changed = [m for m in changed if m.pk not in already]
            Member.objects.filter(pk__in=[m.pk for m in changed]).update(furthest_step=1)
        ready = created + [(m.pk, m.community_id) for m in changed]
        if not ready:
            return
        now_db = connection.ops.adapt_datetimefield_value(self.now)
        _insert_rows(
            MemberStep,
            [
                "member_id",
                "step",
                "status",
                "started_at",
                "completed_at",
                "completed_by_id",
                "source",
                "evidence",
                "evidence_keys",
                "note",
            ],
            [
                [
                    pk,
                    1,
                    MemberStep.Status.DONE,
                    now_db,
                    now_db,
                    None,
                    MemberStep.Source.RULE,
                    f'{{"kind": "registration", "id": "{pk}", "label": "Data lengkap"}}',
                    "[]",
                    "",
                ]
                for pk, _community_id in ready
            ],
        )
        per_community: dict[int, int] = {}
        for _pk, community_id in ready:
            per_community[community_id] = per_community.get(community_id, 0) + 1
        for community_id, added in per_community.items():
            lookup = {"community_id": community_id, "step": 1}
            if not StepCount.objects.filter(**lookup).update(members=F("members") + added):
                StepCount.objects.get_or_create(**lookup, defaults={"members": 0})
                StepCount.objects.filter(**lookup).update(members=F("members") + added)

    def _audit(self, action: str, ids: list[int]) -> None:
        """One audit event per member (DESIGN: every change to a member is recorded), written
        with one executemany or COPY like the members themselves."""
        if not ids:
            return
        at = connection.ops.adapt_datetimefield_value(timezone.now())
        actor = self.options.actor
        if actor is None or not getattr(actor, "is_authenticated", False):
            actor_id, label = None, "system"
        else:
            actor_id, label = actor.pk, actor.get_username()
        reason = self.reason[:500]
        _insert_rows(
            AuditEvent,
            [
                "at",
                "actor_id",
                "actor_label",
                "action",
                "object_type",
                "object_id",
                "reason",
                "changes",
            ],
            [[at, actor_id, label, action, "registry.member", str(pk), reason, "{}"] for pk in ids],
        )


def _existing_digests(digests: list[str]) -> list[str]:
    """The given NIK digests that already belong to a member (one parameter on PostgreSQL)."""
    if not digests:
        return []
    table = connection.ops.quote_name(Member._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT nik_digest FROM {table} WHERE nik_digest = ANY(%s)", [digests])
        else:
            placeholders = ", ".join(["%s"] * len(digests))
            cursor.execute(
                f"SELECT nik_digest FROM {table} WHERE nik_digest IN ({placeholders})", digests
            )
        return [digest for (digest,) in cursor.fetchall()]


def _insert_rows(model: type[models.Model], columns: list[str], rows: list[list]) -> None:
    """One executemany (SQLite) or COPY (PostgreSQL) of database-ready values, inside the
    caller's transaction; driver errors become Django's (IntegrityError on a duplicate NIK)."""
    if not rows:
        return
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0


# --- pipeline -----------------------------------------------------------------------------


def _progress(options: ImportOptions, text: str) -> None:
    if options.progress:
        options.progress(text)


def import_members(path: str | Path, report_path: str | Path, options: ImportOptions) -> Summary:
    """Import a members file; raises UnreadableFile when it cannot be read at all."""
    path = Path(path)
    with translation.override("id"):
        return _import_members(path, Path(report_path), options)


def _import_members(path: Path, report_path: Path, options: ImportOptions) -> Summary:
    rows = read_rows(path)
    mapping, header_cells = _locate_header(rows, options.header_map)
    header_keys = [rescue.cell_text(c).lower() for c in header_cells]
    summary = Summary(report=str(report_path))
    report = ReportWriter(report_path)
    checker = RowChecker(options, {})
    reason = f"Impor anggota dari berkas {path.name}"
    writer = BatchWriter(options, reason)
    crash_after = int(os.environ.get(CRASH_AFTER_ENV, "0") or 0)
    batches = 0
    batch: list[Candidate] = []
    pending: list[Problem] = []  # refusals of rows in the current batch
    touched: set[int] = set()  # communities whose dashboard figures must be refreshed
    started = time.monotonic()

    def flush() -> None:
        nonlocal batch, pending, batches
        counts, problems = writer.write(batch) if batch else (Counts(), [])
        if counts.created or counts.updated:
            touched.update(candidate.community.pk for candidate in batch)
        summary.created += counts.created
        summary.updated += counts.updated
        summary.unchanged += counts.unchanged
        summary.refused += counts.refused
        all_problems = sorted(pending + problems, key=lambda p: p.row)
        report.write(all_problems)
        batches += 1
        if crash_after and batches >= crash_after and not options.dry_run:
            os._exit(137)
        batch, pending = [], []
        rate = summary.rows / max(time.monotonic() - started, 1e-6)
        _progress(options, f"{summary.rows} baris diproses ({rate:,.0f} baris/detik)")
        if options.on_batch:
            options.on_batch(summary)

    try:
        for number, cells in rows:
            if is_blank(cells):
                continue
            if (
                len(cells) == len(header_keys)
                and rescue.cell_text(cells[0]).lower() == header_keys[0]
                and [rescue.cell_text(c).lower() for c in cells] == header_keys
            ):
                continue  # a repeated header row
            values = {name: cells[index] for index, name in mapping.items() if index < len(cells)}
            if _not_a_data_row(values):
                first = next((rescue.cell_text(c) for c in cells if rescue.cell_text(c)), "")
                pending.append(
                    Problem(number, "", first, "warning", "row_skipped", message("row_skipped"))
                )
                continue
            summary.rows += 1
            candidate, problems = checker.check(number, values)
            if candidate is None:
                summary.refused += 1
                pending.extend(problems)
            else:
                batch.append(candidate)
            if len(batch) >= options.batch_size:
                flush()
        flush()
        if touched and not options.dry_run:
            # Once per run rather than per batch: a refresh re-reads the whole community. After
            # a crash the rerun refreshes; `penggerak rebuild_rollups` repairs in any case.
            rollups_refresh_communities(touched)
    finally:
        report.close()
    summary.warnings = report.warnings
    return summary


_NOTE_WORDS = ("jumlah", "total", "subtotal", "keterangan", "catatan", "ket:", "note")


def _not_a_data_row(values: dict) -> bool:
    """A totals or notes row: no NIK, and no name or a name like "JUMLAH" / "Catatan: ..."."""
    if rescue.cell_text(values.get("nik")):
        return False
    name = rescue.cell_text(values.get("full_name")).lower()
    return not name or name.startswith(_NOTE_WORDS)


def stderr_progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)

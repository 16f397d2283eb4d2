"""Members import: read -> locate header -> rescue -> validate -> decide -> upsert -> report.

Rows stream through in chunks to the row checks (``member_checks``: in a worker process for big
files), then in batches through the database; each batch is decided and written in one
transaction: new members inserted with one executemany or COPY that passes over the NIKs already
there (``ON CONFLICT DO NOTHING`` on the unique ``nik_digest`` index), their audit events and
step 1 records made from the inserted rows, the members that were there fetched and merged, and
``member_count``, step 1 counters and dashboard rollups updated in the same transaction. A crash
loses nothing already committed and a re-run completes the rest with every member exactly once;
a NIK a concurrent import inserted first is merged (or refused) like any existing member.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.db.models import F
from django.utils import timezone, translation

from penggerak.accounts import access
from penggerak.core.models import AuditEvent, Region
from penggerak.core.text import search_text
from penggerak.imports import cells as rescue
from penggerak.imports.digests import DigestSet
from penggerak.imports.headers import MEMBER_HEADERS, build_lookup, map_headers
from penggerak.imports.member_checks import (
    CHUNK_ROWS,
    LABELS,
    CheckConfig,
    CommunityInfo,
    MemberRowLayout,
    checked_chunks,
    chunked,
    default_workers,
)
from penggerak.imports.readers import UnreadableFile, read_rows
from penggerak.imports.report import Problem, ReportWriter, message
from penggerak.insights.rollups import rollups_add_members, rollups_add_steps_done
from penggerak.registry.models import Community, Member, MemberStep, StepCount
from penggerak.registry.services import CONSENT_PURPOSE, CONSENT_TEXT_VERSION

# Rows per transaction. Each commit writes out every index page the batch touched, and the NIK
# digest, name and phone indexes are touched all over: at 2,000,000 rows on SQLite the commits
# took 11 s with 100,000-row batches and 50 s with 20,000-row ones (benchmarks/bench_import.py).
# A crash redoes at most one batch; a batch's candidates take about 100 MB.
BATCH_SIZE = 100_000
# The first batch is smaller, and each next one twice the size up to BATCH_SIZE: writing starts
# after 20,000 checked rows instead of 100,000 (a 200,000-row file: 8.8-9.8 s, and 12.7 s with
# full-size batches from the start), and the first figures reach the page sooner.
FIRST_BATCH_SIZE = 20_000
HEADER_SEARCH_ROWS = 30
# Test hook only: crash (os._exit) after this many committed batches, to prove re-runs.
CRASH_AFTER_ENV = "PENGGERAK_IMPORT_TEST_CRASH_AFTER_BATCHES"
_STAGE = "penggerak_import_members"
_EMPTY_OBJECT = "'{}'"
_EMPTY_LIST = "'[]'"
# Which of Candidate.raw holds the value as written, for the columns that rescue changes.
_RAW_POSITION = {"phone": 0, "email": 1, "village": 2}
_NONE: list[Problem] = []  # shared by the many rows without warnings; never appended to
_FILLABLE = ("full_name", "phone", "email", "village_id", "address")
# Files from this size on are checked in worker processes (below, forking costs more than it
# saves); ``ImportOptions.workers`` overrides.
PARALLEL_FROM_BYTES = 1 << 20


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
    # Processes checking rows beside the database writes: None = one per core for files of
    # PARALLEL_FROM_BYTES and more, 0 = check in this process.
    workers: int | None = None


@dataclass
class Summary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    warnings: int = 0
    report: str = ""
    # The report's problems by kind (``ReportWriter.kinds``), for the result page; not part of
    # the command's JSON line.
    kinds: list[dict] = field(default_factory=list)

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
    """A checked row not refused so far; its batch decides it against the database."""

    row: int
    digest: bytes
    nik_value: str  # as the uploader wrote it, for the report
    community_id: int
    step_one_done: bool
    member_row: list  # the row inserted when the member is new (``MemberRowLayout``)
    raw: tuple[str, str, str]  # phone, email and village as written, for the report
    warnings: list[Problem]


# --- header -------------------------------------------------------------------------------


def _find_header(
    rows: Iterator[tuple[int, list]], overrides: dict[str, str]
) -> tuple[int, dict[int, str], list] | None:
    """Skip title rows: the header is the first row naming a NIK or name column plus one more."""
    lookup = build_lookup(MEMBER_HEADERS)
    for number, cells in rows:
        mapping = map_headers(cells, lookup, overrides)
        fields = set(mapping.values())
        if len(fields) >= 2 and fields & {"nik", "full_name"}:
            return number, mapping, cells
        if number >= HEADER_SEARCH_ROWS:
            break
    return None


def _locate_header(
    rows: Iterator[tuple[int, list]], overrides: dict[str, str]
) -> tuple[dict[int, str], list]:
    found = _find_header(rows, overrides)
    if found is None:
        raise NoHeaderRow(
            "Baris judul kolom (header) tidak ditemukan: perlu kolom NIK atau Nama. / "
            "No header row found: a NIK or name column is required."
        )
    _, mapping, cells = found
    return mapping, cells


class SheetsLeftOut:
    """Hears of each later sheet of a workbook (``read_rows(path, later=...)``) and keeps a
    warning for those that hold a list too (``find_header`` finds a header row in them:
    ``(number, ...)`` or None): only the first sheet is imported, and the report says so
    rather than leaving rows out without a word. Sheets without a header (instructions,
    totals) pass."""

    def __init__(self, find_header: Callable[[Iterator[tuple[int, list]]], tuple | None]):
        self.find_header = find_header
        self.problems: list[Problem] = []

    def __call__(self, name: str, rows: Iterator[tuple[int, list]]) -> None:
        try:
            found = self.find_header(rows)
        except Exception:  # the first sheet was read; a broken later one must not undo that
            text = message("sheet_unreadable", sheet=name)
            self.problems.append(Problem(1, "", name, "warning", "sheet_unreadable", text))
            return
        if found is not None:
            text = message("sheet_not_imported", sheet=name)
            self.problems.append(Problem(found[0], "", name, "warning", "sheet_not_imported", text))


# --- batch write --------------------------------------------------------------------------


class BatchWriter:
    """Decides a batch of candidates against the database and writes it in one transaction."""

    def __init__(self, options: ImportOptions, reason: str):
        self.options = options
        self.reason = reason
        self.now = timezone.now()
        self.layout = _member_row_layout(options, self.now)
        self.regencies: dict[int, str] = {}  # community id -> regency code (set by the caller)

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
        # Insert first: most rows of a big import are new, and the unique nik_digest index
        # finds the others as it inserts, with no separate look-up of every NIK. Model
        # instances only for the NIKs that were there, to merge them.
        there = self._insert(batch)
        # An empty ``there`` (the usual case) sends no query: Django answers ``IN ()`` itself.
        existing = {
            m.nik_digest: m
            for m in Member.objects.filter(nik_digest__in=there).only(
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
        if len(existing) != len(there):
            # Only on PostgreSQL: a member that stopped the insert has gone since; decide again.
            raise IntegrityError("a conflicting member is no longer there")
        new: list[Candidate] = []
        changed: list[Member] = []
        changes: list[tuple[int, dict[str, list[str]]]] = []  # (member id, its changes)
        for candidate in batch:
            problems.extend(candidate.warnings)
            member = existing.get(candidate.digest)
            if member is None:
                new.append(candidate)
            elif member.community_id != candidate.community_id:
                problems.append(
                    Problem(
                        candidate.row,
                        LABELS["nik"],
                        candidate.nik_value,
                        "error",
                        "nik_other_community",
                        message("nik_other_community"),
                    )
                )
                counts.refused += 1
            elif diff := self._merge(member, candidate, problems):
                changed.append(member)
                changes.append((member.pk, diff))
            else:
                counts.unchanged += 1
        counts.created = len(new)
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
        added = Counter(candidate.community_id for candidate in new)
        for community_id, count in added.items():
            Community.objects.filter(pk=community_id).update(member_count=F("member_count") + count)
        stepped = Counter(candidate.community_id for candidate in new if candidate.step_one_done)
        stepped.update(self._complete_step_one([m for m in changed if m.furthest_step == 0]))
        for community_id, count in stepped.items():
            lookup = {"community_id": community_id, "step": 1}
            if not StepCount.objects.filter(**lookup).update(members=F("members") + count):
                StepCount.objects.get_or_create(**lookup, defaults={"members": 0})
                StepCount.objects.filter(**lookup).update(members=F("members") + count)
        self._audit_updates(changes)
        self._count_in_rollups(new, stepped)
        return counts, problems

    def _count_in_rollups(self, new: list[Candidate], stepped: Counter) -> None:
        """The dashboards' daily figures, in the batch's own transaction: a crash or a rerun
        never leaves them out of step with the members."""
        positions = self.layout.positions
        sex_at, joined_at = positions["sex"], positions["joined_on"]
        added: Counter = Counter()
        for candidate in new:
            joined_on = candidate.member_row[joined_at]
            if isinstance(joined_on, str):
                joined_on = dt.date.fromisoformat(joined_on)
            regency = self.regencies[candidate.community_id]
            added[candidate.community_id, regency, joined_on, candidate.member_row[sex_at]] += 1
        rollups_add_members(added)
        today = timezone.localdate(self.now)
        rollups_add_steps_done(
            1,
            Counter(
                {(pk, self.regencies[pk], today): count for pk, count in stepped.items() if count}
            ),
        )

    def _merge(
        self, member: Member, candidate: Candidate, problems: list[Problem]
    ) -> dict[str, list[str]]:
        """Fill blanks; keep (and warn about) different values unless overwriting. Returns
        what changed as the audit records it, ``{field: [old, new]}`` (empty: nothing did)."""
        changes: dict[str, list[str]] = {}
        row = candidate.member_row
        positions = self.layout.positions
        for name in _FILLABLE:
            new = row[positions[name]]
            if new in (None, ""):
                continue
            current = getattr(member, name)
            if current in (None, "") or (self.options.overwrite and current != new):
                setattr(member, name, new)
                column = "village" if name == "village_id" else name
                changes[column] = [str(current or ""), str(new)]
            elif current != new:
                column = "village" if name == "village_id" else name
                problems.append(
                    Problem(
                        candidate.row,
                        LABELS[column],
                        candidate.raw[_RAW_POSITION[column]]
                        if column in _RAW_POSITION
                        else str(new),
                        "warning",
                        "value_kept",
                        message("value_kept", current=current),
                    )
                )
        if self.options.consent and member.consent_given_at is None:
            member.consent_given_at = self.now
            member.consent_purpose = CONSENT_PURPOSE
            member.consent_text_version = CONSENT_TEXT_VERSION
            changes["consent_given_at"] = ["", self.now.isoformat()]
        if changes:
            member.search_name = search_text(member.full_name)
            member.region_id = member.village_id or member.region_id
            member.updated_at = self.now
        return changes

    def _insert(self, batch: list[Candidate]) -> set[bytes]:
        """Insert the batch's new members with their audit events and, where step 1 is done at
        once (consent given and a phone: the registry rule), their step 1 record; returns the
        digests of the NIKs that already belonged to a member (not inserted).

        The worker built each member's row; the audit events and step records are made by the
        database from the inserted rows (set-based, no ids travel back to Python).
        """
        if not batch:
            return set()
        rows = [candidate.member_row for candidate in batch]
        if connection.vendor == "postgresql":
            return self._insert_postgres(rows)
        return self._insert_sqlite(rows)

    def _insert_sqlite(self, rows: list[list]) -> set[bytes]:
        ops = connection.ops
        table = ops.quote_name(Member._meta.db_table)
        names = ", ".join(ops.quote_name(c) for c in self.layout.columns)
        placeholders = ", ".join(["%s"] * len(self.layout.columns))
        digest_at = self.layout.positions["nik_digest"]
        with connection.cursor() as cursor:
            # The transaction holds SQLite's write lock from BEGIN IMMEDIATE: every id above
            # this one is a member this batch inserts.
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            (before,) = cursor.fetchone()
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({placeholders}) "
                f"ON CONFLICT (nik_digest) DO NOTHING",
                rows,
            )
            there: set[bytes] = set()
            if cursor.rowcount != len(rows):
                cursor.execute(f"SELECT nik_digest FROM {table} WHERE id > %s", [before])
                inserted = {digest for (digest,) in cursor.fetchall()}
                there = {row[digest_at] for row in rows} - inserted
            source = f"{table} WHERE id > %s"
            cursor.execute(*self._audit_from(source, [before]))
            cursor.execute(*self._step_one_from(f"{source} AND furthest_step = 1", [before]))
        return there

    def _insert_postgres(self, rows: list[list]) -> set[bytes]:
        # COPY into a bare temporary table, then one statement inserts the members and, from
        # the ids it returns, their audit events and step records: exact even while another
        # import inserts into the same table. It answers with the NIKs it did not insert.
        ops = connection.ops
        table = ops.quote_name(Member._meta.db_table)
        names = ", ".join(ops.quote_name(c) for c in self.layout.columns)
        with connection.cursor() as cursor, connection.wrap_database_errors:
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{_STAGE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {_STAGE} ON COMMIT DROP AS "
                f"SELECT {names} FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY {_STAGE} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            audit_sql, audit_params = self._audit_from("new", [])
            step_sql, step_params = self._step_one_from("new WHERE furthest_step = 1", [])
            cursor.execute(
                f"WITH new AS (INSERT INTO {table} ({names}) SELECT {names} FROM {_STAGE} "
                f"ON CONFLICT (nik_digest) DO NOTHING RETURNING id, furthest_step, nik_digest), "
                f"audit AS ({audit_sql}), steps AS ({step_sql}) "
                f"SELECT nik_digest FROM {_STAGE} EXCEPT ALL SELECT nik_digest FROM new",
                audit_params + step_params,
            )
            return {digest for (digest,) in cursor.fetchall()}

    def _actor(self) -> tuple[int | None, str]:
        actor = self.options.actor
        if actor is None or not access.is_signed_in(actor):
            return None, "system"
        return actor.pk, actor.get_username()

    def _audit_from(
        self, source: str, params: list, action: str = AuditEvent.Action.CREATE
    ) -> tuple[str, list]:
        """INSERT of one audit event per member row of ``source`` (an ``id`` column)."""
        actor_id, label = self._actor()
        at = connection.ops.adapt_datetimefield_value(timezone.now())
        sql = (
            f"INSERT INTO {_table(AuditEvent)} (at, actor_id, actor_label, action, object_type, "
            f"object_id, reason, changes) SELECT %s, %s, %s, %s, 'registry.member', "
            f"CAST(id AS TEXT), %s, {_json(_EMPTY_OBJECT)} FROM {source}"
        )
        return sql, [at, actor_id, label, action, self.reason[:500], *params]

    def _step_one_from(self, source: str, params: list) -> tuple[str, list]:
        """INSERT of a done step 1 (the registration rule) per member row of ``source``."""
        now_db = connection.ops.adapt_datetimefield_value(self.now)
        evidence = _json(
            """'{"kind": "registration", "id": "' || CAST(id AS TEXT) || """
            """'", "label": "Data lengkap"}'"""
        )
        sql = (
            f"INSERT INTO {_table(MemberStep)} (member_id, step, status, started_at, "
            f"completed_at, completed_by_id, source, evidence, evidence_keys, note) "
            f"SELECT id, 1, %s, %s, %s, NULL, %s, {evidence}, {_json(_EMPTY_LIST)}, '' "
            f"FROM {source}"
        )
        status, rule = MemberStep.Status.DONE, MemberStep.Source.RULE
        return sql, [status, now_db, now_db, rule, *params]

    def _complete_step_one(self, changed: list[Member]) -> Counter:
        """Step 1 for existing members whose consent and phone this import completed; the
        count per community."""
        changed = [m for m in changed if m.consent_given_at and m.phone and m.furthest_step == 0]
        if not changed:
            return Counter()
        already = set(
            MemberStep.objects.filter(member__in=[m.pk for m in changed], step=1).values_list(
                "member_id", flat=True
            )
        )
        changed = [m for m in changed if m.pk not in already]
        ids = [m.pk for m in changed]
        Member.objects.filter(pk__in=ids).update(furthest_step=1)
        table = _table(Member)
        placeholders = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(*self._step_one_from(f"{table} WHERE id IN ({placeholders})", ids))
        return Counter(m.community_id for m in changed)

    def _audit_updates(self, changes: list[tuple[int, dict[str, list[str]]]]) -> None:
        """One audit event per updated member with its old and new values (DESIGN: every
        change to a member is recorded), ``{field: [old, new]}`` as ``member_update`` writes
        them; the NIK is never among the fields an import changes. One executemany for the
        batch, and one query naming its villages."""
        if not changes:
            return
        _name_villages(changes)
        actor_id, label = self._actor()
        at = connection.ops.adapt_datetimefield_value(timezone.now())
        sql = (
            f"INSERT INTO {_table(AuditEvent)} (at, actor_id, actor_label, action, object_type, "
            f"object_id, reason, changes) VALUES (%s, %s, %s, %s, 'registry.member', %s, %s, "
            f"{_json('%s')})"
        )
        action, reason = AuditEvent.Action.UPDATE, self.reason[:500]
        rows = [
            (at, actor_id, label, action, str(pk), reason, json.dumps(diff, ensure_ascii=False))
            for pk, diff in changes
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _name_villages(changes: list[tuple[int, dict[str, list[str]]]]) -> None:
    """A village in the changes as ``member_update`` records it, "name (code)"."""
    codes = {code for _pk, diff in changes for code in diff.get("village", ()) if code}
    if not codes:
        return
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    for _pk, diff in changes:
        if "village" in diff:
            diff["village"] = [
                f"{names[code]} ({code})" if code in names else code for code in diff["village"]
            ]


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _json(sql: str) -> str:
    """A JSON column's value in an INSERT ... SELECT (PostgreSQL's jsonb needs the cast)."""
    return f"CAST({sql} AS jsonb)" if connection.vendor == "postgresql" else sql


def _member_row_layout(options: ImportOptions, now: dt.datetime) -> MemberRowLayout:
    """The column order of a new member's row and the values all rows of this import share."""
    fields = [f for f in Member._meta.concrete_fields if not f.primary_key and not f.generated]
    ops = connection.ops
    shared = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in fields}
    now_db = ops.adapt_datetimefield_value(now)
    shared.update(
        status=Member.Status.ACTIVE,
        created_at=now_db,
        updated_at=now_db,
        consent_given_at=now_db if options.consent else None,
        consent_purpose=CONSENT_PURPOSE if options.consent else "",
        consent_text_version=CONSENT_TEXT_VERSION if options.consent else "",
    )
    return MemberRowLayout(
        attnames=[f.attname for f in fields],
        columns=[f.column for f in fields],
        shared=shared,
        consent=options.consent,
        today=ops.adapt_datefield_value(timezone.localdate()),
        dates_as_text=connection.vendor == "sqlite",
    )


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
    with translation.override("id"), _fewer_collections():
        return _import_members(path, Path(report_path), options)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """A big import allocates millions of short-lived, acyclic tuples: with the default
    thresholds the cyclic collector ran every few hundred rows (5% of the time at 2M rows)."""
    thresholds = gc.get_threshold()
    gc.freeze()  # what exists now (Django, the region tables) is not rescanned
    gc.set_threshold(200_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _import_members(path: Path, report_path: Path, options: ImportOptions) -> Summary:
    left_out = SheetsLeftOut(lambda sheet: _find_header(sheet, options.header_map))
    rows = read_rows(path, later=left_out)
    mapping, header_cells = _locate_header(rows, options.header_map)
    reason = f"Impor anggota dari berkas {path.name}"
    writer = BatchWriter(options, reason)
    config = _check_config(options, mapping, header_cells, writer.layout)
    known = [config.community] if config.community else config.by_slug.values()
    writer.regencies = {info.pk: info.regency_id for info in known}
    workers = options.workers
    if workers is None:
        workers = default_workers() if path.stat().st_size >= PARALLEL_FROM_BYTES else 0
    summary = Summary(report=str(report_path))
    report = ReportWriter(report_path)
    seen = DigestSet()  # NIK keys of the rows so far: a later repeat is refused
    crash_after = int(os.environ.get(CRASH_AFTER_ENV, "0") or 0)
    batches = 0
    batch_limit = min(FIRST_BATCH_SIZE, options.batch_size)
    batch: list[Candidate] = []
    pending: list[Problem] = []  # refusals and skipped rows of the current batch
    started = time.monotonic()

    def flush() -> None:
        nonlocal batch, pending, batches
        counts, problems = writer.write(batch) if batch else (Counts(), [])
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
        in_flight = options.batch_size // CHUNK_ROWS + 2
        for outcomes, skipped in checked_chunks(
            chunked(rows, CHUNK_ROWS), config, workers, in_flight
        ):
            pending.extend(Problem(*problem) for problem in skipped)
            for number, nik_value, key, early, problems, new_member in outcomes:
                summary.rows += 1
                if key is not None:
                    if key in seen:  # only the later rows of a repeated NIK are refused
                        summary.refused += 1
                        pending.extend(Problem(*problem) for problem in problems[:early])
                        pending.append(_duplicate_in_file(number, nik_value))
                        continue
                    seen.add(key)
                if new_member is None:
                    summary.refused += 1
                    pending.extend(Problem(*problem) for problem in problems)
                    continue
                digest, community_id, step_one_done, member_row, raw = new_member
                warnings = [Problem(*problem) for problem in problems] if problems else _NONE
                batch.append(
                    Candidate(
                        number,
                        digest,
                        nik_value,
                        community_id,
                        step_one_done,
                        member_row,
                        raw,
                        warnings,
                    )
                )
                if len(batch) >= batch_limit:
                    flush()
                    batch_limit = min(batch_limit * 2, options.batch_size)
        flush()
        report.write(left_out.problems)  # heard of once the first sheet was read to its end
    finally:
        report.close()
    summary.warnings = report.warnings
    summary.kinds = report.kinds()
    return summary


def _duplicate_in_file(number: int, nik_value: str) -> Problem:
    return Problem(
        number,
        LABELS["nik"],
        nik_value,
        "error",
        "nik_duplicate_in_file",
        message("nik_duplicate_in_file"),
    )


def _community_info(community: Community) -> CommunityInfo:
    active = community.status != Community.Status.INACTIVE
    return CommunityInfo(community.pk, community.regency_id, active)


def _check_config(
    options: ImportOptions, mapping: dict[int, str], header: list, layout: MemberRowLayout
) -> CheckConfig:
    """What the row rules need, read from the database once before any row is checked."""
    by_slug: dict[str, CommunityInfo] = {}
    by_name: dict[str, CommunityInfo] = {}
    if options.community is None:
        # A community column: every community up front (a few thousand short rows at most),
        # so checking a row needs no database.
        for community in Community.objects.only("id", "slug", "name", "regency_id", "status"):
            info = _community_info(community)
            by_slug[community.slug] = info
            by_name.setdefault(community.name.casefold(), info)
    return CheckConfig(
        community=_community_info(options.community) if options.community else None,
        by_slug=by_slug,
        by_name=by_name,
        mapping=mapping,
        header_keys=[rescue.cell_text(c).lower() for c in header],
        layout=layout,
        village_column="village" in mapping.values(),
    )


def stderr_progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)

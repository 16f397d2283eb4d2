"""Every identity rule in one place: NIK, phone, NIB, NPWP, KBLI, postal code, email.

Pure functions, no database. Each validator returns a ``ValidationResult`` whose errors and
warnings carry a stable snake_case ``code`` (for machines, the API and tests) and a message in
the active Django language (Indonesian unless the language starts with "en"). The texts live
side by side in ``MESSAGES`` so the two languages cannot drift apart.

Invariant: ``result.valid`` is true exactly when there are no errors, and ``normalized`` is set
only then. Warnings never make a value invalid. ``details`` holds what could be decoded even
from an invalid value (a NIK's region and birth date, a phone number's type).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import asdict, dataclass, field
from functools import cache, lru_cache

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.translation import get_language

from penggerak.core import regiondata

# code -> (Indonesian, English). Placeholders are filled with str.format.
MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("{field} wajib diisi.", "{field} is required."),
    # NIK
    "nik_not_digits": (
        "NIK hanya boleh berisi angka; ada karakter “{char}”.",
        "NIK must contain digits only; found “{char}”.",
    ),
    "nik_length": (
        "NIK harus 16 digit; yang diisi {length} digit.",
        "NIK must have 16 digits; {length} were given.",
    ),
    "nik_province_unknown": (
        "Kode provinsi {code} (2 digit pertama NIK) tidak dikenal.",
        "Province code {code} (the first 2 digits of the NIK) is unknown.",
    ),
    "nik_regency_zero": (
        "Kode kabupaten/kota pada NIK (digit 3-4) tidak boleh 00.",
        "The regency/city code in the NIK (digits 3-4) cannot be 00.",
    ),
    "nik_district_zero": (
        "Kode kecamatan pada NIK (digit 5-6) tidak boleh 00.",
        "The district code in the NIK (digits 5-6) cannot be 00.",
    ),
    "nik_region_unknown": (
        "Kode wilayah {code} pada NIK tidak ada di data Kemendagri terbaru. Bisa jadi kode "
        "lama; periksa kembali bila NIK ini baru diterbitkan.",
        "Region code {code} in the NIK is not in the current Kemendagri data. It may be an "
        "old code; double-check it if the NIK was issued recently.",
    ),
    "nik_region_former": (
        "Kode {code} pada NIK adalah kode lama {name} sebelum pemekaran; sekarang "
        "{successor_code} ({successor_name}). NIK tetap berlaku.",
        "Code {code} in the NIK is the former code of {name} before the split; it is now "
        "{successor_code} ({successor_name}). The NIK remains valid.",
    ),
    "nik_date_invalid": (
        "Tanggal lahir pada NIK (digit 7-12: {digits}) bukan tanggal yang ada. Untuk "
        "perempuan, tanggal ditambah 40.",
        "The birth date in the NIK (digits 7-12: {digits}) is not a real date. For women the "
        "day is increased by 40.",
    ),
    "nik_serial_zero": (
        "Nomor urut NIK (4 digit terakhir) tidak boleh 0000.",
        "The NIK serial number (the last 4 digits) cannot be 0000.",
    ),
    "nik_birth_date_mismatch": (
        "Tanggal lahir {stated} tidak cocok dengan NIK, yang menunjukkan {decoded}.",
        "Birth date {stated} does not match the NIK, which gives {decoded}.",
    ),
    "nik_sex_mismatch": (
        "Jenis kelamin {stated} tidak cocok dengan NIK, yang menunjukkan {decoded}.",
        "Sex {stated} does not match the NIK, which gives {decoded}.",
    ),
    # Phone
    "phone_empty": ("Nomor telepon wajib diisi.", "A phone number is required."),
    "phone_invalid": (
        "“{value}” bukan nomor telepon Indonesia yang sah. Contoh: 0812-3456-7890.",
        "“{value}” is not a valid Indonesian phone number. Example: 0812-3456-7890.",
    ),
    "phone_not_indonesian": (
        "{number} adalah nomor luar negeri ({region}); gunakan nomor Indonesia (+62).",
        "{number} is a foreign number ({region}); use an Indonesian number (+62).",
    ),
    # NIB
    "nib_not_digits": (
        "NIB hanya boleh berisi angka; ada karakter “{char}”.",
        "NIB must contain digits only; found “{char}”.",
    ),
    "nib_length": (
        "NIB harus 13 digit; yang diisi {length} digit.",
        "NIB must have 13 digits; {length} were given.",
    ),
    # NPWP
    "npwp_not_digits": (
        "NPWP hanya boleh berisi angka (boleh dengan titik dan tanda hubung); ada karakter "
        "“{char}”.",
        "NPWP must contain digits only (dots and dashes are fine); found “{char}”.",
    ),
    "npwp_length": (
        "NPWP harus 15 atau 16 digit; yang diisi {length} digit.",
        "NPWP must have 15 or 16 digits; {length} were given.",
    ),
    "npwp_checksum": (
        "NPWP {formatted} tidak sah: digit ke-9 (digit kontrol) tidak cocok. Periksa kembali "
        "angkanya.",
        "NPWP {formatted} is not valid: the 9th digit (check digit) does not match. Please "
        "check the number.",
    ),
    "npwp_nik_invalid": (
        "NPWP 16 digit harus berupa NIK yang sah: {reason}",
        "A 16-digit NPWP must be a valid NIK: {reason}",
    ),
    "npwp_placeholder": (
        "NPWP 00.000.000.0-000.000 hanya isian pengganti, bukan NPWP sungguhan.",
        "NPWP 00.000.000.0-000.000 is a placeholder, not a real NPWP.",
    ),
    # KBLI
    "kbli_format": (
        "Kode KBLI harus 5 digit angka; yang diisi “{value}”.",
        "A KBLI code must be 5 digits; “{value}” was given.",
    ),
    "kbli_edition_unknown": (
        "Edisi KBLI {edition} tidak dikenal; gunakan 2020 atau 2025.",
        "KBLI edition {edition} is unknown; use 2020 or 2025.",
    ),
    "kbli_division_unknown": (
        "Golongan pokok {division} (2 digit pertama) tidak ada dalam KBLI.",
        "Division {division} (the first 2 digits) does not exist in KBLI.",
    ),
    # Postal code
    "postal_code_format": (
        "Kode pos harus 5 digit angka dan tidak diawali 0; yang diisi “{value}”.",
        "A postal code must be 5 digits and cannot start with 0; “{value}” was given.",
    ),
    "postal_code_unknown": (
        "Kode pos {code} tidak ditemukan di data kelurahan/desa; periksa kembali.",
        "Postal code {code} is not used by any village in the data; please check it.",
    ),
    # Email
    "email_invalid": (
        "“{value}” bukan alamat email yang sah.",
        "“{value}” is not a valid email address.",
    ),
}

# Field names for the generic "required" message.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "nik": ("NIK", "NIK"),
    "nib": ("NIB", "NIB"),
    "npwp": ("NPWP", "NPWP"),
    "kbli": ("Kode KBLI", "KBLI code"),
    "postal_code": ("Kode pos", "Postal code"),
    "email": ("Email", "Email"),
}

SEX_LABELS = {"L": ("laki-laki", "male"), "P": ("perempuan", "female")}

KBLI_EDITIONS = frozenset({2020, 2025})

# KBLI 2020 (like ISIC Rev. 4): section letter by 2-digit division ("golongan pokok").
_KBLI_SECTION_RANGES = (
    ("A", 1, 3),
    ("B", 5, 9),
    ("C", 10, 33),
    ("D", 35, 35),
    ("E", 36, 39),
    ("F", 41, 43),
    ("G", 45, 47),
    ("H", 49, 53),
    ("I", 55, 56),
    ("J", 58, 63),
    ("K", 64, 66),
    ("L", 68, 68),
    ("M", 69, 75),
    ("N", 77, 82),
    ("O", 84, 84),
    ("P", 85, 85),
    ("Q", 86, 88),
    ("R", 90, 93),
    ("S", 94, 96),
    ("T", 97, 98),
    ("U", 99, 99),
)
KBLI_SECTIONS: dict[str, str] = {
    f"{division:02d}": letter
    for letter, first, last in _KBLI_SECTION_RANGES
    for division in range(first, last + 1)
}

# Separators people type or spreadsheets add; removing them never changes the number.
_SEPARATORS = str.maketrans({ch: None for ch in " .-\t\u00a0\u2007\u202f\u2010\u2011\u2013"})
_PHONE_SEPARATORS = str.maketrans(
    {ch: None for ch in " .-()/\t\u00a0\u2007\u202f\u2010\u2011\u2013"}
)
_ECHO_LIMIT = 40

_email_validator = EmailValidator()


@dataclass
class Issue:
    """One problem with a value: a stable code and a message in the active language."""

    code: str
    message: str


@dataclass
class ValidationResult:
    """The outcome of one validator on one value."""

    input: str
    valid: bool
    normalized: str | None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """JSON-ready form: the shape the CLI prints and the API returns."""
        return {
            "input": self.input,
            "valid": self.valid,
            "normalized": self.normalized,
            "errors": [asdict(issue) for issue in self.errors],
            "warnings": [asdict(issue) for issue in self.warnings],
            "details": self.details,
        }


# --- helpers -----------------------------------------------------------------------------


def _english() -> bool:
    """Messages are Indonesian unless the active language is English ("en", "en-us")."""
    language = get_language()
    return bool(language) and language.lower().startswith("en")


def _issue(issue_code: str, /, **params) -> Issue:
    """An Issue with its message in the active language."""
    english = _english()
    for key, value in params.items():
        if isinstance(value, tuple):  # a (Indonesian, English) pair
            params[key] = value[english]
    return Issue(issue_code, MESSAGES[issue_code][english].format(**params))


def _required(field_name: str) -> Issue:
    """The "required" issue, naming the field in the active language."""
    return _issue("required", field=FIELD_LABELS[field_name])


def _echo(value: str) -> str:
    """The user's input, shortened, for quoting in a message."""
    return value if len(value) <= _ECHO_LIMIT else value[: _ECHO_LIMIT - 1] + "…"


def _is_digits(value: str) -> bool:
    """ASCII digits only: str.isdigit alone accepts "²" and Arabic-Indic digits."""
    return value.isascii() and value.isdigit()


def _first_non_digit(value: str) -> str:
    """The character to quote when a number contains something else."""
    return next(ch for ch in value if not ("0" <= ch <= "9"))


def _as_text(value) -> str:
    """Validators take what a form or spreadsheet gives: None is empty, numbers become text."""
    return "" if value is None else value if isinstance(value, str) else str(value)


def _finish(
    raw: str,
    normalized: str | None,
    errors: list[Issue],
    warnings: list[Issue] | None = None,
    details: dict | None = None,
) -> ValidationResult:
    """Build the result, keeping the invariant: normalized is set exactly when valid."""
    return ValidationResult(
        input=raw,
        valid=not errors,
        normalized=None if errors else normalized,
        errors=errors,
        warnings=warnings or [],
        details=details or {},
    )


# (valid from, valid until, local date): timezone.localdate() costs more than the rest of a
# NIK check, and the date only changes at local midnight. The lower bound matters when the
# clock goes back (a test freezing it at an earlier day, a corrected server clock).
_today_cache: tuple[float, float, dt.date] = (0.0, 0.0, dt.date.min)


def _today() -> dt.date:
    """Today's local date, recomputed at most once per local day."""
    global _today_cache
    now = time.time()
    if not _today_cache[0] <= now < _today_cache[1]:
        local = timezone.localtime() if settings.USE_TZ else dt.datetime.now()
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        tomorrow = (local + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        _today_cache = (midnight.timestamp(), tomorrow.timestamp(), local.date())
    return _today_cache[2]


def _format_date(value: dt.date) -> str:
    """Dates in messages: DD-MM-YYYY as written in Indonesia, ISO in English."""
    return value.strftime("%d-%m-%Y") if not _english() else value.isoformat()


# --- NIK -----------------------------------------------------------------------------------


@cache
def _nik_regions() -> tuple[frozenset[str], dict[str, regiondata.RegionRecord]]:
    """Province codes a NIK may start with, and every region above village level by code."""
    regions = {record.code: record for record in regiondata.iter_upper_regions()}
    provinces = frozenset(code for code, record in regions.items() if record.level == 1)
    return provinces, regions


def normalize_nik(value) -> str:
    """NIK as typed: strip spaces, dots, dashes and a spreadsheet's leading apostrophe.

    Returns the digits, or the stripped text when it is not all digits.
    """
    text = _as_text(value).strip()
    if len(text) == 16 and _is_digits(text):
        return text
    if text.startswith("'"):
        text = text[1:]
    return text.translate(_SEPARATORS)


# Sixteen digits in a row once separators are gone (no phone number has that many: E.164
# stops at 15), or a masked NIK (``************0001``, or the older ``32**********0001``).
_NIK_RUN = re.compile(r"[0-9]{16}")
_MASKED_NIK = re.compile(r"[0-9*]{16}")
_SEARCH_SEPARATORS = str.maketrans(
    {ch: None for ch in " .-/'\t\u00a0\u2007\u202f\u2010\u2011\u2013"}
)


def search_nik(value) -> str | None:
    """The NIK a search box holds: its 16 digits when the text is a NIK and nothing else
    (separators allowed), else None."""
    digits = normalize_nik(value)
    return digits if len(digits) == 16 and _is_digits(digits) else None


def holds_nik(value) -> bool:
    """Whether text (a search query) carries a NIK, whole or masked, anywhere in it: such
    text must not travel in a URL, where server logs and browser history would keep it."""
    text = _as_text(value).translate(_SEARCH_SEPARATORS)
    if _NIK_RUN.search(text):
        return True
    return bool(_MASKED_NIK.fullmatch(text)) and "*" in text


def _decode_birth_date(day: int, month: int, yy: int, today: dt.date) -> dt.date | None:
    """NIK birth dates lack the century: 20YY unless that is after today, else 19YY."""
    try:
        born = dt.date(2000 + yy, month, day)
        if born <= today:
            return born
    except ValueError:
        pass  # 29 February of a non-leap 20YY: 19YY is not leap either (only 2000 differs)
    try:
        return dt.date(1900 + yy, month, day)
    except ValueError:
        return None


def validate_nik(
    value: str,
    *,
    birth_date: dt.date | None = None,
    sex: str | None = None,
    today: dt.date | None = None,
) -> ValidationResult:
    """Check a NIK (``PPKKCC DDMMYY SSSS``) and what it encodes.

    Rules: 16 digits after removing separators; a known current or former province; regency
    and district parts never 00; an unknown or former regency/district is only a warning
    (NIKs keep the code of first registration); the date must exist, with day + 40 for women
    and the century chosen so the date is not in the future; serial 0000 is invalid. A stated
    ``birth_date`` or ``sex`` ("L"/"P") that disagrees with the NIK is an error. Because the
    NIK cannot say the century, a stated birth date that agrees on day, month and two-digit
    year settles it.
    """
    raw = _as_text(value)
    nik = normalize_nik(raw)
    if not nik:
        return _finish(raw, None, [_required("nik")])
    if not _is_digits(nik):
        return _finish(raw, None, [_issue("nik_not_digits", char=_first_non_digit(nik))])
    if len(nik) != 16:
        return _finish(raw, None, [_issue("nik_length", length=len(nik))])

    errors: list[Issue] = []
    warnings: list[Issue] = []
    provinces, regions = _nik_regions()
    province_code = nik[0:2]
    regency_code = f"{province_code}.{nik[2:4]}"
    district_code = f"{regency_code}.{nik[4:6]}"
    province = regions.get(province_code) if province_code in provinces else None
    regency = district = None
    successor_code = None
    if province is None:
        errors.append(_issue("nik_province_unknown", code=province_code))
    if nik[2:4] == "00":
        errors.append(_issue("nik_regency_zero"))
    if nik[4:6] == "00":
        errors.append(_issue("nik_district_zero"))
    if province is not None and not errors:
        regency = regions.get(regency_code)
        if regency is None:
            warnings.append(_issue("nik_region_unknown", code=regency_code))
        elif not regency.is_current:
            successor_code = regency.successor_code
            successor = regions.get(successor_code or "")
            warnings.append(
                _issue(
                    "nik_region_former",
                    code=regency_code,
                    name=regency.name,
                    successor_code=successor_code or "?",
                    successor_name=successor.name if successor else "?",
                )
            )
        else:
            district = regions.get(district_code)
            if district is None:
                warnings.append(_issue("nik_region_unknown", code=district_code))

    day_field, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if 41 <= day_field <= 71:
        decoded_sex, day = "P", day_field - 40
    elif 1 <= day_field <= 31:
        decoded_sex, day = "L", day_field
    else:
        decoded_sex, day = None, 0
    born = _decode_birth_date(day, month, yy, today or _today()) if day else None
    if born is None:
        errors.append(_issue("nik_date_invalid", digits=nik[6:12]))
    elif birth_date is not None:
        if (birth_date.day, birth_date.month, birth_date.year % 100) == (day, month, yy):
            born = birth_date
        else:
            errors.append(
                _issue(
                    "nik_birth_date_mismatch",
                    stated=_format_date(birth_date),
                    decoded=_format_date(born),
                )
            )
    if nik[12:16] == "0000":
        errors.append(_issue("nik_serial_zero"))
    stated_sex = sex.strip().upper() if isinstance(sex, str) else ""
    if stated_sex in SEX_LABELS and decoded_sex and stated_sex != decoded_sex:
        errors.append(
            _issue(
                "nik_sex_mismatch",
                stated=SEX_LABELS[stated_sex],
                decoded=SEX_LABELS[decoded_sex],
            )
        )

    details = {
        "province_code": province_code,
        "province_name": province.name if province else None,
        "regency_code": regency_code,
        "regency_name": regency.name if regency else None,
        "regency_successor_code": successor_code,
        "district_code": district_code,
        "district_name": district.name if district else None,
        "birth_date": born.isoformat() if born else None,
        "sex": decoded_sex,
    }
    return _finish(raw, nik, errors, warnings, details)


def compose_nik(district_code: str, birth_date: dt.date, sex: str, serial: int) -> str:
    """Build a structurally valid NIK (demo data, tests): district + DDMMYY (+40 for "P") + serial.

    ``district_code`` is dotted ("32.73.01") or 6 digits; raises ValueError on bad input.
    """
    digits = district_code.replace(".", "").strip()
    if len(digits) != 6 or not _is_digits(digits):
        raise ValueError(f"district code must have 6 digits: {district_code!r}")
    sex = sex.strip().upper()
    if sex not in SEX_LABELS:
        raise ValueError(f"sex must be 'L' or 'P': {sex!r}")
    if not 1 <= serial <= 9999:
        raise ValueError(f"serial must be 1..9999: {serial!r}")
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{digits}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


# --- phone ---------------------------------------------------------------------------------

_PHONE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE: "mobile",
    phonenumbers.PhoneNumberType.FIXED_LINE: "landline",
    phonenumbers.PhoneNumberType.TOLL_FREE: "toll_free",
    phonenumbers.PhoneNumberType.PREMIUM_RATE: "premium_rate",
    phonenumbers.PhoneNumberType.SHARED_COST: "shared_cost",
    phonenumbers.PhoneNumberType.VOIP: "voip",
    phonenumbers.PhoneNumberType.UAN: "uan",
}


def _normalize_phone_text(text: str) -> str:
    """Undo the Indonesian habits phonenumbers misreads, before it parses the number.

    "62812…" without "+" is international (+62 812…), not a national number; "812…" is a
    mobile number whose leading 0 a spreadsheet number cell dropped. National numbers
    ("0812…") become "+62812…" too, so every spelling of a number shares one cache entry.
    """
    text = text.strip().translate(_PHONE_SEPARATORS)
    if text.startswith("+"):
        return text
    if text.startswith("62"):
        return "+" + text
    if text.startswith("8"):
        return "+62" + text
    if text.startswith("0") and not text.startswith("00"):
        return "+62" + text[1:]
    return text


@lru_cache(maxsize=65536)
def _parse_phone(text: str) -> tuple[str | None, str, str, str, str]:
    """(error code or None, E.164, type, national format, region) for a normalised number.

    Cached: parsing is the most expensive per-row cost of a bulk import.
    """
    body = text[1:] if text.startswith("+") else text
    if not _is_digits(body) or len(body) > 17:
        return "phone_invalid", "", "", "", ""
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        return "phone_invalid", "", "", "", ""
    if not phonenumbers.is_valid_number(number):
        return "phone_invalid", "", "", "", ""
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    region = phonenumbers.region_code_for_number(number) or ""
    if region != "ID":
        return "phone_not_indonesian", e164, "", "", region
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    number_type = phonenumbers.number_type(number)
    if number_type == phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE:
        # Indonesian mobile numbers start 08 nationally (8 after +62); landlines 02-09 else.
        kind = "mobile" if str(number.national_number).startswith("8") else "landline"
    else:
        kind = _PHONE_TYPES.get(number_type, "landline")
    return None, e164, kind, national, region


# A mobile number as Indonesians write it, after _normalize_phone_text: +62 8x followed by 7-10
# more digits. ASCII digits only ([0-9], not \d, which also matches other scripts' digits).
_FAST_MOBILE = re.compile(r"\+628[1-35-9][0-9]{7,10}")


def phone_e164_fast(value) -> str | None:
    """The E.164 form of a plainly valid Indonesian mobile number, without phonenumbers.

    None means "not sure": the caller falls back to ``validate_phone``. Whenever this returns
    a number, ``validate_phone(value)`` is valid with the same ``normalized`` value (a property
    test compares the two); a bulk import calls this first because parsing is its largest
    per-row cost and phone numbers rarely repeat.
    """
    text = _normalize_phone_text(_as_text(value))
    return text if _FAST_MOBILE.fullmatch(text) else None


def validate_phone(value: str) -> ValidationResult:
    """Any valid Indonesian number, mobile or landline, normalised to E.164.

    Accepts "0812…", "+62 812…", "62812…" and "812…" (a spreadsheet dropped the 0); a valid
    foreign number is rejected with ``phone_not_indonesian``.
    """
    raw = _as_text(value)
    text = _normalize_phone_text(raw)
    if not text:
        return _finish(raw, None, [_issue("phone_empty")])
    error, e164, kind, national, region = _parse_phone(text)
    if error == "phone_not_indonesian":
        return _finish(
            raw, None, [_issue(error, number=e164, region=region)], details={"region": region}
        )
    if error:
        return _finish(raw, None, [_issue(error, value=_echo(raw.strip()))])
    details = {"type": kind, "national": national, "country_code": 62}
    return _finish(raw, e164, [], details=details)


# --- NIB, NPWP, KBLI, postal code, email -------------------------------------------------


def validate_nib(value) -> ValidationResult:
    """NIB (Nomor Induk Berusaha, from OSS): exactly 13 digits."""
    raw = _as_text(value)
    nib = raw.strip().translate(_SEPARATORS)
    if not nib:
        return _finish(raw, None, [_required("nib")])
    if not _is_digits(nib):
        return _finish(raw, None, [_issue("nib_not_digits", char=_first_non_digit(nib))])
    if len(nib) != 13:
        return _finish(raw, None, [_issue("nib_length", length=len(nib))])
    return _finish(raw, nib, [])


def _luhn_valid(digits: str) -> bool:
    """Luhn (mod 10) over the digits, the last one being the check digit."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _format_npwp15(digits: str) -> str:
    """The familiar NPWP layout: 01.234.567.8-901.000."""
    d = digits
    return f"{d[0:2]}.{d[2:5]}.{d[5:8]}.{d[8]}-{d[9:12]}.{d[12:15]}"


def validate_npwp(value) -> ValidationResult:
    """NPWP: 15 digits with a Luhn check digit in position 9 (over digits 1-9), or 16 digits:
    a valid NIK (for individuals since 2024) or "0" + a valid 15-digit NPWP.

    Accepts the usual formatting "01.234.567.8-901.000".
    """
    raw = _as_text(value)
    npwp = raw.strip().translate(_SEPARATORS)
    if not npwp:
        return _finish(raw, None, [_required("npwp")])
    if not _is_digits(npwp):
        return _finish(raw, None, [_issue("npwp_not_digits", char=_first_non_digit(npwp))])
    if len(npwp) == 16 and not npwp.startswith("0"):
        nik = validate_nik(npwp)
        if nik.errors:
            return _finish(
                raw,
                None,
                [_issue("npwp_nik_invalid", reason=nik.errors[0].message)],
                details={"format": "npwp16_nik"},
            )
        return _finish(raw, npwp, [], nik.warnings, {"format": "npwp16_nik"})
    if len(npwp) == 16:
        old, npwp_format = npwp[1:], "npwp16"
    elif len(npwp) == 15:
        old, npwp_format = npwp, "npwp15"
    else:
        return _finish(raw, None, [_issue("npwp_length", length=len(npwp))])
    details = {"format": npwp_format, "npwp15": _format_npwp15(old)}
    if old == "0" * 15:
        return _finish(raw, None, [_issue("npwp_placeholder")], details=details)
    if not _luhn_valid(old[:9]):
        return _finish(
            raw, None, [_issue("npwp_checksum", formatted=_format_npwp15(old))], details=details
        )
    return _finish(raw, npwp, [], details=details)


def validate_kbli(value, edition: int = 2020) -> ValidationResult:
    """KBLI business classification: 5 digits of edition 2020 or 2025; the first two digits
    (division) must exist and give the section letter A-U.

    An int input is zero-padded to 5 digits, because a number cell drops the leading 0 of
    agriculture codes ("01111" -> 1111). The section table is KBLI 2020's; it is applied to
    the 2025 edition too.
    """
    raw = _as_text(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 99999:
        code = f"{value:05d}"
    else:
        code = raw.strip().translate(_SEPARATORS)
    try:
        edition_number = int(edition)
    except (TypeError, ValueError):
        edition_number = None
    if not code:
        return _finish(raw, None, [_required("kbli")])
    errors: list[Issue] = []
    if edition_number not in KBLI_EDITIONS:
        errors.append(_issue("kbli_edition_unknown", edition=_echo(str(edition))))
    if not _is_digits(code) or len(code) != 5:
        errors.append(_issue("kbli_format", value=_echo(raw.strip())))
        return _finish(raw, None, errors, details={"edition": edition_number})
    division = code[:2]
    section = KBLI_SECTIONS.get(division)
    if section is None:
        errors.append(_issue("kbli_division_unknown", division=division))
    details = {"edition": edition_number, "division": division, "section": section}
    return _finish(raw, code, errors, details=details)


def validate_postal_code(value) -> ValidationResult:
    """Postal code: 5 digits, not starting with 0; one no village uses is only a warning."""
    raw = _as_text(value)
    code = raw.strip()
    if not code:
        return _finish(raw, None, [_required("postal_code")])
    if len(code) != 5 or not _is_digits(code) or code.startswith("0"):
        return _finish(raw, None, [_issue("postal_code_format", value=_echo(code))])
    known = code in regiondata.postal_codes()
    warnings = [] if known else [_issue("postal_code_unknown", code=code)]
    return _finish(raw, code, [], warnings, {"known": known})


def validate_email(value) -> ValidationResult:
    """Email address per Django's EmailValidator; the domain is lower-cased."""
    raw = _as_text(value)
    email = raw.strip()
    if not email:
        return _finish(raw, None, [_required("email")])
    try:
        _email_validator(email)
    except DjangoValidationError:
        return _finish(raw, None, [_issue("email_invalid", value=_echo(email))])
    local, _at, domain = email.rpartition("@")
    domain = domain.lower()
    return _finish(raw, f"{local}@{domain}", [], details={"domain": domain})

"""Identity rules: exact results and messages for every code, plus property tests."""

import datetime as dt
import json

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from penggerak.core import identity, regiondata
from penggerak.core.identity import (
    MESSAGES,
    Issue,
    ValidationResult,
    compose_nik,
    normalize_nik,
    validate_email,
    validate_kbli,
    validate_nib,
    validate_nik,
    validate_npwp,
    validate_phone,
    validate_postal_code,
)

TODAY = dt.date(2026, 6, 15)
# Kota Bandung, Sukasari: a current district.
BANDUNG_NIK_MAN = "3273010201900001"  # 2 January 1990, serial 0001
BANDUNG_NIK_WOMAN = "3273014201900002"  # 2 January 1990 (+40), serial 0002
# Phones and IMEs produce these; str.isdigit() accepts them, a NIK must not.
FULLWIDTH_DIGITS = {ord(digit): ord(digit) + 0xFEE0 for digit in "0123456789"}


def codes(issues: list[Issue]) -> list[str]:
    return [issue.code for issue in issues]


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


# --- result shape ------------------------------------------------------------------------


def test_as_dict_is_json_ready_and_complete():
    result = validate_nik(BANDUNG_NIK_MAN, today=TODAY)
    data = result.as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "input": BANDUNG_NIK_MAN,
        "valid": True,
        "normalized": BANDUNG_NIK_MAN,
        "errors": [],
        "warnings": [],
        "details": {
            "province_code": "32",
            "province_name": "Jawa Barat",
            "regency_code": "32.73",
            "regency_name": "Kota Bandung",
            "regency_successor_code": None,
            "district_code": "32.73.01",
            "district_name": "Sukasari",
            "birth_date": "1990-01-02",
            "sex": "L",
        },
    }


def test_every_message_has_both_languages_and_they_differ():
    for code, (indonesian, english) in MESSAGES.items():
        assert code == code.lower() and " " not in code
        assert indonesian and english and indonesian != english, code


def test_message_follows_active_language():
    result = validate_nik("327301020190000")
    assert result.errors == [Issue("nik_length", "NIK harus 16 digit; yang diisi 15 digit.")]
    with translation.override("en"):
        result = validate_nik("327301020190000")
    assert result.errors == [Issue("nik_length", "NIK must have 16 digits; 15 were given.")]
    with translation.override("en-us"):
        assert validate_nik("").errors == [Issue("required", "NIK is required.")]


def test_invalid_result_has_no_normalized_value():
    result = validate_nik("3273010201900000", today=TODAY)
    assert result == ValidationResult(
        input="3273010201900000",
        valid=False,
        normalized=None,
        errors=[Issue("nik_serial_zero", "Nomor urut NIK (4 digit terakhir) tidak boleh 0000.")],
        warnings=[],
        details=result.details,
    )
    assert result.details["birth_date"] == "1990-01-02"


# --- NIK: shape --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "3273010201900001",
        " 3273 0102 0190 0001 ",
        "3273.01.020190.0001",
        "327301-020190-0001",
        "'3273010201900001",
        3273010201900001,
    ],
)
def test_nik_separators_and_spreadsheet_apostrophe_are_stripped(typed):
    assert normalize_nik(typed) == "3273010201900001"
    result = validate_nik(typed, today=TODAY)
    assert (result.valid, result.normalized) == (True, "3273010201900001")


def test_normalize_nik_returns_text_when_not_digits():
    assert normalize_nik(" 32 73-AB ") == "3273AB"
    assert normalize_nik(None) == ""


@pytest.mark.parametrize(
    ("typed", "nik", "holds"),
    [
        ("3273010201900001", "3273010201900001", True),
        ("3273 0102 0190 0001", "3273010201900001", True),
        ("3273.01.020190.0001", "3273010201900001", True),
        ("NIK 3273010201900001", None, True),  # a NIK among words: still kept out of URLs
        ("3273/0102/0190/0001 Siti", None, True),
        ("************0001", None, True),  # a masked NIK
        ("32**********0001", None, True),  # the older mask
        ("32730102019000011", None, True),  # 17 digits: no phone is that long
        ("+62 812 3456 7890", None, False),  # a phone: 13 digits
        ("081234567890", None, False),
        ("Siti Aminah", None, False),
        ("327301020190", None, False),
        ("", None, False),
        (None, None, False),
    ],
)
def test_search_text_holding_a_nik(typed, nik, holds):
    assert identity.search_nik(typed) == nik
    assert identity.holds_nik(typed) is holds


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("", "required", "NIK wajib diisi."),
        ("   ", "required", "NIK wajib diisi."),
        ("327301020190000", "nik_length", "NIK harus 16 digit; yang diisi 15 digit."),
        ("32730102019000011", "nik_length", "NIK harus 16 digit; yang diisi 17 digit."),
        (
            "3273O10201900001",
            "nik_not_digits",
            "NIK hanya boleh berisi angka; ada karakter “O”.",
        ),
        (
            BANDUNG_NIK_MAN.translate(FULLWIDTH_DIGITS),
            "nik_not_digits",
            "NIK hanya boleh berisi angka; ada karakter “\uff13”.",
        ),
    ],
)
def test_nik_shape_errors(value, code, message):
    result = validate_nik(value, today=TODAY)
    assert result.errors == [Issue(code, message)]
    assert (result.valid, result.normalized, result.details) == (False, None, {})


# --- NIK: region -------------------------------------------------------------------------


@pytest.mark.parametrize("province", ["00", "10", "20", "30", "39", "97", "99"])
def test_nik_unknown_province_is_an_error(province):
    result = validate_nik(f"{province}73010201900001", today=TODAY)
    assert result.errors == [
        Issue(
            "nik_province_unknown",
            f"Kode provinsi {province} (2 digit pertama NIK) tidak dikenal.",
        )
    ]
    assert result.details["province_name"] is None


def test_nik_regency_and_district_zero_are_errors():
    result = validate_nik("3200000201900001", today=TODAY)
    assert codes(result.errors) == ["nik_regency_zero", "nik_district_zero"]
    with translation.override("en"):
        result = validate_nik("3273000201900001", today=TODAY)
    assert result.errors == [
        Issue("nik_district_zero", "The district code in the NIK (digits 5-6) cannot be 00.")
    ]


def test_nik_unknown_district_is_only_a_warning():
    result = validate_nik("3273990201900001", today=TODAY)
    assert result.valid
    assert result.warnings == [
        Issue(
            "nik_region_unknown",
            "Kode wilayah 32.73.99 pada NIK tidak ada di data Kemendagri terbaru. Bisa jadi kode "
            "lama; periksa kembali bila NIK ini baru diterbitkan.",
        )
    ]
    assert result.details["regency_name"] == "Kota Bandung"
    assert result.details["district_name"] is None


def test_nik_unknown_regency_is_only_a_warning():
    result = validate_nik("3299010201900001", today=TODAY)
    assert result.valid
    assert codes(result.warnings) == ["nik_region_unknown"]
    assert "32.99" in result.warnings[0].message
    assert result.details["regency_name"] is None


def test_nik_with_pre_2022_papua_code_warns_and_names_the_successor():
    result = validate_nik("9101010201900001", today=TODAY)
    assert result.valid
    assert result.normalized == "9101010201900001"
    assert result.warnings == [
        Issue(
            "nik_region_former",
            "Kode 91.01 pada NIK adalah kode lama Kabupaten Merauke sebelum pemekaran; sekarang "
            "93.01 (Kabupaten Merauke). NIK tetap berlaku.",
        )
    ]
    assert result.details["regency_successor_code"] == "93.01"
    assert result.details["province_name"] == "Papua"
    with translation.override("en"):
        result = validate_nik("9271010201900001", today=TODAY)
    assert result.warnings == [
        Issue(
            "nik_region_former",
            "Code 92.71 in the NIK is the former code of Kota Sorong before the split; it is now "
            "96.71 (Kota Sorong). The NIK remains valid.",
        )
    ]


def test_nik_regency_that_stayed_in_papua_is_current():
    result = validate_nik(compose_nik("91.03.01", dt.date(1990, 1, 2), "L", 1), today=TODAY)
    assert (result.valid, result.warnings) == (True, [])
    assert result.details["regency_name"] == "Kabupaten Jayapura"


# --- NIK: date, sex, century, serial ----------------------------------------------------


@pytest.mark.parametrize(
    ("ddmmyy", "birth_date", "sex"),
    [
        ("010190", "1990-01-01", "L"),
        ("310190", "1990-01-31", "L"),
        ("410190", "1990-01-01", "P"),  # women: day + 40
        ("710190", "1990-01-31", "P"),
        ("550895", "1995-08-15", "P"),
        ("290200", "2000-02-29", "L"),  # 2000 is a leap year
        ("690296", "1996-02-29", "P"),
        ("010125", "2025-01-01", "L"),  # 20YY when that is not after today
        ("150626", "2026-06-15", "L"),  # today itself
        ("160626", "1926-06-16", "L"),  # 2026-06-16 is tomorrow: 19YY
        ("010130", "1930-01-01", "L"),
        ("311299", "1999-12-31", "L"),
    ],
)
def test_nik_birth_date_sex_and_century(ddmmyy, birth_date, sex):
    result = validate_nik(f"327301{ddmmyy}0001", today=TODAY)
    assert result.errors == []
    assert (result.details["birth_date"], result.details["sex"]) == (birth_date, sex)


@pytest.mark.parametrize(
    "ddmmyy",
    [
        "000190",  # day 0
        "320190",  # day 32
        "400190",  # 32-40 are neither a man's nor a woman's day
        "720190",  # woman's day 32
        "010090",  # month 0
        "011390",  # month 13
        "310490",  # 31 April
        "290201",  # 2001 and 1901 are not leap years
        "690201",  # a woman's 29 February 2001
        "300296",  # 30 February
    ],
)
def test_nik_impossible_dates_are_errors(ddmmyy):
    result = validate_nik(f"327301{ddmmyy}0001", today=TODAY)
    assert result.errors == [
        Issue(
            "nik_date_invalid",
            f"Tanggal lahir pada NIK (digit 7-12: {ddmmyy}) bukan tanggal yang ada. Untuk "
            "perempuan, tanggal ditambah 40.",
        )
    ]
    assert result.details["birth_date"] is None


def test_nik_29_february_2000_is_invalid_before_it_happened():
    # Before 29 Feb 2000 the date can only mean 1900, which was not a leap year.
    assert codes(validate_nik("3273012902000001", today=dt.date(1999, 12, 31)).errors) == [
        "nik_date_invalid"
    ]
    assert validate_nik("3273012902000001", today=dt.date(2000, 2, 29)).valid


def test_nik_never_decodes_a_future_birth_date():
    result = validate_nik("3273011506260001", today=dt.date(2026, 6, 14))
    assert result.details["birth_date"] == "1926-06-15"


def test_nik_serial_zero_is_an_error():
    with translation.override("en"):
        result = validate_nik("3273010201900000", today=TODAY)
    assert result.errors == [
        Issue("nik_serial_zero", "The NIK serial number (the last 4 digits) cannot be 0000.")
    ]


def test_nik_matching_statement_is_valid():
    result = validate_nik(BANDUNG_NIK_WOMAN, birth_date=dt.date(1990, 1, 2), sex="P", today=TODAY)
    assert (result.valid, result.errors) == (True, [])
    assert validate_nik(BANDUNG_NIK_WOMAN, sex=" p ", today=TODAY).valid


def test_nik_birth_date_mismatch():
    result = validate_nik(BANDUNG_NIK_MAN, birth_date=dt.date(1990, 1, 3), today=TODAY)
    assert result.errors == [
        Issue(
            "nik_birth_date_mismatch",
            "Tanggal lahir 03-01-1990 tidak cocok dengan NIK, yang menunjukkan 02-01-1990.",
        )
    ]
    with translation.override("en"):
        result = validate_nik(BANDUNG_NIK_MAN, birth_date=dt.date(1991, 1, 2), today=TODAY)
    assert result.errors == [
        Issue(
            "nik_birth_date_mismatch",
            "Birth date 1991-01-02 does not match the NIK, which gives 1990-01-02.",
        )
    ]
    assert result.details["birth_date"] == "1990-01-02"


def test_nik_sex_mismatch():
    result = validate_nik(BANDUNG_NIK_WOMAN, sex="L", today=TODAY)
    assert result.errors == [
        Issue(
            "nik_sex_mismatch",
            "Jenis kelamin laki-laki tidak cocok dengan NIK, yang menunjukkan perempuan.",
        )
    ]
    with translation.override("en"):
        result = validate_nik(BANDUNG_NIK_MAN, sex="P", today=TODAY)
    assert result.errors == [
        Issue("nik_sex_mismatch", "Sex female does not match the NIK, which gives male.")
    ]


def test_nik_both_mismatches_are_reported_together():
    result = validate_nik(BANDUNG_NIK_WOMAN, birth_date=dt.date(1985, 5, 5), sex="L", today=TODAY)
    assert codes(result.errors) == ["nik_birth_date_mismatch", "nik_sex_mismatch"]


def test_nik_stated_birth_date_settles_the_century():
    # "010125" alone decodes to 2025; a person who says 1925 agrees with the NIK.
    result = validate_nik("3273010101250001", birth_date=dt.date(1925, 1, 1), today=TODAY)
    assert (result.valid, result.details["birth_date"]) == (True, "1925-01-01")


def test_nik_unknown_sex_value_is_not_compared():
    assert validate_nik(BANDUNG_NIK_MAN, sex="X", today=TODAY).valid
    assert validate_nik(BANDUNG_NIK_MAN, sex="", today=TODAY).valid


def test_nik_all_errors_at_once():
    result = validate_nik("9900003502000000", today=TODAY)
    assert codes(result.errors) == [
        "nik_province_unknown",
        "nik_regency_zero",
        "nik_district_zero",
        "nik_date_invalid",
        "nik_serial_zero",
    ]


def test_nik_uses_local_today_by_default():
    assert validate_nik(BANDUNG_NIK_MAN).details["birth_date"] == "1990-01-02"


# --- compose_nik -------------------------------------------------------------------------


def test_compose_nik():
    assert compose_nik("32.73.01", dt.date(1990, 1, 2), "L", 1) == BANDUNG_NIK_MAN
    assert compose_nik("327301", dt.date(1990, 1, 2), "P", 2) == BANDUNG_NIK_WOMAN
    assert compose_nik("32.73.01", dt.date(2001, 12, 31), "P", 9999) == "3273017112019999"


@pytest.mark.parametrize(
    ("district", "sex", "serial"),
    [("32.73", "L", 1), ("32.73.0a", "L", 1), ("32.73.01", "X", 1), ("32.73.01", "L", 0)],
)
def test_compose_nik_rejects_bad_input(district, sex, serial):
    with pytest.raises(ValueError):
        compose_nik(district, dt.date(1990, 1, 2), sex, serial)


CURRENT_DISTRICTS = sorted(
    record.code
    for record in regiondata.iter_upper_regions()
    if record.level == 3 and record.is_current
)


@settings(max_examples=300, deadline=None)
@given(
    district=st.sampled_from(CURRENT_DISTRICTS),
    birth_date=st.dates(min_value=dt.date(1927, 6, 16), max_value=TODAY),
    sex=st.sampled_from(["L", "P"]),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_compose_then_validate_round_trips(district, birth_date, sex, serial):
    nik = compose_nik(district, birth_date, sex, serial)
    result = validate_nik(nik, today=TODAY)
    assert (result.valid, result.errors, result.warnings) == (True, [], [])
    assert result.normalized == nik
    assert result.details["birth_date"] == birth_date.isoformat()
    assert result.details["sex"] == sex
    assert result.details["district_code"] == district
    assert result.details["district_name"] == regiondata.get_region(district).name
    stated = validate_nik(nik, birth_date=birth_date, sex=sex, today=TODAY)
    assert stated.valid


# --- phone -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "0812-3456-7890",
        "0812 3456 7890",
        "(0812) 3456.7890",
        "+62 812 3456 7890",
        "+62-812-3456-7890",
        "62812 3456 7890",  # no "+": still +62, not a national number
        "6281234567890",
        "81234567890",  # leading 0 lost in a spreadsheet number cell
        "812-3456-7890",
    ],
)
def test_phone_mobile_forms(typed):
    result = validate_phone(typed)
    assert result.as_dict() == {
        "input": typed,
        "valid": True,
        "normalized": "+6281234567890",
        "errors": [],
        "warnings": [],
        "details": {"type": "mobile", "national": "0812-3456-7890", "country_code": 62},
    }


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("+62 21 5551234", "+62215551234"),
        ("(021) 555-1234", "+62215551234"),
        ("022 2503271", "+62222503271"),
    ],
)
def test_phone_landline(typed, e164):
    result = validate_phone(typed)
    assert (result.valid, result.normalized, result.details["type"]) == (True, e164, "landline")


def test_phone_foreign_number_is_not_indonesian():
    result = validate_phone("+1 202 555 0123")
    assert result.errors == [
        Issue(
            "phone_not_indonesian",
            "+12025550123 adalah nomor luar negeri (US); gunakan nomor Indonesia (+62).",
        )
    ]
    assert (result.valid, result.normalized, result.details) == (False, None, {"region": "US"})
    with translation.override("en"):
        assert validate_phone("+65 6123 4567").errors == [
            Issue(
                "phone_not_indonesian",
                "+6561234567 is a foreign number (SG); use an Indonesian number (+62).",
            )
        ]


@pytest.mark.parametrize("typed", ["", "   ", " - "])
def test_phone_empty(typed):
    assert validate_phone(typed).errors == [Issue("phone_empty", "Nomor telepon wajib diisi.")]


@pytest.mark.parametrize("typed", ["12345", "0812", "abc", "0812-3456-7890-1234-5678", "+62"])
def test_phone_invalid(typed):
    result = validate_phone(typed)
    assert codes(result.errors) == ["phone_invalid"]
    assert result.errors[0].message == (
        f"“{typed.strip()}” bukan nomor telepon Indonesia yang sah. Contoh: 0812-3456-7890."
    )


def test_phone_parsing_is_cached():
    identity._parse_phone.cache_clear()
    validate_phone("0812-3456-7890")
    validate_phone("+62 812 3456 7890")
    info = identity._parse_phone.cache_info()
    assert (info.hits, info.misses) == (1, 1)


PHONE_TEXT = st.from_regex(r"(\+62|62|0|)8[1-9][0-9]{7,10}", fullmatch=True) | st.from_regex(
    r"(\+62|0)(2[1-9]|3[1-9]|6[1-9]|7[1-9])[1-9][0-9]{5,7}", fullmatch=True
)


@settings(max_examples=300, deadline=None)
@given(PHONE_TEXT)
def test_phone_normalisation_is_idempotent_on_e164(text):
    first = validate_phone(text)
    if first.valid:
        again = validate_phone(first.normalized)
        assert again.valid
        assert again.normalized == first.normalized
        assert again.details == first.details


# --- NIB -----------------------------------------------------------------------------------


def test_nib():
    assert validate_nib("9120 0012 3456 7").normalized == "9120001234567"
    assert validate_nib("912000123456").errors == [
        Issue("nib_length", "NIB harus 13 digit; yang diisi 12 digit.")
    ]
    assert validate_nib("91200012345X7").errors == [
        Issue("nib_not_digits", "NIB hanya boleh berisi angka; ada karakter “X”.")
    ]
    assert validate_nib(None).errors == [Issue("required", "NIB wajib diisi.")]


# --- NPWP ----------------------------------------------------------------------------------


def test_npwp15_with_luhn_check_digit():
    result = validate_npwp("01.234.567.4-901.000")
    assert result.as_dict() == {
        "input": "01.234.567.4-901.000",
        "valid": True,
        "normalized": "012345674901000",
        "errors": [],
        "warnings": [],
        "details": {"format": "npwp15", "npwp15": "01.234.567.4-901.000"},
    }


def test_npwp15_bad_check_digit():
    result = validate_npwp("01.234.567.8-901.000")
    assert result.errors == [
        Issue(
            "npwp_checksum",
            "NPWP 01.234.567.8-901.000 tidak sah: digit ke-9 (digit kontrol) tidak cocok. "
            "Periksa kembali angkanya.",
        )
    ]


def test_npwp16_is_zero_plus_old_npwp():
    result = validate_npwp("0012345674901000")
    assert (result.valid, result.normalized, result.details["format"]) == (
        True,
        "0012345674901000",
        "npwp16",
    )
    assert codes(validate_npwp("0012345678901000").errors) == ["npwp_checksum"]


def test_npwp16_is_a_nik():
    result = validate_npwp(BANDUNG_NIK_MAN)
    assert (result.valid, result.details) == (True, {"format": "npwp16_nik"})
    bad = validate_npwp("3273010201900000")
    assert bad.errors == [
        Issue(
            "npwp_nik_invalid",
            "NPWP 16 digit harus berupa NIK yang sah: Nomor urut NIK (4 digit terakhir) tidak "
            "boleh 0000.",
        )
    ]


def test_npwp16_nik_with_former_code_keeps_the_warning():
    result = validate_npwp("9101010201900001")
    assert result.valid
    assert codes(result.warnings) == ["nik_region_former"]


def test_npwp_shape_errors():
    assert validate_npwp("01.234.567.4-901").errors == [
        Issue("npwp_length", "NPWP harus 15 atau 16 digit; yang diisi 12 digit.")
    ]
    assert codes(validate_npwp("01.234.567.4-901.00A").errors) == ["npwp_not_digits"]
    assert codes(validate_npwp("").errors) == ["required"]
    assert codes(validate_npwp("00.000.000.0-000.000").errors) == ["npwp_placeholder"]


# --- KBLI ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "division", "section"),
    [
        ("01111", "01", "A"),
        ("06100", "06", "B"),
        ("10710", "10", "C"),
        ("35101", "35", "D"),
        ("38110", "38", "E"),
        ("41011", "41", "F"),
        ("47111", "47", "G"),
        ("49411", "49", "H"),
        ("56101", "56", "I"),
        ("62010", "62", "J"),
        ("64190", "64", "K"),
        ("68111", "68", "L"),
        ("73100", "73", "M"),
        ("79120", "79", "N"),
        ("84111", "84", "O"),
        ("85111", "85", "P"),
        ("86103", "86", "Q"),
        ("90001", "90", "R"),
        ("96111", "96", "S"),
        ("97000", "97", "T"),
        ("99000", "99", "U"),
    ],
)
def test_kbli_sections(code, division, section):
    result = validate_kbli(code)
    assert result.as_dict() == {
        "input": code,
        "valid": True,
        "normalized": code,
        "errors": [],
        "warnings": [],
        "details": {"edition": 2020, "division": division, "section": section},
    }


def test_kbli_editions():
    assert validate_kbli("47111", edition=2025).details["edition"] == 2025
    result = validate_kbli("47111", edition=2017)
    assert result.errors == [
        Issue("kbli_edition_unknown", "Edisi KBLI 2017 tidak dikenal; gunakan 2020 atau 2025.")
    ]


@pytest.mark.parametrize("division", ["00", "04", "34", "40", "44", "48", "54", "57", "67"])
def test_kbli_unknown_division(division):
    result = validate_kbli(f"{division}111")
    assert result.errors == [
        Issue(
            "kbli_division_unknown",
            f"Golongan pokok {division} (2 digit pertama) tidak ada dalam KBLI.",
        )
    ]


def test_kbli_format():
    assert validate_kbli("4711").errors == [
        Issue("kbli_format", "Kode KBLI harus 5 digit angka; yang diisi “4711”.")
    ]
    assert codes(validate_kbli("47 11A").errors) == ["kbli_format"]
    assert codes(validate_kbli("").errors) == ["required"]


def test_kbli_number_cell_gets_its_leading_zero_back():
    assert validate_kbli(1111).normalized == "01111"
    assert validate_kbli("1111").valid is False


# --- postal code ---------------------------------------------------------------------------


def test_postal_code_known():
    result = validate_postal_code(" 40152 ")
    assert (result.valid, result.normalized, result.warnings, result.details) == (
        True,
        "40152",
        [],
        {"known": True},
    )


def test_postal_code_unknown_is_a_warning():
    result = validate_postal_code("99999")
    assert result.valid
    assert result.warnings == [
        Issue(
            "postal_code_unknown",
            "Kode pos 99999 tidak ditemukan di data kelurahan/desa; periksa kembali.",
        )
    ]


@pytest.mark.parametrize("typed", ["01234", "4015", "401522", "4015a"])
def test_postal_code_format(typed):
    assert validate_postal_code(typed).errors == [
        Issue(
            "postal_code_format",
            f"Kode pos harus 5 digit angka dan tidak diawali 0; yang diisi “{typed}”.",
        )
    ]


# --- email -------------------------------------------------------------------------------


def test_email_lowercases_only_the_domain():
    result = validate_email(" Siti.Aminah@Example.CO.ID ")
    assert (result.valid, result.normalized, result.details) == (
        True,
        "Siti.Aminah@example.co.id",
        {"domain": "example.co.id"},
    )


@pytest.mark.parametrize("typed", ["siti", "siti@", "@example.com", "siti@@example.com"])
def test_email_invalid(typed):
    with translation.override("en"):
        assert validate_email(typed).errors == [
            Issue("email_invalid", f"“{typed}” is not a valid email address.")
        ]


def test_long_input_is_shortened_in_messages():
    result = validate_email("x" * 100)
    assert result.errors[0].message == f"“{'x' * 39}…” bukan alamat email yang sah."


# --- robustness ----------------------------------------------------------------------------

VALIDATORS = [
    validate_nik,
    validate_phone,
    validate_nib,
    validate_npwp,
    validate_kbli,
    validate_postal_code,
    validate_email,
]


@settings(max_examples=200, deadline=None)
@given(text=st.text(), validator=st.sampled_from(VALIDATORS))
def test_validators_never_raise_on_arbitrary_text(text, validator):
    result = validator(text)
    assert result.valid == (not result.errors)
    assert (result.normalized is not None) == result.valid
    json.dumps(result.as_dict())


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet="0123456789 .-'+()", max_size=24),
    birth_date=st.none() | st.dates(),
    sex=st.none() | st.text(max_size=2),
)
def test_nik_never_raises_on_digit_like_text(text, birth_date, sex):
    result = validate_nik(text, birth_date=birth_date, sex=sex, today=TODAY)
    assert result.valid == (not result.errors)

"""Cell parsers never raise on arbitrary input; round-trips hold where they exist."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from penggerak.core.identity import validate_phone
from penggerak.imports import cells

anything = st.one_of(
    st.none(),
    st.text(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)
INDONESIAN_MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


@given(anything)
def test_parsers_never_raise(value):
    cells.parse_nik(value)
    cells.parse_date(value)
    cells.parse_sex(value)
    validate_phone(cells.parse_phone_text(value))
    cells.cell_text(value)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_dates_round_trip_in_every_written_form(day):
    forms = [
        day.strftime("%d/%m/%Y"),
        day.strftime("%d-%m-%Y"),
        day.strftime("%d.%m.%Y"),
        day.isoformat(),
        f"{day.day} {INDONESIAN_MONTHS[day.month - 1]} {day.year}",
        dt.datetime.combine(day, dt.time()),
        day,
    ]
    for form in forms:
        assert cells.parse_date(form) == (day, None), form


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)))
def test_excel_serial_numbers_round_trip(day):
    serial = (day - dt.date(1899, 12, 30)).days
    assert cells.parse_date(serial) == (day, None)
    assert cells.parse_date(float(serial)) == (day, None)


@given(st.integers(min_value=10**15, max_value=2**53 - 1).filter(lambda n: n % 10))
def test_trustworthy_numeric_nik_is_exact(number):
    assert cells.parse_nik(number) == (str(number), None)
    assert cells.parse_nik(float(number)) == (str(number), None)


@given(st.integers(min_value=0, max_value=10**17))
def test_numeric_nik_ending_in_zero_or_too_big_is_untrusted(number):
    digits, problem = cells.parse_nik(number)
    if number % 10 == 0 or number >= 2**53:
        assert (digits, problem) == (None, "nik_numeric_untrusted")
    else:
        assert digits == str(number)


@given(st.from_regex(r"\A[0-9]{16}\Z"), st.sampled_from([" ", ".", "-", ""]))
def test_text_nik_separators_round_trip(digits, separator):
    spaced = separator.join([digits[:6], digits[6:12], digits[12:]])
    assert cells.parse_nik(spaced) == (digits, None)
    assert cells.parse_nik("'" + digits) == (digits, None)


@pytest.mark.parametrize("value", ["3.27301E+15", "3,27301E+15", "3.273014403850E+15", "3E15"])
def test_scientific_notation_is_refused(value):
    assert cells.parse_nik(value) == (None, "nik_scientific")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("L", "L"),
        ("l", "L"),
        ("Laki-laki", "L"),
        ("LAKI LAKI", "L"),
        ("Pria", "L"),
        ("P", "P"),
        ("Perempuan", "P"),
        ("wanita", "P"),
        ("", None),
    ],
)
def test_sex_words(value, expected):
    assert cells.parse_sex(value) == (expected, None)


@given(st.text())
def test_sex_is_l_p_or_reported(value):
    found, problem = cells.parse_sex(value)
    assert found in ("L", "P", None)
    assert problem in (None, "sex_invalid")
    assert not (found and problem)


@pytest.mark.parametrize(
    "value",
    [
        "0812-3456-7890",
        "+62 812 3456 7890",
        "6281234567890",
        "81234567890",
        81234567890,
        "(0812) 3456 7890",
        "0812.3456.7890",
    ],
)
def test_phones_in_every_local_form(value):
    assert validate_phone(cells.parse_phone_text(value)).normalized == "+6281234567890"


@given(st.from_regex(r"\A8[1-9][0-9]{7,9}\Z"))
def test_phone_forms_agree(body):
    forms = ["0" + body, "+62" + body, "62" + body, body, int(body)]
    results = {validate_phone(cells.parse_phone_text(f)).normalized for f in forms}
    assert len(results) == 1


@given(
    st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=300), st.integers(0, 2**64 - 1)
)
def test_digest_set_is_an_exact_set(keys, probe):
    from penggerak.imports import digests

    # Small runs exercise their merging; a 16-bit filter lets absent keys through to the runs.
    limit, digests._PENDING_LIMIT = digests._PENDING_LIMIT, 7
    bits, digests._FILTER_BITS = digests._FILTER_BITS, 4
    try:
        found = digests.DigestSet()
        for key in keys:
            if key not in found:  # how the import uses it: check, then add
                found.add(key)
    finally:
        digests._PENDING_LIMIT, digests._FILTER_BITS = limit, bits
    assert len(found) == len(set(keys))
    assert all(key in found for key in keys)
    assert (probe in found) == (probe in set(keys))

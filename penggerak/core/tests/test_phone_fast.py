"""The bulk import's phone fast path agrees with the full phonenumbers validation."""

from __future__ import annotations

import random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from penggerak.core.identity import phone_e164_fast, validate_phone

_PREFIXES = ["", "+", "0", "00", "62", "+62", "+62 ", "0062", "620", "+620", "8", "08", "+1"]
_SEPARATORS = ["", "", "", " ", "-", ".", "(", ")", "/", "\u00a0", "\u2013"]


@st.composite
def phone_like(draw) -> str:
    prefix = draw(st.sampled_from(_PREFIXES))
    digits = draw(st.text(alphabet="0123456789", min_size=0, max_size=16))
    parts = [prefix]
    for digit in digits:
        parts.append(draw(st.sampled_from(_SEPARATORS)))
        parts.append(digit)
    text = "".join(parts)
    return draw(st.sampled_from([text, f" {text} ", text + "x", "'" + text]))


def _agrees(value: str) -> None:
    fast = phone_e164_fast(value)
    if fast is not None:
        slow = validate_phone(value)
        assert slow.valid, value
        assert slow.normalized == fast, value


@settings(max_examples=3000, deadline=None)
@given(phone_like())
@example("0812-3456-7890")
@example("+62 812 3456 789")
@example("6281234567890")
@example("81234567")
@example("0800123456")
@example("08123456789012")
def test_fast_path_never_disagrees_with_validate_phone(value):
    _agrees(value)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=20))
def test_fast_path_never_disagrees_on_any_text(value):
    _agrees(value)


def test_fast_path_agrees_for_every_mobile_prefix_and_length():
    """Every 8xx prefix and every length the pattern admits, with random tails."""
    rng = random.Random(3)
    hits = 0
    for second in "0123456789":
        for third in "0123456789":
            for length in range(7, 15):
                for _ in range(3):
                    tail = "".join(rng.choice("0123456789") for _ in range(length))
                    value = f"08{second}{third}{tail}"
                    fast = phone_e164_fast(value)
                    _agrees(value)
                    hits += fast is not None
    assert hits == 80 * 3 * 3  # 8[1-35-9]x prefixes, tails of 7-9 digits, 3 tails each


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 789", "+628123456789"),
        ("62812345678", "+62812345678"),
        ("812345678", "+62812345678"),
        ("021 555 1234", None),  # landline: the full validation decides
        ("0840 1234 567", None),  # 84x is not a mobile range
        ("+1 202 555 0100", None),
        ("", None),
        ("٠٨١٢٣٤٥٦٧٨٩", None),  # Arabic-Indic digits are never taken by the fast path
    ],
)
def test_fast_path_cases(value, expected):
    assert phone_e164_fast(value) == expected
    _agrees(value)

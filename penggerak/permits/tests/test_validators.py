import pytest
from hypothesis import given
from hypothesis import strategies as st

from penggerak.permits.validators import (
    validate_bpom,
    validate_free_text,
    validate_halal,
    validate_permit_number,
    validate_pirt,
)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("206327301001228", "206327301001228"),
        ("P-IRT No. 2 06 3273 01 0012-28", "206327301001228"),
        ("pirt 2063-2730-1001-228", "206327301001228"),
    ],
)
def test_pirt_accepts_15_digits_with_separators(raw, normalized):
    assert validate_pirt(raw) == (normalized, None)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("20632730100122", "Nomor P-IRT harus 15 digit, bukan 14."),
        ("2063273010012A8", "Nomor P-IRT hanya berisi angka (15 digit), misalnya 206327301001225."),
        ("", "Nomor P-IRT wajib diisi."),
    ],
)
def test_pirt_rejects_wrong_format_with_a_clear_message(raw, message):
    assert validate_pirt(raw) == (None, message)


def test_halal_bpjph_and_old_mui_numbers():
    assert validate_halal("ID32110000123450222") == ("ID32110000123450222", None)
    assert validate_halal("id 3211 0000 1234 50222") == ("ID32110000123450222", None)
    assert validate_halal("00150063520912") == ("00150063520912", None)
    normalized, message = validate_halal("ID3211000012345")
    assert normalized is None
    assert message.startswith("Nomor sertifikat halal tidak dikenal")


def test_bpom_food_and_cosmetic_numbers():
    assert validate_bpom("BPOM RI MD 123456789012") == ("MD 123456789012", None)
    assert validate_bpom("ml123456789012") == ("ML 123456789012", None)
    assert validate_bpom("NA18201234567") == ("NA18201234567", None)
    assert validate_bpom("MD 12345")[0] is None
    assert validate_bpom("PIRT 123456789012")[0] is None


def test_free_text_certificates():
    assert validate_free_text("  SNI  123/LSPro-BBK/2024 ") == ("SNI 123/LSPro-BBK/2024", None)
    assert validate_free_text("x" * 41)[0] is None
    assert validate_free_text("<script>")[0] is None


def test_nib_reuses_core_validator():
    assert validate_permit_number("nib", "1234567890123") == ("1234567890123", None)
    normalized, message = validate_permit_number("nib", "12345")
    assert normalized is None and message


def test_english_message(settings):
    from django.utils import translation

    with translation.override("en"):
        assert validate_pirt("123")[1] == "A P-IRT number has 15 digits, not 3."


@given(kind=st.sampled_from(["nib", "pirt", "halal", "bpom", "sni", "chse"]), value=st.text())
def test_validators_never_crash_and_return_exactly_one(kind, value):
    normalized, message = validate_permit_number(kind, value)
    assert (normalized is None) != (message is None)
    if normalized is not None:
        assert validate_permit_number(kind, normalized) == (normalized, None)

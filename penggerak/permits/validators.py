"""Permit number formats, checked where a public format exists.

Each validator returns ``(normalized, error_message)``; exactly one of them is set. Separators
people type (spaces, dots, dashes, slashes) are dropped before checking.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from penggerak.core.identity import validate_nib

_SEPARATORS = re.compile("[\\s./\\-\u2013]+")
_MAX_FREE_TEXT = 40


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value or "").upper()


def validate_pirt(value: str) -> tuple[str | None, str | None]:
    """SPP-IRT number: 15 digits.

    Peraturan BPOM No. 22 Tahun 2018 (Pedoman Pemberian SPP-IRT), Lampiran: one digit for
    the packaging type, two for the food type, four for the province and regency/city code,
    two for the product's serial, four for the IRTP's serial and two for the year the
    certificate ends, e.g. "P-IRT No. 2 06 3273 01 0012-25". The "P-IRT" prefix and the
    word "No" are accepted and dropped.
    """
    compact = _compact(value)
    compact = re.sub(r"^(PIRT|SPPIRT)(NO)?", "", compact)
    if not compact:
        return None, _("Nomor P-IRT wajib diisi.")
    if not compact.isascii() or not compact.isdigit():
        return None, _("Nomor P-IRT hanya berisi angka (15 digit), misalnya 206327301001225.")
    if len(compact) != 15:
        return None, _("Nomor P-IRT harus 15 digit, bukan %(length)d.") % {"length": len(compact)}
    return compact, None


_HALAL_BPJPH = re.compile(r"^ID\d{17}$")
_HALAL_MUI = re.compile(r"^\d{14}$")


def validate_halal(value: str) -> tuple[str | None, str | None]:
    """Halal certificate number.

    Certificates issued by BPJPH through SIHALAL (since 2019, UU 33/2014 and PP 39/2021,
    both the regular and the self-declare route) carry "ID" followed by 17 digits, e.g.
    "ID32110000123450222"; certificates issued earlier by LPPOM MUI carry 14 digits
    (e.g. "00150063520912"), and they are still valid until they expire.
    """
    compact = _compact(value)
    if not compact:
        return None, _("Nomor sertifikat halal wajib diisi.")
    if _HALAL_BPJPH.match(compact) or _HALAL_MUI.match(compact):
        return compact, None
    return None, _(
        'Nomor sertifikat halal tidak dikenal: BPJPH memakai "ID" diikuti 17 angka '
        "(misalnya ID32110000123450222), sertifikat lama MUI 14 angka."
    )


_BPOM_FOOD = re.compile(r"^(MD|ML)(\d{12})$")
_BPOM_COSMETIC = re.compile(r"^(NA|NB|NC|ND|NE)(\d{11})$")


def validate_bpom(value: str) -> tuple[str | None, str | None]:
    """BPOM registration number.

    Processed food (Peraturan BPOM No. 27 Tahun 2017 on food registration): "MD" (made in
    Indonesia) or "ML" (imported) followed by 12 digits, printed as "BPOM RI MD 123456789012".
    Cosmetics (Peraturan BPOM No. 21 Tahun 2022 on cosmetic notification): a notification
    number of a two-letter region code (NA Asia, NB Australia, NC Europe, ND Africa,
    NE America) followed by 11 digits, e.g. "NA18201234567". "BPOM RI" is dropped.
    """
    compact = re.sub(r"^(BPOMRI|BPOM)", "", _compact(value))
    if not compact:
        return None, _("Nomor izin edar BPOM wajib diisi.")
    match = _BPOM_FOOD.match(compact)
    if match:
        return f"{match[1]} {match[2]}", None
    match = _BPOM_COSMETIC.match(compact)
    if match:
        return f"{match[1]}{match[2]}", None
    return None, _(
        "Nomor BPOM tidak sesuai format: pangan olahan MD atau ML diikuti 12 angka "
        "(misalnya MD 123456789012), kosmetik NA diikuti 11 angka (misalnya NA18201234567)."
    )


def validate_free_text(value: str) -> tuple[str | None, str | None]:
    """SPPT SNI and CHSE certificates: each certification body (LSPro for SNI, the CHSE
    certification bodies appointed by Kemenparekraf) numbers its own certificates, so there
    is no national format; only length and characters are checked."""
    text = " ".join((value or "").split())
    if not text:
        return None, _("Nomor sertifikat wajib diisi.")
    if len(text) > _MAX_FREE_TEXT:
        return None, _("Nomor sertifikat paling panjang %(max)d karakter.") % {
            "max": _MAX_FREE_TEXT
        }
    if not re.fullmatch(r"[0-9A-Za-z .,/\-()]+", text):
        return None, _("Nomor sertifikat hanya boleh berisi huruf, angka, spasi dan . , / - ( ).")
    return text, None


def _validate_nib(value: str) -> tuple[str | None, str | None]:
    """NIB from OSS: 13 digits (``penggerak.core.identity.validate_nib``)."""
    result = validate_nib(value)
    if result.valid:
        return result.normalized, None
    return None, result.errors[0].message


VALIDATORS = {
    "nib": _validate_nib,
    "pirt": validate_pirt,
    "halal": validate_halal,
    "bpom": validate_bpom,
    "sni": validate_free_text,
    "chse": validate_free_text,
}


def validate_permit_number(kind: str, value: str) -> tuple[str | None, str | None]:
    """Check a permit number by the permit's kind; (normalized, None) or (None, message)."""
    return VALIDATORS[kind](value)

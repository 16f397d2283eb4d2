"""Finding the header row and recognising the headers people really write."""

from __future__ import annotations

import re
from collections.abc import Iterable

from penggerak.imports.cells import cell_text

_PARENTHESES = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^0-9a-z]+")

MEMBER_HEADERS: dict[str, tuple[str, ...]] = {
    "full_name": (
        "nama lengkap",
        "nama",
        "nama anggota",
        "nama peserta",
        "nama sesuai ktp",
        "nama pemilik",
        "name",
        "full name",
    ),
    "nik": (
        "nik",
        "no ktp",
        "nomor ktp",
        "no nik",
        "nomor nik",
        "nik ktp",
        "ktp",
        "nomor induk kependudukan",
        "id number",
        "national id",
    ),
    "phone": (
        "no hp",
        "no hp wa",
        "no wa",
        "no whatsapp",
        "nomor hp",
        "nomor hp wa",
        "nomor wa",
        "nomor whatsapp",
        "nomor telepon",
        "no telp",
        "no telepon",
        "telepon",
        "hp",
        "hp wa",
        "wa",
        "whatsapp",
        "phone",
        "phone number",
        "mobile",
    ),
    "birth_date": (
        "tgl lahir",
        "tanggal lahir",
        "birth date",
        "date of birth",
        "birthdate",
        "dob",
    ),
    "sex": ("l p", "jenis kelamin", "jk", "kelamin", "sex", "gender"),
    "email": ("email", "e mail", "alamat email", "surel"),
    "village": ("desa kelurahan", "desa kel", "kelurahan desa", "desa", "kelurahan", "village"),
    "district": ("kecamatan", "kec", "district"),
    "regency": ("kab kota", "kabupaten kota", "kabupaten", "kota", "regency", "city"),
    "address": ("alamat", "alamat lengkap", "alamat rumah", "address"),
    "joined_on": (
        "tanggal bergabung",
        "tgl bergabung",
        "bergabung",
        "tanggal gabung",
        "tgl gabung",
        "tanggal masuk",
        "tgl masuk",
        "tanggal daftar",
        "tgl daftar",
        "joined",
        "joined on",
    ),
    "community": ("komunitas", "kode komunitas", "community"),
}

COMMUNITY_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("nama komunitas", "nama", "name", "community", "komunitas"),
    "slug": ("kode", "kode komunitas", "slug", "code"),
    "regency": ("kabupaten kota", "kab kota", "kabupaten", "kota", "regency", "city"),
    "founded": ("tanggal berdiri", "tgl berdiri", "founded", "founded on"),
    "coordinator": ("koordinator", "nama koordinator", "coordinator"),
    "coordinator_phone": ("hp koordinator", "no hp koordinator", "coordinator phone"),
    "coordinator_email": ("email koordinator", "coordinator email"),
}

# A running-number column ("No", "No.", "No Urut") is ignored.
IGNORED = frozenset({"no", "nomor", "no urut", "nomor urut", "urut"})


def normalize_header(cell: object) -> str:
    """ "NIK (16 digit)" -> "nik", "No. HP/WA" -> "no hp wa", "Kab/Kota" -> "kab kota"."""
    text = _PARENTHESES.sub(" ", cell_text(cell).lower())
    return " ".join(_NON_WORD.sub(" ", text).split())


def build_lookup(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {alias: name for name, names in aliases.items() for alias in names}


def map_headers(
    cells: Iterable[object], lookup: dict[str, str], overrides: dict[str, str]
) -> dict[int, str]:
    """{column index: field} for a header row; the first column wins a repeated field.

    ``overrides`` maps a normalised header to a field (``--map COLUMN=field``).
    """
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, cell in enumerate(cells):
        key = normalize_header(cell)
        if not key or (key in IGNORED and key not in overrides):
            continue
        name = overrides.get(key) or lookup.get(key)
        if name and name not in taken:
            mapping[index] = name
            taken.add(name)
    return mapping


def is_blank(cells: list) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)

"""Bounds on what an XLSX or ODS workbook may unpack to, checked before anything parses it.

Both formats are zip archives, and a zip archive can unpack to a thousand times its size: a
1.5 MB XLSX whose ``xl/sharedStrings.xml`` unpacks to 1.5 GB took an import to 14 GB of memory
(openpyxl keeps every shared string in memory, at about five times its XML size). The archive's
central directory states every member's packed and unpacked size; reading it costs milliseconds
whatever the file holds, so the upload page refuses such a file on the form and the reader
refuses it again before the parser opens it (a stored file, the command line).

The directory can lie, but neither reader believes it past the declared sizes: Python's
``zipfile`` (which openpyxl reads XLSX through) never returns more than a member's declared
size and raises ``BadZipFile`` when the data fails its CRC, and the Rust ``zip`` crate under
python-calamine (ODS) stops with "File is larger than its declared uncompressed size"
(``tests/test_upload_limits.py`` proves both). So the declared sizes checked here bound what is
read. The directory itself is bounded too: its size is read from the end record before
``zipfile`` builds an object per entry, and the entries are capped.

Measured on 2026-12-08 by writing generated members with the export's own writer
(``imports.xlsx.write_xlsx``, inline strings) and with XlsxWriter's shared strings (as Excel
saves), then listing ``zipfile.ZipFile(path).infolist()``. A 2,000,000-member export (186 MB)
fills Excel's 1,048,575 rows on its first sheet: 767 MB of sheet XML, and 698 MB on the
second, 1,465 MB in all, packed at 7.9:1. Saved with shared strings, 200,000 members hold
97 MB of sheet XML and 35 MB of shared strings (a full sheet: ~510 and ~185 MB), packed at
8.3 and 5.6:1; openpyxl took 163 MB of memory to load those 35 MB. Deflate packs repeated
bytes at up to 1,028:1.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from typing import IO, Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# Defaults of the settings of the same names (environment overrides in ``settings.py``).
MAX_UNCOMPRESSED_BYTES = 2 * 1024**3  # all members: a 2,000,000-member export (1,465 MB)
MAX_MEMBER_BYTES = 1024**3  # one member: a full sheet (767 MB), with room for longer text
# The member openpyxl reads whole into memory (at ~5x for real strings, so about 1.3 GB at
# this limit): a full sheet's shared strings (~185 MB), with room for longer text.
MAX_SHARED_STRINGS_BYTES = 256 * 1024**2
MAX_COMPRESSION_RATIO = 100  # real members pack at 5-9:1
# Members smaller than this are not held to the ratio (a few kB of styles pack at 50:1 and
# more); the totals above still bound them.
RATIO_FROM_BYTES = 8 * 1024**2
# A workbook has a few dozen members (one per sheet, drawing, style part); the directory's
# entries are held in memory (a few hundred bytes each) before they can be counted.
MAX_ENTRIES = 10_000
MAX_DIRECTORY_BYTES = 4 * 1024**2
# The usual name of the shared strings; a workbook may give them any name in its content types
# (``[Content_Types].xml``, a few kB: read here, up to this size, to find them).
SHARED_STRINGS = "xl/sharedStrings.xml"
CONTENT_TYPES = "[Content_Types].xml"
MAX_CONTENT_TYPES_BYTES = 4 * 1024**2
_OVERRIDE = re.compile(rb"<(?:[\w.-]+:)?Override\b[^>]*>")
_PART_NAME = re.compile(rb"""\bPartName\s*=\s*["']/?([^"']*)["']""")
_STRINGS_TYPE = re.compile(rb"""\bContentType\s*=\s*["'][^"']*sharedStrings\+xml["']""")
_SUPPORTED = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


class WorkbookRefused(Exception):
    """The workbook would unpack to more than the limits allow. ``text()`` is the message in
    the active language (the form), ``str()`` Indonesian then English (the command, the run)."""

    def __init__(self, code: str, template: Any, **params: Any) -> None:
        self.code = code
        self.template = template
        self.params = params
        super().__init__(self.bilingual())

    def text(self) -> str:
        return str(self.template) % self.params

    def bilingual(self) -> str:
        with translation.override("id"):
            indonesian = self.text()
        with translation.override("en"):
            english = self.text()
        return f"{indonesian} / {english}"


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _size(size: int, *, up: bool) -> str:
    """``size`` in MB, KB or bytes; a file's size rounded up and a limit down, so the one
    never reads as small as the other."""
    for unit, scale in (("MB", 1024**2), ("KB", 1024), ("B", 1)):
        if size >= scale or scale == 1:
            return f"{-(-size // scale) if up else size // scale} {unit}"
    raise AssertionError("unreachable")


def _directory_bytes(handle: IO[bytes]) -> int | None:
    """The central directory's size as the end record states it (the ZIP64 one when there is
    one), which ``zipfile`` reads whole and parses entry by entry; None when there is none.

    The end record is found with zipfile's own (private) function, so both agree on which
    record counts; should a later Python drop it, the entry cap below still applies."""
    find_end = getattr(zipfile, "_EndRecData", None)
    size_at = getattr(zipfile, "_ECD_SIZE", None)
    if find_end is None or size_at is None:
        return None
    end = find_end(handle)
    return None if end is None else end[size_at]


def check_workbook(source: str | os.PathLike[str] | IO[bytes], *, name: str) -> list[str]:
    """The member names of the zip archive ``source`` (a path or a seekable binary file), once
    its central directory shows it within the limits; raises WorkbookRefused otherwise, and
    ``zipfile.BadZipFile`` when it is not a zip archive at all. Reads the directory only."""
    is_path = isinstance(source, str | os.PathLike)
    handle: IO[bytes] = (
        open(source, "rb")  # noqa: SIM115 (closed below)
        if isinstance(source, str | os.PathLike)
        else source
    )
    position = handle.tell()
    try:
        handle.seek(0)
        directory = _directory_bytes(handle)
        if directory is not None and directory > MAX_DIRECTORY_BYTES:
            _refuse_entries(name)
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                _refuse_entries(name)
            shared_strings = _shared_strings(archive, name)
    except (ValueError, EOFError, struct.error, zlib.error, RuntimeError) as error:
        # A mangled directory or content types, an encrypted member: not a usable workbook.
        raise zipfile.BadZipFile(str(error)) from error
    finally:
        if is_path:
            handle.close()
        else:
            handle.seek(position)
    total_limit = _limit("PENGGERAK_IMPORT_MAX_UNCOMPRESSED_BYTES", MAX_UNCOMPRESSED_BYTES)
    member_limit = _limit("PENGGERAK_IMPORT_MAX_MEMBER_BYTES", MAX_MEMBER_BYTES)
    strings_limit = _limit("PENGGERAK_IMPORT_MAX_SHARED_STRINGS_BYTES", MAX_SHARED_STRINGS_BYTES)
    ratio_limit = _limit("PENGGERAK_IMPORT_MAX_COMPRESSION_RATIO", MAX_COMPRESSION_RATIO)
    total = 0
    for info in infos:
        if info.compress_type not in _SUPPORTED:
            raise WorkbookRefused(
                "workbook_compression",
                _(
                    "Berkas %(name)s memakai cara pemampatan yang tidak dikenal; simpan ulang "
                    "dengan program lembar kerja."
                ),
                name=name,
            )
        size = info.file_size
        limit = min(member_limit, strings_limit) if info.filename in shared_strings else None
        if size > (limit or member_limit):
            _refuse_member(name, info.filename, size, limit or member_limit)
        if size >= RATIO_FROM_BYTES and size > ratio_limit * max(info.compress_size, 1):
            raise WorkbookRefused(
                "workbook_ratio",
                _(
                    "Berkas %(name)s ditolak: bagian %(part)s memuai %(ratio)s kali saat dibuka "
                    "(paling banyak %(limit)s kali), ciri berkas jebakan (bom zip)."
                ),
                name=name,
                part=info.filename,
                ratio=size // max(info.compress_size, 1),
                limit=ratio_limit,
            )
        total += size
    if total > total_limit:
        raise WorkbookRefused(
            "workbook_too_large",
            _(
                "Berkas %(name)s terlalu besar setelah dibuka: isinya %(size)s, paling banyak "
                "%(limit)s. Bagi data menjadi beberapa berkas."
            ),
            name=name,
            size=_size(total, up=True),
            limit=_size(total_limit, up=False),
        )
    return [info.filename for info in infos]


def _shared_strings(archive: zipfile.ZipFile, name: str) -> set[str]:
    """The members openpyxl would read as shared strings: the usual name and any part the
    content types declare as such."""
    parts = {SHARED_STRINGS}
    try:
        info = archive.getinfo(CONTENT_TYPES)
    except KeyError:
        return parts
    if info.file_size > MAX_CONTENT_TYPES_BYTES:
        _refuse_member(name, info.filename, info.file_size, MAX_CONTENT_TYPES_BYTES)
    if info.compress_type not in _SUPPORTED:
        return parts  # refused below, with the other members
    for tag in _OVERRIDE.findall(archive.read(info)):
        part = _PART_NAME.search(tag)
        if part and _STRINGS_TYPE.search(tag):
            parts.add(part.group(1).decode("utf-8", "replace"))
    return parts


def _refuse_member(name: str, part: str, size: int, limit: int) -> None:
    raise WorkbookRefused(
        "workbook_member_too_large",
        _(
            "Berkas %(name)s terlalu besar setelah dibuka: bagian %(part)s berisi "
            "%(size)s, paling banyak %(limit)s. Bagi data menjadi beberapa berkas."
        ),
        name=name,
        part=part,
        size=_size(size, up=True),
        limit=_size(limit, up=False),
    )


def _refuse_entries(name: str) -> None:
    raise WorkbookRefused(
        "workbook_entries",
        _(
            "Berkas %(name)s berisi lebih dari %(limit)s bagian; ini bukan lembar kerja biasa. "
            "Simpan ulang dengan program lembar kerja."
        ),
        name=name,
        limit=MAX_ENTRIES,
    )

"""Bounded uploads: a workbook that unpacks to too much (a zip bomb) is refused from its zip
directory alone, on the form, by the command and by the run, before anything parses it; and
every request body has a ceiling.

The limits' defaults were measured on files of Excel's full sheet (1,048,575 rows) in the
member export's 13 columns: ``penggerak.imports.limits`` gives the figures.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from penggerak.core.models import AuditEvent
from penggerak.imports import limits, readers, services
from penggerak.imports.limits import SHARED_STRINGS, WorkbookRefused, check_workbook
from penggerak.imports.members import ImportOptions, import_members
from penggerak.imports.models import ImportRun
from penggerak.imports.readers import UnreadableFile, read_rows
from penggerak.imports.storage import private_path, private_root
from penggerak.imports.templates_xlsx import members_template
from penggerak.imports.tests.helpers import nik, write_ods, write_xlsx
from penggerak.imports.xlsx import write_xlsx as export_xlsx
from penggerak.registry.models import Member

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("immediate_tasks"),
    pytest.mark.time_machine(dt.datetime(2026, 3, 14, 9, 0, tzinfo=dt.UTC), tick=False),
]
HEADER = ["No", "Nama Lengkap", "NIK (16 digit)", "No. HP/WA", "Tgl Lahir", "L/P"]
ROWS = [
    HEADER,
    [1, "Siti Aminah", nik(1), "0812-3456-7890", "14/03/1985", "P"],
    [2, "Dewi Lestari", nik(2), "0812-3456-7891", "14/03/1985", "P"],
]
MiB = 1024**2
BOMB_BYTES = 128 * MiB


def _bomb(path: Path, unpacked: int = BOMB_BYTES) -> Path:
    """A members workbook that opens in any spreadsheet program, with a shared strings part
    holding one string of ``unpacked`` letters: deflate packs it at ~1,000:1 (130 kB). Streamed
    to the zip a megabyte at a time, so building it takes little memory (and ~1 s)."""
    small = write_xlsx(path.with_name("kecil.xlsx"), ROWS)  # openpyxl writes inline strings
    declared = {
        "[Content_Types].xml": (
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        ),
        "xl/_rels/workbook.xml.rels": (
            b"</Relationships>",
            b'<Relationship Id="rIdBom" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        ),
    }
    with (
        zipfile.ZipFile(small) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename in declared:
                data = data.replace(*declared[info.filename])
            target.writestr(info, data)
        member = zipfile.ZipInfo(SHARED_STRINGS, date_time=(2026, 3, 14, 9, 0, 0))
        member.compress_type = zipfile.ZIP_DEFLATED
        with target.open(member, "w", force_zip64=True) as out:
            out.write(
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                b'count="1" uniqueCount="1"><si><t>'
            )
            chunk = b"A" * MiB
            for _ in range(unpacked // MiB):
                out.write(chunk)
            out.write(b"</t></si></sst>")
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    return _bomb(tmp_path_factory.mktemp("bom") / "anggota.xlsx")


def _ratio_message(path: Path, name: str) -> tuple[str, str]:
    info = zipfile.ZipFile(path).getinfo(SHARED_STRINGS)
    ratio = info.file_size // info.compress_size
    return (
        f"Berkas {name} ditolak: bagian xl/sharedStrings.xml memuai {ratio} kali saat dibuka "
        "(paling banyak 100 kali), ciri berkas jebakan (bom zip).",
        f"File {name} refused: its part xl/sharedStrings.xml expands {ratio} times when "
        "unpacked (at most 100 times), the mark of a trap file (zip bomb).",
    )


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if a spreadsheet parser is ever opened."""
    import openpyxl
    import python_calamine

    def parsed(*args, **kwargs):
        raise AssertionError("the workbook was handed to a parser")

    monkeypatch.setattr(openpyxl, "load_workbook", parsed)
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", parsed)


def test_bomb_is_a_real_workbook(bomb):
    info = zipfile.ZipFile(bomb).getinfo(SHARED_STRINGS)
    assert info.file_size > BOMB_BYTES and info.file_size // info.compress_size > 1000
    assert bomb.stat().st_size < 300_000


# --- the command and the pipeline --------------------------------------------------------


@pytest.mark.usefixtures("no_parsing")
def test_command_refuses_a_bomb_before_parsing_it(bomb, community, tmp_path, capsys):
    report = tmp_path / "laporan.csv"
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import", "members", str(bomb), "--community", community.slug, "--report", str(report)
        )
    assert exit_info.value.code == 2  # as for any file that cannot be read
    indonesian, english = _ratio_message(bomb, "anggota.xlsx")
    assert capsys.readouterr().err == f"{indonesian} / {english}\n"
    assert not Member.objects.exists() and not AuditEvent.objects.exists()
    assert not report.exists()
    with pytest.raises(UnreadableFile, match="bom zip"):
        import_members(bomb, report, ImportOptions(community=community))
    assert not Member.objects.exists() and not report.exists()


def test_refusal_reads_the_directory_only(bomb):
    tracemalloc.start()
    try:
        with pytest.raises(WorkbookRefused) as refused:
            check_workbook(bomb, name="anggota.xlsx")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.code == "workbook_ratio"
    assert peak < MiB  # the bomb unpacks to 128 MB


def test_bomb_within_the_ratio_is_refused_for_its_size(bomb, settings):
    settings.PENGGERAK_IMPORT_MAX_COMPRESSION_RATIO = 10_000
    settings.PENGGERAK_IMPORT_MAX_SHARED_STRINGS_BYTES = 64 * MiB
    with pytest.raises(WorkbookRefused) as refused:
        check_workbook(bomb, name="anggota.xlsx")
    size = -(-zipfile.ZipFile(bomb).getinfo(SHARED_STRINGS).file_size // MiB)
    assert str(refused.value) == (
        f"Berkas anggota.xlsx terlalu besar setelah dibuka: bagian xl/sharedStrings.xml berisi "
        f"{size} MB, paling banyak 64 MB. Bagi data menjadi beberapa berkas. / "
        f"File anggota.xlsx is too large once unpacked: its part xl/sharedStrings.xml holds "
        f"{size} MB, at most 64 MB. Split the data into several files."
    )


# --- the upload page and the run -----------------------------------------------------------


def _post(client, user, community, upload):
    client.force_login(user)
    data = {"kind": "members", "community": community.pk, "file": upload, "consent": "on"}
    return client.post(reverse("imports:upload"), data)


def _stored_files() -> list[Path]:
    root = private_root()
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.usefixtures("no_parsing")
def test_upload_page_refuses_a_bomb_on_the_form(client, coordinator, community, bomb, settings):
    upload = SimpleUploadedFile("anggota.xlsx", bomb.read_bytes())
    response = _post(client, coordinator, community, upload)
    assert response.status_code == 200
    indonesian, english = _ratio_message(bomb, "anggota.xlsx")
    assert indonesian in response.content.decode()
    assert not ImportRun.objects.exists() and not Member.objects.exists()
    assert not AuditEvent.objects.exists() and _stored_files() == []
    # In English; and uploaded to a temporary file rather than held in memory.
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    upload = SimpleUploadedFile("anggota.xlsx", bomb.read_bytes())
    assert english in _post(client, coordinator, community, upload).content.decode()
    assert not ImportRun.objects.exists()


@pytest.mark.usefixtures("no_parsing")
def test_run_refuses_a_stored_bomb_before_parsing_it(coordinator, community, bomb, tmp_path):
    """Defence in depth: a file stored before a limit was lowered is refused by the run."""
    upload = SimpleUploadedFile("anggota.xlsx", write_xlsx(tmp_path / "a.xlsx", ROWS).read_bytes())
    run = services.import_run_create(
        actor=coordinator, kind="members", upload=upload, community=community, consent=True
    )
    private_path(run.stored_file).write_bytes(bomb.read_bytes())
    services.import_run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.error == " / ".join(_ratio_message(bomb, "upload.xlsx"))
    assert (run.rows_done, run.report_csv, run.summary) == (0, "", {})
    assert not Member.objects.exists()
    assert not AuditEvent.objects.filter(object_type="registry.member").exists()


def _sheet_xml(rows: int) -> bytes:
    """Sheet XML as the member export writes it (inline strings), ``rows`` members."""
    return b"".join(
        f'<row r="{i}"><c r="A{i}"><v>{i}</v></c><c r="B{i}" t="inlineStr"><is><t>Anggota '
        f'{i}</t></is></c><c r="C{i}" t="inlineStr"><is><t>32730154038{i:05d}</t></is></c>'
        f'<c r="D{i}" t="inlineStr"><is><t>+62812{i * 7919 % 10**8:08d}</t></is></c></row>'.encode()
        for i in range(1, rows + 1)
    )


def test_real_workbooks_pass(tmp_path, client, coordinator, community):
    """The template, the member export's own writer, an ODS file and a sheet big enough to be
    held to the ratio pack at real ratios and stay within the limits; and they still import."""
    template = tmp_path / "templat.xlsx"
    template.write_bytes(members_template())
    exported = tmp_path / "ekspor.xlsx"
    export_xlsx(exported, tuple(HEADER), [tuple(row) for row in ROWS[1:]], title="Anggota")
    ods = write_ods(tmp_path / "anggota.ods", ROWS)
    big = _zip(tmp_path / "besar.xlsx", {"xl/worksheets/sheet1.xml": _sheet_xml(60_000)})
    info = zipfile.ZipFile(big).getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > limits.RATIO_FROM_BYTES
    assert 5 < info.file_size / info.compress_size < 20  # as the measured real sheets
    for path in (template, exported, ods, big):
        assert check_workbook(path, name=path.name)
    response = _post(
        client, coordinator, community, SimpleUploadedFile("anggota.xlsx", exported.read_bytes())
    )
    assert response.status_code == 302
    assert ImportRun.objects.get().status == ImportRun.Status.DONE
    assert Member.objects.count() == 2


# --- each limit, exactly -------------------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_member_too_large(tmp_path, settings):
    settings.PENGGERAK_IMPORT_MAX_MEMBER_BYTES = 2 * MiB
    path = _zip(tmp_path / "a.xlsx", {"xl/worksheets/sheet1.xml": os.urandom(3 * MiB - 10)})
    with pytest.raises(WorkbookRefused) as refused:
        check_workbook(path, name="a.xlsx")
    assert str(refused.value) == (
        "Berkas a.xlsx terlalu besar setelah dibuka: bagian xl/worksheets/sheet1.xml berisi "
        "3 MB, paling banyak 2 MB. Bagi data menjadi beberapa berkas. / "
        "File a.xlsx is too large once unpacked: its part xl/worksheets/sheet1.xml holds "
        "3 MB, at most 2 MB. Split the data into several files."
    )


def test_shared_strings_under_another_name_are_held_to_their_limit(tmp_path, settings):
    """openpyxl finds the shared strings through the content types, under any name."""
    settings.PENGGERAK_IMPORT_MAX_SHARED_STRINGS_BYTES = 1024
    types = (
        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Override ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml" PartName="/xl/kata.xml"/></Types>'
    )
    members = {"[Content_Types].xml": types, "xl/kata.xml": os.urandom(2000)}
    path = _zip(tmp_path / "a.xlsx", members)
    with pytest.raises(WorkbookRefused) as refused:
        check_workbook(path, name="a.xlsx")
    assert refused.value.text() == (
        "Berkas a.xlsx terlalu besar setelah dibuka: bagian xl/kata.xml berisi 2 KB, paling "
        "banyak 1 KB. Bagi data menjadi beberapa berkas."
    )
    members["xl/kata.xml"] = os.urandom(1000)
    assert check_workbook(_zip(tmp_path / "b.xlsx", members), name="b.xlsx")


def test_all_members_together_too_large(tmp_path, settings):
    settings.PENGGERAK_IMPORT_MAX_UNCOMPRESSED_BYTES = 100 * 1024
    path = _zip(tmp_path / "a.ods", {"content.xml": os.urandom(60_000), "b": os.urandom(60_000)})
    with pytest.raises(WorkbookRefused) as refused:
        check_workbook(path, name="a.ods")
    assert str(refused.value) == (
        "Berkas a.ods terlalu besar setelah dibuka: isinya 118 KB, paling banyak 100 KB. "
        "Bagi data menjadi beberapa berkas. / File a.ods is too large once unpacked: it holds "
        "118 KB, at most 100 KB. Split the data into several files."
    )


def test_too_many_members(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ENTRIES", 3)
    path = _zip(tmp_path / "a.xlsx", {f"x{i}": b"" for i in range(4)})
    with pytest.raises(WorkbookRefused) as refused:
        check_workbook(path, name="a.xlsx")
    assert str(refused.value) == (
        "Berkas a.xlsx berisi lebih dari 3 bagian; ini bukan lembar kerja biasa. Simpan ulang "
        "dengan program lembar kerja. / File a.xlsx holds more than 3 parts; this is not an "
        "ordinary spreadsheet. Save it again with a spreadsheet program."
    )


def test_huge_directory_is_refused_before_zipfile_reads_it(tmp_path, monkeypatch):
    """The end record says how big the directory is: zipfile would read it whole and make an
    object of every entry in it before any could be counted."""
    path = _zip(tmp_path / "a.xlsx", {"xl/workbook.xml": b"<workbook/>"})
    data = bytearray(path.read_bytes())
    end = data.rindex(b"PK\x05\x06")
    struct.pack_into("<L", data, end + 12, limits.MAX_DIRECTORY_BYTES + 1)
    path.write_bytes(bytes(data))

    def opened(*args, **kwargs):
        raise AssertionError("zipfile read the directory")

    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", opened)
    with pytest.raises(WorkbookRefused) as refused:
        check_workbook(path, name="a.xlsx")
    assert refused.value.code == "workbook_entries"


def test_unknown_compression(tmp_path):
    path = _zip(tmp_path / "a.xlsx", {"xl/workbook.xml": b"<workbook/>"}, zipfile.ZIP_BZIP2)
    with pytest.raises(WorkbookRefused) as refused:
        check_workbook(path, name="a.xlsx")
    assert refused.value.code == "workbook_compression"
    with pytest.raises(UnreadableFile, match="unknown compression method"):
        next(read_rows(path))


def test_small_members_are_not_held_to_the_ratio(tmp_path):
    """Styles and other small parts pack at 50:1 and more: only members of 8 MiB and more
    must look like data."""
    path = _zip(tmp_path / "a.xlsx", {"xl/styles.xml": b"<x/>" * MiB})
    info = zipfile.ZipFile(path).getinfo("xl/styles.xml")
    assert info.file_size // info.compress_size > 100
    assert check_workbook(path, name="a.xlsx") == ["xl/styles.xml"]


def test_check_leaves_an_open_upload_where_it_was(tmp_path):
    upload = SimpleUploadedFile("a.xlsx", write_xlsx(tmp_path / "a.xlsx", ROWS).read_bytes())
    upload.seek(5)
    check_workbook(upload, name="a.xlsx")
    assert upload.tell() == 5


def test_a_sheet_declaring_a_huge_size_is_read_as_wide_as_its_cells(tmp_path):
    """A few kB declaring A1:XFD2000: openpyxl pads every row to the declared 16,384 columns
    and 2,000 rows unless told not to (a million such rows took minutes per 100,000 and
    gigabytes in the chunks being checked). A cell right of column IV is left out."""
    path = write_xlsx(tmp_path / "a.xlsx", ROWS)
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD2000"', sheet)
    far = '<row r="5"><c r="XFD5" t="inlineStr"><is><t>jauh</t></is></c></row>'
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("</sheetData>", f"{far}</sheetData>")
    _zip(path, parts)
    rows = list(read_rows(path))
    assert [number for number, _cells in rows] == [1, 2, 3, 4, 5]
    assert [cells for _number, cells in rows[:3]] == ROWS
    assert rows[3] == (4, []) and rows[4] == (5, [None] * readers.MAX_COLUMNS)


# --- a directory that lies about the sizes ---------------------------------------------------


def _declare(path: Path, member: str, size: int, crc: int) -> None:
    """Rewrite ``member``'s unpacked size and CRC in its local header and the directory."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, size_at, crc_at, name_at, length_at in (
        (b"PK\x03\x04", 22, 14, 30, 26),
        (b"PK\x01\x02", 24, 16, 46, 28),
    ):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            (length,) = struct.unpack_from("<H", data, start + length_at)
            if data[start + name_at : start + name_at + length] == name:
                struct.pack_into("<L", data, start + size_at, size)
                struct.pack_into("<L", data, start + crc_at, crc)
            start += 4
    path.write_bytes(bytes(data))


def test_xlsx_reads_never_exceed_the_declared_size(tmp_path):
    """openpyxl reads through Python's zipfile, which stops at the declared size and checks the
    CRC: a directory that understates a member cannot make a read return more."""
    path = write_xlsx(tmp_path / "a.xlsx", ROWS)
    sheet = "xl/worksheets/sheet1.xml"
    real = zipfile.ZipFile(path).read(sheet)
    _declare(path, sheet, 40, zlib.crc32(real))
    with pytest.raises(zipfile.BadZipFile, match="Bad CRC-32"):
        zipfile.ZipFile(path).read(sheet)
    _declare(path, sheet, 40, zlib.crc32(real[:40]))  # a CRC that agrees
    assert zipfile.ZipFile(path).read(sheet) == real[:40]
    with pytest.raises(UnreadableFile, match="could not be read as XLSX"):
        list(read_rows(path))  # the XML ends after 40 bytes


def test_ods_reads_never_exceed_the_declared_size(tmp_path):
    """python-calamine reads ODS through Rust's zip crate, which refuses a member that unpacks
    to more than it declares, whatever its CRC."""
    path = write_ods(tmp_path / "a.ods", ROWS)
    real = zipfile.ZipFile(path).read("content.xml")
    _declare(path, "content.xml", 40, zlib.crc32(real[:40]))
    with pytest.raises(UnreadableFile, match="larger than its declared uncompressed size"):
        list(read_rows(path))


# --- the request body ---------------------------------------------------------------------


def test_body_over_the_limit_is_refused_before_it_is_read(client, coordinator, community):
    limit = django_settings.PENGGERAK_MAX_REQUEST_BYTES
    assert limit == 64 * MiB
    client.force_login(coordinator)
    upload = SimpleUploadedFile("anggota.xlsx", b"PK")
    response = client.post(
        reverse("imports:upload"),
        {"kind": "members", "community": community.pk, "file": upload, "consent": "on"},
        CONTENT_LENGTH=str(64 * MiB + 1),
    )
    assert response.status_code == 413
    assert response.content.decode() == (
        "Permintaan terlalu besar: paling besar 64 MB.\nRequest too large: at most 64 MB.\n"
    )
    assert not ImportRun.objects.exists() and _stored_files() == []


def test_body_limit_applies_to_real_uploads_and_lets_normal_ones_through(
    client, coordinator, community, tmp_path, settings
):
    content = write_xlsx(tmp_path / "a.xlsx", ROWS).read_bytes()
    settings.PENGGERAK_MAX_REQUEST_BYTES = len(content)  # the form around it tips it over
    response = _post(client, coordinator, community, SimpleUploadedFile("a.xlsx", content))
    assert response.status_code == 413
    assert not ImportRun.objects.exists() and not Member.objects.exists()
    settings.PENGGERAK_MAX_REQUEST_BYTES = 64 * MiB
    response = _post(client, coordinator, community, SimpleUploadedFile("a.xlsx", content))
    assert response.status_code == 302
    assert ImportRun.objects.get().status == ImportRun.Status.DONE
    assert Member.objects.count() == 2


def test_api_gets_its_error_shape(client):
    response = client.post(
        "/api/v1/members", b"{}", content_type="application/json", CONTENT_LENGTH=str(65 * MiB)
    )
    assert response.status_code == 413
    assert response.json() == {
        "code": "request_too_large",
        "message": "Permintaan terlalu besar: paling besar 64 MB.",
        "fields": {},
    }


def test_body_limit_sits_above_the_largest_upload():
    form_room = MiB  # the other fields and the multipart boundaries
    limit = django_settings.PENGGERAK_MAX_REQUEST_BYTES
    assert limit >= services.MAX_UPLOAD_BYTES + form_room

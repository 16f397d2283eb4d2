"""Template workbooks for the upload page, generated on the fly with openpyxl.

NIK and phone columns are formatted as Text (``@``) on the whole column, so Excel keeps every
digit and the leading zero; the second sheet explains how to fill the file, in Indonesian.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

TEXT = "@"
ROWS_FORMATTED = 1000  # besides the column style, the first rows people fill carry it too

MEMBER_COLUMNS = (
    # header, example, text column?, width
    ("No", "1", False, 5),
    ("Nama Lengkap", "Siti Aminah", False, 28),
    ("NIK", "3273014708800003", True, 20),
    ("No HP/WA", "081234567890", True, 16),
    ("Tanggal Lahir", "07/08/1980", True, 14),
    ("Jenis Kelamin", "P", False, 8),
    ("Email", "siti@example.com", False, 24),
    ("Desa/Kelurahan", "Braga", False, 20),
    ("Kecamatan", "Sumur Bandung", False, 18),
    ("Alamat", "Jl. Braga No. 1", False, 30),
    ("Tanggal Bergabung", "17/08/2020", True, 14),
)
MEMBER_HELP = (
    "Cara mengisi templat anggota",
    "",
    "1. Satu baris untuk satu anggota. Baris judul (header) jangan diubah.",
    "2. Kolom NIK dan No HP/WA sudah berformat Teks: ketik NIK 16 digit apa adanya, "
    "termasuk angka 0 di depan nomor HP.",
    "3. Jangan tempel NIK sebagai angka: Excel dapat mengubah digit terakhir menjadi 0 "
    "dan baris akan ditolak.",
    "4. Tanggal ditulis hari/bulan/tahun, misalnya 17/08/1980 atau 17 Agustus 1980.",
    "5. Jenis kelamin: L atau P. Tanggal lahir dan jenis kelamin harus cocok dengan NIK.",
    "6. Wajib: Nama Lengkap dan NIK. Kolom lain boleh kosong.",
    "7. Desa/Kelurahan dicari di kabupaten/kota komunitas; yang tidak ditemukan dikosongkan "
    "dan dilaporkan.",
    "8. Baris contoh (Siti Aminah) dihapus sebelum mengunggah.",
    "9. Mengunggah berkas yang sama dua kali aman: anggota yang sudah ada tidak digandakan.",
    "10. Hanya lembar pertama (Anggota) yang diimpor: semua anggota ditulis di lembar itu.",
)
COMMUNITY_COLUMNS = (
    ("Nama Komunitas", "Komunitas Bandung Juara", False, 30),
    ("Kode", "bandung-juara", False, 18),
    ("Kabupaten/Kota", "Kota Bandung", False, 20),
    ("Tanggal Berdiri", "17/08/2017", True, 14),
    ("Koordinator", "Budi Santoso", False, 24),
    ("HP Koordinator", "081234567890", True, 16),
    ("Email Koordinator", "budi@example.com", False, 24),
)
COMMUNITY_HELP = (
    "Cara mengisi templat komunitas",
    "",
    "1. Satu baris untuk satu komunitas. Wajib: Nama Komunitas dan Kabupaten/Kota "
    "(nama atau kode Kemendagri, misalnya 32.73).",
    "2. Kode boleh kosong; jika sudah ada, baris dilewati.",
    "3. Jika koordinator diisi, akun koord-<kode> dibuat tidak aktif dengan tautan undangan "
    "sekali pakai yang tampil di halaman hasil impor.",
    "4. Kolom HP Koordinator berformat Teks: ketik 0 di depan nomor.",
    "5. Baris contoh dihapus sebelum mengunggah.",
    "6. Hanya lembar pertama (Komunitas) yang diimpor.",
)


def _workbook(columns, help_lines, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    bold = Font(bold=True)
    for index, (header, example, text, width) in enumerate(columns, start=1):
        head = sheet.cell(row=1, column=index, value=header)
        head.font = bold
        letter = head.column_letter
        sheet.column_dimensions[letter].width = width
        if text:
            sheet.column_dimensions[letter].number_format = TEXT
            for row in range(2, ROWS_FORMATTED + 1):
                sheet.cell(row=row, column=index).number_format = TEXT
        cell = sheet.cell(row=2, column=index, value=example)
        if text:
            cell.number_format = TEXT
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("Petunjuk")
    guide.column_dimensions["A"].width = 110
    for row, line in enumerate(help_lines, start=1):
        cell = guide.cell(row=row, column=1, value=line)
        if row == 1:
            cell.font = bold
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def members_template() -> bytes:
    return _workbook(MEMBER_COLUMNS, MEMBER_HELP, "Anggota")


def communities_template() -> bytes:
    return _workbook(COMMUNITY_COLUMNS, COMMUNITY_HELP, "Komunitas")

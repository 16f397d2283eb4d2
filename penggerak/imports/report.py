"""The import report: one CSV line per problem, messages in Indonesian.

The report names the row and the value as written, except a NIK: it is masked like everywhere
else (``************0001``), as the report file is kept and downloaded again. Every cell is
neutralised against formulas (``core.spreadsheet``): the values come from an uploaded file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from penggerak.core.protection import nik_mask_text
from penggerak.core.spreadsheet import safe_row

HEADER = ("row", "column", "value", "severity", "code", "message")
# The column label of the NIK in problems (``member_checks.LABELS["nik"]``): its value is masked.
NIK_COLUMN = "NIK"

# Import-specific messages (identity messages come from core.identity in Indonesian).
MESSAGES: dict[str, str] = {
    "nik_missing": "NIK wajib diisi; baris ditolak.",
    "nik_numeric_untrusted": (
        "NIK tersimpan sebagai angka dan Excel mungkin telah mengubah digitnya; baris "
        "ditolak. Format kolom NIK sebagai Teks lalu ketik ulang NIK-nya."
    ),
    "nik_scientific": (
        "NIK tertulis dalam notasi ilmiah (misalnya 3.27301E+15) sehingga digitnya hilang; "
        "baris ditolak. Format kolom NIK sebagai Teks lalu ketik ulang NIK-nya."
    ),
    "name_missing": "Nama lengkap wajib diisi; baris ditolak.",
    "nik_duplicate_in_file": (
        "NIK ini sudah muncul di baris sebelumnya dalam berkas; baris ditolak."
    ),
    "nik_other_community": (
        "NIK ini sudah terdaftar sebagai anggota komunitas lain; baris ditolak. Pemindahan "
        "anggota adalah tindakan terpisah."
    ),
    "row_skipped": "Baris tanpa nama dan NIK (misalnya baris JUMLAH atau catatan) dilewati.",
    "sheet_not_imported": (
        'Lembar "{sheet}" juga berisi daftar (baris ini adalah judul kolomnya), tetapi hanya '
        "lembar pertama yang diimpor; baris-baris lembar itu tidak dibaca. Pindahkan ke lembar "
        "pertama atau impor sebagai berkas tersendiri."
    ),
    "sheet_unreadable": 'Lembar "{sheet}" tidak dapat dibaca; hanya lembar pertama yang diimpor.',
    "date_invalid": "Tanggal tidak dikenali; kolom dikosongkan. Contoh: 17/08/1980.",
    "sex_invalid": "Jenis kelamin tidak dikenali (gunakan L/P); kolom dikosongkan.",
    "village_not_found": "Desa/kelurahan tidak ditemukan di wilayah komunitas; kolom dikosongkan.",
    "village_ambiguous": "Nama desa/kelurahan cocok dengan beberapa wilayah ({candidates}); "
    "kolom dikosongkan.",
    "value_kept": (
        "Anggota sudah terdaftar dengan nilai lain ({current}); nilai lama dipertahankan."
    ),
    "community_unknown": "Komunitas {value} tidak ditemukan; baris ditolak.",
    "community_missing": "Komunitas wajib diisi (kolom komunitas atau --community); baris ditolak.",
    "community_inactive": "Komunitas ini tidak aktif; baris ditolak.",
    "regency_missing": "Kabupaten/kota wajib diisi; baris ditolak.",
    "regency_not_found": "Kabupaten/kota tidak ditemukan; baris ditolak.",
    "regency_ambiguous": "Kabupaten/kota bisa berarti beberapa wilayah ({candidates}); tulis "
    "lebih lengkap atau gunakan kodenya; baris ditolak.",
    "community_exists": "Komunitas dengan kode ini sudah ada; baris dilewati.",
    "slug_in_use": "Kode komunitas sudah dipakai; baris ditolak.",
    "phone_invalid_kept_empty": "{message} Kolom dikosongkan.",
    "email_invalid_kept_empty": "{message} Kolom dikosongkan.",
}


def message(code: str, **params: object) -> str:
    return MESSAGES[code].format(**params)


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str
    value: str
    severity: str  # "error" (row refused) or "warning"
    code: str
    message: str

    def as_row(self) -> tuple:
        return (self.row, self.column, self.value, self.severity, self.code, self.message)

    def as_report_row(self) -> list:
        """The line the report file gets: the NIK masked, formulas neutralised."""
        value = nik_mask_text(self.value) if self.column == NIK_COLUMN else self.value
        return safe_row((self.row, self.column, value, self.severity, self.code, self.message))


# Row numbers kept per kind of problem for the result page; the report has them all.
EXAMPLE_ROWS = 5


class ReportWriter:
    """Appends problems to the report CSV as batches commit; the file is always readable.

    Also tallies them by kind (``kinds``): what the result page shows at a glance, so that a
    coordinator on a phone sees what to fix without opening the report."""

    def __init__(self, path: Path):
        self.path = path
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle)
        self._writer.writerow(HEADER)
        self.errors = 0
        self.warnings = 0
        self._kinds: dict[tuple[str, str], dict] = {}

    def write(self, problems: list[Problem]) -> None:
        for problem in problems:
            if problem.severity == "error":
                self.errors += 1
            else:
                self.warnings += 1
            self._writer.writerow(problem.as_report_row())
            self._tally(problem)
        self._handle.flush()

    def _tally(self, problem: Problem) -> None:
        key = (problem.severity, problem.code)
        kind = self._kinds.get(key)
        if kind is None:
            kind = self._kinds[key] = {
                "code": problem.code,
                "severity": problem.severity,
                "column": problem.column,
                "message": problem.message,  # the first one's: an example
                "count": 0,
                "rows": [],
            }
        kind["count"] += 1
        if len(kind["rows"]) < EXAMPLE_ROWS:
            kind["rows"].append(problem.row)

    def kinds(self) -> list[dict]:
        """Each kind of problem with its count, first message and first rows: refusals
        first, then the most frequent."""
        return sorted(
            self._kinds.values(), key=lambda k: (k["severity"] != "error", -k["count"], k["code"])
        )

    def close(self) -> None:
        self._handle.close()

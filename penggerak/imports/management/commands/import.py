"""``penggerak import communities FILE`` and ``penggerak import members FILE``.

Progress goes to stderr; the last line on stdout is the JSON summary. Exit status 0 when the
file was read (refused rows included), 2 when it could not be read at all.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from penggerak.accounts.models import User
from penggerak.imports.communities import import_communities
from penggerak.imports.headers import normalize_header
from penggerak.imports.members import (
    BATCH_SIZE,
    ImportOptions,
    import_members,
    stderr_progress,
)
from penggerak.imports.readers import UnreadableFile
from penggerak.registry.models import Community

MEMBER_FIELDS = (
    "full_name",
    "nik",
    "phone",
    "birth_date",
    "sex",
    "email",
    "village",
    "district",
    "regency",
    "address",
    "joined_on",
    "community",
)
COMMUNITY_FIELDS = (
    "name",
    "slug",
    "regency",
    "founded",
    "coordinator",
    "coordinator_phone",
    "coordinator_email",
)


class UnreadableExit(CommandError):
    pass


class Command(BaseCommand):
    help = "Impor komunitas atau anggota dari CSV, XLSX atau ODS. / Import communities or members."
    # The system checks import every URL module (2 s); a data command does not need them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        for kind in ("communities", "members"):
            p = sub.add_parser(kind)
            p.add_argument("file")
            p.add_argument(
                "--report", help="Path of the report CSV (default: a new temporary directory)"
            )
            p.add_argument("--dry-run", action="store_true")
            p.add_argument("--actor", help="Username recorded in the audit (default: system)")
            p.add_argument("--map", action="append", default=[], metavar="COLUMN=field")
            if kind == "members":
                p.add_argument("--community", help="Slug of the community for every row")
                p.add_argument("--overwrite", action="store_true")
                p.add_argument("--consent-collected", action="store_true")
                p.add_argument("--batch-size", type=int, default=BATCH_SIZE)
                p.add_argument(
                    "--workers",
                    type=int,
                    default=None,
                    help="Proses pemeriksa baris di samping penulis (bawaan: jumlah inti - 1 "
                    "untuk berkas 1 MB ke atas; 0: periksa di proses ini). / Row-checking "
                    "processes beside the writer.",
                )

    def _header_map(self, pairs: list[str], allowed: tuple[str, ...]) -> dict[str, str]:
        result = {}
        for pair in pairs:
            column, sep, field = pair.rpartition("=")
            if not sep or field not in allowed:
                raise CommandError(
                    f"--map {pair!r}: gunakan KOLOM=field, field salah satu dari "
                    f"{', '.join(allowed)}. / use COLUMN=field."
                )
            result[normalize_header(column)] = field
        return result

    def handle(self, *args, **options):
        kind = options["kind"]
        actor = None
        if options.get("actor"):
            actor = User.objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"Pengguna {options['actor']} tidak ada. / No such user.")
        report = options.get("report") or str(
            Path(tempfile.mkdtemp(prefix="penggerak-import-")) / "laporan-impor.csv"
        )
        try:
            if kind == "communities":
                if actor is None or not actor.is_secretariat:
                    raise CommandError(
                        "Impor komunitas perlu --actor pengguna sekretariat. / "
                        "Importing communities needs --actor with a secretariat user."
                    )
                summary = import_communities(
                    options["file"],
                    report,
                    actor=actor,
                    dry_run=options["dry_run"],
                    header_map=self._header_map(options["map"], COMMUNITY_FIELDS),
                    announce=stderr_progress,
                )
            else:
                community = None
                if options.get("community"):
                    community = Community.objects.filter(slug=options["community"]).first()
                    if community is None:
                        raise CommandError(
                            f"Komunitas {options['community']} tidak ada. / No such community."
                        )
                summary = import_members(
                    options["file"],
                    report,
                    ImportOptions(
                        community=community,
                        dry_run=options["dry_run"],
                        overwrite=options["overwrite"],
                        actor=actor,
                        consent=options["consent_collected"],
                        header_map=self._header_map(options["map"], MEMBER_FIELDS),
                        batch_size=max(1, options["batch_size"]),
                        workers=None if options["workers"] is None else max(0, options["workers"]),
                        progress=stderr_progress,
                    ),
                )
        except UnreadableFile as error:
            sys.stderr.write(f"{error}\n")
            sys.exit(2)
        self.stdout.write(json.dumps(summary.as_dict()))

"""``penggerak rebuild_rollups [--check]``: recompute the daily rollups from the registry."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from penggerak.insights import rollups


class Command(BaseCommand):
    help = (
        "Hitung ulang ringkasan harian dari data registri / Recompute the daily rollups. "
        "--check: only compare, exit 1 when any figure differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Compare only; change nothing.")

    def handle(self, *args, check: bool, **options):
        started = time.monotonic()
        if check:
            diff = rollups.rollups_diff()
            for key, (stored, expected) in sorted(diff.items(), key=str)[:50]:
                self.stdout.write(f"{' '.join(map(str, key))}: {stored} != {expected}")
            self.stdout.write(
                f"{len(diff)} selisih/differences ({time.monotonic() - started:.1f} s)."
            )
            if diff:
                raise CommandError("Ringkasan tidak cocok / rollups differ.")
            return
        rollups.rebuild()
        self.stdout.write(
            f"Ringkasan dibangun ulang / rollups rebuilt ({time.monotonic() - started:.1f} s)."
        )

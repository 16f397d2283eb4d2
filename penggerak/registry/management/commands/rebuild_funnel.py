"""``penggerak rebuild_funnel [--check]``: recompute the funnel counters from the step rows.

The services keep ``StepCount`` and ``StepGapCount`` up to date in the same transaction as
every change; this command is the proof (``--check`` reports differences and changes
nothing, exiting 1 when there are any) and the repair (without ``--check``: report, then
replace every counter with one INSERT ... SELECT ... GROUP BY each).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from penggerak.registry import steps


class Command(BaseCommand):
    help = "Recompute the seven-step funnel counters from MemberStep rows and report differences."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Only report differences; change nothing."
        )

    def handle(self, *args, check: bool, **options):
        with transaction.atomic():
            expected = steps.counters_expected()
            diff = steps.counters_diff(expected, steps.counters_current())
            for key, (stored, wanted) in list(diff.items())[:50]:
                self.stdout.write(f"{':'.join(str(part) for part in key)}: {stored} -> {wanted}")
            if len(diff) > 50:
                self.stdout.write(f"... {len(diff) - 50} more")
            self.stdout.write(f"{len(diff)} selisih/differences in {len(expected)} counter rows")
            if check:
                if diff:
                    raise CommandError("funnel counters differ from the step rows")
                return
            if diff:
                steps.counters_rebuild()
                self.stdout.write("penghitung dibangun ulang / counters rebuilt")

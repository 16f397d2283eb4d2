"""Hand the periodic jobs that are due to the task worker (cron/systemd, or --loop)."""

import time

from django.core.management.base import BaseCommand

from penggerak.core.periodic import enqueue_due, periodic_jobs


class Command(BaseCommand):
    help = "Enqueue the periodic jobs that are due (stuck alerts, reminders, monthly reports)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep checking every --interval.")
        parser.add_argument("--interval", type=int, default=60, help="Seconds between checks.")
        parser.add_argument("--force", action="store_true", help="Enqueue every job now.")
        parser.add_argument("--list", action="store_true", help="List the jobs and stop.")

    def handle(self, *args, **options):
        if options["list"]:
            for job in periodic_jobs():
                self.stdout.write(f"{job.name}\t{job.every}")
            return
        while True:
            for name in enqueue_due(force=options["force"]):
                self.stderr.write(f"enqueued {name}")
            if not options["loop"]:
                return
            time.sleep(options["interval"])

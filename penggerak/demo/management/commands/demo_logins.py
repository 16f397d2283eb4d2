"""``penggerak demo_logins``: the demo logins and their password, in Indonesian and English."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from penggerak.accounts.models import Role, User
from penggerak.demo.generator import (
    COORDINATOR_PREFIX,
    PARTNER_PREFIX,
    SECRETARIAT_USERNAME,
    demo_loaded_event,
)


class Command(BaseCommand):
    help = "Tampilkan login demo / Print the demo logins."

    def handle(self, *args, **options):
        """Print the logins of the loaded demo, or say that none is loaded."""
        event = demo_loaded_event()
        secretariat = User.objects.filter(
            username=SECRETARIAT_USERNAME, role=Role.SECRETARIAT, is_active=True
        ).first()
        if event is None or secretariat is None:
            self.stdout.write(
                "Belum ada data demo di basis data ini; muat dengan `penggerak demo`. / "
                "No demo data in this database; load it with `penggerak demo`."
            )
            return

        coordinators = list(
            User.objects.filter(
                role=Role.COORDINATOR,
                is_active=True,
                username__startswith=COORDINATOR_PREFIX,
                coordinated_communities__isnull=False,
            )
            .order_by("id")
            .values_list("username", flat=True)
            .distinct()
        )
        partner_staff = list(
            User.objects.filter(
                role=Role.PARTNER,
                is_active=True,
                username__startswith=PARTNER_PREFIX,
                partners__isnull=False,
            )
            .order_by("id")
            .values_list("username", flat=True)
            .distinct()
        )
        # One real check on one account (about half a second of PBKDF2), so the password
        # shown is never a guess about a changed account.
        password_ok = secretariat.check_password(settings.DEMO_PASSWORD)

        write = self.stdout.write
        write(f"Login demo / Demo logins ({event.reason}):")
        write(f"  {SECRETARIAT_USERNAME:<40} sekretariat nasional / national secretariat")
        if coordinators:
            examples = ", ".join(coordinators[:2])
            write(
                f"  {COORDINATOR_PREFIX + '<kode-komunitas>':<40} {len(coordinators)} koordinator "
                f"komunitas / community coordinators, mis./e.g. {examples}"
            )
        for username in partner_staff:
            write(f"  {username:<40} staf mitra / partner staff")
        if password_ok:
            write(
                "Kata sandi semua login demo / Password of every demo login: "
                f"{settings.DEMO_PASSWORD}"
            )
        else:
            write(
                "Kata sandi sekretariat sudah diganti; PENGGERAK_DEMO_PASSWORD tidak berlaku "
                "lagi. / The secretariat's password was changed; PENGGERAK_DEMO_PASSWORD no "
                "longer applies."
            )

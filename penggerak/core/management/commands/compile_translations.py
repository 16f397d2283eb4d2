"""Compile every .po catalogue to .mo with polib, so no system gettext is needed."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile translation catalogues (.po -> .mo) without GNU gettext."
    requires_system_checks = []

    def handle(self, *args, **options):
        from django.apps import apps

        compiled = 0
        # The project catalogue and each app's own (penggerak/<app>/locale/).
        app_dirs = [
            Path(config.path) / "locale"
            for config in apps.get_app_configs()
            if config.name.startswith("penggerak.")
        ]
        project_dirs = [*settings.LOCALE_PATHS, *app_dirs]
        for locale_dir in project_dirs:
            for po_path in Path(locale_dir).rglob("*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                compiled += 1
        if options["verbosity"] > 1:
            self.stdout.write(f"{compiled} catalogue(s) compiled")

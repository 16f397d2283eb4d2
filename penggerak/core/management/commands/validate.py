"""``penggerak validate KIND VALUE...``: check identifiers from the shell, one JSON line each.

Reads the values from stdin, one per line, when none are given, so a whole column can be
piped through it. Needs neither a database nor system checks.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from functools import partial

from django.core.management.base import BaseCommand
from django.utils import translation

from penggerak.core import identity


class Command(BaseCommand):
    help = (
        "Validate NIK, phone, NPWP, NIB, KBLI, postal code or email values and print one JSON "
        "object per value (JSON Lines), in input order. Without VALUE arguments, reads one "
        "value per line from stdin. Exit status is 0 even for invalid values."
    )
    requires_system_checks: list = []
    requires_migrations_checks = False
    # Tests and callers may pass a file object as stdin=... to call_command.
    stealth_options = ("stdin",)

    VALIDATORS: dict[str, Callable[[str], identity.ValidationResult]] = {
        "nik": identity.validate_nik,
        "phone": identity.validate_phone,
        "npwp": identity.validate_npwp,
        "nib": identity.validate_nib,
        "kbli": identity.validate_kbli,
        "postal": identity.validate_postal_code,
        "email": identity.validate_email,
    }

    def create_parser(self, prog_name, subcommand, **kwargs):
        """Django's parser, accepting options before, between or after the values."""
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # Plain argparse cannot take options after "VALUE..." has started ("kbli --edition
        # 2025 47111" would reject 47111); intermixed parsing accepts options anywhere.
        parser.parse_args = parser.parse_intermixed_args
        return parser

    def add_arguments(self, parser):
        """KIND, then values; --lang for messages, --edition for KBLI."""
        parser.add_argument("kind", choices=sorted(self.VALIDATORS), help="what the values are")
        parser.add_argument("values", nargs="*", metavar="VALUE", help="values to check")
        parser.add_argument(
            "--lang",
            choices=["id", "en"],
            default="id",
            help="language of the messages (default: id)",
        )
        parser.add_argument(
            "--edition",
            type=int,
            choices=sorted(identity.KBLI_EDITIONS),
            default=2020,
            help="KBLI edition, for kind kbli (default: 2020)",
        )

    def handle(self, *args, kind: str, values: list[str], lang: str, edition: int, **options):
        """One JSON line per value, in input order; invalid values still exit 0."""
        validator = self.VALIDATORS[kind]
        if kind == "kbli":
            validator = partial(identity.validate_kbli, edition=edition)
        stdin = options.get("stdin") or sys.stdin
        source: Iterable[str] = values or (line.rstrip("\r\n") for line in stdin)
        with translation.override(lang):
            for value in source:
                result = validator(value).as_dict()
                self.stdout.write(json.dumps(result, ensure_ascii=False, separators=(",", ":")))

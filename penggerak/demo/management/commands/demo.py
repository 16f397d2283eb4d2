"""``penggerak demo --preset okoce-2020|tiny [--seed N] [--if-empty] [--extensions insights]``:
load synthetic data."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from penggerak.demo.generator import PRESETS, DemoDataExists, extension_names, load_demo

# Indonesian names of what DemoDataExists counts.
_LABELS_ID = {
    "communities": "komunitas",
    "members": "anggota",
    "partners": "mitra",
    "demo logins": "login demo",
}


def _thousands(n: int) -> str:
    """378212 -> "378.212" (Indonesian digit grouping)."""
    return f"{n:,}".replace(",", ".")


def _found(counts: dict[str, int], indonesian: bool) -> str:
    """What already exists, e.g. "3 komunitas, 300 anggota"."""
    return ", ".join(
        f"{_thousands(n)} {_LABELS_ID.get(what, what) if indonesian else what}"
        for what, n in counts.items()
        if n
    )


class Command(BaseCommand):
    help = (
        "Muat data demo sintetis yang deterministik / Load a deterministic synthetic dataset "
        "(okoce-2020: 156 communities, 378,212 members; tiny: 3 communities, 300 members)."
    )

    def add_arguments(self, parser):
        """--preset, --seed, --if-empty and --scale."""
        parser.add_argument("--preset", choices=sorted(PRESETS), default="okoce-2020")
        parser.add_argument(
            "--seed", type=int, default=2020, help="Same seed, same data (default 2020)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            dest="if_empty",
            help="Do nothing when a community already exists (for start-up scripts).",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply the preset's member count, keeping its proportions (benchmarks).",
        )
        parser.add_argument(
            "--extensions",
            default=None,
            help=(
                "Hanya data aplikasi ini setelah registri / only these apps' data after the "
                f"registry, comma-separated ({','.join(extension_names())}; default: all)."
            ),
        )

    def handle(self, *args, preset: str, seed: int, if_empty: bool, scale: float, **options):
        """Load the preset; progress on stderr, one summary line on stdout. Refused in
        production: demo logins share one published password."""
        if settings.PRODUCTION:
            raise CommandError(
                "Data demo tidak dimuat: PENGGERAK_ENV=production. Login demo memakai kata "
                "sandi yang diketahui umum. / The demo was not loaded: PENGGERAK_ENV=production. "
                "Demo logins use a publicly known password."
            )
        spec = PRESETS[preset]
        extensions = None
        if options.get("extensions") is not None:
            extensions = [name.strip() for name in options["extensions"].split(",") if name.strip()]
            unknown = sorted(set(extensions) - set(extension_names()))
            if unknown:
                raise CommandError(
                    f"--extensions tidak dikenal / unknown: {', '.join(unknown)} "
                    f"({', '.join(extension_names())})."
                )
        if scale != 1.0:
            if scale <= 0:
                raise CommandError("--scale harus positif / must be positive.")
            spec = spec.scaled(scale)
        quiet = options.get("verbosity", 1) == 0

        def progress(message: str) -> None:
            """Report a phase and its rate on stderr, so stdout stays the one-line summary."""
            if not quiet:
                # Plain style: the default stderr style would paint progress as an error.
                self.stderr.write(f"[demo] {message}", style_func=str)
                self.stderr.flush()

        try:
            summary = load_demo(spec, seed=seed, progress=progress, extensions=extensions)
        except DemoDataExists as exists:
            found_id, found_en = _found(exists.counts, True), _found(exists.counts, False)
            if if_empty:
                self.stdout.write(
                    f"Demo dilewati: basis data sudah berisi data ({found_id}). / "
                    f"Demo skipped: the database already holds data ({found_en})."
                )
                return
            raise CommandError(
                f"Basis data sudah berisi data ({found_id}); demo tidak dimuat agar tidak "
                "ganda. Pakai basis data kosong, atau --if-empty untuk melewati. / "
                f"The database already holds data ({found_en}); the demo was not loaded, to "
                "avoid duplicates. Use an empty database, or --if-empty to skip."
            ) from None

        rate = summary.members / summary.seconds if summary.seconds else 0
        self.stdout.write(
            f"Demo {summary.preset} (seed {summary.seed}) dimuat/loaded: "
            f"{summary.communities} komunitas/communities, "
            f"{_thousands(summary.members)} anggota/members, "
            f"{_thousands(summary.businesses)} usaha/businesses, "
            f"{summary.partners} mitra/partners, {summary.agreements} MoU, "
            f"{summary.logins} login — {summary.seconds:.1f} s ({rate:,.0f} anggota/s)."
        )

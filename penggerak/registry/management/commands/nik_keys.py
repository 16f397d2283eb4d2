"""Operate the keys that protect NIK at rest: show the derived keys, or rotate.

``rotate`` re-encrypts every NIK with the first key of PENGGERAK_NIK_ENCRYPTION_KEYS and
recomputes every digest with the current hash key, in batches, resumable and idempotent.
"""

import base64

from django.core.management.base import BaseCommand
from django.db import transaction

from penggerak.core import protection
from penggerak.registry.models import Member


class Command(BaseCommand):
    help = "Show derived NIK keys (to pin them before changing the secret key) or rotate keys."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["show-derived", "rotate"])
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, action, batch_size, **options):
        if action == "show-derived":
            hash_key = protection._derive(b"nik-hash-v1")
            encryption_key = base64.urlsafe_b64encode(protection._derive(b"nik-encryption-v1"))
            self.stdout.write(f"PENGGERAK_NIK_HASH_KEY={base64.b64encode(hash_key).decode()}")
            self.stdout.write(f"PENGGERAK_NIK_ENCRYPTION_KEYS={encryption_key.decode()}")
            self.stderr.write(
                "Kunci ini berasal dari PENGGERAK_SECRET_KEY saat ini. / "
                "These keys derive from the current PENGGERAK_SECRET_KEY."
            )
            return
        last_id, done = 0, 0
        while True:
            batch = list(
                Member.objects.filter(pk__gt=last_id)
                .order_by("pk")
                .only("pk", "nik_ciphertext", "nik_digest")[:batch_size]
            )
            if not batch:
                break
            with transaction.atomic():
                for member in batch:
                    nik = protection.nik_decrypt(member.nik_ciphertext)
                    member.nik_ciphertext = protection.nik_encrypt(nik)
                    member.nik_digest = protection.nik_digest(nik)
                Member.objects.bulk_update(batch, ["nik_ciphertext", "nik_digest"])
            last_id = batch[-1].pk
            done += len(batch)
            self.stderr.write(f"\r{done} anggota / members", ending="")
        self.stderr.write("")
        self.stdout.write(f"{done} NIK dienkripsi ulang / re-encrypted")

"""Tokens issued before expiry and fingerprints existed get both.

Expiry: the rule is "a token lives PENGGERAK_API_TOKEN_DAYS (90) days from issue", so an old
token gets created_at + 90 days, as if the rule had always held; a token past that gets a
14-day grace from the upgrade instead of dying on deploy day, so the integrations using it can
issue a new one. (now + 90 days for every old token would keep a years-old, possibly leaked
token alive for three more months, the very thing the expiry is for.)

Fingerprint: taken from the owner's current password, so existing tokens keep working until
the next password change.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone

GRACE = dt.timedelta(days=14)


def fill_expiry_and_fingerprint(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    days = dt.timedelta(days=int(getattr(settings, "PENGGERAK_API_TOKEN_DAYS", 90)))
    floor = timezone.now() + GRACE
    batch = []
    for token in ApiToken.objects.select_related("user").iterator(chunk_size=2000):
        if token.expires_at is None:
            token.expires_at = max(token.created_at + days, floor)
        if not token.password_fingerprint:
            token.password_fingerprint = hashlib.sha256(
                (token.user.password or "").encode()
            ).hexdigest()[:16]
        batch.append(token)
        if len(batch) >= 2000:
            ApiToken.objects.bulk_update(batch, ["expires_at", "password_fingerprint"])
            batch = []
    if batch:
        ApiToken.objects.bulk_update(batch, ["expires_at", "password_fingerprint"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_token_fingerprint_attempt_counter"),
    ]

    operations = [
        migrations.RunPython(fill_expiry_and_fingerprint, migrations.RunPython.noop),
    ]

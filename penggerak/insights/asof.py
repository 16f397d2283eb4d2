"""The platform's as-of date: every date-relative figure (progress, pace, forecast) uses it."""

from __future__ import annotations

import datetime as dt
import os

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

ENV_VAR = "PENGGERAK_AS_OF"


def as_of_date() -> dt.date:
    """``PENGGERAK_AS_OF`` (YYYY-MM-DD) if set, else the secretariat's setting, else today."""
    raw = os.environ.get(ENV_VAR, "").strip()
    if raw:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            message = f"{ENV_VAR} must be a date like 2020-08-31, not {raw!r}"
            raise ImproperlyConfigured(message) from None
    from penggerak.insights.models import InsightSettings

    stored = InsightSettings.objects.filter(pk=1).values_list("as_of", flat=True).first()
    return stored or timezone.localdate()

"""The permits' periodic job: expire permits past their date and send expiry reminders."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from penggerak.core.periodic import periodic
from penggerak.permits.services import permits_expiry_run


@periodic(every=dt.timedelta(days=1), name="permits.expiry")
@task()
def permits_expiry() -> dict[str, int]:
    """Daily: mark expired permits and remind owners and coordinators 60/30/7 days ahead."""
    return permits_expiry_run()

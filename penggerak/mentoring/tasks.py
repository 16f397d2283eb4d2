"""Periodic jobs of the mentoring app (imported by MentoringConfig.ready)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from penggerak.core.periodic import periodic


@periodic(every=dt.timedelta(days=1), name="mentoring.stuck_alerts")
@task()
def stuck_alerts() -> dict[str, int]:
    """Daily: stuck-member summaries for coordinators and mentors, next actions due."""
    from penggerak.mentoring.alerts import stuck_alerts_send

    return stuck_alerts_send()

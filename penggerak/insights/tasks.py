"""Background jobs of the insights app: generate a requested report; the daily job that
makes last month's report of every scheduled scope."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from penggerak.core.periodic import periodic


@task()
def generate_report(run_id: int) -> None:
    from penggerak.insights.services import report_run_execute

    report_run_execute(run_id)


@periodic(every=dt.timedelta(hours=24))
@task()
def monthly_reports() -> int:
    """Last month's report for each active schedule, once (idempotent per schedule+month)."""
    from penggerak.insights.services import reports_generate_monthly

    return len(reports_generate_monthly())

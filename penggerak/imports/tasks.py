"""Background jobs of the imports app: run a page import or a member export; delete expired
files daily."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from penggerak.core.periodic import periodic


@task()
def run_import(run_id: int) -> None:
    from penggerak.imports.services import import_run_execute

    import_run_execute(run_id)


@task()
def run_export(run_id: int) -> None:
    from penggerak.imports.exports import export_run_execute

    export_run_execute(run_id)


@periodic(every=dt.timedelta(hours=24))
@task()
def expire_imports() -> int:
    """Uploaded files, import reports and export files are kept 30 days."""
    from penggerak.imports.exports import export_runs_expire
    from penggerak.imports.services import import_runs_expire

    return import_runs_expire() + export_runs_expire()

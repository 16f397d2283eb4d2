"""Periodic jobs: stuck-member alerts, permit expiry reminders, monthly reports.

An app registers a django-tasks task with ``@periodic(every=...)`` (in a module its
AppConfig.ready() imports). ``penggerak run_periodic`` hands every job that is due to the task
worker; production runs that command from cron or a systemd timer every few minutes, and
``make run`` runs it in a loop (``--loop``). Enqueueing is recorded in ``PeriodicRun`` under a
row lock, so two schedulers never enqueue the same job twice for one period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: dt.timedelta
    task: Any  # a django_tasks Task


_JOBS: dict[str, PeriodicJob] = {}


def periodic(*, every: dt.timedelta, name: str | None = None):
    """Register a django-tasks task to run every ``every``; returns the task unchanged."""

    def register(task: Any) -> Any:
        job_name = name or task.module_path
        _JOBS[job_name] = PeriodicJob(name=job_name, every=every, task=task)
        return task

    return register


def periodic_jobs() -> list[PeriodicJob]:
    return sorted(_JOBS.values(), key=lambda job: job.name)


def enqueue_due(*, now: dt.datetime | None = None, force: bool = False) -> list[str]:
    """Enqueue every job whose period has passed (all of them with ``force``); their names."""
    from penggerak.core.models import PeriodicRun

    now = now or timezone.now()
    enqueued = []
    for job in periodic_jobs():
        with transaction.atomic():
            run, created = PeriodicRun.objects.select_for_update().get_or_create(
                name=job.name, defaults={"last_enqueued_at": now}
            )
            if not (created or force or run.last_enqueued_at + job.every <= now):
                continue
            run.last_enqueued_at = now
            run.save(update_fields=["last_enqueued_at"])
            # Enqueued after commit: the worker never sees a job whose run row rolled back.
            transaction.on_commit(job.task.enqueue)
        enqueued.append(job.name)
    return enqueued

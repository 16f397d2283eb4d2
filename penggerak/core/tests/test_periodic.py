import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks import task

from penggerak.core import periodic
from penggerak.core.models import Notification, PeriodicRun
from penggerak.core.notifications import (
    notification_unread_count,
    notifications_for,
    notifications_mark_read,
    notify,
)

CALLS: list[str] = []


@task()
def remember_call() -> None:
    CALLS.append("ran")


@pytest.fixture
def hourly_job(monkeypatch):
    monkeypatch.setattr(periodic, "_JOBS", {})
    CALLS.clear()
    periodic.periodic(every=dt.timedelta(hours=1), name="test.hourly")(remember_call)
    return "test.hourly"


@pytest.mark.django_db(transaction=True)
@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
)
def test_a_job_runs_once_per_period(hourly_job):
    start = timezone.now()
    assert periodic.enqueue_due(now=start) == [hourly_job]
    assert periodic.enqueue_due(now=start + dt.timedelta(minutes=59)) == []
    assert periodic.enqueue_due(now=start + dt.timedelta(minutes=60)) == [hourly_job]
    assert CALLS == ["ran", "ran"]
    assert PeriodicRun.objects.get(name=hourly_job).last_enqueued_at == start + dt.timedelta(
        hours=1
    )


@pytest.mark.django_db(transaction=True)
@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
)
def test_force_runs_every_job_and_list_names_them(hourly_job, capsys):
    call_command("run_periodic")
    call_command("run_periodic", "--force")
    assert CALLS == ["ran", "ran"]
    call_command("run_periodic", "--list")
    assert "test.hourly\t1:00:00" in capsys.readouterr().out


@pytest.mark.django_db
def test_notify_is_idempotent_per_key_and_private(member_user, coordinator):
    first, created = notify(user=coordinator, kind="stuck", key="stuck:1", title="Macet")
    again, created_again = notify(user=coordinator, kind="stuck", key="stuck:1", title="Lagi")
    assert created and not created_again and first.pk == again.pk
    assert list(notifications_for(member_user)) == []
    assert notification_unread_count(coordinator) == 1
    assert notifications_mark_read(user=member_user) == 0
    assert notifications_mark_read(user=coordinator, ids=[first.pk]) == 1
    assert notification_unread_count(coordinator) == 0
    assert list(notifications_for(coordinator, unread_only=True)) == []


@pytest.mark.django_db
@override_settings(EMAIL_HOST="")
def test_no_email_unless_configured(coordinator):
    coordinator.email = "koord@example.org"
    coordinator.save()
    notify(user=coordinator, kind="stuck", key="a", title="Tanpa e-mail")
    assert mail.outbox == []
    with override_settings(EMAIL_HOST="smtp.example.org"):
        notification, _ = notify(user=coordinator, kind="stuck", key="b", title="Dengan e-mail")
    assert [m.subject for m in mail.outbox] == ["[Penggerak] Dengan e-mail"]
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None

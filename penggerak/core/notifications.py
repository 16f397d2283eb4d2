"""In-app notifications (services and selectors), optionally copied by e-mail.

E-mail is sent only where it is configured (``PENGGERAK_EMAIL_HOST``); without
it the notification is still shown in the app. Nothing is sent twice: ``key`` makes an alert
idempotent per user.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from penggerak.core.models import Notification


def email_configured() -> bool:
    """True unless e-mail is switched off (the default: no ``PENGGERAK_EMAIL_HOST``)."""
    return bool(settings.EMAIL_HOST)


def notify(
    *, user: Any, kind: str, key: str, title: str, body: str = "", url: str = ""
) -> tuple[Notification, bool]:
    """Create the notification ``key`` for ``user`` unless it exists; (notification, created)."""
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            user=user, key=key, defaults={"kind": kind, "title": title, "body": body, "url": url}
        )
    if created and user.email and email_configured():
        sent = send_mail(
            subject=f"[Penggerak] {title}",
            message="\n\n".join(part for part in (body, url) if part),
            from_email=None,
            recipient_list=[user.email],
            fail_silently=True,
        )
        if sent:
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
    return notification, created


def notifications_for(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """A user's own notifications, newest first (no one reads another person's)."""
    queryset = Notification.objects.filter(user=user)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


def notification_unread_count(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_mark_read(*, user: Any, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when ``ids`` is None); how many."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.update(read_at=timezone.now())

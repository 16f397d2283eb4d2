"""Template helpers of the mentoring app: the unread count behind the bell in the menu."""

from django import template

from penggerak.core.notifications import notification_unread_count

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    """How many of the user's notifications are unread (0 for a visitor); one indexed count."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return notification_unread_count(user)

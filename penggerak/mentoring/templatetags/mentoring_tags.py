"""Template helpers of the mentoring app: the menu's bell count and "my mentees" link."""

from django import template
from django.core.cache import cache

from penggerak.accounts import access
from penggerak.core.notifications import notification_unread_count
from penggerak.mentoring.models import Mentor

register = template.Library()

# The menu is drawn on every page: a short cache keeps its two small queries off most page
# views (pages stay at their query budgets), and a new alert shows within half a minute.
MENU_SECONDS = 30


def menu_cache_key(user_id: int) -> str:
    return f"mentoring:menu:{user_id}"


def menu_forget(user_id: int) -> None:
    """Drop a user's cached menu figures (after they read their notifications)."""
    cache.delete(menu_cache_key(user_id))


@register.simple_tag
def mentoring_menu(user) -> dict:
    """{"unread": notifications not yet read, "mentor": whether the user is a mentor}."""
    if not access.is_signed_in(user):
        return {"unread": 0, "mentor": False}
    key = menu_cache_key(user.pk)
    figures = cache.get(key)
    if figures is None:
        figures = {
            "unread": notification_unread_count(user),
            "mentor": user.role in ("coordinator", "partner")
            and Mentor.objects.filter(user=user).exists(),
        }
        cache.set(key, figures, MENU_SECONDS)
    return figures

"""Template helpers of the insights app: which dashboard and report links the menu shows."""

from django import template
from django.core.cache import cache

from penggerak.accounts.models import Role
from penggerak.registry.models import Partner

register = template.Library()

# Drawn on every page: partner staff's one small query is cached like the mentoring menu's.
MENU_SECONDS = 30


@register.simple_tag
def insights_menu(user) -> dict:
    """{"dashboard": the secretariat's dashboard scope ("nation" or a province code, or ""),
    "reports": may open the reports and UMKM population pages, "partners": may open the
    partner impact pages}; the same rules as the views (secretariat, or staff of a partner)."""
    menu = {"dashboard": "", "reports": False, "partners": False}
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return menu
    if user.is_secretariat:
        menu["dashboard"] = user.province_id or "nation"
        menu["reports"] = menu["partners"] = True
    elif user.role == Role.PARTNER:
        key = f"insights:menu:partner:{user.pk}"
        staff = cache.get(key)
        if staff is None:
            staff = Partner.objects.filter(staff=user).exists()
            cache.set(key, staff, MENU_SECONDS)
        menu["partners"] = staff
    return menu

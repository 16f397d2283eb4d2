"""Template helpers of the insights app: which dashboard and report links the menu shows."""

from django import template
from django.core.cache import cache

from penggerak.accounts import access
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
    if not access.is_signed_in(user):
        return menu
    if access.is_secretariat(user):
        menu["dashboard"] = user.province_id or "nation"
        menu["reports"] = menu["partners"] = True
    elif access.is_partner_staff(user):
        key = f"insights:menu:partner:{user.pk}"
        staff = cache.get(key)
        if staff is None:
            staff = Partner.objects.filter(staff=user).exists()
            cache.set(key, staff, MENU_SECONDS)
        menu["partners"] = staff
    return menu

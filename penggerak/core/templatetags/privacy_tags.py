"""Template filters that keep personal data out of the URLs a page hands on."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

from penggerak.core.identity import holds_nik

register = template.Library()


@register.filter
def path_without_nik(request: HttpRequest) -> str:
    """``request.get_full_path()`` without the query values that hold a NIK, for links and
    ``next`` fields: a NIK someone put in an address is not carried into the next one."""
    params = request.GET.copy()
    holding = [key for key, values in params.lists() if any(holds_nik(v) for v in values)]
    if not holding:
        return request.get_full_path()
    for key in holding:
        del params[key]
    return f"{request.path}?{params.urlencode()}" if params else request.path

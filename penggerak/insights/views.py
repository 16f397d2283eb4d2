"""Dashboard pages: the nation and a province, for the secretariat."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from penggerak.core.errors import DomainError
from penggerak.insights import charts, forecast, selectors
from penggerak.insights.asof import as_of_date


def _dashboard(request: HttpRequest, scope: str) -> HttpResponse:
    if not request.user.is_secretariat:
        raise Http404
    try:
        found = selectors.scope_for(actor=request.user, scope=scope)
        items = selectors.targets_with_progress(actor=request.user, scope=scope)
    except DomainError:
        raise Http404 from None
    as_of = as_of_date()
    for item in items:
        item["chart"] = charts.target_chart(item, as_of)
        item["label"] = selectors.metric_label(item["metric"])
        item["bar"] = min(100.0, item["progress"])
    context = {
        "scope": found,
        "as_of": as_of,
        "items": items,
        "method": forecast.METHOD,
        "provinces": selectors.province_rows(actor=request.user) if found.kind == "nation" else [],
    }
    return render(request, "insights/dashboard.html", context)


@login_required
def national(request: HttpRequest) -> HttpResponse:
    """Targets of the nation with progress bars, forecast charts and the provinces."""
    return _dashboard(request, "nation")


@login_required
def province(request: HttpRequest, code: str) -> HttpResponse:
    """The same figures for one province."""
    return _dashboard(request, f"province:{code}")

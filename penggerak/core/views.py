"""Small helpers shared by every app's HTML views, and the health check."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from penggerak.core.errors import DomainError, NotFound, PermissionDenied


def domain_errors_as_http(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn NotFound into Django's 404 page and PermissionDenied into its 403 page.

    Selectors raise NotFound both for "missing" and "not yours"; answering both with the same
    404 is what keeps the existence of other communities' members secret. Other DomainErrors
    are the view's to show beside a form field, so they pass through.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as err:
            raise Http404(str(err.message)) from None
        except PermissionDenied as err:
            raise DjangoPermissionDenied(str(err.message)) from None

    return wrapper


def form_add_domain_error(form: forms.Form, err: DomainError) -> None:
    """Put a service's per-field messages beside the matching form fields.

    Messages for fields the form does not show (and the summary when no field is named) go to
    the non-field errors, so nothing a service said is ever dropped.
    """
    placed = False
    for name, messages in err.fields.items():
        for message in messages or [err.message]:
            form.add_error(name if name in form.fields else None, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(err.message))


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for load balancers; no session, no template."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not ready", whatever the driver raised
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})

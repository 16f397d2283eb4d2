"""View decorators that ask the access module: one way for pages to say who may open them."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse


def allowed_for(test: Callable[[Any], bool]):
    """Log in first (an anonymous visitor goes to the login page), then ``test(user)`` from
    ``accounts.access`` decides; a refused user gets the 404 page, as for a missing object."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not test(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator

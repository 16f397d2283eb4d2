"""A ceiling on request bodies, checked before anything reads them.

Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` leaves the files of a multipart upload out, and
gunicorn limits only the request line and headers: without this, a body of any size would be
written to a temporary file before a form could refuse it. The largest legitimate body is an
import file (``imports.services.MAX_UPLOAD_BYTES``, 50 MB) with the form around it; the limit
(``PENGGERAK_MAX_REQUEST_BYTES``, 64 MiB by default) sits above it.

Only ``Content-Length`` is looked at: a body without one (chunked) is not read by Django at all.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

DEFAULT_MAX_REQUEST_BYTES = 64 * 1024 * 1024


def _message(limit: int) -> str:
    return _("Permintaan terlalu besar: paling besar %(size)s MB.") % {
        "size": -(-limit // (1024 * 1024))
    }


class RequestBodyLimitMiddleware:
    """Answer 413 to a request whose declared body exceeds ``PENGGERAK_MAX_REQUEST_BYTES``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = int(getattr(settings, "PENGGERAK_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES))
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:  # Django reads such a body as empty
            length = 0
        if length > limit:
            return self.too_large(request, limit)
        return self.get_response(request)

    def too_large(self, request: HttpRequest, limit: int) -> HttpResponse:
        # The body is left unread (the server discards or drops it; a WSGI application may
        # not send ``Connection: close`` itself).
        if request.path_info.startswith("/api/"):
            # The API's one error shape, in the language the program asked for.
            with translation.override(translation.get_language_from_request(request)):
                body = {"code": "request_too_large", "message": _message(limit), "fields": {}}
            return JsonResponse(body, status=413)
        # Pages: this runs before the language is chosen, so both, Indonesian first.
        with translation.override("id"):
            indonesian = _message(limit)
        with translation.override("en"):
            english = _message(limit)
        return HttpResponse(
            f"{indonesian}\n{english}\n", status=413, content_type="text/plain; charset=utf-8"
        )

"""The JSON API, /api/v1/ (django-ninja). Routers live in each app's api.py.

Every error, whatever raised it, leaves as ``{"code", "message", "fields"}`` with the
message in the request's language (Indonesian unless ``Accept-Language`` asks for English).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase

from penggerak.accounts.api import router as auth_router
from penggerak.accounts.api import token_auth
from penggerak.core.api import router as regions_router
from penggerak.core.errors import DomainError
from penggerak.insights.api import router as insights_router
from penggerak.mentoring.api import router as mentoring_router
from penggerak.permits.api import router as permits_router
from penggerak.registry.api import communities, insights, members, partners
from penggerak.training.api import router as training_router

# --- Offline docs ------------------------------------------------------------------------

# django-ninja ships Swagger UI; serving those files from the API itself keeps the docs page
# working on a closed network without adding "ninja" to INSTALLED_APPS.
_SWAGGER_DIR = Path(ninja.__file__).parent / "static" / "ninja"
_SWAGGER_FILES = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.png": "image/png",
}


class OfflineSwagger(DocsBase):
    """Swagger UI with every asset served by this app, no CDN."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        assets = f"{api.get_root_path(kwargs)}docs/static/"
        version = f"?v={ninja.__version__}"
        # "<" escaped so no value can close the <script> element early.
        settings = json.dumps(
            {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout", "deepLinking": True}
        ).replace("<", "\\u003c")
        html = f"""<!DOCTYPE html>
<html lang="{escape(get_language() or "id")}">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(api.title)}</title>
<link rel="stylesheet" href="{assets}swagger-ui.css{version}">
<link rel="icon" type="image/png" href="{assets}favicon.png{version}">
</head>
<body>
<noscript>{escape(_("Halaman ini memerlukan JavaScript. Skema API:"))}
<a href="{escape(self.get_openapi_url(api, kwargs))}">openapi.json</a></noscript>
<script type="application/json" id="swagger-settings">{settings}</script>
<div id="swagger-ui"></div>
<script src="{assets}swagger-ui-bundle.js{version}"></script>
<script src="{assets}swagger-ui-init.js{version}"></script>
</body>
</html>"""
        return HttpResponse(html)


api = NinjaAPI(
    title="Penggerak API",
    version="1",
    description=(
        "Registri anggota, komunitas penggerak dan mitra gerakan UMKM. Autentikasi: "
        "`POST /api/v1/auth/token`, lalu kirim `Authorization: Bearer <token>`. Setiap galat "
        'berbentuk `{"code", "message", "fields"}`; pesan dalam bahasa Indonesia, atau '
        "bahasa Inggris dengan `Accept-Language: en`."
    ),
    urls_namespace="api-v1",
    auth=token_auth,
    docs=OfflineSwagger(),
)


@api.get("/docs/static/{name}", auth=None, include_in_schema=False)
def docs_asset(request, name: str):
    """A Swagger UI file shipped with django-ninja (allow-listed)."""
    if name not in _SWAGGER_FILES:
        raise Http404
    response = FileResponse((_SWAGGER_DIR / name).open("rb"), content_type=_SWAGGER_FILES[name])
    # The ?v= query names the ninja version, so a long cache never serves a stale bundle.
    response["Cache-Control"] = "public, max-age=604800, immutable"
    return response


api.add_router("/auth", auth_router)
api.add_router("/regions", regions_router)
api.add_router("/members", members)
api.add_router("/communities", communities)
api.add_router("/partners", partners)
api.add_router("/insights", insights)
api.add_router("/insights", insights_router)
api.add_router("", training_router)  # /events, /courses, /certificates
api.add_router("/mentoring", mentoring_router)
api.add_router("/permits", permits_router)

# Registered last, so it only sees paths no other route matched: an unknown URL under
# /api/v1/ answers with the JSON error shape instead of Django's HTML 404 page.
unknown_paths = Router()


@unknown_paths.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def unknown_path(request, rest: str):
    """No such endpoint."""
    raise Http404


api.add_router("", unknown_paths)


# --- Errors ------------------------------------------------------------------------------

INVALID_INPUT = _("Periksa kembali isian yang ditandai.")
# Pydantic explains in English only; these are the messages people read, by error type.
_FIELD_MESSAGES = {
    "missing": _("Wajib diisi."),
    "string_type": _("Harus berupa teks."),
    "string_unicode": _("Harus berupa teks."),
    "string_too_long": _("Maksimal %(max_length)s karakter."),
    "string_pattern_mismatch": _("Formatnya tidak valid."),
    "int_type": _("Harus berupa bilangan bulat."),
    "int_parsing": _("Harus berupa bilangan bulat."),
    "int_from_float": _("Harus berupa bilangan bulat."),
    "greater_than_equal": _("Paling kecil %(ge)s."),
    "less_than_equal": _("Paling besar %(le)s."),
    "bool_type": _("Harus true atau false."),
    "bool_parsing": _("Harus true atau false."),
    "date_type": _("Tanggal tidak valid; gunakan format YYYY-MM-DD."),
    "date_parsing": _("Tanggal tidak valid; gunakan format YYYY-MM-DD."),
    "date_from_datetime_parsing": _("Tanggal tidak valid; gunakan format YYYY-MM-DD."),
    "date_from_datetime_inexact": _("Tanggal tidak valid; gunakan format YYYY-MM-DD."),
    "literal_error": _("Pilih salah satu: %(expected)s."),
    "enum": _("Pilih salah satu: %(expected)s."),
    "extra_forbidden": _("Kolom ini tidak dikenal."),
    "model_type": _("Harus berupa objek JSON."),
    "model_attributes_type": _("Harus berupa objek JSON."),
    "dict_type": _("Harus berupa objek JSON."),
}
_INVALID_VALUE = _("Isian tidak valid.")
# Where ninja says the value came from; the rest of ``loc`` names the field.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
_STATUS_ERRORS = {
    400: ("bad_request", _("Isi permintaan bukan JSON yang valid.")),
    401: ("unauthorized", _("Token tidak ada, tidak valid atau kedaluwarsa.")),
    403: ("forbidden", _("Anda tidak berwenang melakukan ini.")),
    404: ("not_found", _("Data tidak ditemukan.")),
    429: ("throttled", _("Terlalu banyak permintaan; coba lagi nanti.")),
}


def _field_name(loc: list) -> str:
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        # A body arrives under the endpoint's parameter name ("payload"); clients never see it.
        if source == "body" and parts:
            parts.pop(0)
    return ".".join(str(part) for part in parts) or "__all__"


def _field_message(error: dict) -> str:
    template = _FIELD_MESSAGES.get(error.get("type", ""), _INVALID_VALUE)
    params = dict(error.get("ctx") or {})
    if isinstance(params.get("expected"), str):
        # Pydantic joins the choices with an English "or": "'L' or 'P'".
        params["expected"] = params["expected"].replace(" or ", ", ")
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(_INVALID_VALUE)


def _error(request: HttpRequest, status: int, body: dict) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status_code, exc.as_dict())


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        messages = fields.setdefault(_field_name(error.get("loc", [])), [])
        message = _field_message(error)
        if message not in messages:
            messages.append(message)
    body = {"code": "validation_error", "message": str(INVALID_INPUT), "fields": fields}
    return _error(request, 422, body)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code, message = _STATUS_ERRORS.get(exc.status_code, ("error", exc.message))
    response = _error(
        request, exc.status_code, {"code": code, "message": str(message), "fields": {}}
    )
    if isinstance(exc, AuthenticationError):
        response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    code, message = _STATUS_ERRORS[404]
    return _error(request, 404, {"code": code, "message": str(message), "fields": {}})

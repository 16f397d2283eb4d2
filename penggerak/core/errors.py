"""Domain errors: a stable code for machines, a translated message for people.

Every service raises these; the API turns them into ``{"code", "message", "fields"}`` and the
pages show the same message beside the field it concerns.
"""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A business rule said no. ``fields`` maps a field name to its list of messages."""

    status_code = 422

    def __init__(
        self,
        code: str,
        message: str | Promise,
        *,
        fields: dict[str, list[str | Promise]] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.fields = fields or {}

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": str(self.message),
            "fields": {name: [str(m) for m in msgs] for name, msgs in self.fields.items()},
        }


class NotFound(DomainError):
    """Missing or not visible to the actor: the two look the same on purpose."""

    status_code = 404

    def __init__(self, message: str | Promise | None = None) -> None:
        from django.utils.translation import gettext_lazy as _

        super().__init__("not_found", message or _("Data tidak ditemukan."))


class PermissionDenied(DomainError):
    """The actor may see the object but not perform this action on it."""

    status_code = 403

    def __init__(self, message: str | Promise | None = None) -> None:
        from django.utils.translation import gettext_lazy as _

        super().__init__("forbidden", message or _("Anda tidak berwenang melakukan ini."))


class Throttled(DomainError):
    """Too many of one action in a short time (a rate limit): 429, try again later."""

    status_code = 429

    def __init__(self, message: str | Promise | None = None) -> None:
        from django.utils.translation import gettext_lazy as _

        super().__init__("throttled", message or _("Terlalu banyak permintaan; coba lagi nanti."))

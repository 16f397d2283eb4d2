"""Reads for accounts, always scoped by the actor."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from penggerak.accounts import access
from penggerak.accounts.models import ApiToken


def api_token_list_for(*, actor: Any) -> QuerySet[ApiToken]:
    """The actor's own API tokens, newest first, live or not (``ApiToken.state_at`` tells).

    Nobody lists another person's tokens here, the secretariat included (the admin does that).
    An anonymous actor gets none.
    """
    if not access.is_signed_in(actor):
        return ApiToken.objects.none()
    return (
        ApiToken.objects.filter(user_id=actor.pk)
        .select_related("user")
        .order_by("-created_at", "-id")
    )

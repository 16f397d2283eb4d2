"""Writes for accounts: API tokens and user provisioning."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from penggerak.accounts.backends import login_is_locked
from penggerak.accounts.models import ApiToken, Role, User
from penggerak.core.errors import DomainError


class InvalidCredentials(DomainError):
    status_code = 401

    def __init__(self) -> None:
        super().__init__("invalid_credentials", _("Nama pengguna atau kata sandi salah."))


def _token_digest(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough; a slow password hash would cost
    # every API call.
    return hashlib.sha256(token.encode()).hexdigest()


class TooManyAttempts(DomainError):
    status_code = 429

    def __init__(self) -> None:
        super().__init__(
            "too_many_attempts",
            _("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit."),
        )


@transaction.atomic
def api_token_issue(*, username: str, password: str, name: str = "") -> str:
    """Exchange a username (or phone) and password for a new bearer token.

    The token is returned once; only its SHA-256 digest is stored. Raises InvalidCredentials,
    or TooManyAttempts while repeated failures lock the login.
    """
    if login_is_locked(username or ""):
        raise TooManyAttempts()
    user = authenticate(username=username or "", password=password or "")
    if user is None:
        raise InvalidCredentials()
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=_token_digest(token), prefix=token[:8], name=name)
    return token


def api_token_user(token: str) -> User | None:
    """The active user a bearer token belongs to, or None for a missing/expired/bad token."""
    if not token or len(token) > 200:
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(digest=_token_digest(token), user__is_active=True)
        .first()
    )
    if row is None or (row.expires_at and row.expires_at <= timezone.now()):
        return None
    now = timezone.now()
    # Write the last-used time at most once a minute: a write per request would serialise
    # every API call on SQLite.
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str | None = None,
    province_code: str | None = None,
    is_active: bool = True,
) -> User:
    """Create a login with a role. ``actor`` None means the system (demo, CLI)."""
    if actor is not None and not actor.is_secretariat:
        from penggerak.core.errors import PermissionDenied

        raise PermissionDenied()
    if role not in Role.values:
        raise DomainError("validation_error", _("Peran tidak dikenal."), fields={"role": []})
    if User.objects.filter(username=username).exists():
        raise DomainError(
            "username_taken",
            _("Nama pengguna ini sudah dipakai."),
            fields={"username": [_("Nama pengguna ini sudah dipakai.")]},
        )
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        province_id=province_code,
        is_active=is_active,
        is_staff=role == Role.SECRETARIAT,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user

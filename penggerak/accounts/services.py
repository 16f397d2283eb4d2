"""Writes for accounts: API tokens and user provisioning."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from penggerak.accounts import access, throttle
from penggerak.accounts.backends import login_is_locked
from penggerak.accounts.models import ApiToken, Role, User, password_fingerprint
from penggerak.core.errors import DomainError, NotFound


class InvalidCredentials(DomainError):
    status_code = 401

    def __init__(self) -> None:
        super().__init__("invalid_credentials", _("Nama pengguna atau kata sandi salah."))


def _token_digest(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough; a slow password hash would cost
    # every API call.
    return hashlib.sha256(token.encode()).hexdigest()


class TooManyAttempts(DomainError):
    """The account or the client address is locked after repeated failures (429)."""

    status_code = 429

    def __init__(self) -> None:
        super().__init__("too_many_attempts", throttle.locked_message())


def api_token_issue(
    *, username: str, password: str, name: str = "", client_address: str | None = None
) -> str:
    """Exchange a username (or phone) and password for a new bearer token.

    The token is returned once; only its SHA-256 digest is stored, with a fingerprint of the
    password so that changing the password ends it. It expires after
    ``PENGGERAK_API_TOKEN_DAYS``. Failures count per account and per ``client_address`` exactly
    as on the login page. Raises InvalidCredentials, or TooManyAttempts while either is locked.
    """
    # Not atomic as a whole: a failed attempt must stay counted when InvalidCredentials
    # unwinds the call.
    if login_is_locked(username or "", client_address):
        raise TooManyAttempts()
    user = authenticate(
        username=username or "", password=password or "", client_address=client_address
    )
    if user is None:
        raise InvalidCredentials()
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        digest=_token_digest(token),
        prefix=token[:8],
        name=name,
        expires_at=timezone.now() + dt.timedelta(days=settings.PENGGERAK_API_TOKEN_DAYS),
        password_fingerprint=password_fingerprint(user.password),
    )
    return token


def api_token_user(token: str) -> User | None:
    """The active user a bearer token belongs to, or None for a missing, expired or revoked
    token, or one issued before the user's password last changed."""
    if not token or len(token) > 200:
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(digest=_token_digest(token), user__is_active=True)
        .first()
    )
    now = timezone.now()
    if row is None or row.state_at(now) != ApiToken.State.ACTIVE:
        return None
    # Write the last-used time at most once a minute: a write per request would serialise
    # every API call on SQLite.
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


@transaction.atomic
def api_token_revoke(*, actor: Any, token_id: int) -> None:
    """The owner ends one of their tokens at once. Audited (the prefix and name, never the
    digest). NotFound for a missing token and for another user's token alike."""
    from penggerak.core.audit import audit_record
    from penggerak.core.models import AuditEvent

    row = (
        ApiToken.objects.select_for_update().filter(pk=token_id, user_id=actor.pk).first()
        if access.is_signed_in(actor)
        else None
    )
    if row is None:
        raise NotFound(_("Token tidak ditemukan."))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        obj=row,
        reason="Token API dicabut pemiliknya",
        changes={"prefix": row.prefix, "name": row.name},
    )
    row.delete()


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
    if actor is not None and not access.is_secretariat(actor):
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


INVITATION_PATH = "/akun/undangan/{uid}/{token}/"


def invitation_path(user: User) -> str:
    """The one-time link: Django's token generator hashes the password, so setting one makes
    the link unusable; it also expires after ``PASSWORD_RESET_TIMEOUT``."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return INVITATION_PATH.format(uid=uid, token=default_token_generator.make_token(user))


@transaction.atomic
def coordinator_invite(
    *,
    actor: Any,
    username: str,
    full_name: str = "",
    email: str = "",
    phone: str | None = None,
) -> tuple[User, str]:
    """An inactive coordinator login and its one-time invitation link (a path).

    An existing login is reused: still inactive, it gets a fresh link; already active, the link
    is "" (nobody needs one). The phone is left empty when another login already has it. An
    e-mail with the link is sent only when e-mail is configured and the address is known.
    """
    from penggerak.core.audit import audit_record
    from penggerak.core.models import AuditEvent
    from penggerak.core.notifications import email_configured

    if actor is not None and not access.is_secretariat(actor):
        from penggerak.core.errors import PermissionDenied

        raise PermissionDenied()
    user = User.objects.filter(username=username).first()
    if user is None:
        first, _sep, last = full_name.partition(" ")
        taken = bool(phone) and User.objects.filter(phone=phone).exists()
        user = User(
            username=username[:150],
            email=email,
            first_name=first[:150],
            last_name=last[:150],
            phone=None if taken or not phone else phone,
            role=Role.COORDINATOR,
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
        audit_record(
            actor=actor, action=AuditEvent.Action.CREATE, obj=user, reason="Undangan koordinator"
        )
    if user.is_active:
        return user, ""
    link = invitation_path(user)
    if user.email and email_configured():
        from django.conf import settings
        from django.core.mail import send_mail

        base = getattr(settings, "PENGGERAK_BASE_URL", "").rstrip("/")
        transaction.on_commit(
            lambda: send_mail(
                str(_("Undangan koordinator Penggerak")),
                str(_("Buat kata sandi Anda melalui tautan ini: {link}")).format(link=base + link),
                None,
                [user.email],
                fail_silently=True,
            )
        )
    return user, link


def invitation_user(uidb64: str, token: str) -> User | None:
    """The inactive user a valid, unused, unexpired invitation link belongs to, or None."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_str
    from django.utils.http import urlsafe_base64_decode

    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, is_active=False).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


@transaction.atomic
def invitation_accept(*, uidb64: str, token: str, password: str) -> User:
    """Set the invited user's password (Django's validators) and activate the login; the link
    is then unusable. DomainError ``invitation_invalid`` for a used, expired or forged link."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from penggerak.core.audit import audit_record
    from penggerak.core.models import AuditEvent

    user = invitation_user(uidb64, token)
    if user is None:
        raise DomainError(
            "invitation_invalid",
            _("Tautan undangan tidak berlaku: sudah dipakai, kedaluwarsa atau salah."),
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError(
            "validation_error",
            _("Kata sandi belum memenuhi syarat."),
            fields={"new_password1": list(error.messages)},
        ) from None
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    audit_record(actor=user, action=AuditEvent.Action.UPDATE, obj=user, reason="Undangan diterima")
    return user

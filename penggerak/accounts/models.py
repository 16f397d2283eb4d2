"""Users, their roles, API tokens and the counters that slow down guessing."""

import datetime
import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


def password_fingerprint(password_hash: str) -> str:
    """A short digest of a user's stored password hash, kept on each API token.

    When the password changes (by any path: the password page, the admin, ``changepassword``,
    a reset) the hash changes and so the fingerprint, which kills every older token without
    a signal to forget. The input is already a salted slow hash, so the digest reveals nothing.
    """
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("Sekretariat")
    COORDINATOR = "coordinator", _("Koordinator")
    PARTNER = "partner", _("Staf mitra")
    MEMBER = "member", _("Anggota")


class User(AbstractUser):
    """A person who logs in; the role decides what they may see (see registry.selectors)."""

    role = models.CharField(_("peran"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    # A provincial secretariat sees one province; an empty value means the whole nation.
    province = models.ForeignKey(
        "core.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 1},
        verbose_name=_("provinsi"),
    )
    # E.164; members log in with it. Unique when present.
    phone = models.CharField(_("nomor HP"), max_length=16, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    @property
    def is_secretariat(self) -> bool:
        return self.is_active and (self.role == Role.SECRETARIAT or self.is_superuser)

    @property
    def is_coordinator(self) -> bool:
        return self.is_active and self.role == Role.COORDINATOR

    def check_password(self, raw_password: str | None) -> bool:
        before = self.password
        valid = super().check_password(raw_password)
        if valid and self.pk is not None and self.password != before:
            # Django re-hashed the same password with stronger parameters (a new release, a
            # new preferred hasher). The password did not change, so its tokens live on.
            ApiToken.objects.filter(
                user_id=self.pk, password_fingerprint=password_fingerprint(before)
            ).update(password_fingerprint=password_fingerprint(self.password))
        return valid


class ApiToken(models.Model):
    """A bearer token for integrations; only its SHA-256 digest is stored."""

    class State(models.TextChoices):
        ACTIVE = "active", _("aktif")
        EXPIRED = "expired", _("kedaluwarsa")
        PASSWORD_CHANGED = "password_changed", _("berakhir karena kata sandi diganti")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    # First characters of the token, so its owner can recognise it in a list.
    prefix = models.CharField(max_length=8)
    name = models.CharField(_("nama"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Set at issue (PENGGERAK_API_TOKEN_DAYS); null only on rows older than that rule.
    expires_at = models.DateTimeField(null=True, blank=True)
    # password_fingerprint(user.password) when issued; a mismatch means the password changed.
    password_fingerprint = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    def state_at(self, now: datetime.datetime) -> str:
        """Active, expired, or ended because the owner's password changed since issue."""
        if self.password_fingerprint != password_fingerprint(self.user.password):
            return self.State.PASSWORD_CHANGED
        if self.expires_at is not None and self.expires_at <= now:
            return self.State.EXPIRED
        return self.State.ACTIVE


class AttemptCounter(models.Model):
    """Recent failed logins (or sign-ups) of one account or one client address, in a window.

    Kept in the database, not the cache: every app server sees the same count, and no flood of
    other keys can evict it (a bounded cache drops entries under key pressure). Accounts are
    keyed by user id, so only names of real accounts get a row; client addresses by a keyed
    hash, never the address itself. Rows past ``expires_at`` are dead and pruned.
    """

    class Scope(models.TextChoices):
        LOGIN_ACCOUNT = "login_account", _("masuk per akun")
        LOGIN_ADDRESS = "login_address", _("masuk per alamat")
        SIGNUP_ADDRESS = "signup_address", _("pendaftaran per alamat")

    scope = models.CharField(max_length=16, choices=Scope.choices)
    key = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("penghitung percobaan")
        verbose_name_plural = _("penghitung percobaan")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="attemptcounter_scope_key_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:12]} {self.count}"

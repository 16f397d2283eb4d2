"""Users, their roles and API tokens."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


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


class ApiToken(models.Model):
    """A bearer token for integrations; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    # First characters of the token, so its owner can recognise it in a list.
    prefix = models.CharField(max_length=8)
    name = models.CharField(_("nama"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

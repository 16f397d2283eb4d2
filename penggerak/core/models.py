"""Core models shared by every app: Kemendagri regions and the audit trail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("Provinsi")
    REGENCY = 2, _("Kabupaten/Kota")
    DISTRICT = 3, _("Kecamatan")
    VILLAGE = 4, _("Desa/Kelurahan")


class Region(models.Model):
    """A Kemendagri region (province, regency/city, district or village), current or former."""

    # Dotted Kemendagri code ("32.73.01.1001"): fixed width per level, so the code of every
    # descendant starts with its ancestor's code and a prefix range finds a whole subtree.
    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=120)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    postal_code = models.CharField(_("kode pos"), max_length=5, blank=True)
    is_current = models.BooleanField(_("kode berlaku"), default=True)
    # Former codes (kept by old NIKs, e.g. pre-2022 Papua) point at the region that replaced them.
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="predecessors"
    )
    search_name = models.CharField(max_length=120, db_index=True, editable=False)

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "is_current", "code"], name="region_level_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def province_code(self) -> str:
        return self.code[:2]


class AuditEvent(models.Model):
    """One recorded action on personal data: a change, an export or an unmasked view."""

    class Action(models.TextChoices):
        CREATE = "create", _("dibuat")
        UPDATE = "update", _("diubah")
        DELETE = "delete", _("dihapus")
        TRANSFER = "transfer", _("dipindahkan")
        APPROVE = "approve", _("disetujui")
        STATUS = "status", _("status diubah")
        VIEW_NIK = "view_nik", _("NIK dibuka")
        EXPORT = "export", _("diekspor")
        DOWNLOAD = "download", _("diunduh")
        NIK_SEARCH = "nik_search", _("pencarian NIK")
        LOGIN = "login", _("masuk")

    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("pelaku"),
    )
    # Kept apart from the FK so the trail still names who acted after an account is removed.
    actor_label = models.CharField(_("nama pelaku"), max_length=150, blank=True)
    action = models.CharField(_("tindakan"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("jenis objek"), max_length=40)
    object_id = models.CharField(_("ID objek"), max_length=40)
    reason = models.CharField(_("alasan"), max_length=500, blank=True)
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)

    class Meta:
        verbose_name = _("jejak audit")
        verbose_name_plural = _("jejak audit")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"


class PeriodicRun(models.Model):
    """When a periodic job (``core.periodic``) was last handed to the task worker."""

    name = models.CharField(_("tugas"), max_length=100, primary_key=True)
    last_enqueued_at = models.DateTimeField(_("terakhir dijadwalkan"))

    class Meta:
        verbose_name = _("tugas berkala")
        verbose_name_plural = _("tugas berkala")

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """Something a user should see in the app: a stuck member, an expiring permit, a report."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("pengguna"),
    )
    kind = models.CharField(_("jenis"), max_length=40)
    # Makes a periodic job idempotent: the same alert for the same thing is created once.
    key = models.CharField(_("kunci"), max_length=120)
    title = models.CharField(_("judul"), max_length=200)
    body = models.TextField(_("isi"), blank=True)
    url = models.CharField(_("tautan"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("dikirim lewat e-mail"), null=True, blank=True)

    class Meta:
        verbose_name = _("pemberitahuan")
        verbose_name_plural = _("pemberitahuan")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")
        ]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notif_inbox_idx")]

    def __str__(self) -> str:
        return self.title

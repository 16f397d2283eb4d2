"""Insights: the platform's as-of date, pre-aggregated daily rollups and targets."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class InsightSettings(models.Model):
    """The one settings row of the insights app (pk=1): the platform's as-of date."""

    # Empty means "today"; the PENGGERAK_AS_OF environment variable overrides both.
    as_of = models.DateField(_("tanggal acuan"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pengaturan wawasan")
        verbose_name_plural = _("pengaturan wawasan")

    def __str__(self) -> str:
        return str(self.as_of or "-")


class RollupDelta(models.Model):
    """How much a metric changed in a scope on one day (sparse: no row means no change).

    Scopes: ``nation``, ``province:31``, ``regency:31.71``, ``community:<id>``.
    """

    scope = models.CharField(max_length=40)
    metric = models.CharField(max_length=40)
    day = models.DateField()
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("perubahan harian")
        verbose_name_plural = _("perubahan harian")
        constraints = [
            models.UniqueConstraint(fields=["scope", "metric", "day"], name="rollup_delta_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.metric} {self.day}: {self.value:+d}"


class RollupTotal(models.Model):
    """The current value of a metric in a scope: the sum of all its daily deltas."""

    scope = models.CharField(max_length=40)
    metric = models.CharField(max_length=40)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("total ringkasan")
        verbose_name_plural = _("total ringkasan")
        constraints = [
            models.UniqueConstraint(fields=["scope", "metric"], name="rollup_total_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.metric}: {self.value}"


class Target(models.Model):
    """A target the secretariat set: reach ``value`` of ``metric`` in ``scope`` by ``deadline``."""

    class SplitKey(models.TextChoices):
        EQUAL = "equal", _("Sama rata")
        MEMBERS = "members", _("Menurut jumlah anggota saat ini")
        MANUAL = "manual", _("Manual")

    metric = models.CharField(_("metrik"), max_length=40)
    # nation, province:31, regency:31.71 or community:<slug> (as typed by people).
    scope = models.CharField(_("cakupan"), max_length=100)
    value = models.PositiveBigIntegerField(_("nilai target"))
    deadline = models.DateField(_("tenggat"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("target induk"),
    )
    split_key = models.CharField(
        _("kunci pembagian"), max_length=10, choices=SplitKey.choices, blank=True
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ditetapkan oleh"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("target")
        ordering = ["scope", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "metric"],
                name="target_scope_metric_unique",
                violation_error_message=_("Target metrik ini untuk cakupan ini sudah ada."),
            ),
            models.CheckConstraint(
                condition=Q(value__gt=0),
                name="target_value_positive",
                violation_error_message=_("Nilai target harus lebih dari nol."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.metric} {self.value} ({self.deadline})"

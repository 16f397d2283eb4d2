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
        UMKM = "umkm", _("Menurut jumlah UMKM (populasi)")
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


class ReportSchedule(models.Model):
    """The monthly report of one scope, switched on by the secretariat: generated once for
    each month that ended, by the daily periodic job."""

    # nation, province:31, regency:31.71 or community:<slug> (as typed by people).
    scope = models.CharField(_("cakupan"), max_length=100)
    scope_name = models.CharField(_("nama cakupan"), max_length=200)
    province_code = models.CharField(max_length=2, blank=True)  # "" for the nation
    active = models.BooleanField(_("aktif"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("jadwal laporan bulanan")
        verbose_name_plural = _("jadwal laporan bulanan")
        ordering = ["scope"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope"],
                name="report_schedule_scope_unique",
                violation_error_message=_("Cakupan ini sudah punya jadwal laporan."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} ({'on' if self.active else 'off'})"


class ReportRun(models.Model):
    """One monthly report of a scope (PDF + XLSX), generated by the task worker; files live
    under the private storage root and are downloaded through an audited view."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu")
        RUNNING = "running", _("Berjalan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    scope = models.CharField(_("cakupan"), max_length=100)
    scope_name = models.CharField(_("nama cakupan"), max_length=200)
    # Province code of the scope ("" for the nation): a provincial secretariat's filter.
    province_code = models.CharField(max_length=2, blank=True)
    month = models.DateField(_("bulan"))  # the first day of the month reported
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("diminta oleh"),
    )
    schedule = models.ForeignKey(
        ReportSchedule,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
        verbose_name=_("jadwal"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    # Paths relative to the private storage root (core.storage.private_root()).
    pdf_file = models.CharField(max_length=300, blank=True)
    xlsx_file = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("laporan bulanan")
        verbose_name_plural = _("laporan bulanan")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["province_code", "-created_at"], name="report_run_prov")]
        constraints = [
            # One scheduled run per schedule and month: the daily job is idempotent.
            models.UniqueConstraint(
                fields=["schedule", "month"],
                condition=Q(schedule__isnull=False),
                name="report_run_schedule_month_unique",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_run_progress_max"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.month:%Y-%m} ({self.status})"


class UmkmPopulation(models.Model):
    """The number of UMKM in a province or regency/city as a published source gives it: the
    weights of the ``umkm`` target cascade. Entered by the secretariat, never estimated."""

    region = models.OneToOneField(
        "core.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("wilayah"),
        limit_choices_to={"level__in": [1, 2]},
    )
    value = models.PositiveBigIntegerField(_("jumlah UMKM"))
    source = models.CharField(_("sumber"), max_length=300)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("populasi UMKM")
        verbose_name_plural = _("populasi UMKM")
        ordering = ["region"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gt=0),
                name="umkm_population_positive",
                violation_error_message=_("Jumlah UMKM harus lebih dari nol."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id}: {self.value}"

"""An import started from the upload page: the stored file, its options, progress and reports."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

RETENTION = dt.timedelta(days=30)


class RunProgress:
    """``percent`` and ``finished`` of a background run (import or export): both keep a
    ``Status`` with DONE/FAILED/EXPIRED and ``rows_done``/``rows_total`` counters."""

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:  # type: ignore[attr-defined]
            return 100
        if not self.rows_total:  # type: ignore[attr-defined]
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))  # type: ignore[attr-defined]

    @property
    def finished(self) -> bool:
        status = self.Status  # type: ignore[attr-defined]
        return self.status in (status.DONE, status.FAILED, status.EXPIRED)  # type: ignore[attr-defined]


class ImportRun(RunProgress, models.Model):
    """One upload. Files live under the private storage root (never public media) and are
    deleted, with the reports, when the run expires 30 days after it was created."""

    class Kind(models.TextChoices):
        MEMBERS = "members", _("Anggota")
        COMMUNITIES = "communities", _("Komunitas")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu")
        RUNNING = "running", _("Berjalan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")
        EXPIRED = "expired", _("Kedaluwarsa")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="import_runs",
        verbose_name=_("pengunggah"),
    )
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    community = models.ForeignKey(
        "registry.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_runs",
        verbose_name=_("komunitas"),
    )
    original_name = models.CharField(_("nama berkas"), max_length=255)
    # Paths relative to the private storage root (imports.storage.private_root()).
    stored_file = models.CharField(max_length=300, blank=True)
    report_csv = models.CharField(max_length=300, blank=True)
    report_xlsx = models.CharField(max_length=300, blank=True)
    options = models.JSONField(_("opsi"), default=dict, blank=True)
    consent = models.BooleanField(_("persetujuan anggota sudah dikumpulkan"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    summary = models.JSONField(_("ringkasan"), default=dict, blank=True)
    invitations = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["actor", "-id"], name="import_run_actor_idx")]
        verbose_name = _("impor")
        verbose_name_plural = _("impor")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name} ({self.get_status_display()})"


class ExportRun(RunProgress, models.Model):
    """One member-list export written by the task worker into private storage: who asked,
    with which filters, masked or not (and why), its progress and its file; the file is
    deleted when the run expires 30 days after it was created, as import reports are."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    Status = ImportRun.Status

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="export_runs",
        verbose_name=_("peminta"),
    )
    fmt = models.CharField(_("format"), max_length=4, choices=Format.choices)
    filters = models.JSONField(_("filter"), default=dict, blank=True)
    unmasked = models.BooleanField(_("NIK lengkap"), default=False)
    reason = models.CharField(_("alasan"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    # Relative to the private storage root (imports.storage.private_root()).
    file = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["actor", "-id"], name="export_run_actor_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unmasked=False) | ~models.Q(reason=""),
                name="export_run_unmasked_has_reason",
                violation_error_message=_("Ekspor NIK lengkap wajib disertai alasan."),
            )
        ]
        verbose_name = _("ekspor")
        verbose_name_plural = _("ekspor")

    def __str__(self) -> str:
        return f"{self.get_fmt_display()} #{self.pk} ({self.get_status_display()})"

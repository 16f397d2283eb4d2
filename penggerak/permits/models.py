"""Permits (izin) per business, the permits each sector needs, and scored checklists."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from penggerak.registry.models import Business


class PermitKind(models.TextChoices):
    NIB = "nib", _("NIB (Nomor Induk Berusaha)")
    PIRT = "pirt", _("P-IRT (SPP-IRT)")
    HALAL = "halal", _("Sertifikat halal")
    SNI = "sni", _("SPPT SNI")
    BPOM = "bpom", _("Izin edar BPOM")
    CHSE = "chse", _("Sertifikat CHSE")


class PermitStatus(models.TextChoices):
    PLANNED = "planned", _("Direncanakan")
    SUBMITTED = "submitted", _("Diajukan")
    ISSUED = "issued", _("Terbit")
    EXPIRED = "expired", _("Kedaluwarsa")
    REJECTED = "rejected", _("Ditolak")


def _document_path(instance: Permit, filename: str) -> str:
    # A random name: the upload's own name may carry personal data and is never trusted.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"permits/{instance.business_id}/{uuid.uuid4().hex}.{extension}"


class Permit(models.Model):
    """One permit or certificate of a business, from plan to issue (or rejection/expiry)."""

    class HalalRoute(models.TextChoices):
        SELF_DECLARE = "self_declare", _("Pernyataan pelaku usaha (SEHATI, gratis)")
        REGULAR = "regular", _("Reguler (melalui LPH)")

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="permits", verbose_name=_("usaha")
    )
    kind = models.CharField(_("jenis izin"), max_length=8, choices=PermitKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=PermitStatus.choices, default=PermitStatus.PLANNED
    )
    number = models.CharField(_("nomor"), max_length=40, blank=True)
    halal_route = models.CharField(
        _("jalur halal"), max_length=12, choices=HalalRoute.choices, blank=True
    )
    issuer = models.CharField(_("penerbit"), max_length=150, blank=True)
    submitted_on = models.DateField(_("tanggal pengajuan"), null=True, blank=True)
    issued_on = models.DateField(_("tanggal terbit"), null=True, blank=True)
    expires_on = models.DateField(_("berlaku sampai"), null=True, blank=True)
    note = models.CharField(_("catatan"), max_length=500, blank=True)
    document = models.FileField(_("dokumen"), upload_to=_document_path, blank=True, max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("izin")
        verbose_name_plural = _("izin")
        ordering = ["business", "kind", "-id"]
        indexes = [
            models.Index(fields=["business", "kind"], name="permit_business_kind_idx"),
            # The daily expiry job walks issued permits by expiry date.
            models.Index(fields=["status", "expires_on"], name="permit_status_expiry_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(expires_on__gt=models.F("issued_on")),
                name="permit_expires_after_issue",
                violation_error_message=_("Tanggal berlaku sampai harus setelah tanggal terbit."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["issued", "expired"]) | Q(issued_on__isnull=False),
                name="permit_issued_has_date",
                violation_error_message=_("Izin yang terbit harus punya tanggal terbit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.business}"


class PermitRequirement(models.Model):
    """Which permit a business of a sector needs (edited by the secretariat in the admin)."""

    sector = models.CharField(_("sektor"), max_length=16, choices=Business.Sector.choices)
    kind = models.CharField(_("jenis izin"), max_length=8, choices=PermitKind.choices)
    required = models.BooleanField(
        _("wajib"), default=True, help_text=_("Tidak wajib berarti dianjurkan bila berlaku.")
    )
    note = models.CharField(_("keterangan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("kebutuhan izin")
        verbose_name_plural = _("kebutuhan izin")
        ordering = ["sector", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["sector", "kind"],
                name="permit_requirement_unique",
                violation_error_message=_("Kebutuhan izin ini sudah ada untuk sektor tersebut."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_sector_display()}: {self.get_kind_display()}"


class ChecklistTemplate(models.Model):
    """A configurable self-assessment (SNI readiness, CHSE health protocol)."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("keterangan"), blank=True)
    ready_threshold = models.PositiveSmallIntegerField(_("ambang siap (%)"), default=80)
    almost_threshold = models.PositiveSmallIntegerField(_("ambang hampir siap (%)"), default=60)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("templat daftar periksa")
        verbose_name_plural = _("templat daftar periksa")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(almost_threshold__lte=models.F("ready_threshold"))
                & Q(ready_threshold__lte=100),
                name="checklist_thresholds_ordered",
                violation_error_message=_(
                    "Ambang hampir siap tidak boleh melebihi ambang siap (paling tinggi 100)."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title


class ChecklistSection(models.Model):
    """A section of a checklist (e.g. production, distribution, transactions)."""

    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    title = models.CharField(_("judul"), max_length=200)

    class Meta:
        verbose_name = _("bagian daftar periksa")
        verbose_name_plural = _("bagian daftar periksa")
        ordering = ["template", "order", "id"]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(models.Model):
    """One question of a checklist, with its weight and answer type."""

    class AnswerType(models.TextChoices):
        YES_NO_PARTIAL = "ynp", _("Ya / sebagian / tidak")
        SCORE = "score", _("Skor 0-4")

    section = models.ForeignKey(ChecklistSection, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    code = models.SlugField(_("kode"), max_length=40)
    text = models.CharField(_("pertanyaan"), max_length=400)
    weight = models.PositiveSmallIntegerField(_("bobot"), default=1)
    answer_type = models.CharField(
        _("jenis jawaban"), max_length=6, choices=AnswerType.choices, default="ynp"
    )

    class Meta:
        verbose_name = _("butir daftar periksa")
        verbose_name_plural = _("butir daftar periksa")
        ordering = ["section", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["section", "code"], name="checklist_item_code_unique"),
            models.CheckConstraint(
                condition=Q(weight__gte=1), name="checklist_item_weight_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class ChecklistResponse(models.Model):
    """One filled-in checklist for a business; every response is kept (history)."""

    class Result(models.TextChoices):
        READY = "ready", _("Siap")
        ALMOST = "almost", _("Hampir siap")
        NOT_READY = "not_ready", _("Belum siap")

    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="responses"
    )
    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="checklist_responses"
    )
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answers = models.JSONField(_("jawaban"), default=dict)
    score = models.DecimalField(_("skor (%)"), max_digits=5, decimal_places=1)
    result = models.CharField(_("hasil"), max_length=10, choices=Result.choices)
    to_fix = models.JSONField(_("yang perlu diperbaiki"), default=list)
    created_at = models.DateTimeField(_("diisi pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("jawaban daftar periksa")
        verbose_name_plural = _("jawaban daftar periksa")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["business", "template", "-id"], name="checklist_resp_hist_idx")
        ]

    def __str__(self) -> str:
        return f"{self.template.code} — {self.business_id} ({self.score}%)"

"""Trainings: curricula (courses and modules), events, registrations, attendance, certificates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Course(models.Model):
    """A curriculum item offered by the movement or by a partner."""

    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("deskripsi"), blank=True)
    partner = models.ForeignKey(
        "registry.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
        verbose_name=_("mitra penyelenggara"),
    )
    # Step code of the seven-step path an attendance of this course counts for.
    counts_for_step = models.CharField(_("dihitung untuk tahap"), max_length=20, default="training")
    active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kursus")
        verbose_name_plural = _("kursus")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    """One ordered part of a course."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField(_("urutan"))
    title = models.CharField(_("judul"), max_length=200)
    summary = models.TextField(_("ringkasan"), blank=True)

    class Meta:
        verbose_name = _("modul")
        verbose_name_plural = _("modul")
        ordering = ["course", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "position"],
                name="module_position_unique",
                violation_error_message=_("Urutan modul ini sudah dipakai."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Event(models.Model):
    """A training session of a course, organised by a community."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Terjadwal")
        CANCELLED = "cancelled", _("Dibatalkan")
        DONE = "done", _("Selesai")

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="events", verbose_name=_("kursus")
    )
    community = models.ForeignKey(
        "registry.Community",
        on_delete=models.CASCADE,
        related_name="training_events",
        verbose_name=_("komunitas penyelenggara"),
    )
    partner = models.ForeignKey(
        "registry.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_events",
        verbose_name=_("mitra"),
    )
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    place = models.CharField(_("tempat"), max_length=200, blank=True)
    online_link = models.URLField(_("tautan daring"), blank=True)
    capacity = models.PositiveIntegerField(_("kapasitas"))
    trainer_name = models.CharField(_("nama pelatih"), max_length=150, blank=True)
    is_open = models.BooleanField(_("terbuka untuk komunitas lain"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    # Seats taken (registered + walk-ins checked in); kept by the services under a row lock,
    # so capacity is checked without counting rows.
    seats_taken = models.PositiveIntegerField(_("kursi terisi"), default=0, editable=False)
    attendee_count = models.PositiveIntegerField(_("jumlah hadir"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pelatihan")
        verbose_name_plural = _("pelatihan")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["community", "starts_at"], name="event_community_idx"),
            models.Index(fields=["starts_at", "id"], name="event_starts_idx"),
            models.Index(fields=["is_open", "starts_at"], name="event_open_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="event_dates_ordered",
                violation_error_message=_("Waktu selesai harus setelah waktu mulai."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="event_capacity_positive",
                violation_error_message=_("Kapasitas minimal 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.title} — {self.starts_at:%Y-%m-%d}"

    @property
    def free_places(self) -> int:
        return max(0, self.capacity - self.seats_taken)


class Registration(models.Model):
    """A member's place (or place in the queue) at an event."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Terdaftar")
        WAITLISTED = "waitlisted", _("Daftar tunggu")
        CANCELLED = "cancelled", _("Dibatalkan")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    member = models.ForeignKey(
        "registry.Member", on_delete=models.CASCADE, related_name="training_registrations"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created = models.DateTimeField(_("didaftarkan"), auto_now_add=True)

    class Meta:
        verbose_name = _("pendaftaran pelatihan")
        verbose_name_plural = _("pendaftaran pelatihan")
        ordering = ["event", "created", "id"]
        indexes = [models.Index(fields=["event", "status", "id"], name="registration_queue_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "member"],
                name="registration_unique",
                violation_error_message=_("Anggota ini sudah terdaftar di pelatihan ini."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.member_id}: {self.status}"


class Attendance(models.Model):
    """A member checked in at an event (once per event)."""

    class Method(models.TextChoices):
        CARD = "card", _("Kartu anggota")
        NUMBER = "number", _("Nomor anggota")
        MANUAL = "manual", _("Manual")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(
        "registry.Member", on_delete=models.CASCADE, related_name="training_attendances"
    )
    checked_in_at = models.DateTimeField(_("waktu hadir"))
    method = models.CharField(_("cara"), max_length=8, choices=Method.choices)
    walk_in = models.BooleanField(_("tanpa daftar"), default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )

    class Meta:
        verbose_name = _("kehadiran")
        verbose_name_plural = _("kehadiran")
        ordering = ["event", "-checked_in_at", "-id"]
        indexes = [
            models.Index(fields=["event", "-id"], name="attendance_event_idx"),
            models.Index(fields=["member", "-checked_in_at"], name="attendance_member_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "member"],
                name="attendance_unique",
                violation_error_message=_("Anggota ini sudah tercatat hadir."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.member_id}"


class Certificate(models.Model):
    """Proof that a member attended an event, verifiable by its unguessable code."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="certificates")
    member = models.ForeignKey(
        "registry.Member", on_delete=models.CASCADE, related_name="training_certificates"
    )
    code = models.CharField(_("kode"), max_length=32, unique=True)
    # Name and course as printed, so the certificate reads the same after a rename.
    holder_name = models.CharField(_("nama pemegang"), max_length=150)
    course_title = models.CharField(_("kursus"), max_length=200)
    issued_at = models.DateTimeField(_("diterbitkan"))
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    class Meta:
        verbose_name = _("sertifikat")
        verbose_name_plural = _("sertifikat")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["member", "-issued_at"], name="certificate_member_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "member"],
                name="certificate_unique",
                violation_error_message=_("Sertifikat ini sudah diterbitkan."),
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

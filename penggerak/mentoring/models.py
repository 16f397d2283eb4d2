"""Mentoring: mentors, their assignments to members, sessions, next actions, stuck alerts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

DEFAULT_STUCK_AFTER_DAYS = 60


class MentoringSettings(models.Model):
    """Platform-wide mentoring settings (one row), edited by the secretariat."""

    stuck_after_days = models.PositiveSmallIntegerField(
        _("dianggap macet setelah (hari)"),
        default=DEFAULT_STUCK_AFTER_DAYS,
        help_text=_("Anggota macet bila tahap berikutnya tidak bergerak selama sekian hari."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pengaturan pendampingan")
        verbose_name_plural = _("pengaturan pendampingan")
        constraints = [
            models.CheckConstraint(
                condition=Q(stuck_after_days__gte=7, stuck_after_days__lte=730),
                name="mentoring_stuck_days_range",
                violation_error_message=_("Batas macet harus antara 7 dan 730 hari."),
            )
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class Mentor(models.Model):
    """A mentor (pendamping): a volunteer or partner staff account serving some communities."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentor",
        verbose_name=_("akun"),
    )
    partner = models.ForeignKey(
        "registry.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentors",
        verbose_name=_("mitra"),
    )
    expertise = models.CharField(_("keahlian"), max_length=200, blank=True)
    communities = models.ManyToManyField(
        "registry.Community", related_name="mentors", verbose_name=_("komunitas yang dilayani")
    )
    caseload_limit = models.PositiveSmallIntegerField(_("batas anggota binaan"), default=10)
    active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pendamping")
        verbose_name_plural = _("pendamping")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(caseload_limit__gte=1, caseload_limit__lte=200),
                name="mentor_caseload_range",
                violation_error_message=_("Batas anggota binaan harus antara 1 dan 200."),
            )
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class Assignment(models.Model):
    """A mentor assigned to a member; at most one open assignment per member."""

    mentor = models.ForeignKey(
        Mentor, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("pendamping")
    )
    member = models.ForeignKey(
        "registry.Member",
        on_delete=models.CASCADE,
        related_name="mentor_assignments",
        verbose_name=_("anggota"),
    )
    goal = models.CharField(_("tujuan pendampingan"), max_length=300, blank=True)
    started_on = models.DateField(_("mulai"))
    ended_on = models.DateField(_("berakhir"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("penugasan pendamping")
        verbose_name_plural = _("penugasan pendamping")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["mentor", "ended_on"], name="assignment_mentor_idx"),
            models.Index(fields=["member", "ended_on"], name="assignment_member_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(ended_on__isnull=True),
                name="assignment_one_open_per_member",
                violation_error_message=_("Anggota ini sudah memiliki pendamping aktif."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="assignment_dates_ordered",
                violation_error_message=_("Tanggal berakhir tidak boleh sebelum tanggal mulai."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} → {self.member_id}"


class Session(models.Model):
    """One mentoring session with a member (in person, online or by phone)."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("Tatap muka")
        ONLINE = "online", _("Daring")
        PHONE = "phone", _("Telepon")

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("penugasan")
    )
    member = models.ForeignKey(
        "registry.Member",
        on_delete=models.CASCADE,
        related_name="mentoring_sessions",
        verbose_name=_("anggota"),
    )
    held_on = models.DateField(_("tanggal sesi"))
    duration_minutes = models.PositiveSmallIntegerField(_("durasi (menit)"))
    mode = models.CharField(_("cara"), max_length=10, choices=Mode.choices)
    goals = models.CharField(_("tujuan sesi"), max_length=500, blank=True)
    notes = models.TextField(_("catatan"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sesi pendampingan")
        verbose_name_plural = _("sesi pendampingan")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["member", "-held_on"], name="session_member_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=600),
                name="session_duration_range",
                violation_error_message=_("Durasi harus antara 1 dan 600 menit."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.held_on}"


class NextAction(models.Model):
    """Something the member agreed to do after a session, with a due date."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="next_actions", verbose_name=_("sesi")
    )
    mentor = models.ForeignKey(
        Mentor, on_delete=models.CASCADE, related_name="next_actions", verbose_name=_("pendamping")
    )
    member = models.ForeignKey(
        "registry.Member",
        on_delete=models.CASCADE,
        related_name="mentoring_actions",
        verbose_name=_("anggota"),
    )
    text = models.CharField(_("langkah berikutnya"), max_length=300)
    due_on = models.DateField(_("tenggat"))
    done_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        verbose_name = _("langkah berikutnya")
        verbose_name_plural = _("langkah berikutnya")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["mentor", "done_at", "due_on"], name="action_mentor_due_idx"),
            models.Index(fields=["member", "done_at", "due_on"], name="action_member_due_idx"),
        ]

    def __str__(self) -> str:
        return self.text

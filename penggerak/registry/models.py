"""The registry: communities, members and their businesses, partners and their agreements."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from penggerak.core.protection import NIK_DIGEST_BYTES


class Community(models.Model):
    """A driving community (komunitas penggerak) that registers and serves members."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Diajukan")
        ACTIVE = "active", _("Aktif")
        INACTIVE = "inactive", _("Tidak aktif")

    name = models.CharField(_("nama komunitas"), max_length=150)
    slug = models.SlugField(_("kode"), max_length=80, unique=True)
    regency = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        related_name="communities",
        limit_choices_to={"level": 2, "is_current": True},
        verbose_name=_("kabupaten/kota"),
    )
    founded_on = models.DateField(_("tanggal berdiri"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="coordinated_communities",
        verbose_name=_("koordinator"),
    )
    # Counter kept by the member services in the same transaction, so lists and dashboards
    # never count 2,000,000 rows.
    member_count = models.PositiveIntegerField(_("jumlah anggota"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("komunitas")
        verbose_name_plural = _("komunitas")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CodePrefix(models.Func):
    """The first ``length`` characters of a region code, for generated columns.

    Rendered without a space after the commas: Django's SQLite introspection splits a table's
    SQL on ", " to read column collations and fails on ``SUBSTR(x, 1, 2)`` in a column
    definition, which would break later migrations and introspection of this table.
    """

    function = "SUBSTR"
    arg_joiner = ","

    def __init__(self, expression: str, length: int, **extra):
        super().__init__(
            models.F(expression),
            models.Value(1),
            models.Value(length),
            output_field=models.CharField(max_length=length),
            **extra,
        )


class Member(models.Model):
    """A person in the movement (anggota); NIK stored only as a keyed hash and ciphertext."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu persetujuan")
        ACTIVE = "active", _("Aktif")
        INACTIVE = "inactive", _("Tidak aktif")
        LEFT = "left", _("Keluar")

    class Sex(models.TextChoices):
        MALE = "L", _("Laki-laki")
        FEMALE = "P", _("Perempuan")

    full_name = models.CharField(_("nama lengkap"), max_length=150)
    # Lower-cased, accent-free name: prefix search uses its index on SQLite and PostgreSQL alike.
    search_name = models.CharField(max_length=150, editable=False)
    # Unique through Meta.constraints; the other indexes through Meta.indexes rather than
    # with db_index=True: on PostgreSQL that adds a second, pattern-matching index (``_like``)
    # to every character column, which no query here uses and every insert pays for (see
    # benchmarks/bench_import.py). The digest is 16 raw bytes, not hex text: the unique index
    # every new member goes through is half as wide.
    nik_digest = models.BinaryField(max_length=NIK_DIGEST_BYTES)
    nik_ciphertext = models.TextField(editable=False)
    nik_masked = models.CharField(_("NIK"), max_length=16, editable=False)
    birth_date = models.DateField(_("tanggal lahir"))
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    phone = models.CharField(_("nomor HP"), max_length=16, blank=True)
    email = models.EmailField(_("email"), blank=True)
    village = models.ForeignKey(
        "core.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 4},
        verbose_name=_("desa/kelurahan"),
        db_index=False,  # member_village_idx
    )
    # The most precise region known (the village, else the community's regency): region
    # filters become one prefix range over this indexed code.
    region = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("wilayah"),
        db_index=False,  # member_region_idx (region, id)
    )
    # Derived by the database from ``region``: an equality on these walks the
    # (code, id) index in id order, so a province or regency page of the member list stops
    # after 25 rows instead of sorting hundreds of thousands (see benchmarks/bench_member_list.py).
    province_code = models.GeneratedField(
        expression=CodePrefix("region_id", 2),
        output_field=models.CharField(max_length=2),
        db_persist=True,
    )
    regency_code = models.GeneratedField(
        expression=CodePrefix("region_id", 5),
        output_field=models.CharField(max_length=5),
        db_persist=True,
    )
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("komunitas"),
        db_index=False,  # member_community_idx (community, -id)
    )
    joined_on = models.DateField(_("tanggal bergabung"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    consent_given_at = models.DateTimeField(_("persetujuan diberikan"), null=True, blank=True)
    consent_purpose = models.CharField(_("tujuan persetujuan"), max_length=200, blank=True)
    consent_text_version = models.CharField(
        _("versi naskah persetujuan"), max_length=20, blank=True
    )
    # Highest step of the seven-step path completed (0 = none yet); the journey keeps it.
    furthest_step = models.PositiveSmallIntegerField(_("tahap terjauh"), default=0)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("anggota")
        verbose_name_plural = _("anggota")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["community", "-id"], name="member_community_idx"),
            models.Index(fields=["search_name", "id"], name="member_name_idx"),
            models.Index(fields=["region", "id"], name="member_region_idx"),
            models.Index(fields=["province_code", "id"], name="member_province_idx"),
            models.Index(fields=["regency_code", "id"], name="member_regency_idx"),
            models.Index(fields=["community", "joined_on"], name="member_joined_idx"),
            models.Index(fields=["phone"], name="member_phone_idx"),
            models.Index(fields=["village"], name="member_village_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["nik_digest"],
                name="member_nik_digest_unique",
                violation_error_message=_("NIK ini sudah terdaftar."),
            ),
            models.CheckConstraint(
                condition=Q(sex__in=["L", "P"]),
                name="member_sex_valid",
                violation_error_message=_("Jenis kelamin harus L atau P."),
            ),
            models.CheckConstraint(
                condition=Q(furthest_step__lte=7),
                name="member_step_range",
                violation_error_message=_("Tahap hanya 0 sampai 7."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Business(models.Model):
    """A member's business (usaha/UMKM); a member may own several."""

    class Sector(models.TextChoices):
        FOOD = "food", _("Makanan")
        BEVERAGE = "beverage", _("Minuman")
        FASHION = "fashion", _("Fesyen")
        CRAFT = "craft", _("Kriya")
        COSMETICS = "cosmetics", _("Kosmetik")
        AGRICULTURE = "agriculture", _("Pertanian")
        FISHERY = "fishery", _("Perikanan")
        LIVESTOCK = "livestock", _("Peternakan")
        RETAIL = "retail", _("Perdagangan eceran")
        SERVICES = "services", _("Jasa")
        DIGITAL = "digital", _("Digital dan kreatif")
        OTHER = "other", _("Lainnya")

    class SizeClass(models.TextChoices):
        MICRO = "micro", _("Mikro")
        SMALL = "small", _("Kecil")
        MEDIUM = "medium", _("Menengah")
        LARGE = "large", _("Besar")

    owner = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="businesses", verbose_name=_("pemilik")
    )
    name = models.CharField(_("nama usaha"), max_length=150)
    sector = models.CharField(_("sektor"), max_length=16, choices=Sector.choices)
    kbli_code = models.CharField(_("KBLI"), max_length=5, blank=True)
    kbli_edition = models.PositiveSmallIntegerField(_("edisi KBLI"), null=True, blank=True)
    nib = models.CharField(_("NIB"), max_length=13, blank=True)
    npwp = models.CharField(_("NPWP"), max_length=16, blank=True)
    employees = models.PositiveIntegerField(_("jumlah tenaga kerja"), default=0)
    monthly_turnover = models.PositiveBigIntegerField(_("omzet per bulan (Rp)"), default=0)
    capital = models.PositiveBigIntegerField(_("modal usaha (Rp)"), default=0)
    size_class = models.CharField(
        _("skala usaha"), max_length=8, choices=SizeClass.choices, default=SizeClass.MICRO
    )
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("usaha")
        verbose_name_plural = _("usaha")
        ordering = ["name"]
        indexes = [models.Index(fields=["sector", "owner"], name="business_sector_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="business_latitude_range",
                violation_error_message=_("Lintang harus antara -90 dan 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="business_longitude_range",
                violation_error_message=_("Bujur harus antara -180 dan 180."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """An organisation that serves members: government, company, bank, university and so on."""

    class Kind(models.TextChoices):
        PROVINCE_GOVERNMENT = "province_gov", _("Pemerintah provinsi")
        REGENCY_GOVERNMENT = "regency_gov", _("Pemerintah kabupaten")
        CITY_GOVERNMENT = "city_gov", _("Pemerintah kota")
        COMPANY = "company", _("Perusahaan")
        FOUNDATION = "foundation", _("Yayasan")
        UNIVERSITY = "university", _("Perguruan tinggi")
        BANK = "bank", _("Bank")
        COOPERATIVE = "cooperative", _("Koperasi")
        BUMN = "bumn", _("BUMN")

    name = models.CharField(_("nama mitra"), max_length=150)
    slug = models.SlugField(_("kode"), max_length=80, unique=True)
    kind = models.CharField(_("jenis"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(
        "core.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("wilayah"),
    )
    website = models.URLField(_("situs web"), blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="partners", verbose_name=_("staf")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mitra")
        verbose_name_plural = _("mitra")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"], name="partner_kind_idx")]

    def __str__(self) -> str:
        return self.name


class PartnerContact(models.Model):
    """A contact person at a partner organisation."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("nama"), max_length=150)
    position = models.CharField(_("jabatan"), max_length=100, blank=True)
    phone = models.CharField(_("nomor HP"), max_length=16, blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("kontak mitra")
        verbose_name_plural = _("kontak mitra")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agreement(models.Model):
    """A memorandum of understanding (nota kesepahaman, MoU) with a partner."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="agreements")
    number = models.CharField(_("nomor MoU"), max_length=100)
    title = models.CharField(_("judul"), max_length=200)
    signed_on = models.DateField(_("tanggal tanda tangan"))
    starts_on = models.DateField(_("berlaku mulai"))
    ends_on = models.DateField(_("berlaku sampai"), null=True, blank=True)
    scope = models.TextField(_("ruang lingkup"), blank=True)

    class Meta:
        verbose_name = _("nota kesepahaman")
        verbose_name_plural = _("nota kesepahaman")
        ordering = ["-signed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "number"],
                name="agreement_number_unique",
                violation_error_message=_("Nomor MoU ini sudah tercatat untuk mitra ini."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="agreement_dates_ordered",
                violation_error_message=_("Tanggal berakhir tidak boleh sebelum tanggal mulai."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.partner}"


# --- The seven steps --------------------------------------------------------------------------


class Step(models.IntegerChoices):
    """The seven steps in curriculum order; codes and names live in ``registry.steps``."""

    REGISTRATION = 1, _("Pendaftaran")
    TRAINING = 2, _("Pelatihan")
    MENTORING = 3, _("Pendampingan")
    LICENSING = 4, _("Perizinan")
    MARKETING = 5, _("Pemasaran")
    BOOKKEEPING = 6, _("Pelaporan keuangan")
    FINANCING = 7, _("Permodalan")


class MemberStep(models.Model):
    """A member's progress on one step; no row means the step has not started (sparse)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Belum mulai")
        IN_PROGRESS = "in_progress", _("Sedang berjalan")
        DONE = "done", _("Selesai")

    class Source(models.TextChoices):
        RULE = "rule", _("Aturan")
        COORDINATOR = "coordinator", _("Koordinator")
        IMPORT = "import", _("Impor")
        DEMO = "demo", _("Data demo")

    # No index of its own: member_step_unique (member, step) serves every lookup by member.
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="steps",
        verbose_name=_("anggota"),
        db_index=False,
    )
    step = models.PositiveSmallIntegerField(_("tahap"), choices=Step.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    started_at = models.DateTimeField(_("mulai"))
    completed_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("diselesaikan oleh"),
    )
    source = models.CharField(_("sumber"), max_length=12, choices=Source.choices)
    # The latest evidence: {"kind", "id", "label"}.
    evidence = models.JSONField(_("bukti"), default=dict, blank=True)
    # Distinct "kind:id" keys of every evidence recorded, which the step's rule counts.
    evidence_keys = models.JSONField(default=list, blank=True, editable=False)
    note = models.CharField(_("catatan"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("tahap anggota")
        verbose_name_plural = _("tahap anggota")
        ordering = ["member", "step"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "step"],
                name="member_step_unique",
                violation_error_message=_("Tahap ini sudah tercatat untuk anggota ini."),
            ),
            models.CheckConstraint(
                condition=Q(step__gte=1, step__lte=7),
                name="member_step_number_range",
                violation_error_message=_("Tahap hanya 1 sampai 7."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["in_progress", "done"]),
                name="member_step_status_stored",
                violation_error_message=_("Tahap yang belum mulai tidak disimpan."),
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_at__isnull=False),
                name="member_step_done_dated",
                violation_error_message=_("Tahap selesai harus bertanggal selesai."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.get_step_display()} {self.status}"


class StepRule(models.Model):
    """What completes a step (DESIGN.md defaults), editable by the secretariat."""

    step = models.PositiveSmallIntegerField(_("tahap"), choices=Step.choices, unique=True)
    description = models.CharField(_("keterangan"), max_length=300)
    enabled = models.BooleanField(_("aktif"), default=True)
    # e.g. {"min_attendances": 1}, {"kinds": ["nib"]}, {"months": 3}
    parameters = models.JSONField(_("parameter"), default=dict, blank=True)

    class Meta:
        verbose_name = _("aturan tahap")
        verbose_name_plural = _("aturan tahap")
        ordering = ["step"]

    def __str__(self) -> str:
        return self.get_step_display()


class StepCount(models.Model):
    """Funnel counter: members of a community who completed a step."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    step = models.PositiveSmallIntegerField(choices=Step.choices)
    members = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("hitungan tahap")
        verbose_name_plural = _("hitungan tahap")
        constraints = [
            models.UniqueConstraint(fields=["community", "step"], name="step_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.community_id}/{self.step}: {self.members}"


class StepGapCount(models.Model):
    """Funnel histogram: members whose step came ``days`` (bucket) after the previous one."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    step = models.PositiveSmallIntegerField(choices=Step.choices)
    # Lower bound of the bucket (see ``registry.steps.GAP_BUCKETS``).
    days = models.PositiveSmallIntegerField()
    members = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("histogram jeda tahap")
        verbose_name_plural = _("histogram jeda tahap")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "step", "days"], name="step_gap_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.community_id}/{self.step}/{self.days}: {self.members}"

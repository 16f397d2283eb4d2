"""Forms of the registry pages. They parse and type the input; the services judge it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from penggerak.core.models import Region, RegionLevel
from penggerak.registry.models import Business, Member, Partner

# The seven steps (7 TOP). The journey app will own them; until then the member list needs
# their names for the "furthest step" filter and the progress bar.
STEPS = [
    (1, _("Pendaftaran")),
    (2, _("Pelatihan")),
    (3, _("Pendampingan")),
    (4, _("Perizinan")),
    (5, _("Pemasaran")),
    (6, _("Pelaporan keuangan")),
    (7, _("Permodalan")),
]

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # The browser's date picker speaks ISO 8601 whatever the page's language.
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def province_choices() -> list[tuple[str, str]]:
    return [
        (code, name)
        for code, name in Region.objects.filter(
            level=RegionLevel.PROVINCE, is_current=True
        ).values_list("code", "name")
    ]


class MemberFilterForm(forms.Form):
    """Renders the member list filters. ``registry.selectors.MemberFilterSet`` applies them,
    so the page and the API cannot disagree; this form only draws and remembers them."""

    q = forms.CharField(
        label=_("Cari"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Nama, nomor HP atau NIK"),
                "autocomplete": "off",
                "enterkeyhint": "search",
            }
        ),
    )
    community = forms.ChoiceField(label=_("Komunitas"), required=False)
    province = forms.ChoiceField(label=_("Provinsi"), required=False)
    step = forms.ChoiceField(
        label=_("Sudah sampai tahap"),
        required=False,
        choices=[("", _("Semua tahap"))] + [(str(n), f"{n}. {name}") for n, name in STEPS],
    )
    sector = forms.ChoiceField(
        label=_("Sektor usaha"),
        required=False,
        choices=[("", _("Semua sektor")), *Business.Sector.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Semua status")), *Member.Status.choices],
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("Semua komunitas"))] + [
            (slug, name) for slug, name in communities.values_list("slug", "name")
        ]
        self.fields["province"].choices = [("", _("Semua provinsi")), *province_choices()]


class MemberRegisterForm(forms.Form):
    """A coordinator registers a person; field names match ``services.member_register``'s
    error fields so every message lands beside its field."""

    community = forms.ModelChoiceField(
        label=_("Komunitas"),
        queryset=None,
        empty_label=_("— pilih komunitas —"),
        error_messages={"required": _("Pilih komunitas.")},
    )
    full_name = forms.CharField(
        label=_("Nama lengkap (sesuai KTP)"),
        max_length=150,
        error_messages={"required": _("Nama lengkap wajib diisi.")},
    )
    nik = forms.CharField(
        label=_("NIK"),
        max_length=24,
        help_text=_("16 angka di KTP; spasi dan titik boleh."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("NIK wajib diisi.")},
    )
    birth_date = forms.DateField(
        label=_("Tanggal lahir"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        help_text=_("Boleh dikosongkan: diambil dari NIK. Bila diisi, harus sama dengan NIK."),
    )
    sex = forms.ChoiceField(
        label=_("Jenis kelamin"),
        required=False,
        choices=[("", _("Sesuai NIK")), *Member.Sex.choices],
    )
    phone = forms.CharField(
        label=_("Nomor HP"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    # Filled by the region picker (province → regency → district → village).
    village = forms.CharField(label=_("Desa/kelurahan"), max_length=13, required=False)
    address = forms.CharField(
        label=_("Alamat"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    joined_on = forms.DateField(
        label=_("Tanggal bergabung"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        help_text=_("Kosongkan untuk hari ini."),
    )
    consent = forms.BooleanField(
        label=_(
            "Anggota menyetujui datanya diproses untuk keanggotaan gerakan dan pendampingan usaha."
        ),
        required=False,
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["community"]
        field.queryset = communities
        # Two rows are enough to know whether there is a choice to make at all.
        first_two = list(communities[:2])
        if len(first_two) == 1:
            field.initial = first_two[0].pk


class MemberEditForm(forms.Form):
    """Contact, address and status; identity (NIK, birth date, sex) never changes here."""

    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    phone = forms.CharField(
        label=_("Nomor HP"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label=_("Email"), max_length=254, required=False, widget=forms.EmailInput()
    )
    village = forms.CharField(label=_("Desa/kelurahan"), max_length=13, required=False)
    address = forms.CharField(
        label=_("Alamat"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    status = forms.ChoiceField(label=_("Status"), choices=Member.Status.choices)

    @classmethod
    def initial_for(cls, member: Member) -> dict:
        return {
            "full_name": member.full_name,
            "phone": member.phone,
            "email": member.email,
            "village": member.village_id or "",
            "address": member.address,
            "status": member.status,
        }


class MemberTransferForm(forms.Form):
    to_community = forms.ModelChoiceField(
        label=_("Pindahkan ke komunitas"),
        queryset=None,
        empty_label=_("— pilih komunitas —"),
        error_messages={"required": _("Pilih komunitas tujuan.")},
    )
    reason = forms.CharField(
        label=_("Alasan pemindahan"),
        max_length=500,
        error_messages={"required": _("Alasan pemindahan wajib diisi.")},
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_community"].queryset = communities


class RevealNikForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan membuka NIK lengkap"),
        max_length=500,
        help_text=_("Dicatat di jejak audit bersama nama Anda dan waktunya."),
        error_messages={"required": _("Alasan wajib diisi.")},
    )


class SignupForm(forms.Form):
    """Self-registration on a phone: what ``member_self_register`` needs, nothing more."""

    community = forms.ModelChoiceField(
        label=_("Komunitas"),
        queryset=None,
        to_field_name="slug",
        empty_label=_("— pilih komunitas —"),
        error_messages={"required": _("Pilih komunitas Anda.")},
    )
    full_name = forms.CharField(
        label=_("Nama lengkap (sesuai KTP)"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Nama lengkap wajib diisi.")},
    )
    nik = forms.CharField(
        label=_("NIK"),
        max_length=24,
        help_text=_("16 angka di KTP Anda."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("NIK wajib diisi.")},
    )
    phone = forms.CharField(
        label=_("Nomor HP"),
        max_length=24,
        help_text=_("Nomor ini dipakai untuk masuk, misalnya 0812 3456 7890."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Nomor HP wajib diisi.")},
    )
    password = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        help_text=_("Minimal 8 karakter, jangan hanya angka."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Kata sandi wajib diisi.")},
    )
    consent = forms.BooleanField(
        label=_("Saya setuju data saya diproses untuk keanggotaan gerakan dan pendampingan usaha."),
        required=False,
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["community"]
        field.queryset = communities
        field.label_from_instance = lambda c: f"{c.name} — {c.regency.name}"


class CommunitySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Cari komunitas"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Nama komunitas")}),
    )


class PartnerFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Jenis mitra"),
        required=False,
        choices=[("", _("Semua jenis")), *Partner.Kind.choices],
    )

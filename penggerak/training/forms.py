"""Forms of the training pages; the services validate again and their messages win."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from penggerak.training.models import Course
from penggerak.training.services import MAX_CAPACITY


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Kursus"), queryset=Course.objects.filter(active=True).order_by("title")
    )
    community = forms.ModelChoiceField(label=_("Komunitas penyelenggara"), queryset=None)
    starts_at = forms.DateTimeField(label=_("Mulai"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Selesai"), widget=DateTimeInput())
    place = forms.CharField(label=_("Tempat"), max_length=200, required=False)
    online_link = forms.URLField(
        label=_("Tautan daring"), max_length=200, required=False, assume_scheme="https"
    )
    capacity = forms.IntegerField(label=_("Kapasitas"), min_value=1, max_value=MAX_CAPACITY)
    trainer_name = forms.CharField(label=_("Nama pelatih"), max_length=150, required=False)
    is_open = forms.BooleanField(label=_("Terbuka untuk anggota komunitas lain"), required=False)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Judul"), max_length=200)
    description = forms.CharField(
        label=_("Deskripsi"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    modules = forms.CharField(
        label=_("Modul"),
        required=False,
        help_text=_("Satu modul per baris, sesuai urutan."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class CheckInForm(forms.Form):
    number = forms.CharField(
        label=_("Nomor anggota"),
        max_length=40,
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "PGK-0001234-5"}
        ),
    )
    card = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput())


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), max_length=500)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pencabutan"),
        max_length=500,
        error_messages={
            "required": _("Alasan pencabutan wajib diisi."),
            "max_length": _("Alasan maksimal 500 karakter."),
        },
    )


class RegisterMemberForm(forms.Form):
    number = forms.CharField(
        label=_("Nomor anggota"),
        max_length=40,
        error_messages={"required": _("Nomor anggota wajib diisi.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "PGK-0001234-5"}
        ),
    )

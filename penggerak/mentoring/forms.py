"""Forms of the mentoring pages. They parse and type the input; the services judge it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from penggerak.mentoring.models import Session
from penggerak.registry.forms import DATE_INPUT_FORMATS, DateInput

NEXT_ACTION_ROWS = 2


class MentorForm(forms.Form):
    username = forms.CharField(
        label=_("Nama pengguna akun pendamping"),
        max_length=150,
        help_text=_("Akun relawan atau staf mitra yang sudah ada."),
        error_messages={"required": _("Nama pengguna wajib diisi.")},
    )
    communities = forms.ModelMultipleChoiceField(
        label=_("Komunitas yang dilayani"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pilih minimal satu komunitas yang dilayani.")},
    )
    expertise = forms.CharField(label=_("Keahlian"), max_length=200, required=False)
    caseload_limit = forms.IntegerField(
        label=_("Batas anggota binaan"), min_value=1, max_value=200, initial=10
    )
    partner = forms.ModelChoiceField(
        label=_("Mitra (bila staf mitra)"), queryset=None, required=False
    )

    def __init__(self, *args, communities, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communities"].queryset = communities
        self.fields["partner"].queryset = partners


class AssignForm(forms.Form):
    mentor = forms.ModelChoiceField(
        label=_("Pendamping"),
        queryset=None,
        empty_label=_("— pilih pendamping —"),
        error_messages={"required": _("Pilih pendamping.")},
    )
    goal = forms.CharField(label=_("Tujuan pendampingan"), max_length=300, required=False)

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors


class SessionForm(forms.Form):
    held_on = forms.DateField(
        label=_("Tanggal sesi"),
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        error_messages={"required": _("Tanggal sesi wajib diisi.")},
    )
    duration_minutes = forms.IntegerField(
        label=_("Durasi (menit)"), min_value=1, max_value=600, initial=60
    )
    mode = forms.ChoiceField(label=_("Cara"), choices=Session.Mode.choices)
    goals = forms.CharField(label=_("Tujuan sesi"), max_length=500, required=False)
    notes = forms.CharField(
        label=_("Catatan"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, NEXT_ACTION_ROWS + 1):
            self.fields[f"action_{i}"] = forms.CharField(
                label=_("Langkah berikutnya %(n)s") % {"n": i}, max_length=300, required=False
            )
            self.fields[f"due_{i}"] = forms.DateField(
                label=_("Tenggat %(n)s") % {"n": i},
                required=False,
                input_formats=DATE_INPUT_FORMATS,
                widget=DateInput(),
            )

    def clean(self):
        data = super().clean()
        for i in range(1, NEXT_ACTION_ROWS + 1):
            text, due = data.get(f"action_{i}"), data.get(f"due_{i}")
            if text and not due and f"due_{i}" not in self.errors:
                self.add_error(f"due_{i}", _("Isi tenggat untuk langkah ini."))
            if due and not text:
                self.add_error(f"action_{i}", _("Isi uraian langkah ini."))
        return data

    def next_actions(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {"text": data[f"action_{i}"], "due_on": data[f"due_{i}"]}
            for i in range(1, NEXT_ACTION_ROWS + 1)
            if data.get(f"action_{i}")
        ]


class StuckSettingsForm(forms.Form):
    stuck_after_days = forms.IntegerField(
        label=_("Dianggap macet setelah (hari)"), min_value=7, max_value=730
    )


class EndAssignmentForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan mengakhiri pendampingan"),
        max_length=300,
        error_messages={
            "required": _("Alasan wajib diisi."),
            "max_length": _("Alasan maksimal 300 karakter."),
        },
    )

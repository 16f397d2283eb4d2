"""Forms of the permit pages: they parse input; the services validate the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from penggerak.permits.models import Permit, PermitKind, PermitStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PermitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis izin"), choices=PermitKind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=PermitStatus.choices)
    number = forms.CharField(
        label=_("Nomor"),
        max_length=60,
        required=False,
        help_text=_("Wajib bila izin sudah terbit. NIB 13 angka, P-IRT 15 angka."),
    )
    halal_route = forms.ChoiceField(
        label=_("Jalur halal"),
        choices=[("", "—"), *Permit.HalalRoute.choices],
        required=False,
        help_text=_("Hanya untuk sertifikat halal."),
    )
    issuer = forms.CharField(label=_("Penerbit"), max_length=150, required=False)
    submitted_on = forms.DateField(label=_("Tanggal pengajuan"), required=False, widget=DateInput())
    issued_on = forms.DateField(label=_("Tanggal terbit"), required=False, widget=DateInput())
    expires_on = forms.DateField(label=_("Berlaku sampai"), required=False, widget=DateInput())
    note = forms.CharField(
        label=_("Catatan"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    document = forms.FileField(
        label=_("Dokumen (PDF, JPG atau PNG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["kind"]

    @staticmethod
    def initial_for(permit: Permit) -> dict:
        return {
            field: getattr(permit, field)
            for field in (
                "status",
                "number",
                "halal_route",
                "issuer",
                "submitted_on",
                "issued_on",
                "expires_on",
                "note",
            )
        }

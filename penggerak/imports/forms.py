from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from penggerak.imports.models import ImportRun


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis data"), choices=ImportRun.Kind.choices)
    community = forms.ModelChoiceField(
        label=_("Komunitas tujuan"),
        queryset=None,
        required=False,
        empty_label=_("— pilih komunitas —"),
        help_text=_("Untuk impor anggota. Semua baris masuk ke komunitas ini."),
    )
    file = forms.FileField(
        label=_("Berkas"),
        help_text=_("CSV, XLSX atau ODS, paling besar 50 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.ods"}),
    )
    consent = forms.BooleanField(
        label=_(
            "Saya menyatakan komunitas sudah mengumpulkan persetujuan anggota atas "
            "penggunaan data pribadinya."
        ),
        required=False,
    )
    dry_run = forms.BooleanField(
        label=_("Uji coba saja: periksa berkas tanpa menyimpan apa pun"), required=False
    )
    overwrite = forms.BooleanField(
        label=_("Timpa data anggota yang sudah ada dengan isi berkas"), required=False
    )

    def __init__(self, *args, communities=None, allow_communities=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        # A coordinator of one community finds it already chosen.
        only = list(communities[:2]) if communities is not None else []
        if len(only) == 1 and not self.is_bound:
            self.initial.setdefault("community", only[0].pk)
        if not allow_communities:
            self.fields["kind"].choices = [(ImportRun.Kind.MEMBERS, ImportRun.Kind.MEMBERS.label)]


class ExportForm(forms.Form):
    """Options of a member export. The filters travel as hidden fields of the member page's
    names; ``unmasked`` is always read, so a crafted request is refused, never ignored."""

    unmasked = forms.BooleanField(
        label=_("Sertakan NIK lengkap (tidak disamarkan)"),
        required=False,
        help_text=_(
            "Hanya untuk sekretariat. Alasan wajib diisi dan dicatat di jejak audit bersama "
            "nama Anda, filter dan jumlah baris."
        ),
    )
    reason = forms.CharField(
        label=_("Alasan mengekspor NIK lengkap"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

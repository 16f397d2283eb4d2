"""Links a page hands on (the language switch's ``next``) never carry a NIK forward."""

import pytest
from django.test import RequestFactory

from penggerak.core.templatetags.privacy_tags import path_without_nik

NIK = "3273010201900001"


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        (f"/anggota/?q={NIK}&status=active", "/anggota/?status=active"),
        ("/impor/ekspor/anggota.csv?q=3273+0102+0190+0001", "/impor/ekspor/anggota.csv"),
        ("/anggota/?q=%2A%2A%2A%2A%2A%2A%2A%2A%2A%2A%2A%2A0001", "/anggota/"),
        ("/anggota/?q=siti&step=2", "/anggota/?q=siti&step=2"),
        ("/anggota/", "/anggota/"),
    ],
)
def test_query_values_holding_a_nik_are_dropped(url, kept):
    assert path_without_nik(RequestFactory().get(url)) == kept

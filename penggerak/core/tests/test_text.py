"""search_text: the ASCII shortcut must give exactly what the full normalisation gives."""

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from penggerak.core.text import search_text


def full_normalisation(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped).strip().lower()


@given(st.text())
def test_same_as_the_full_normalisation(value):
    assert search_text(value) == full_normalisation(value)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_names(value):
    assert search_text(value) == full_normalisation(value)


def test_examples():
    assert search_text("Siti  Ãminah ") == "siti aminah"
    assert search_text("\tBUDI\nSantoso") == "budi santoso"

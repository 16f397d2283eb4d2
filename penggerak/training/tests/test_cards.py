import pytest
from hypothesis import given
from hypothesis import strategies as st

from penggerak.training.cards import (
    card_payload,
    member_number,
    parse_card_payload,
    parse_member_number,
)


def test_member_number_format():
    assert member_number(1234) == "PGK-0001234-" + member_number(1234)[-1]
    assert parse_member_number(member_number(1234)) == 1234


@pytest.mark.parametrize("variant", ["pgk 0001234 {c}", "0001234{c}", "PGK0001234-{c}"])
def test_member_number_forgives_separators(variant):
    check = member_number(1234)[-1]
    assert parse_member_number(variant.format(c=check)) == 1234


@given(st.integers(min_value=1, max_value=99_999_999))
def test_number_round_trips(member_id):
    assert parse_member_number(member_number(member_id)) == member_id


@given(st.integers(min_value=1, max_value=9_999_999), st.data())
def test_single_digit_typo_caught(member_id, data):
    digits = member_number(member_id).replace("PGK-", "").replace("-", "")
    position = data.draw(st.integers(min_value=0, max_value=len(digits) - 1))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != digits[position]]))
    typo = digits[:position] + replacement + digits[position + 1 :]
    assert parse_member_number(typo) != member_id


@given(st.integers(min_value=1, max_value=9_999_999), st.data())
def test_adjacent_swap_caught(member_id, data):
    digits = member_number(member_id).replace("PGK-", "").replace("-", "")
    i = data.draw(st.integers(min_value=0, max_value=len(digits) - 2))
    if digits[i] == digits[i + 1]:
        return
    swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
    assert parse_member_number(swapped) != member_id


@given(st.text(max_size=40))
def test_number_parser_never_crashes(text):
    result = parse_member_number(text)
    assert result is None or result > 0


def test_card_payload_round_trip_and_forgery():
    payload = card_payload(42)
    assert parse_card_payload(payload) == 42
    assert parse_card_payload(payload.replace("PGK1:42", "PGK1:43")) is None
    assert parse_card_payload("PGK1:42:forged") is None
    assert parse_card_payload("") is None


@given(st.text(max_size=120))
def test_card_parser_refuses_anything_unsigned(text):
    assert parse_card_payload(text) is None


def test_card_and_certificate_print_names_as_typed():
    """These PDFs draw plain strings (no reportlab Paragraph, so no markup to escape): a name
    with ``<b>`` and ``&`` is printed as typed. A Paragraph brought in later must escape."""
    import base64
    import contextlib
    import re
    import zlib

    from penggerak.training.pdf import certificate_pdf, member_card_pdf

    name = "Siti & <b>Juara</b> <font size=80>x</font>"

    def drawn(data: bytes) -> str:
        streams = re.findall(rb"stream\r?\n(.*?)endstream", data, re.S)
        texts = []
        for raw in streams:
            raw = raw.strip()
            if raw.endswith(b"~>"):  # reportlab's default: ASCII85 over Flate
                raw = base64.a85decode(raw[:-2])
            with contextlib.suppress(zlib.error):
                raw = zlib.decompress(raw)
            texts.append(raw.decode("latin-1"))
        return "\n".join(texts)

    card = member_card_pdf(name=name[:32], number="PGK-1", community=name, payload="x", title="t")
    assert f"({name[:32]}) Tj" in drawn(card)
    certificate = certificate_pdf(
        heading="Sertifikat", holder=name, lines=[name], verify_url="https://x", verify_label="v"
    )
    assert drawn(certificate).count(f"({name}) Tj") == 2

"""Membership numbers and member-card QR payloads.

The number is derived from the member id (no column, no backfill at 2,000,000 members) with a
Damm check digit, which catches every single-digit typo and every swap of two neighbouring
digits: ``PGK-0001234-5``. The card's QR code carries a payload signed with the project key
(salt for cards only), so a forged or altered card is refused without a database lookup.
"""

from __future__ import annotations

import re

from django.core import signing

PREFIX = "PGK"
WIDTH = 7
CARD_SALT = "penggerak.training.member-card"
CARD_PREFIX = "PGK1"

# Damm's totally anti-symmetric quasigroup of order 10.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_NUMBER = re.compile(r"^(?:PGK)?([0-9]{2,12})$")


def damm_digit(digits: str) -> int:
    """The Damm check digit of a string of digits."""
    interim = 0
    for char in digits:
        interim = _DAMM[interim][int(char)]
    return interim


def member_number(member_id: int) -> str:
    """The printed membership number of a member id, e.g. ``PGK-0001234-5``."""
    body = f"{member_id:0{WIDTH}d}"
    return f"{PREFIX}-{body}-{damm_digit(body)}"


def parse_member_number(text: str) -> int | None:
    """The member id a typed number stands for, or None when it is malformed or mistyped.

    Separators, spaces, case and the ``PGK`` prefix are forgiven; the check digit is not.
    """
    compact = re.sub(r"[\s\-./]", "", str(text or "")).upper()
    match = _NUMBER.match(compact)
    if not match:
        return None
    digits = match.group(1)
    body, check = digits[:-1], digits[-1]
    if damm_digit(body) != int(check):
        return None
    member_id = int(body)
    return member_id if member_id > 0 else None


def card_payload(member_id: int) -> str:
    """The compact signed text the member card's QR code carries."""
    return signing.Signer(salt=CARD_SALT).sign(f"{CARD_PREFIX}:{member_id}")


def parse_card_payload(payload: str) -> int | None:
    """The member id of a genuine card payload; None for anything forged or altered."""
    try:
        value = signing.Signer(salt=CARD_SALT).unsign(str(payload or "").strip())
    except signing.BadSignature:
        return None
    prefix, _sep, number = value.partition(":")
    if prefix != CARD_PREFIX or not number.isdigit():
        return None
    return int(number) or None

"""Protection of NIK at rest: a keyed hash for lookup and uniqueness, Fernet for the value.

Keys derive from SECRET_KEY with HKDF unless PENGGERAK_NIK_HASH_KEY and
PENGGERAK_NIK_ENCRYPTION_KEYS are set; the README explains how to rotate them.
"""

from __future__ import annotations

import base64
import hmac
import os
import struct
import time
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derive(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"penggerak", info=purpose).derive(
        settings.SECRET_KEY.encode()
    )


@cache
def _hash_key() -> bytes:
    if settings.NIK_HASH_KEY:
        # Base64, as printed by ``penggerak nik_keys show-derived``.
        return base64.b64decode(settings.NIK_HASH_KEY)
    return _derive(b"nik-hash-v1")


@cache
def _nik_hasher() -> hmac.HMAC:
    """HMAC keyed once: each digest copies it instead of keying again (1.0 µs a NIK, not 1.7)."""
    return hmac.new(_hash_key(), digestmod="sha256")


@cache
def _encryption_keys() -> tuple[str, ...]:
    return tuple(settings.NIK_ENCRYPTION_KEYS) or (
        base64.urlsafe_b64encode(_derive(b"nik-encryption-v1")).decode(),
    )


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _encryption_keys()])


def reset_key_cache() -> None:
    """Forget derived keys (tests and key rotation change the settings at run time)."""
    _hash_key.cache_clear()
    _nik_hasher.cache_clear()
    _encryption_keys.cache_clear()
    _fernet.cache_clear()
    _secret_fernet.cache_clear()


# Bytes of HMAC-SHA256 kept: 128 bits (truncation as NIST SP 800-107 allows) make a collision
# among 2,000,000 members a 1-in-10^26 event, and a quarter of the hex digest's width keeps
# the unique index every insert goes through small (benchmarks/bench_import.py).
NIK_DIGEST_BYTES = 16


def nik_digest(nik: str) -> bytes:
    """Keyed hash of a normalised NIK (HMAC-SHA256, first 128 bits): equal NIKs give equal
    digests, nothing else leaks."""
    hasher = _nik_hasher().copy()
    hasher.update(nik.encode())
    return hasher.digest()[:NIK_DIGEST_BYTES]


def nik_encrypt(nik: str) -> str:
    return _fernet().encrypt(nik.encode()).decode()


def nik_encrypt_many(
    niks: list[str], *, now: int | None = None, ivs: bytes | None = None
) -> list[str]:
    """Fernet tokens for many NIKs at once, with the first (newest) key: the same tokens
    ``nik_encrypt`` makes (a test compares them byte for byte), at a fraction of the cost.

    Fernet is AES-128-CBC plus HMAC-SHA256. CBC chains blocks within one token only, so the
    n-th block of every token of the same length is encrypted in one ECB call over all of
    them (block XOR previous block done on the whole run as one big integer); the HMAC and
    base64 stay per token. ``now`` and ``ivs`` exist for that test only.
    """
    key = base64.urlsafe_b64decode(_encryption_keys()[0])
    signing_key, encryption_key = key[:16], key[16:]
    count = len(niks)
    ivs = os.urandom(16 * count) if ivs is None else ivs
    prefix = b"\x80" + struct.pack(">Q", int(time.time()) if now is None else now)
    encryptor = Cipher(algorithms.AES(encryption_key), modes.ECB()).encryptor()
    groups: dict[int, list[int]] = {}
    padded: list[bytes] = []
    for index, nik in enumerate(niks):
        data = nik.encode()
        pad = 16 - len(data) % 16
        padded.append(data + bytes([pad]) * pad)
        groups.setdefault(len(padded[-1]), []).append(index)
    tokens: list[str] = [""] * count
    signer = hmac.new(signing_key, digestmod="sha256")
    encode = base64.urlsafe_b64encode
    for length, indexes in groups.items():
        previous = b"".join(ivs[16 * i : 16 * i + 16] for i in indexes)
        rounds = []
        for offset in range(0, length, 16):
            block = b"".join(padded[i][offset : offset + 16] for i in indexes)
            mixed = int.from_bytes(block, "big") ^ int.from_bytes(previous, "big")
            previous = encryptor.update(mixed.to_bytes(len(block), "big"))
            rounds.append(previous)
        for position, i in enumerate(indexes):
            start = 16 * position
            basic = (
                prefix
                + ivs[16 * i : 16 * i + 16]
                + b"".join(chunk[start : start + 16] for chunk in rounds)
            )
            signature = signer.copy()
            signature.update(basic)
            tokens[i] = encode(basic + signature.digest()).decode()
    return tokens


def nik_decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def nik_decrypt_many(tokens: list[str]) -> list[str]:
    """Decrypt a page of NIKs (exports): the key set is looked up once for the whole page."""
    fernet = _fernet()
    return [fernet.decrypt(token.encode()).decode() for token in tokens]


def nik_reencrypt(token: str) -> str:
    """Re-encrypt with the first (newest) key; used by the key rotation command."""
    return _fernet().rotate(token.encode()).decode()


# Every digit but the last four is hidden: the others repeat what the same row shows beside
# them (digits 1-6 the region of issue, 7-12 the birth date, +40 for women), so a mask that kept
# them could be rebuilt from the member's region, birth date and sex.
MASK_SHOWN_DIGITS = 4
NIK_MASK_PREFIX = "*" * (16 - MASK_SHOWN_DIGITS)


def nik_mask(nik: str) -> str:
    """Show the last four digits only: ``************0001``."""
    return f"{NIK_MASK_PREFIX}{nik[-MASK_SHOWN_DIGITS:]}"


def nik_mask_text(value: str) -> str:
    """Mask a NIK as someone typed it (separators, a wrong length, notation of a spreadsheet):
    each digit but the last four becomes ``*`` and everything else is dropped, so a report can
    name the value without repeating it. Text with at most four digits is returned as it is
    (nothing to hide, and masking twice changes nothing)."""
    digits = [ch for ch in str(value) if "0" <= ch <= "9"]
    if len(digits) <= MASK_SHOWN_DIGITS:
        return str(value)
    shown = "".join(digits[-MASK_SHOWN_DIGITS:])
    return "*" * (len(digits) - MASK_SHOWN_DIGITS) + shown


# --- Other short secrets kept for a while (invitation links waiting to be shown once) --------


@cache
def _secret_fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"stored-secret-v1")))


def secret_seal(text: str) -> str:
    """Encrypt a short secret for storage (Fernet, key derived from the secret key)."""
    return _secret_fernet().encrypt(text.encode()).decode()


def secret_open(token: str) -> str | None:
    """The sealed secret, or None when it cannot be opened (another key, tampered)."""
    try:
        return _secret_fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None

"""Protection of NIK at rest: a keyed hash for lookup and uniqueness, Fernet for the value.

Keys derive from SECRET_KEY with HKDF unless PENGGERAK_NIK_HASH_KEY and
PENGGERAK_NIK_ENCRYPTION_KEYS are set; the README explains how to rotate them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
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
def _fernet() -> MultiFernet:
    keys = list(settings.NIK_ENCRYPTION_KEYS) or [
        base64.urlsafe_b64encode(_derive(b"nik-encryption-v1")).decode()
    ]
    return MultiFernet([Fernet(key) for key in keys])


def reset_key_cache() -> None:
    """Forget derived keys (tests and key rotation change the settings at run time)."""
    _hash_key.cache_clear()
    _fernet.cache_clear()


def nik_digest(nik: str) -> str:
    """HMAC-SHA256 of a normalised NIK: equal NIKs give equal digests, nothing else leaks."""
    return hmac.new(_hash_key(), nik.encode(), hashlib.sha256).hexdigest()


def nik_encrypt(nik: str) -> str:
    return _fernet().encrypt(nik.encode()).decode()


def nik_decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def nik_decrypt_many(tokens: list[str]) -> list[str]:
    """Decrypt a page of NIKs (exports): the key set is looked up once for the whole page."""
    fernet = _fernet()
    return [fernet.decrypt(token.encode()).decode() for token in tokens]


def nik_reencrypt(token: str) -> str:
    """Re-encrypt with the first (newest) key; used by the key rotation command."""
    return _fernet().rotate(token.encode()).decode()


def nik_mask(nik: str) -> str:
    """Show the province code and the last four digits only: ``32**********0001``."""
    return f"{nik[:2]}{'*' * 10}{nik[-4:]}"

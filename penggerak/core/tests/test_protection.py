"""NIK protection: digests, encryption, masking and key rotation."""

import base64

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from penggerak.core import protection

NIK = "3273015707900001"


@pytest.fixture(autouse=True)
def fresh_keys():
    protection.reset_key_cache()
    yield
    protection.reset_key_cache()


def test_digest_is_keyed_and_stable():
    assert protection.nik_digest(NIK) == protection.nik_digest(NIK)
    assert protection.nik_digest(NIK) != protection.nik_digest("3273015707900002")
    assert len(protection.nik_digest(NIK)) == 16


def test_digest_depends_on_the_secret_key(settings):
    before = protection.nik_digest(NIK)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdef"
    protection.reset_key_cache()
    assert protection.nik_digest(NIK) != before


def test_encryption_round_trip_hides_the_value():
    token = protection.nik_encrypt(NIK)
    assert NIK not in token
    assert protection.nik_decrypt(token) == NIK


def test_mask_keeps_the_last_four_digits_only():
    # The other digits repeat the region (1-6) and birth date (7-12) shown beside the mask.
    assert protection.nik_mask(NIK) == "************0001"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        (NIK, "************0001"),
        ("3273 0157 0790 0001", "************0001"),
        ("'3273015707900001", "************0001"),
        ("12345", "*2345"),  # a wrong length is still someone's digits
        ("3.27301E+15", "****0115"),
        ("************0001", "************0001"),  # masking twice changes nothing
        ("1234", "1234"),
        ("", ""),
        ("tidak ada", "tidak ada"),
    ],
)
def test_mask_of_a_nik_as_typed(typed, shown):
    assert protection.nik_mask_text(typed) == shown


@pytest.mark.django_db
def test_rotation_reencrypts_and_rehashes_every_member(settings, community):
    from penggerak.registry.models import Member
    from penggerak.registry.tests.factories import MemberFactory

    members = MemberFactory.create_batch(3, community=community)
    niks = {m.pk: protection.nik_decrypt(m.nik_ciphertext) for m in members}
    old_key = base64.urlsafe_b64encode(protection._derive(b"nik-encryption-v1")).decode()
    new_key = Fernet.generate_key().decode()
    settings.NIK_ENCRYPTION_KEYS = [new_key, old_key]
    settings.NIK_HASH_KEY = base64.b64encode(b"n" * 32).decode()
    protection.reset_key_cache()

    call_command("nik_keys", "rotate", batch_size=2)

    only_new = Fernet(new_key.encode())
    for member in Member.objects.all():
        nik = only_new.decrypt(member.nik_ciphertext.encode()).decode()
        assert nik == niks[member.pk]
        assert member.nik_digest == protection.nik_digest(nik)


def test_digest_is_the_first_128_bits_of_hmac_sha256_of_the_nik():
    import hashlib
    import hmac

    expected = hmac.new(protection._hash_key(), NIK.encode(), hashlib.sha256).digest()[:16]
    assert protection.nik_digest(NIK) == expected


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet="0123456789", min_size=0, max_size=40), max_size=12),
    st.integers(min_value=0, max_value=2**40),
    st.randoms(use_true_random=False),
)
def test_batch_encryption_makes_the_tokens_fernet_makes(values, now, rng):
    """Byte for byte: the batched CBC equals Fernet's own, for every length and IV."""
    protection.reset_key_cache()
    ivs = bytes(rng.randrange(256) for _ in range(16 * len(values)))
    tokens = protection.nik_encrypt_many(values, now=now, ivs=ivs)
    fernet = Fernet(protection._encryption_keys()[0])
    for index, value in enumerate(values):
        iv = ivs[16 * index : 16 * index + 16]
        assert tokens[index] == fernet._encrypt_from_parts(value.encode(), now, iv).decode()


def test_batch_encryption_round_trips_with_fresh_ivs():
    niks = [NIK, "3273015707900002", NIK]
    tokens = protection.nik_encrypt_many(niks)
    assert [protection.nik_decrypt(token) for token in tokens] == niks
    assert len(set(tokens)) == 3  # a fresh IV per token: equal NIKs still differ
    assert protection.nik_encrypt_many([]) == []


def test_batch_encryption_uses_the_newest_key(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.NIK_ENCRYPTION_KEYS = [new, old]
    protection.reset_key_cache()
    (token,) = protection.nik_encrypt_many([NIK])
    assert Fernet(new).decrypt(token.encode()) == NIK.encode()

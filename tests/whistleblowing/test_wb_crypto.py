"""Crypto unit tests: no database."""

from __future__ import annotations

import pytest

from whistleblowing import crypto


def test_secretbox_round_trip_and_wrong_key_fails():
    key = crypto.new_case_key()
    blob = crypto.encrypt(key, b"hemmelig innhold")
    assert b"hemmelig" not in blob
    assert crypto.decrypt(key, blob) == b"hemmelig innhold"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(crypto.new_case_key(), blob)


def test_tampered_blob_is_refused():
    key = crypto.new_case_key()
    blob = bytearray(crypto.encrypt(key, b"tekst"))
    blob[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(key, bytes(blob))


def test_sealed_case_key_opens_only_with_the_recipients_private_key():
    alice, bob = crypto.new_keypair(), crypto.new_keypair()
    case_key = crypto.new_case_key()
    sealed = crypto.seal(alice.public, case_key)
    assert crypto.unseal(alice.private, sealed) == case_key
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(bob.private, sealed)


def test_private_key_protected_by_passphrase():
    pair = crypto.new_keypair()
    protected = crypto.protect(pair.private, "en lang passordfrase")
    assert pair.private not in protected.blob
    assert crypto.unprotect(protected, "en lang passordfrase") == pair.private
    with pytest.raises(crypto.DecryptionError):
        crypto.unprotect(protected, "feil passordfrase!!")


def test_kdf_parameters_are_stored_with_the_blob_so_they_can_change(settings):
    pair = crypto.new_keypair()
    protected = crypto.protect(pair.private, "passordfrase-1234")
    settings.WHISTLEBLOWING_KDF = {"opslimit": 2, "memlimit": 16384}
    assert crypto.kdf_params() != crypto.KdfParams(protected.opslimit, protected.memlimit)
    assert crypto.unprotect(protected, "passordfrase-1234") == pair.private


def test_default_kdf_parameters_are_strong(settings):
    del settings.WHISTLEBLOWING_KDF
    params = crypto.kdf_params()
    assert params.opslimit >= 3
    assert params.memlimit >= 64 * 1024 * 1024


def test_receipt_has_sixteen_digits_and_high_entropy():
    receipts = {crypto.new_receipt() for _ in range(200)}
    assert len(receipts) == 200
    for receipt in receipts:
        assert len(receipt) == 16 and receipt.isdigit()
    assert crypto.format_receipt("1234567890123456") == "1234 5678 9012 3456"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1234 5678 9012 3456", "1234567890123456"),
        ("1234-5678-9012-3456", "1234567890123456"),
        (" 1234567890123456 ", "1234567890123456"),
        ("1234 5678 9012 345", None),
        ("1234 5678 9012 345x", None),
        ("١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦", None),
        ("", None),
    ],
)
def test_receipt_input_is_normalised(typed, expected):
    assert crypto.normalise_receipt(typed) == expected


def test_receipt_hash_verifies_only_the_right_code():
    receipt = crypto.new_receipt()
    stored = crypto.hash_receipt(receipt)
    assert stored.startswith("$argon2id$")
    assert receipt not in stored
    assert crypto.verify_receipt(stored, receipt)
    other = receipt[:-1] + str((int(receipt[-1]) + 1) % 10)
    assert not crypto.verify_receipt(stored, other)
    assert not crypto.verify_receipt("not a hash", receipt)


def test_receipt_index_reveals_only_the_first_group():
    assert crypto.receipt_index("1234567890123456") == "1234"


def test_opaque_ref_is_stable_and_does_not_contain_the_value():
    ref = crypto.opaque_ref("3f2a-case", "case")
    assert ref == crypto.opaque_ref("3f2a-case", "case")
    assert "3f2a" not in ref
    assert ref != crypto.opaque_ref("3f2a-case", "other")

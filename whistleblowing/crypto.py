"""The cryptography of whistleblowing, in one place (PyNaCl / libsodium).

Scheme (modelled on GlobaLeaks, see ANCHORS.md):

* Every case has a random 32-byte *case key*. Everything the reporter or a handler writes
  (report text, identity, messages, case log, file contents and names) is encrypted with it
  (``SecretBox``: XSalsa20-Poly1305).
* The case key is *sealed* (``SealedBox``, anonymous X25519) to the public key of each
  handler allowed to read the case. Only that handler's private key opens it.
* A handler's private key is stored encrypted under a key derived from a passphrase only
  the handler knows (Argon2id via ``nacl.pwhash.argon2id``). The server never sees it in
  clear except for the minutes it is unlocked (see ``whistleblowing.unlock``).
* The reporter's receipt code is stored only as an Argon2id hash (argon2-cffi) plus a short
  non-secret *lookup index* (its first group of digits), so checking a receipt costs one
  hash per case with that index, not one per case in the database. The case key is also
  wrapped under a key derived from the receipt, so the receipt unlocks the reporter's own
  access and nothing else.

The Argon2id cost is stored with every blob, so the parameters can be raised later without
breaking old data; tests lower them through ``settings.WHISTLEBLOWING_KDF``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

import nacl.exceptions
import nacl.pwhash.argon2id
import nacl.utils
from argon2 import PasswordHasher
from argon2 import exceptions as argon2_exceptions
from django.conf import settings
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

KEY_BYTES = SecretBox.KEY_SIZE
SALT_BYTES = nacl.pwhash.argon2id.SALTBYTES
RECEIPT_DIGITS = 16
RECEIPT_INDEX_DIGITS = 4


class DecryptionError(Exception):
    """A blob could not be opened: wrong key, wrong passphrase, or tampered data."""


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. 3 passes over 64 MiB is RFC 9106's second recommendation."""

    opslimit: int = 3
    memlimit: int = 64 * 1024 * 1024


def kdf_params() -> KdfParams:
    override = getattr(settings, "WHISTLEBLOWING_KDF", None)
    if override:
        return KdfParams(opslimit=int(override["opslimit"]), memlimit=int(override["memlimit"]))
    return KdfParams()


# --- symmetric --------------------------------------------------------------------------


def new_case_key() -> bytes:
    return nacl.utils.random(KEY_BYTES)


def encrypt(key: bytes, plaintext: bytes) -> bytes:
    return bytes(SecretBox(key).encrypt(plaintext))


def decrypt(key: bytes, blob: bytes) -> bytes:
    try:
        return bytes(SecretBox(key).decrypt(bytes(blob)))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise DecryptionError("cannot decrypt") from exc


# --- public key -------------------------------------------------------------------------


@dataclass(frozen=True)
class Keypair:
    public: bytes
    private: bytes


def new_keypair() -> Keypair:
    private = PrivateKey.generate()
    return Keypair(public=bytes(private.public_key), private=bytes(private))


def seal(public_key: bytes, secret: bytes) -> bytes:
    return bytes(SealedBox(PublicKey(bytes(public_key))).encrypt(secret))


def unseal(private_key: bytes, blob: bytes | memoryview) -> bytes:
    try:
        return bytes(SealedBox(PrivateKey(bytes(private_key))).decrypt(bytes(blob)))
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise DecryptionError("cannot unseal") from exc


# --- passphrase-protected private keys ------------------------------------------------


@dataclass(frozen=True)
class ProtectedKey:
    """A secret encrypted under an Argon2id-derived key; all fields are safe to store."""

    blob: bytes
    salt: bytes
    opslimit: int
    memlimit: int


def derive_key(secret: str, salt: bytes, params: KdfParams) -> bytes:
    return bytes(
        nacl.pwhash.argon2id.kdf(
            KEY_BYTES,
            secret.encode("utf-8"),
            bytes(salt),
            opslimit=params.opslimit,
            memlimit=params.memlimit,
        )
    )


def protect(secret: bytes, passphrase: str) -> ProtectedKey:
    params = kdf_params()
    salt = nacl.utils.random(SALT_BYTES)
    key = derive_key(passphrase, salt, params)
    return ProtectedKey(
        blob=encrypt(key, secret), salt=salt, opslimit=params.opslimit, memlimit=params.memlimit
    )


def unprotect(protected: ProtectedKey, passphrase: str) -> bytes:
    key = derive_key(passphrase, protected.salt, KdfParams(protected.opslimit, protected.memlimit))
    return decrypt(key, protected.blob)


# --- receipts ---------------------------------------------------------------------------


def new_receipt() -> str:
    """16 random digits (about 53 bits), shown once as four groups of four."""
    return "".join(secrets.choice("0123456789") for _ in range(RECEIPT_DIGITS))


def normalise_receipt(text: str) -> str | None:
    """Digits only; None when it cannot be a receipt (no hashing spent on garbage)."""
    digits = "".join(text.split()).replace("-", "")
    if len(digits) != RECEIPT_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def format_receipt(digits: str) -> str:
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def receipt_index(digits: str) -> str:
    """The non-secret lookup index: the first group. The other 12 digits stay secret."""
    return digits[:RECEIPT_INDEX_DIGITS]


def _receipt_hasher() -> PasswordHasher:
    params = kdf_params()
    return PasswordHasher(
        time_cost=params.opslimit,
        memory_cost=max(8, params.memlimit // 1024),
        parallelism=1,
    )


def hash_receipt(digits: str) -> str:
    return _receipt_hasher().hash(digits)


def verify_receipt(stored_hash: str, digits: str) -> bool:
    try:
        return PasswordHasher().verify(stored_hash, digits)
    except (argon2_exceptions.VerificationError, argon2_exceptions.InvalidHashError):
        return False


# --- non-reversible references --------------------------------------------------------


def opaque_ref(value: str, purpose: str) -> str:
    """HMAC-SHA256 under a key derived from SECRET_KEY: stable, not reversible without it."""
    key = hashlib.blake2b(
        settings.SECRET_KEY.encode("utf-8"), person=b"wb-opaque-ref", digest_size=32
    ).digest()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

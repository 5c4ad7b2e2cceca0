"""Unlocked secrets held briefly, never in the database in usable form.

When a handler unlocks their private key (or a reporter opens a case with the receipt),
the secret is encrypted with a fresh random key. The ciphertext goes into the session
(database row) and the random key into the cache with a short timeout. Neither half alone
reveals anything; when the cache entry expires (``UNLOCK_SECONDS``) or the user locks, the
secret is gone.
"""

from __future__ import annotations

import base64
import secrets
import time

from django.core.cache import cache
from django.http import HttpRequest

from whistleblowing import crypto

UNLOCK_SECONDS = 15 * 60

HANDLER_SLOT = "wb_handler_key"
REPORTER_SLOT = "wb_reporter_case"


def _cache_key(token: str) -> str:
    return f"wb:unlock:{token}"


def put(request: HttpRequest, slot: str, secret: bytes, *, label: str = "") -> None:
    forget(request, slot)
    token = secrets.token_urlsafe(24)
    key = crypto.new_case_key()
    cache.set(_cache_key(token), key, UNLOCK_SECONDS)
    request.session[slot] = {
        "token": token,
        "blob": base64.b64encode(crypto.encrypt(key, secret)).decode("ascii"),
        "until": int(time.time()) + UNLOCK_SECONDS,
        "label": label,
    }


def get(request: HttpRequest, slot: str) -> bytes | None:
    entry = request.session.get(slot)
    if not isinstance(entry, dict):
        return None
    if int(entry.get("until", 0)) < time.time():
        forget(request, slot)
        return None
    key = cache.get(_cache_key(str(entry.get("token", ""))))
    if key is None:
        forget(request, slot)
        return None
    try:
        return crypto.decrypt(key, base64.b64decode(entry["blob"]))
    except (crypto.DecryptionError, KeyError, ValueError):
        forget(request, slot)
        return None


def label(request: HttpRequest, slot: str) -> str:
    entry = request.session.get(slot)
    return str(entry.get("label", "")) if isinstance(entry, dict) else ""


def seconds_left(request: HttpRequest, slot: str) -> int:
    entry = request.session.get(slot)
    if not isinstance(entry, dict):
        return 0
    return max(0, int(entry.get("until", 0)) - int(time.time()))


def forget(request: HttpRequest, slot: str) -> None:
    entry = request.session.pop(slot, None)
    if isinstance(entry, dict) and entry.get("token"):
        cache.delete(_cache_key(str(entry["token"])))

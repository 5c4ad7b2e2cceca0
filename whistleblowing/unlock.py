"""Unlocked secrets, held for ``UNLOCK_SECONDS`` under a key that only the browser has.

When a handler unlocks their private key with the passphrase (or a reporter opens their
case with the receipt), the secret has to survive between requests for a few minutes. It is
kept like this:

* a fresh random 32-byte key ``K`` is made for this one unlock;
* the server stores ``secretbox(K, secret)``, the expiry and ``blake2b(K)`` (to find the
  row) in its own table, ``Unlock`` (never in the session, never in the cache);
* ``K`` goes to the browser in a cookie of its own: HttpOnly, SameSite=Strict, Secure in
  production, sent only to the handler pages (or only to the reporter's case page), with a
  max-age of the window. The server never writes ``K`` anywhere: not to the database, the
  cache, a file or a log (the cookie's name contains "key", so Django's error reports
  redact its value, and the access logs never hold cookies).

Why a copy of everything at rest opens nothing after the window:

* The database, its WAL, backups, Redis (with its AOF), the file cache and the data folder
  hold at most ``secretbox(K, secret)`` and ``blake2b(K)``. Opening the box needs ``K``;
  ``blake2b`` is one-way and ``K`` has 256 random bits, so it cannot be searched for.
  Nothing else on the server side ever saw ``K`` outside the memory of the request that
  used it.
* So only the browser that unlocked can open the row, and only while the row exists: the
  row is deleted when the user locks or logs out, on the first access after the expiry,
  and by the sweep that beat runs every minute (``whistleblowing.tasks.unlock_sweep``).
  After the window the live database no longer holds the box either, so even the
  browser's cookie (kept past its max-age by a misbehaving client) opens nothing there;
  a copy of the box may outlive the row (a backup, the WAL, a free page of the SQLite
  file), and stays as useless as the row was without ``K``.
* A reporter's row names no case: the case id travels inside the box, so the table does
  not even say which case was open. Nothing of the reporter's unlock touches the session.
* A handler's row is tied to the handler: another account in the same browser gets nothing
  from it, and logging out deletes all of the handler's rows.

What this does not cover: a dump taken *during* the window together with the browser's
cookie (that is the unlocked browser itself), and the process memory of the web server
while a request runs (which may be swapped out by the operating system).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from whistleblowing import crypto
from whistleblowing.models import Handler, Unlock, UnlockKind

UNLOCK_SECONDS = 15 * 60

HANDLER = UnlockKind.HANDLER.value
REPORTER = UnlockKind.REPORTER.value

_MEMO = "_wb_unlocked"


def cookie_name(kind: str) -> str:
    # "key" in the name: Django's SafeExceptionReporterFilter redacts such cookies.
    name = f"wb_{kind}_key"
    return f"__Secure-{name}" if settings.SESSION_COOKIE_SECURE else name


def cookie_path(kind: str) -> str:
    page = "whistleblowing:handler_cases" if kind == HANDLER else "whistleblowing:reporter_case"
    return reverse(page)


def _hash(key: bytes) -> str:
    return hashlib.blake2b(key, digest_size=32, person=b"wb-unlock-v1").hexdigest()


def _encode(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode("ascii").rstrip("=")


def _key_from(request: HttpRequest, kind: str) -> bytes | None:
    raw = request.COOKIES.get(cookie_name(kind), "")
    if not raw:
        return None
    try:
        key = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (ValueError, binascii.Error):
        return None
    return key if len(key) == crypto.KEY_BYTES else None


def _memo(request: HttpRequest) -> dict[str, tuple[datetime, bytes] | None]:
    memo = getattr(request, _MEMO, None)
    if memo is None:
        memo = {}
        setattr(request, _MEMO, memo)
    return memo


def put(
    request: HttpRequest,
    response: HttpResponse,
    kind: str,
    secret: bytes,
    *,
    handler: Handler | None = None,
) -> None:
    """Keep ``secret`` for the window: the box in the database, its key in a cookie."""
    forget(request, response, kind)
    key = crypto.new_case_key()
    expires_at = timezone.now() + timedelta(seconds=UNLOCK_SECONDS)
    Unlock.objects.create(
        key_hash=_hash(key),
        kind=kind,
        handler=handler if kind == HANDLER else None,
        blob=crypto.encrypt(key, secret),
        expires_at=expires_at,
    )
    response.set_cookie(
        cookie_name(kind),
        _encode(key),
        max_age=UNLOCK_SECONDS,
        path=cookie_path(kind),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    _memo(request)[kind] = (expires_at, secret)


def _open(
    request: HttpRequest, kind: str, handler: Handler | None
) -> tuple[datetime, bytes] | None:
    memo = _memo(request)
    if kind in memo:
        return memo[kind]
    memo[kind] = None
    key = _key_from(request, kind)
    if key is None:
        return None
    row = Unlock.objects.filter(key_hash=_hash(key), kind=kind).first()
    if row is None:
        return None
    foreign = kind == HANDLER and (handler is None or row.handler_id != handler.pk)
    if row.expires_at <= timezone.now() or foreign:
        row.delete()
        return None
    try:
        secret = crypto.decrypt(key, bytes(row.blob))
    except crypto.DecryptionError:
        row.delete()
        return None
    memo[kind] = (row.expires_at, secret)
    return memo[kind]


def get(request: HttpRequest, kind: str, *, handler: Handler | None = None) -> bytes | None:
    """The unlocked secret, or None when locked, expired, or unlocked by someone else."""
    opened = _open(request, kind, handler)
    return opened[1] if opened else None


def seconds_left(request: HttpRequest, kind: str, *, handler: Handler | None = None) -> int:
    opened = _open(request, kind, handler)
    if opened is None:
        return 0
    return max(0, int((opened[0] - timezone.now()).total_seconds()))


def forget(request: HttpRequest, response: HttpResponse, kind: str) -> None:
    """Lock: delete the box and tell the browser to drop the key."""
    key = _key_from(request, kind)
    if key is not None:
        Unlock.objects.filter(key_hash=_hash(key), kind=kind).delete()
        response.delete_cookie(cookie_name(kind), path=cookie_path(kind), samesite="Strict")
    _memo(request)[kind] = None


# --- the reporter: the case id lives only inside the box ------------------------------


def put_reporter_case(
    request: HttpRequest, response: HttpResponse, case_id: object, case_key: bytes
) -> None:
    secret = json.dumps({"case": str(case_id), "key": _encode(case_key)}).encode("ascii")
    put(request, response, REPORTER, secret)


def reporter_case(request: HttpRequest) -> tuple[str, bytes] | None:
    """(case id, case key) of the case this browser opened with its receipt, or None."""
    secret = get(request, REPORTER)
    if secret is None:
        return None
    try:
        value = json.loads(secret)
        raw = str(value["key"])
        return str(value["case"]), base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None


# --- ends of the window ---------------------------------------------------------------


def sweep(now: datetime | None = None) -> int:
    """Delete every box whose window has passed (beat runs this every minute)."""
    deleted, _by_model = Unlock.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def on_logout(sender: Any, request: HttpRequest | None = None, user: Any = None, **kw: Any) -> None:
    """Logging out locks the handler's key in every browser (receiver of user_logged_out)."""
    if user is not None and getattr(user, "pk", None) is not None:
        Unlock.objects.filter(kind=HANDLER, handler__user_id=user.pk).delete()

"""Proof-of-work puzzles: the cost a reporter pays when the channel is under load, instead
of being refused (issue 15 item 4; when a cost is due is decided in ``ratelimit``).

A challenge is a signed token: scope, a random nonce, the difficulty in bits and the time
it was issued. The browser (``whistleblowing/static/whistleblowing/intake.js``) looks for a
counter *n* such that SHA-256(token + ":" + n) starts with ``bits`` zero bits: 2^bits hashes
on average, a second or two at 16 bits in a phone's browser. The server checks it with one
hash. Without JavaScript the same challenge is paid with time instead: it counts once it is
old enough (``ratelimit.Cost.delay``), and someone writing a report has had the form open
that long anyway. A challenge pays for one attempt only; ``ratelimit`` marks it used.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.core import signing
from django.utils import timezone

SALT = "whistleblowing.puzzle"
MAX_AGE = 24 * 60 * 60  # as long as a report form stays valid
MAX_SOLUTION_DIGITS = 20


@dataclass(frozen=True)
class Challenge:
    token: str
    scope: str
    nonce: str
    bits: int
    issued_at: float


def issue(scope: str, bits: int) -> Challenge:
    nonce = secrets.token_hex(16)
    issued_at = int(timezone.now().timestamp())
    token = signing.dumps({"s": scope, "n": nonce, "b": bits, "t": issued_at}, salt=SALT)
    return Challenge(token=token, scope=scope, nonce=nonce, bits=bits, issued_at=issued_at)


def read(token: str, scope: str) -> Challenge | None:
    """The challenge in a posted token, or None when it is forged, expired or for another
    form."""
    if not token or len(token) > 500:
        return None
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") != scope:
        return None
    try:
        return Challenge(
            token=token,
            scope=scope,
            nonce=str(data["n"]),
            bits=int(data["b"]),
            issued_at=float(data["t"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def solves(challenge: Challenge, solution: str, bits: int) -> bool:
    """True when ``solution`` solves the challenge at ``bits`` (no more than it was issued
    with: the browser worked for the difficulty it was given)."""
    if bits > challenge.bits or not solution.isascii() or not solution.isdigit():
        return False
    if len(solution) > MAX_SOLUTION_DIGITS:
        return False
    digest = hashlib.sha256(f"{challenge.token}:{solution}".encode()).digest()
    return leading_zero_bits(digest) >= bits

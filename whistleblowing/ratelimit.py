"""Rate limits for the whistleblowing channel that an attacker cannot spend on everyone's
behalf (issue 15 items 3, 4 and 11).

What is counted
    Only well-formed attempts: a report form that validates with a genuine form token, a
    receipt of 16 digits, a passphrase. An empty, invalid or forged post is cheap to refuse
    and counts for nothing, so it fills nobody's bucket.

Who is counted
    A client is one address: REMOTE_ADDR, or, when the request comes from one of
    ``TRUSTED_PROXIES``, the nearest untrusted address in ``TRUSTED_PROXY_HEADER`` (read
    from the right, as the proxy appends it; anything a client wrote further left is
    ignored). Neither setting is trusted by default, so a forged X-Forwarded-For changes
    nothing. An IPv6 client is its /64, which one household or phone holds whole.
    Passphrase tries are counted per handler account.

What happens under load
    Each scope in ``LIMITS`` has, per window:

    * ``free`` attempts per client at no cost;
    * past that, or while all clients together are past ``crowd``, a *cost*: the form
      carries a proof-of-work puzzle (``whistleblowing.puzzle``) that the browser solves in
      a few seconds, or, without JavaScript, the form must have been open ``delay`` seconds.
      The cost grows the further a client is past ``free``;
    * ``cap`` attempts per client, past which that client (only) is refused until its
      count slides back under.

    Nobody is refused for what *other* clients did: the crowd count only ever adds a cost.
    Windows slide (the previous window counts pro rata), so no boundary resets a count.

Keys that cannot be turned back into an address
    A counter's key is HMAC-SHA256(window secret, scope + client), and the window secret
    is HMAC-SHA256(root, window number): it changes every window. The root is 32 random
    bytes made when this module is imported and kept only in the memory of this process:
    never in settings, the database, the cache, Redis, a file or a log. A database dump, a
    copy of Redis' append-only file or of the data folder holds keys and counts but no
    secret, so trying every IPv4 address finds nothing, within the window or after it. The
    keys of one window cannot even be linked to the same client's keys in another. (The
    keys used to be HMACs under SECRET_KEY, which anyone holding it could reverse.)

Several processes
    Processes count together only when they share the root. Forked workers share it when
    the application is imported before the fork: gunicorn ``--preload`` (``preload_app =
    True``), which production should use; the embedded run (one runserver process, many
    threads) shares it anyway. Without preloading each gunicorn worker makes its own root
    and the limits hold per worker: a client gets at most ``workers`` times its allowance,
    and still nobody is refused for others. A restart makes a new root, which starts all
    counts afresh; nothing a client sends can. Putting a shared root in Redis or the
    database instead would put it next to the keys in every backup, which is what this
    design avoids. Whoever can read the server's memory while it runs sees the addresses
    of live requests anyway.

Where the counts live
    With REDIS_URL: Redis, INCRBY and its expiry in one MULTI; while Redis cannot be
    reached every call raises ``Unavailable`` (fail closed). Otherwise the database
    (``RateCounter``): one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``, atomic on
    SQLite and PostgreSQL alike. Unlike the file cache used before, nothing evicts a
    counter before it expires; expired rows are deleted at most once a minute.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import secrets
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from whistleblowing import puzzle
from whistleblowing.models import RateCounter


@dataclass(frozen=True)
class Limit:
    window: int  # seconds
    free: int  # attempts per client and window at no cost
    cap: int  # attempts per client and window, beyond which that client is refused
    crowd: int | None  # attempts of all clients per window beyond which everyone pays
    delay: int  # seconds a form must have been open to pay without the puzzle


LIMITS: dict[str, Limit] = {
    "submit": Limit(window=60 * 60, free=3, cap=10, crowd=50, delay=30),
    "receipt": Limit(window=15 * 60, free=3, cap=10, crowd=200, delay=10),
    "passphrase": Limit(window=15 * 60, free=5, cap=5, crowd=None, delay=0),
}
# Measured in headless Chromium on a busy 2-core machine: 16 bits (65,536 hashes on
# average) took 0.8-4.6 s, 22 bits 13-190 s. Each attempt past ``free`` doubles the work,
# up to 20 bits (about 16 times the first puzzle).
BASE_BITS = 16
STEP_BITS = 1
MAX_BITS = 20


@dataclass(frozen=True)
class Cost:
    bits: int = 0
    delay: int = 0

    @property
    def due(self) -> bool:
        return self.bits > 0


NO_COST = Cost()


@dataclass(frozen=True)
class Outcome:
    allowed: bool
    refused: bool = False  # this client is past its cap
    cost: Cost = NO_COST  # the cost that was due (and not paid, when not allowed)
    retry_after: int = 0
    unavailable: bool = False  # the store is down: nothing was counted, nothing goes ahead

    @property
    def status(self) -> int:
        return 503 if self.unavailable else 429


# --- the secret -------------------------------------------------------------------------

_root = secrets.token_bytes(32)


def forget_secret() -> None:
    """Make a new root, as a restart does: every count starts afresh (tests use this)."""
    global _root
    _root = secrets.token_bytes(32)
    _window_secret.cache_clear()


@lru_cache(maxsize=8)
def _window_secret(root: bytes, scope: str, window: int) -> bytes:
    return hmac.new(root, f"wb-ratelimit:{scope}:{window}".encode(), hashlib.sha256).digest()


def _bucket(scope: str, client: str, window: int) -> str:
    tag = hmac.new(_window_secret(_root, scope, window), client.encode(), hashlib.sha256)
    return f"{scope}:{window}:{tag.hexdigest()[:40]}"


def _crowd_bucket(scope: str, window: int) -> str:
    return f"{scope}:{window}:*"


# --- the client -------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _trusted(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str:
    """The address rate limits count by (an IPv6 client is its /64)."""
    raw = str(request.META.get("REMOTE_ADDR", ""))
    ip = _ip(raw)
    header = settings.TRUSTED_PROXY_HEADER
    if header and ip is not None and _trusted(ip):
        for hop in reversed(str(request.META.get(header, "")).split(",")):
            forwarded = _ip(hop)
            if forwarded is None:
                break  # not written by our proxy: fall back to the proxy's own address
            if not _trusted(forwarded):
                ip = forwarded
                break
    if ip is None:
        return raw
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _client(request: HttpRequest, scope: str) -> str:
    user = getattr(request, "user", None)
    if scope == "passphrase" and user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"addr:{client_address(request)}"


# --- the stores -------------------------------------------------------------------------


class Unavailable(Exception):
    """The counter store cannot be reached. The limits fail closed (issue 20): nothing is
    counted, so nothing goes ahead; the pages answer 503 with a "try again shortly" and
    the phone and e-mail contacts (``intake.unavailable``). Counting nothing and letting
    every attempt through, as before, would have left the receipt and passphrase guesses
    unlimited for as long as an attacker could keep Redis busy or away."""


class Store(Protocol):
    def incr(self, bucket: str, amount: int, ttl: int, now: int) -> int: ...

    def get(self, bucket: str, now: int) -> int: ...


class DatabaseStore:
    """Counters in ``RateCounter``, one atomic upsert per increment."""

    PURGE_EVERY = 60

    def __init__(self) -> None:
        self._purged_at = 0
        self._lock = threading.Lock()

    def incr(self, bucket: str, amount: int, ttl: int, now: int) -> int:
        self._purge(now)
        table = connection.ops.quote_name(RateCounter._meta.db_table)
        # The table name is the model's own; every value goes as a parameter.
        sql = (
            f"INSERT INTO {table} (bucket, hits, expires_at) VALUES (%s, %s, %s) "  # noqa: S608  # nosec B608
            f"ON CONFLICT (bucket) DO UPDATE SET "
            f"hits = CASE WHEN {table}.expires_at < %s THEN excluded.hits "
            f"ELSE {table}.hits + excluded.hits END, "
            f"expires_at = CASE WHEN {table}.expires_at < %s THEN excluded.expires_at "
            f"ELSE {table}.expires_at END "
            f"RETURNING hits"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [bucket, amount, now + ttl, now, now])
            row = cursor.fetchone()
        return int(row[0]) if row else amount

    def get(self, bucket: str, now: int) -> int:
        row = (
            RateCounter.objects.filter(bucket=bucket, expires_at__gte=now)
            .values_list("hits", flat=True)
            .first()
        )
        return int(row or 0)

    def _purge(self, now: int) -> None:
        with self._lock:
            if now - self._purged_at < self.PURGE_EVERY:
                return
            self._purged_at = now
        RateCounter.objects.filter(expires_at__lt=now).delete()


class RedisStore:
    """Counters in Redis: INCRBY and the expiry in one MULTI, so a counter always expires."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self._client: Any = redis.Redis.from_url(url)
        self._prefix = prefix
        self._errors: tuple[type[Exception], ...] = (redis.RedisError,)

    def incr(self, bucket: str, amount: int, ttl: int, now: int) -> int:
        key = self._prefix + bucket
        try:
            pipe = self._client.pipeline(transaction=True)
            pipe.set(key, 0, ex=ttl, nx=True)
            pipe.incrby(key, amount)
            return int(pipe.execute()[1])
        except self._errors as exc:
            raise Unavailable from exc

    def get(self, bucket: str, now: int) -> int:
        try:
            return int(self._client.get(self._prefix + bucket) or 0)
        except self._errors as exc:
            raise Unavailable from exc


_stores: dict[str, Store] = {}
_stores_lock = threading.Lock()


def store() -> Store:
    url = str(getattr(settings, "REDIS_URL", "") or "")
    with _stores_lock:
        if url not in _stores:
            if url:
                prefix = str(settings.CACHES["default"].get("KEY_PREFIX", "")) + ":wb-rl:"
                _stores[url] = RedisStore(url, prefix)
            else:
                _stores[url] = DatabaseStore()
        return _stores[url]


# --- counting ---------------------------------------------------------------------------


def _now() -> float:
    return time.time()


def _weight(limit: Limit, now: float) -> tuple[int, float]:
    """The current window's number and how much of the previous one still counts."""
    window = int(now // limit.window)
    return window, 1.0 - (now - window * limit.window) / limit.window


def _recent(previous: int, current: int, weight: float) -> int:
    return current + math.floor(previous * weight)


def _cost(limit: Limit, mine: int, crowd: int) -> Cost:
    level = 0
    if limit.crowd is not None and crowd >= limit.crowd:
        level = 1
    if mine >= limit.free:
        level = max(level, 1 + mine - limit.free)
    if not level:
        return NO_COST
    bits = min(BASE_BITS + STEP_BITS * (level - 1), MAX_BITS)
    return Cost(bits=bits, delay=min(limit.delay * level, limit.window))


def _counts(scope: str, client: str, now: float) -> tuple[int, int]:
    limit = LIMITS[scope]
    window, weight = _weight(limit, now)
    second = int(now)
    kv = store()
    mine = _recent(
        kv.get(_bucket(scope, client, window - 1), second),
        kv.get(_bucket(scope, client, window), second),
        weight,
    )
    crowd = 0
    if limit.crowd is not None:
        crowd = _recent(
            kv.get(_crowd_bucket(scope, window - 1), second),
            kv.get(_crowd_bucket(scope, window), second),
            weight,
        )
    return mine, crowd


def assess(request: HttpRequest, scope: str) -> Cost:
    """The cost a client's next attempt will carry; counts nothing (for rendering a form)."""
    limit = LIMITS[scope]
    mine, crowd = _counts(scope, _client(request, scope), _now())
    if mine >= limit.cap:
        return _cost(limit, limit.cap, crowd)
    return _cost(limit, mine, crowd)


def _first_use(challenge: puzzle.Challenge, now: float) -> bool:
    bucket = f"used:{challenge.nonce}"
    return store().incr(bucket, 1, puzzle.MAX_AGE, int(now)) == 1


def _paid(scope: str, cost: Cost, token: str, solution: str, now: float) -> bool:
    challenge = puzzle.read(token, scope)
    if challenge is None:
        return False
    solved = puzzle.solves(challenge, solution, cost.bits)
    waited = now - challenge.issued_at >= cost.delay
    return (solved or waited) and _first_use(challenge, now)


def attempt(request: HttpRequest, scope: str, *, token: str = "", solution: str = "") -> Outcome:
    """Count one well-formed attempt and say whether it may go ahead.

    Refused (this client only) past its cap; not allowed while a due cost is unpaid, with
    the cost to pay (``token``/``solution``: the posted puzzle challenge and its answer).
    An attempt that does not go ahead is not counted."""
    limit = LIMITS[scope]
    client = _client(request, scope)
    now = _now()
    window, weight = _weight(limit, now)
    second = int(now)
    ttl = 2 * limit.window
    kv = store()
    mine_bucket = _bucket(scope, client, window)
    mine = _recent(
        kv.get(_bucket(scope, client, window - 1), second),
        kv.incr(mine_bucket, 1, ttl, second) - 1,
        weight,
    )
    crowd = 0
    crowd_bucket = _crowd_bucket(scope, window)
    if limit.crowd is not None:
        crowd = _recent(
            kv.get(_crowd_bucket(scope, window - 1), second),
            kv.incr(crowd_bucket, 1, ttl, second) - 1,
            weight,
        )

    def refund() -> None:
        kv.incr(mine_bucket, -1, ttl, second)
        if limit.crowd is not None:
            kv.incr(crowd_bucket, -1, ttl, second)

    if mine >= limit.cap:
        refund()
        return Outcome(
            allowed=False, refused=True, retry_after=max(60, math.ceil(limit.window * weight))
        )
    cost = _cost(limit, mine, crowd)
    if cost.due and not _paid(scope, cost, token, solution, now):
        refund()
        return Outcome(allowed=False, cost=cost, retry_after=cost.delay)
    return Outcome(allowed=True, cost=cost)


def allow(request: HttpRequest, scope: str) -> bool:
    """Count one attempt where no puzzle is offered (passphrases): False past the cap."""
    return attempt(request, scope).allowed

"""Fixed-window counters in the shared cache. The client is keyed by an HMAC of its
address, so no address is stored anywhere."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from whistleblowing import crypto

# scope: (per client, global, window seconds)
LIMITS: dict[str, tuple[int, int, int]] = {
    "submit": (5, 500, 60 * 60),
    "receipt": (10, 1000, 15 * 60),
    "passphrase": (5, 200, 15 * 60),
}


def _client(request: HttpRequest) -> str:
    return crypto.opaque_ref(str(request.META.get("REMOTE_ADDR", "")), "ratelimit")[:32]


def _count(key: str, window: int) -> int:
    cache.add(key, 0, window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def allow(request: HttpRequest, scope: str) -> bool:
    """Count one attempt; False when this client or everyone together is over the limit."""
    per_client, overall, window = LIMITS[scope]
    mine = _count(f"wb:rl:{scope}:{_client(request)}", window)
    everyone = _count(f"wb:rl:{scope}:*", window)
    return mine <= per_client and everyone <= overall

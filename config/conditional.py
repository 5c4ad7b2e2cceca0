"""Conditional GET for the portal's expensive downloads (calendar feeds, PDFs).

The ETag is a digest of what the download shows (the caller says what that is: the
document's HTML, or the rows a feed is built from), so it changes exactly when the content
does, with no version to remember to bump. A request that sends the ETag back
(If-None-Match) gets 304 and nothing is built; any other gets the body from the cache,
keyed by the user and the digest, or built once and cached. Access is always checked by the
view before this runs.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language

log = logging.getLogger(__name__)

# A body is rebuilt at the latest after this long even if nothing it shows changed.
CACHE_SECONDS = 24 * 60 * 60


def content_etag(*parts: object) -> str:
    """A strong ETag for a download made of ``parts`` in the current language."""
    digest = hashlib.sha256(repr((get_language(), *parts)).encode()).hexdigest()
    return f'"{digest[:40]}"'


def conditional_download(
    request: HttpRequest,
    *,
    kind: str,
    owner: int | None,
    etag: str,
    build: Callable[[], bytes],
    content_type: str,
    headers: dict[str, str],
    store: bool = True,
) -> HttpResponse:
    """304 when the client holds ``etag``; else the body cached for ``owner`` (the user whose
    download it is) and etag, or ``build()`` (then cached). A cache that is down costs a
    rebuild, never the download. ``store=False`` for what must not be copied (S10: the
    attendance list is rendered on request and kept nowhere): 304s only."""
    response = get_conditional_response(request, etag=etag)
    if response is None:
        key = f"download:{kind}:{owner}:{etag.strip(chr(34))}"
        body = _cache_get(key) if store else None
        if body is None:
            body = build()
            if store:
                _cache_set(key, body)
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    for name, value in headers.items():
        response[name] = value
    return response


def _cache_get(key: str) -> bytes | None:
    try:
        found = cache.get(key)
    except Exception:  # the store is away: build instead
        log.warning("download cache unavailable (get %s)", key, exc_info=True)
        return None
    return found if isinstance(found, bytes) else None


def _cache_set(key: str, body: bytes) -> None:
    try:
        cache.set(key, body, CACHE_SECONDS)
    except Exception:
        log.warning("download cache unavailable (set %s)", key, exc_info=True)

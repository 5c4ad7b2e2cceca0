"""The costly part of a busy page, rendered once and reused until the data it shows changes
(issue 13).

A view passes ``fragments(request, …, context=…)`` to its template as ``fragments``; the
template wraps the costly part in ``{% fragment "name" %}…{% endfragment %}``, and
``context`` is called only when a fragment is not cached. The key holds:

- the *generation*: one number for the whole portal, bumped by every write to the database
  (an execute wrapper sees each INSERT, UPDATE, DELETE and TRUNCATE, so bulk updates and
  raw SQL count too; the session tables don't) once it is committed. While a transaction
  has written and not committed, its own connection keeps and reads nothing;
- the minute of the clock, so anything a page works out from the time of day (a check-in
  that opens, a deadline passed, a period that ends) is never older than the minute;
- the viewer, the viewer's language and CSRF secret (forms in a fragment carry a token),
  and whatever else the page names (the object shown, a search, a page number).

Fragments are kept in each web process's own memory (the ``fragments`` cache, LocMem), never
in the shared cache, the data folder or the temp folder: a copy of a cache volume holds no
page, and data deleted by a retention sweep or an erasure is gone from every fragment when
the generation moves. Only the generation number itself is shared (the default cache).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import template
from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.base import FilterExpression
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

GENERATION_KEY = "portal:generation"

# Statements that change data, and the tables whose changes no page shows: the session
# stamps a logged-in request may write (config.middleware) would otherwise empty the cache
# once a minute per user.
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|TRUNCATE|REPLACE)\b", re.IGNORECASE)
_UNSHOWN = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(django_session|usersessions_usersession)"?',
    re.IGNORECASE,
)


def generation() -> int | None:
    """The portal's data generation, or None when the cache cannot be reached (then nothing
    is kept or read, and pages are worked out afresh: slower, never stale, never a 503). A
    missing one (a cleared or restarted cache) starts at a random number, so a fragment made
    before can never be taken for a new one."""
    try:
        value = cache.get(GENERATION_KEY)
        if value is None:
            cache.add(GENERATION_KEY, secrets.randbelow(2**62), timeout=None)
            value = cache.get(GENERATION_KEY)
    except Exception:  # the cache is away: Redis down, a full disk
        logger.warning("page cache: the generation cannot be read; nothing is kept")
        return None
    return None if value is None else int(value)


def bump() -> None:
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # missing: start anew, as generation() does
            cache.add(GENERATION_KEY, secrets.randbelow(2**62), timeout=None)
    except Exception:  # the cache is away: what others keep expires with its timeout
        logger.warning("page cache: a write could not move the generation")
        caches["fragments"].clear()


def _changes_data(sql: str) -> bool:
    return bool(_WRITE.match(sql)) and not _UNSHOWN.match(sql)


def watch_writes(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """Execute wrapper: a statement that changes data moves the generation, at once in
    autocommit, and once after the commit in a transaction (until then this connection
    keeps nothing, and others see the data as it was)."""
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and _changes_data(sql):
        connection = context["connection"]
        if not connection.in_atomic_block:
            bump()
        elif not _bump_pending(connection):
            transaction.on_commit(bump, using=connection.alias)
    return result


def install(connection: Any, **_kwargs: object) -> None:
    """``connection_created`` receiver (groups.apps): every connection watches its writes."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def _may_keep() -> bool:
    """False while this connection's transaction has written and not committed: what is
    worked out now may be rolled back, and no later bump would then hide it."""
    from django.db import connection

    return not (connection.in_atomic_block and _bump_pending(connection))


def _bump_pending(connection: Any) -> bool:
    """This connection's transaction has written: a bump waits for its commit."""
    return any(entry[1] is bump for entry in connection.run_on_commit)


_MISSING = object()


def remember[T](key: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept in this process until the generation moves: for answers every
    request asks again (a user's roles, their permissions on a group)."""
    current = generation() if settings.PAGE_CACHE_SECONDS and _may_keep() else None
    if current is None:
        return compute()
    store = caches["fragments"]
    full = f"{current}:{key}"
    value = store.get(full, _MISSING)
    if value is _MISSING:
        value = compute()
        store.set(full, value)
    found: T = value
    return found


@dataclass
class Fragments:
    """The fragments of one page: ``{% fragment "name" %}…{% endfragment %}`` in its
    template is taken from the cache, or rendered with ``context()`` pushed on top of the
    template's context and kept. ``context`` is worked out at most once per request, and
    not at all when every fragment is cached."""

    key: str
    timeout: int
    compute: Callable[[], dict[str, Any]]
    _context: dict[str, Any] | None = None

    def context(self) -> dict[str, Any]:
        if self._context is None:
            self._context = self.compute()
        return self._context


def fragments(
    request: HttpRequest, *parts: object, context: Callable[[], dict[str, Any]] = dict
) -> Fragments:
    """The fragments of this request's page, keyed by generation, minute, viewer, language,
    CSRF secret and ``parts``. Nothing is kept with ``PAGE_CACHE_SECONDS = 0``, nor inside
    a transaction that has written (a test's, say)."""
    user = getattr(request, "user", None)
    if "CSRF_COOKIE" not in request.META:
        # A browser without the cookie yet: choose its secret now, so the key holds the
        # secret the forms in the fragment carry (and the answer sets the cookie).
        get_token(request)
    csrf = request.META.get("CSRF_COOKIE", "")
    # The secret itself stays out of the key (keys are visible to cache tooling).
    csrf_tag = hashlib.sha256(csrf.encode()).hexdigest()[:16] if csrf else ""
    current = generation()
    values = (
        current,
        int(time.time() // 60),
        getattr(user, "pk", None),
        get_language(),
        csrf_tag,
        *parts,
    )
    timeout = settings.PAGE_CACHE_SECONDS if current is not None and _may_keep() else 0
    return Fragments(key=":".join(str(v) for v in values), timeout=timeout, compute=context)


def unkept(context: dict[str, Any]) -> Fragments:
    """The fragments of a page that must be drawn anew and not kept: a form sent back with
    what the user typed and the errors."""
    return Fragments(key="", timeout=0, compute=lambda: context)


# --- the {% fragment %} tag (a template builtin, config/settings.py) -----------------------
register = template.Library()


class FragmentNode(template.Node):
    def __init__(
        self, name: FilterExpression, source: FilterExpression, nodelist: template.NodeList
    ) -> None:
        self.name, self.source, self.nodelist = name, source, nodelist

    def render(self, context: template.Context) -> str:
        current = self.source.resolve(context)
        if not isinstance(current, Fragments):  # drawn without a request: nothing to key by
            return self.nodelist.render(context)
        key = f"fragment:{self.name.resolve(context)}:{current.key}"
        store = caches["fragments"]
        if current.timeout:
            cached = store.get(key)
            if cached is not None:
                return str(cached)
        with context.push(current.context()):
            html = self.nodelist.render(context)
        if current.timeout:
            store.set(key, html, current.timeout)
        return html


@register.tag("fragment")
def fragment(parser: template.base.Parser, token: template.base.Token) -> FragmentNode:
    """``{% fragment "name" %}…{% endfragment %}``, keyed by the view's ``fragments``, or
    ``{% fragment "name" chrome %}`` by another Fragments in the context."""
    bits = token.split_contents()
    if len(bits) not in (2, 3):
        raise template.TemplateSyntaxError('usage: {% fragment "name" [fragments] %}')
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    source = bits[2] if len(bits) == 3 else "fragments"
    return FragmentNode(parser.compile_filter(bits[1]), parser.compile_filter(source), nodelist)

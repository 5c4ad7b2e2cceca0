"""The costly part of a busy page, rendered once and reused until the data it shows changes
(issue 13).

A view passes ``fragments(request, …, context=…)`` to its template as ``fragments``; the
template wraps the costly part in ``{% fragment "name" %}…{% endfragment %}``, and
``context`` is called only when a fragment is not cached. The key holds:

- the *generation*: one number for the whole portal, moved by every write to the database
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
the generation moves. Only the generation numbers are shared: in the default cache (Redis),
or in the embedded run in one file of numbers beside the file cache (``SharedNumbers``).

``remember`` keeps smaller answers (the logged-in user, roles, memberships) the same way, in
a cache of their own (``answers``, LocMem too), so that a page's fragments never push out
the few answers each of hundreds of members needs on every request.
Given its ``kind`` (``KEPT``: the kinds and the tables each is read from), an answer is keyed
by that kind's own generation instead, which moves only with a write to one of its tables
(or a statement whose table is not known): 300 check-ins a minute then leave the users,
roles and memberships every request asks for kept. The test settings check that an answer
reads no table its kind does not name (``PAGE_CACHE_CHECK_TABLES``). A request reads the
generations it needs from the shared cache once, in one round trip.
"""

from __future__ import annotations

import hashlib
import logging
import mmap
import os
import re
import secrets
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import template
from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.base import FilterExpression
from django.template.loader_tags import BlockNode
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

GENERATION_KEY = "portal:generation"  # moved by every write
KIND_KEY = "portal:generation:{}"  # moved by writes to a table one kind of answer is read from
ANY_TABLE = "*"  # a statement whose table is not known: moves every kind's generation

# The kinds of answer ``remember`` keeps by the tables they are read from (not by every
# write), and those tables. Declared here, once, so that every process (a web worker, the
# Celery worker) moves the same generations for a write, whatever it has itself kept.
KEPT: dict[str, frozenset[str]] = {
    kind: frozenset(tables)
    for kind, tables in {
        "user": ("groups_user",),
        "roles": ("auth_group", "groups_user_groups"),
        # guardian reads the permission tables, and looks at the user's is_active
        "perms": (
            "groups_user",
            "groups_councilgroupuserobjectpermission",
            "groups_councilgroupgroupobjectpermission",
            "guardian_userobjectpermission",
            "guardian_groupobjectpermission",
            "auth_permission",
            "auth_group",
            "groups_user_groups",
            "django_content_type",
        ),
        "group": ("groups_councilgroup",),
        "memberships": ("groups_membership", "groups_councilgroup"),
        "meeting": (
            "meetings_meeting",
            "groups_councilgroup",
            "groups_committee",
            "meetings_councilmeeting",
        ),
        "course": (
            "attendance_course",
            "groups_councilgroup",
            "attendance_studyplan",
            "groups_user",
        ),
        "course-session": (
            "attendance_coursesession",
            "attendance_course",
            "attendance_studyplan",
            "groups_councilgroup",
            "meetings_meeting",
        ),
    }.items()
}
_KINDS_READING: dict[str, frozenset[str]] = {
    table: frozenset(kind for kind, tables in KEPT.items() if table in tables)
    for table in set().union(*KEPT.values())
}

# Statements that change data, and the tables whose changes no page shows: the session
# stamps a logged-in request may write (config.middleware) would otherwise empty the cache
# once a minute per user.
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|TRUNCATE|REPLACE)\b", re.IGNORECASE)
_WRITTEN_TABLE = re.compile(
    r'\s*(?:(?:INSERT|REPLACE)(?:\s+OR\s+\w+)?\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+"?(\w+)"?',
    re.IGNORECASE,
)
_UNSHOWN = frozenset({"django_session", "usersessions_usersession"})
# A login's stamp (Django's update_last_login) changes nothing a kept answer shows: were it a
# write to groups_user, every login would make every process read every user afresh, the
# morning 300 members log in to check in.
_LOGIN_STAMP = re.compile(
    r'\s*UPDATE\s+"groups_user"\s+SET\s+"last_login"\s*=\s*%s\s+'
    r'WHERE\s+"groups_user"\."id"\s*=\s*%s\s*$',
    re.IGNORECASE,
)
_READ_TABLE = re.compile(r'\b(?:FROM|JOIN)\s+"(\w+)"', re.IGNORECASE)


def _key(kind: str | None) -> str:
    return GENERATION_KEY if kind is None else KIND_KEY.format(kind)


# The generations a request has read, from its start to its end: a request asks the cache
# once, for every generation this process has needed so far, instead of once per answer.
# A bump in the request forgets them. Outside a request (a Celery task) nothing is memoised.
_request = threading.local()
_known: set[str] = set()


def _request_started(**_kwargs: object) -> None:
    _request.values = {}


def _request_finished(**_kwargs: object) -> None:
    _request.values = None


request_started.connect(_request_started, dispatch_uid="pagecache-started")
request_finished.connect(_request_finished, dispatch_uid="pagecache-finished")


class SharedNumbers:
    """The generations of the embedded run (no cache server: Django's file cache), in one
    small file beside the cache's, mapped into the memory of every process that opens it
    (the web workers, the Celery worker and beat). Reading one is a memory read and moving
    one a memory write, where the file cache writes each key to a temporary file and
    renames it: a third of a millisecond per write to the database, and more while other
    processes do the same (issue 13). Each number takes one aligned 8-byte slot, 0 when it
    has none yet; the file holds those numbers and nothing else.

    Only the calls ``generation`` and ``bump`` make, as Django's cache answers them."""

    KEYS: tuple[str, ...] = (GENERATION_KEY, *(KIND_KEY.format(kind) for kind in sorted(KEPT)))
    _SLOT = struct.Struct("<Q")

    def __init__(self, folder: str) -> None:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        size = self._SLOT.size * len(self.KEYS)
        fd = os.open(os.path.join(folder, "generations.bin"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < size:
                os.ftruncate(fd, size)
            self._map = mmap.mmap(fd, size)  # shared with every process that maps the file
        finally:
            os.close(fd)
        self._slot = {key: i * self._SLOT.size for i, key in enumerate(self.KEYS)}

    def get(self, key: str) -> int | None:
        value: int = self._SLOT.unpack_from(self._map, self._slot[key])[0]
        return value or None

    def get_many(self, keys: list[str]) -> dict[str, int]:
        return {key: value for key in keys if (value := self.get(key)) is not None}

    def add(self, key: str, value: int, timeout: object = None) -> None:
        if self.get(key) is None:  # two processes at once: either number will do
            self.set_many({key: value})

    def set_many(self, values: dict[str, int], timeout: object = None) -> list[str]:
        for key, value in values.items():
            self._SLOT.pack_into(self._map, self._slot[key], value or 1)
        return []


_shared: dict[str, SharedNumbers] = {}
_FILE_CACHE = "django.core.cache.backends.filebased.FileBasedCache"


def _numbers() -> Any:
    """Where the generations are kept: the shared file of the embedded run, or the cache
    (Redis) that every process of a served portal reaches."""
    default = settings.CACHES["default"]
    if default["BACKEND"] != _FILE_CACHE:
        return cache
    folder = str(default["LOCATION"])
    if folder not in _shared:
        _shared[folder] = SharedNumbers(folder)
    return _shared[folder]


def generation(kind: str | None = None) -> int | None:
    """The generation of one kind of answer (of all the data when none is named), or None
    when the cache cannot be reached (then nothing is kept or read, and pages are worked
    out afresh: slower, never stale, never a 503). A missing one (a cleared or restarted
    cache) starts at a random number, so nothing kept before can be taken for something
    new."""
    key = _key(kind)
    memo: dict[str, Any] | None = getattr(_request, "values", None)
    if memo is not None and key in memo:
        return int(memo[key])
    wanted = [key] if memo is None else sorted((_known | {key}) - memo.keys())
    try:
        numbers = _numbers()
        values = numbers.get_many(wanted)
        if key not in values:
            numbers.add(key, secrets.randbits(62), timeout=None)
            values[key] = numbers.get(key)
    except Exception:  # the cache is away: Redis down, a full disk
        logger.warning("page cache: the generation cannot be read; nothing is kept")
        return None
    if values.get(key) is None:
        return None
    _known.add(key)
    if memo is not None:
        memo.update(values)
    return int(values[key])


def bump(tables: set[str]) -> None:
    """Move the generation of all the data, and of every kind read from one of ``tables``.
    A new random number rather than a count: one round trip for them all, and never a
    number used before."""
    kinds = (
        set(KEPT)
        if ANY_TABLE in tables
        else set().union(*(_KINDS_READING.get(t, ()) for t in tables))
    )
    keys = [GENERATION_KEY, *(KIND_KEY.format(kind) for kind in sorted(kinds))]
    if getattr(_request, "values", None) is not None:
        _request.values = {}  # this request reads them afresh from now on
    try:
        failed = _numbers().set_many({key: secrets.randbits(62) for key in keys}, timeout=None)
    except Exception:  # the cache is away
        failed = keys
    if failed:  # what others keep expires with its timeout
        logger.warning("page cache: a write could not move the generation")
        caches["fragments"].clear()
        caches["answers"].clear()


class _Bump:
    """The bump a transaction owes once it commits: the tables it has written."""

    def __init__(self) -> None:
        self.tables: set[str] = set()

    def __call__(self) -> None:
        bump(self.tables)


def _written_table(sql: str) -> str | None:
    """The table a statement changes, ANY_TABLE when it changes data in a way not read here
    (TRUNCATE), None when it changes nothing a page shows."""
    if not _WRITE.match(sql) or _LOGIN_STAMP.match(sql):
        return None
    found = _WRITTEN_TABLE.match(sql)
    if found is None:
        return ANY_TABLE
    table = found.group(1).lower()
    return None if table in _UNSHOWN else table


def watch_writes(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """Execute wrapper: a statement that changes data moves the generations, at once in
    autocommit, and once after the commit in a transaction (until then this connection
    keeps nothing, and others see the data as it was)."""
    if settings.PAGE_CACHE_CHECK_TABLES and isinstance(sql, str):
        _check_read(sql)
    result = execute(sql, params, many, context)
    table = _written_table(sql) if isinstance(sql, str) else None
    if table is not None:
        connection = context["connection"]
        if not connection.in_atomic_block:
            bump({table})
        else:
            pending = _pending(connection)
            if pending is None:
                pending = _Bump()
                transaction.on_commit(pending, using=connection.alias)
            pending.tables.add(table)
    return result


def install(connection: Any, **_kwargs: object) -> None:
    """``connection_created`` receiver (groups.apps): every connection watches its writes."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def _may_keep() -> bool:
    """False while this connection's transaction has written and not committed: what is
    worked out now may be rolled back, and no later bump would then hide it."""
    from django.db import connection

    return not (connection.in_atomic_block and _pending(connection) is not None)


def _pending(connection: Any) -> _Bump | None:
    """The bump this connection's transaction owes (it has written), if any. A bump
    registered in a savepoint that is rolled back goes with it, as the writes do."""
    return next(
        (entry[1] for entry in connection.run_on_commit if isinstance(entry[1], _Bump)), None
    )


_MISSING = object()


def remember[T](key: str, compute: Callable[[], T], *, kind: str | None = None) -> T:
    """``compute()``, kept in this process for answers every request asks again (a user's
    roles, their permissions on a group): until a write to a table of its ``kind`` (KEPT),
    or until any write when no kind is named."""
    if kind is not None and settings.PAGE_CACHE_CHECK_TABLES:
        compute = _checked(key, compute, KEPT[kind])
    current = generation(kind) if settings.PAGE_CACHE_SECONDS and _may_keep() else None
    if current is None:
        return compute()
    store = caches["answers"]
    full = f"{current}:{key}"
    value = store.get(full, _MISSING)
    if value is _MISSING:
        value = compute()
        store.set(full, value)
    found: T = value
    return found


_checking = threading.local()  # the remembered answers this thread is working out


def _checked[T](key: str, compute: Callable[[], T], tables: frozenset[str]) -> Callable[[], T]:
    """``compute``, refusing to read a table its kind does not name: kept under that kind's
    generation, it would go stale when the other table changes. The reads are seen by
    ``watch_writes``, which every connection has."""

    def run() -> T:
        stack = _checking.__dict__.setdefault("stack", [])
        stack.append((key, tables))
        try:
            return compute()
        finally:
            stack.pop()

    return run


def _check_read(sql: str) -> None:
    for key, tables in getattr(_checking, "stack", ()):
        unnamed = set(_READ_TABLE.findall(sql)) - tables
        if unnamed:
            raise ImproperlyConfigured(
                f"remember({key!r}) reads {sorted(unnamed)}, not among its tables {sorted(tables)}"
            )


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
    # A fragment holds no {% block %} (the tag refuses one: its HTML would be kept for every
    # page that extends the template), so {% extends %}, which looks through the whole base
    # template for blocks on every render, need not look inside it (issue 13).
    child_nodelists = ()

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
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError(
            "{% block %} inside {% fragment %}: the fragment would keep one page's block for "
            "every page that extends this template"
        )
    source = bits[2] if len(bits) == 3 else "fragments"
    return FragmentNode(parser.compile_filter(bits[1]), parser.compile_filter(source), nodelist)

"""What every request and every write pays beneath the pages (issue 13), each measured side
by side with what it replaced, interleaved in one process (the machine is shared and noisy):

- on PostgreSQL, the check of a kept connection before a request first uses it: Django's
  ``SELECT 1`` against the portal's look at the connection's own state (config/postgres),
  for the logged-in hello view and the member's home;
- without a cache server, moving the generations after a write: Django's file cache
  (a temporary file written and renamed per key) against the file of numbers every process
  maps (``config.pagecache.SharedNumbers``).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python -m tests.benchmarks.connection_bench
"""

from __future__ import annotations

import secrets
import statistics
import tempfile
import time
import types
from collections.abc import Callable
from functools import partial


def _interleaved(runs: int, **contenders: Callable[[], float]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(runs):
        for name, run in contenders.items():
            times[name].append(run())
    return times


def _report(label: str, old: list[float], new: list[float], unit: str = "ms") -> None:
    ratio = statistics.median(n / o for n, o in zip(new, old, strict=True))
    print(
        f"{label}: before {statistics.median(old):.3f} {unit}, after "
        f"{statistics.median(new):.3f} {unit}; after ÷ before {ratio:.3f} "
        f"(median of {len(old)} interleaved runs)"
    )


def health_check_bench() -> None:
    from django.conf import settings
    from django.db import connections
    from django.db.backends.postgresql import base as stock
    from django.test import Client
    from django.urls import reverse

    from groups.demo import load
    from tests.benchmarks.common import BROWSER_CSRF_SECRET

    connection = connections["default"]
    if connection.vendor != "postgresql":
        print("health check: PostgreSQL only (set DATABASE_URL); SQLite has no round trip")
        return
    ctx = load()
    client = Client()
    client.force_login(ctx.users["member"])
    client.cookies[settings.CSRF_COOKIE_NAME] = BROWSER_CSRF_SECRET  # fragments are keyed by it
    portal = type(connection).close_if_health_check_failed
    django = stock.DatabaseWrapper.close_if_health_check_failed

    def batch(check: Callable[..., None], path: str, n: int = 100) -> float:
        connection.close_if_health_check_failed = types.MethodType(check, connection)  # type: ignore[method-assign]
        t0 = time.perf_counter()
        for _ in range(n):
            connection.close_if_unusable_or_obsolete()  # what Django does between requests
            client.get(path)
        return (time.perf_counter() - t0) / n * 1000

    for path in ("/__hello__", reverse("groups:home")):
        for _ in range(20):
            client.get(path)
        times = _interleaved(
            15, before=partial(batch, django, path), after=partial(batch, portal, path)
        )
        _report(f"request with a kept connection, {path}", times["before"], times["after"])


def generations_bench() -> None:
    from django.core.cache.backends.filebased import FileBasedCache

    from config.pagecache import GENERATION_KEY, SharedNumbers

    folder = tempfile.mkdtemp(prefix="portal-bench-generations-")
    files = FileBasedCache(f"{folder}/files", {})
    numbers = SharedNumbers(f"{folder}/numbers")

    def bumps(store: object, n: int = 200) -> float:
        set_many = store.set_many  # type: ignore[attr-defined]
        t0 = time.perf_counter()
        for _ in range(n):
            set_many({GENERATION_KEY: secrets.randbits(62)}, timeout=None)
        return (time.perf_counter() - t0) / n * 1e6

    times = _interleaved(15, before=partial(bumps, files), after=partial(bumps, numbers))
    _report("moving the generation after a write", times["before"], times["after"], "µs")


def main() -> None:
    from tests.benchmarks.common import setup_django

    setup_django()
    from django.db import connection

    print(f"database: {connection.vendor}")
    generations_bench()
    health_check_bench()


if __name__ == "__main__":
    main()

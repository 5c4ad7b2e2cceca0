"""Shared benchmark plumbing: a Django set up on a throw-away data dir, gunicorn -w 2 on
loopback, wrk from a second process, a logged-in session cookie, and the result rows that
``tests.benchmarks.run`` gathers into one table."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def setup_django() -> Path:
    """Configure Django for a benchmark: its own data dir, the hello view mounted."""
    data_dir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    os.environ.update(
        {
            "PORTAL_ENV": "development",
            "DEBUG": "false",
            "BENCHMARK_HELLO": "true",
            "DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # The data is made in this process with force_login; nobody logs in with a password, so
    # the hundreds of users a benchmark makes need not each pay for Argon2 here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    call_command("migrate", verbosity=0)
    return data_dir


def session_cookie(user: object) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(workers: int = 2) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/__hello__", timeout=1)  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


def wrk(
    url: str,
    cookie: str = "",
    seconds: int = 5,
    connections: int = 8,
    headers: dict[str, str] | None = None,
) -> float:
    """Requests per second from wrk (bounded in time, loopback only)."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"{url}: {non2xx.group(1)} non-2xx responses\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not match:
        raise SystemExit(out)
    return float(match.group(1))


# A browser holds the CSRF cookie from the login page on: a page's kept fragments are keyed
# by its secret (config/pagecache.py), so a client without one gets every page drawn anew.
BROWSER_CSRF_SECRET = "benchmarkbenchmarkbenchmarkbench"  # 32 characters, as Django's


def with_csrf_cookie(cookie: str) -> str:
    from django.conf import settings

    if not cookie or f"{settings.CSRF_COOKIE_NAME}=" in cookie:
        return cookie
    return f"{cookie}; {settings.CSRF_COOKIE_NAME}={BROWSER_CSRF_SECRET}"


def paired(
    base: str, path: str, cookie: str = "", headers: dict[str, str] | None = None
) -> tuple[float, float]:
    """The page's req/s, and the hello view's measured just before and just after it (the
    mean): on a machine shared with other work the load drifts, so each page gets its own
    yardstick."""
    before = wrk(base + "/__hello__", seconds=3)
    rate = wrk(base + path, with_csrf_cookie(cookie), headers=headers)
    after = wrk(base + "/__hello__", seconds=3)
    return rate, (before + after) / 2


def query_count(client: object, url: str) -> int:
    """The queries of the page worked out afresh (as after any write), not of a repeat
    from the kept fragments (config/pagecache.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    client.get(url)  # type: ignore[attr-defined]  # warm: session stamps, caches
    with override_settings(PAGE_CACHE_SECONDS=0), CaptureQueriesContext(connection) as ctx:
        response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def record(
    page: str, rate: float, hello: float, queries_1x: int | None, queries_10x: int | None
) -> None:
    """One row of the closing table: printed, and appended (as a JSON line) to the file
    named by BENCH_RESULTS when ``tests.benchmarks.run`` drives the benchmark."""
    from django.db import connection

    row = {
        "database": connection.vendor,
        "page": page,
        "rate": rate,
        "ratio": rate / hello if hello else None,
        "q1": queries_1x,
        "q10": queries_10x,
    }
    q = f"queries at 1× {queries_1x}, at 10× {queries_10x}" if queries_1x is not None else ""
    print(f"{page}: {rate:.0f} req/s = {row['ratio']:.2f} × hello {q}".rstrip())
    target = os.environ.get("BENCH_RESULTS")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")

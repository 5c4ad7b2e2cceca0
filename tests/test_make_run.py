"""`make run` as a person uses it (issue 18): it starts the portal, the worker and beat, the
portal shows its own error pages, and Ctrl-C in the terminal stops everything within a few
seconds, leaving no process behind.

The terminal's Ctrl-C sends SIGINT to the whole foreground process group; the test starts
`make run` as the leader of a new session and sends SIGINT to that group the same way.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess  # nosec B404
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
START_SECONDS = 240
STOP_SECONDS = 10

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _parents() -> dict[int, int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":  # fields after the command: state, ppid, ...
            parents[int(entry.name)] = int(fields[1])
    return parents


def _tree(root: int) -> set[int]:
    """``root`` and every living descendant (the runner puts its children in sessions of
    their own, so a session or group id does not find them)."""
    parents = _parents()
    tree = {root} if root in parents else set()
    grew = True
    while grew:
        more = {pid for pid, ppid in parents.items() if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    return tree


def _alive(pids: set[int]) -> set[int]:
    return pids & set(_parents())


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310  # nosec B310
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.mark.long
def test_make_run_serves_own_error_pages_and_ctrl_c_leaves_no_process(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "PORTAL_ENV", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    env.update({"DATA_DIR": str(tmp_path / "var"), "PORT": str(port)})
    log = (tmp_path / "make-run.log").open("wb")
    make = subprocess.Popen(  # nosec B603 B607
        ["make", "--no-print-directory", "run"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    started: set[int] = set()
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            assert make.poll() is None, (tmp_path / "make-run.log").read_text()[-3000:]
            try:
                if _get(f"{base}/drift/live/") == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "make run did not start the portal"
            time.sleep(1)
        # The portal's own 404 page, not Django's technical one (DEBUG is off unless asked).
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{base}/finnes-ikke/", timeout=5)  # noqa: S310  # nosec B310
        body = missing.value.read().decode()
        assert missing.value.code == 404
        assert 'id="main"' in body and "URLconf" not in body
        time.sleep(3)  # worker (with its pool) and beat have started too
        started = _tree(make.pid)
        assert len(started) >= 6, started  # make, runner, web, worker and its pool, beat

        os.killpg(make.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
        deadline = time.monotonic() + STOP_SECONDS
        while _alive(started) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = _alive(started)
        assert not left, f"still running {STOP_SECONDS} s after Ctrl-C: {left}"
        output = (tmp_path / "make-run.log").read_text()
        assert "RecursionError" not in output and "Segmentation fault" not in output
        assert "leader@demo.gruppeportalen.no" in output
    finally:
        for pid in _alive(started) | _tree(make.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        make.wait(timeout=10)
        log.close()

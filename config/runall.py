"""`make run`'s process runner: the portal, the Celery worker and beat, stopped together.

Each child runs in a session of its own, so the terminal's Ctrl-C reaches only this runner,
never the children directly (a worker hit by SIGINT twice, once from the terminal and once
from a shell trap, is what used to log a RecursionError and linger). On SIGINT or SIGTERM,
or when one child ends, the runner sends SIGTERM to every child's process group, waits up to
``GRACE_SECONDS``, then sends SIGKILL to what is left. It uses only the standard library.

    python -m config.runall HOST:PORT
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess  # nosec B404
import sys
import time
from types import FrameType

GRACE_SECONDS = 5.0


def commands(python: str, bind: str) -> dict[str, list[str]]:
    celery = [python, "-m", "celery", "-A", "config"]
    return {
        "web": [python, "manage.py", "runserver", bind, "--noreload"],
        "worker": [*celery, "worker", "--loglevel=WARNING", "--concurrency=2"],
        "beat": [*celery, "beat", "--loglevel=WARNING"],
    }


def _kill_group(child: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)


def stop(children: dict[str, subprocess.Popen[bytes]], grace: float = GRACE_SECONDS) -> None:
    """SIGTERM each child (the worker then stops its own pool: a warm shutdown), then
    SIGKILL the group of any child still there after ``grace``, and of every child in the
    end, so that no forked pool process outlives its parent."""
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(c.poll() is None for c in children.values()):
        time.sleep(0.1)
    for child in children.values():
        _kill_group(child)
        child.wait()


def say(text: str) -> None:
    """Print, but never fail: on Ctrl-C a pipe reader (``make run | tee``) may be gone."""
    with contextlib.suppress(OSError):
        print(text, flush=True)


def run(cmds: dict[str, list[str]], grace: float = GRACE_SECONDS) -> int:
    stopping: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    children = {
        name: subprocess.Popen(argv, start_new_session=True)  # noqa: S603  # nosec B603
        for name, argv in cmds.items()
    }
    ended = ""
    while not stopping and not ended:
        ended = next((name for name, c in children.items() if c.poll() is not None), "")
        time.sleep(0.2)
    if ended:
        say(f"\n{ended} stopped (exit {children[ended].returncode}); stopping the rest.")
    else:
        say("\nStopping portal, worker and beat …")
    stop(children, grace)
    say("Stopped.")
    return 1 if ended else 0


def main(argv: list[str]) -> int:
    bind = argv[1] if len(argv) > 1 else "127.0.0.1:8000"
    return run(commands(sys.executable, bind))


if __name__ == "__main__":
    sys.exit(main(sys.argv))

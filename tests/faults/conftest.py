"""Fixtures of the fault tests (issue 20): their own Redis (port 6391) and real Celery
worker processes, never the machine's shared services.

Under CI=true a missing redis-server is a failure; elsewhere the tests skip, saying why."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app
from tests.conftest import IN_CI

PORT = 6391
BROKER = f"redis://127.0.0.1:{PORT}/0"
RESULTS = f"redis://127.0.0.1:{PORT}/1"


def need(binary: str) -> str:
    path = shutil.which(binary)
    if path is None:
        message = f"{binary} not found: fault tests skipped (apt-get install redis-server)"
        if IN_CI:
            pytest.fail(message + " — CI=true, so this is a failure")
        pytest.skip(message)
    return path


@dataclass
class Redis:
    """A redis-server of the test's own on port 6391, in a temporary folder."""

    folder: Path
    persist: bool = False
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = [need("redis-server"), "--port", str(PORT), "--bind", "127.0.0.1"]
        args += ["--dir", str(self.folder), "--save", ""]
        args += ["--appendonly", "yes" if self.persist else "no", "--appendfsync", "always"]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.ping():
                return
            time.sleep(0.05)
        raise AssertionError("the test's redis-server did not start")

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=PORT, socket_timeout=0.5).ping())
        except redis.exceptions.ConnectionError:
            return False

    def client(self) -> Any:
        import redis

        return redis.Redis(port=PORT)

    def stop(self) -> None:
        """As a crash or a container restart would: SIGKILL, nothing flushed on the way."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Redis]:
    need("redis-server")
    server = Redis(tmp_path / "redis")
    server.folder.mkdir()
    server.start()
    previous = {
        key: app.conf[key]
        for key in ("broker_url", "result_backend", "task_always_eager", "task_ignore_result")
    }
    app.conf.update(
        broker_url=BROKER, result_backend=RESULTS, task_always_eager=False, task_ignore_result=False
    )
    _drop_connections()
    try:
        yield server
    finally:
        app.conf.update(previous)
        _drop_connections()
        server.stop()


def _drop_connections() -> None:
    # An app used before keeps producers bound to the old broker URL.
    app.close()
    app._pool = None
    app.amqp._producer_pool = None
    # The result backend is cached too (on the app or its thread): read it afresh.
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


def database_url() -> str:
    """The test database, as the worker process reaches it."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen[bytes]

    def wait_killed(self, timeout: float = 30) -> None:
        assert self.process.wait(timeout) == -signal.SIGKILL

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def start_worker(tmp_path: Path, mail_dir: Path) -> Iterator[Callable[..., Worker]]:
    started: list[Worker] = []

    def start(fault: str = "") -> Worker:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(settings.BASE_DIR),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PORTAL_ENV": "test",
            "CELERY_REAL_WORKER": "true",
            "SECRET_KEY": settings.SECRET_KEY,
            "SITE_URL": settings.SITE_URL,
            "DATA_DIR": str(tmp_path / "data"),
            "DATABASE_URL": database_url(),
            "REDIS_URL": BROKER,
            "FAULT_RESULT_BACKEND": RESULTS,
            "FAULT_MAIL_DIR": str(mail_dir),
            "FAULT": fault,
        }
        process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("worker.py"))],
            cwd=settings.BASE_DIR,
            env=env,
        )
        worker = Worker(process)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()

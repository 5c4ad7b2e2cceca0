"""A real Celery worker for the fault tests (issue 20), with a mail sink another process
can count and kill points (``FAULT=<point>:<n>``: SIGKILL at the n-th occurrence).

* ``record``: the n-th notice row is inserted, its transaction not yet committed;
* ``before_send``: the n-th e-mail is about to be handed to the mail server;
* ``after_send``: the mail server has taken the n-th e-mail, its row is not yet marked;
* ``after_mark``: the n-th row's "sent" has been committed, the next is not begun.

Each e-mail is one file in ``FAULT_MAIL_DIR`` (written whole, then renamed): what a mail
server that answered "250 accepted" holds, whatever happens to the worker afterwards.
"""

from __future__ import annotations

import os
import signal
import sys
import uuid
from pathlib import Path
from typing import Any

import django
from django.core.mail.backends.base import BaseEmailBackend

POINT, _, NTH = os.environ.get("FAULT", "").partition(":")
COUNTS: dict[str, int] = {}


def _reached(point: str) -> bool:
    if point != POINT:
        return False
    COUNTS[point] = COUNTS.get(point, 0) + 1
    return COUNTS[point] == int(NTH)


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class FileSink(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        folder = Path(os.environ["FAULT_MAIL_DIR"])
        for message in email_messages:
            if _reached("before_send"):
                _die()
            name = uuid.uuid4().hex
            data = message.message().as_bytes()
            with open(folder / f".{name}", "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.rename(folder / f".{name}", folder / f"{name}.eml")
            if _reached("after_send"):
                _die()
        return len(email_messages)


def _hooks(sender: Any, connection: Any, **_: Any) -> None:
    from django.db import transaction

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        table = '"whistleblowing_notification"' in sql
        if table and sql.startswith("INSERT") and _reached("record"):
            _die()
        if table and sql.startswith("UPDATE") and '"sent"' in sql and _reached("after_mark"):
            transaction.on_commit(_die)
        return result

    connection.execute_wrappers.append(wrapper)


def main() -> None:
    django.setup()
    from django.conf import settings
    from django.db.backends.signals import connection_created

    settings.MAILERS = {"default": {"BACKEND": "tests.faults.worker.FileSink"}}
    connection_created.connect(_hooks)

    from config.celery import app

    app.conf.update(
        result_backend=os.environ["FAULT_RESULT_BACKEND"],
        task_ignore_result=False,
        task_always_eager=False,
    )
    app.worker_main(
        [
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
            f"--hostname=faults-{os.getpid()}@localhost",
        ]
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main()

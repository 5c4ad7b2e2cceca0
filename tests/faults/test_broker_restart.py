"""A broker restart with work queued (issue 20): the work still happens.

A Redis that keeps nothing on disk loses the queued task; beat's send_notices sweep then
finds the notice's outbox row pending and sends it. The broker of docker-compose.yml
keeps an append-only file, so there the queued task itself survives the restart."""

from __future__ import annotations

import email
import time
from pathlib import Path
from typing import Any

import pytest

from config.celery import app
from config.outbox import message_id
from tests.factories import whistleblowing as f
from whistleblowing.models import Notification
from whistleblowing.services import sweeps

pytestmark = [
    pytest.mark.faults,
    pytest.mark.xdist_group("faults"),  # one own Redis on one port: one test at a time
    pytest.mark.django_db(transaction=True),
]


def _queued_notice(broker: Any) -> tuple[Any, Notification]:
    handler = f.make_handler(role="secretariat")
    f.submit()  # on commit: send_notices queued on the test's broker, no worker yet
    notice = Notification.objects.get()
    assert notice.sent is False
    assert broker.client().llen("celery") == 1
    return handler, notice


def _mails(folder: Path) -> list[tuple[str, str]]:
    return [
        (str(m["Message-ID"]), str(m["To"]))
        for m in (email.message_from_bytes(p.read_bytes()) for p in folder.glob("*.eml"))
    ]


def test_a_notice_queued_before_a_broker_restart_is_sent_by_the_sweep(
    broker: Any, start_worker: Any, mail_dir: Path
) -> None:
    handler, notice = _queued_notice(broker)
    broker.restart()
    assert broker.client().llen("celery") == 0  # the one-off task is gone
    worker = start_worker()
    # Beat's run ("handlers not yet notified"), as whistleblowing/schedule.py has it.
    assert app.send_task("whistleblowing.tasks.send_notices").get(timeout=30) == 1
    worker.stop()
    notice.refresh_from_db()
    assert notice.sent
    assert _mails(mail_dir) == [(message_id(sweeps.OUTBOX, notice.pk), handler.user.email)]


def test_a_persisting_broker_keeps_the_queued_task_across_a_restart(
    broker: Any, start_worker: Any, mail_dir: Path
) -> None:
    broker.persist = True
    broker.restart()
    handler, notice = _queued_notice(broker)
    broker.restart()
    assert broker.client().llen("celery") == 1
    worker = start_worker()
    deadline = time.monotonic() + 30
    while not Notification.objects.filter(pk=notice.pk, sent=True).exists():
        assert time.monotonic() < deadline, "the queued task did not run"
        time.sleep(0.1)
    worker.stop()
    assert _mails(mail_dir) == [(message_id(sweeps.OUTBOX, notice.pk), handler.user.email)]

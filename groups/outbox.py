"""The task outbox of groups, meetings and attendance (config/outbox.py, issue 20).

``enqueue(task, *ids)`` in a service's transaction writes a ``QueuedTask`` row with the
change; after commit the task is queued with ``outbox_id``. A task declared with
``base=OutboxTask`` skips a row that is done already and marks it done when it has run,
or when it failed for good (``groups.task_failures`` records that; queueing it again
would only fail again). Beat's ``outbox_sweep`` queues again every row not done
``REQUEUE_AFTER`` after it was queued: a task a broker restart lost, or one a killed
worker held.

Guarantee of each task queued this way: **at least once**. It runs twice only when a
worker dies after its work and before the mark, or when two copies run at the same
moment; an e-mail it sends then carries the same ``Message-ID`` (``message_headers``,
from the row's id), so mail clients show it once.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from functools import partial
from typing import Any

from celery import Task
from celery.exceptions import Retry
from django.db import transaction
from django.utils import timezone

from config.outbox import message_id
from config.privacy import inventory_entry, record_sweep
from groups.models import QueuedTask

log = logging.getLogger(__name__)

NAMESPACE = "groups.queuedtask"
# Longer than MAIL_RETRY's whole schedule (about an hour) and the broker's visibility
# timeout (1 hour): a task still retrying, or held by Redis for redelivery, is not doubled.
REQUEUE_AFTER = dt.timedelta(hours=2)
KEEP_DONE = dt.timedelta(days=7)
_INVENTORY_ENTRY = inventory_entry("groups.QueuedTask")

_current: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "groups_outbox_current", default=None
)


def enqueue(task: Task, *args: int) -> QueuedTask:
    """Queue ``task(*args)`` through the outbox, in the caller's transaction. robust: the
    change is committed when the task is queued, so a broker that is away must not turn
    it into an error page; Django logs the error and the sweep queues the row later."""
    now = timezone.now()
    row = QueuedTask.objects.create(task=task.name, args=list(args), created_at=now, queued_at=now)
    transaction.on_commit(partial(_publish, task, row.pk, list(args)), robust=True)
    return row


def _publish(task: Task, pk: int, args: list[Any]) -> None:
    task.apply_async(args=tuple(args), kwargs={"outbox_id": pk})


def message_headers() -> dict[str, str]:
    """Headers for an e-mail sent by a task run from the outbox: its row's Message-ID,
    the same on every run. Empty outside such a task (a fresh id then)."""
    pk = _current.get()
    return {"Message-ID": message_id(NAMESPACE, pk)} if pk is not None else {}


class OutboxTask(Task):
    """Base of the tasks queued with ``enqueue``: they accept ``outbox_id``, which
    ``__call__`` takes off before the task's own function sees its arguments (so Celery's
    check of the arguments against that function is off)."""

    typing = False

    def __call__(self, *args: Any, outbox_id: int | None = None, **kwargs: Any) -> Any:
        if outbox_id is None:
            return super().__call__(*args, **kwargs)
        if QueuedTask.objects.filter(pk=outbox_id, done_at__isnull=False).exists():
            return None  # a second copy (a redelivery, the sweep): done already
        token = _current.set(outbox_id)
        try:
            result = super().__call__(*args, **kwargs)
        except Retry:
            raise
        except Exception:
            # Failed for good: recorded by groups.task_failures, not queued again.
            _done(outbox_id)
            raise
        finally:
            _current.reset(token)
        _done(outbox_id)
        return result


def _done(pk: int) -> None:
    QueuedTask.objects.filter(pk=pk, done_at__isnull=True).update(done_at=timezone.now())


def sweep(now: dt.datetime | None = None) -> int:
    """Queue again the rows not done ``REQUEUE_AFTER`` after they were queued; delete
    done rows after a week (the data inventory's entry for ``groups.QueuedTask``, where a
    purge that deleted rows is recorded; the empty runs every ten minutes are not).
    Idempotent; returns how many were queued."""
    from config.celery import app

    now = now or timezone.now()
    deleted, _by_model = QueuedTask.objects.filter(done_at__lt=now - KEEP_DONE).delete()
    if deleted:
        record_sweep(_INVENTORY_ENTRY, ran_at=now, deleted=deleted)
    count = 0
    for row in QueuedTask.objects.filter(done_at__isnull=True, queued_at__lt=now - REQUEUE_AFTER):
        task = app.tasks.get(row.task)
        if task is None:
            log.error("outbox row %s names an unknown task", row.pk)
            continue
        QueuedTask.objects.filter(pk=row.pk).update(queued_at=now)
        _publish(task, row.pk, list(row.args))
        count += 1
    return count

"""Every Celery task that fails for good leaves a row for the health page (issue 15 item 10).

Connected to Celery's ``task_failure`` signal in ``GroupsConfig.ready``, so it covers every
task of every app, whistleblowing's included, without that app importing anything of ours.
Celery sends ``task_failure`` only when it gives a task up: an exception its retry policy
does not cover (``config.celery.MAIL_RETRY``), or the last retry spent. A retry in between
sends ``task_retry`` and leaves no row.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery.signals import task_failure
from django.db import DatabaseError, transaction
from django.utils import timezone

from groups.models import TaskFailure

log = logging.getLogger(__name__)

KEEP = dt.timedelta(days=90)


def error_name(exc: BaseException | None) -> str:
    """The exception's dotted class name, never its text (an SMTP refusal quotes the address).
    Celery wraps an exception it cannot pickle; the wrapper keeps the original names."""
    if exc is None:
        return "?"
    module = getattr(exc, "exc_module", None) or type(exc).__module__
    name = getattr(exc, "exc_cls_name", None) or type(exc).__qualname__
    return name if module == "builtins" else f"{module}.{name}"


@task_failure.connect(dispatch_uid="groups.task_failures.record")
def record(
    sender: Any = None,
    task_id: str | None = None,
    exception: BaseException | None = None,
    **_: Any,
) -> None:
    """Write the failure: task name, Celery's task id, error class, retries spent, time. Not
    the arguments: they may be a person's id or a whistleblowing case's."""
    now = timezone.now()
    name = str(getattr(sender, "name", None) or "?")
    retries = getattr(getattr(sender, "request", None), "retries", 0) or 0
    try:
        with transaction.atomic():
            TaskFailure.objects.create(
                task=name[:200],
                task_id=(task_id or "")[:64],
                error=error_name(exception)[:200],
                retries=min(int(retries), 1000),
                failed_at=now,
            )
            TaskFailure.objects.filter(failed_at__lt=now - KEEP).delete()
    except DatabaseError:
        # The database may be what failed; the worker's own log still has the failure.
        log.exception("could not record the failure of task %s[%s]", name, task_id)

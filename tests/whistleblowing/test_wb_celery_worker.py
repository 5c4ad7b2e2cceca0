"""The deadline sweep in a real Celery worker (not eager): run it twice, restart the
worker, run it again: the day-7 reminder is sent exactly once (W5)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from config.celery import app
from tests.factories import whistleblowing as f
from whistleblowing import tasks
from whistleblowing.models import Case, Notification

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_worker_app(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    previous = {
        "task_always_eager": app.conf.task_always_eager,
        "broker_url": app.conf.broker_url,
        "result_backend": app.conf.result_backend,
        "task_ignore_result": app.conf.task_ignore_result,
    }
    app.conf.update(
        task_always_eager=False,
        broker_url="memory://",
        result_backend="cache+memory://",
        task_ignore_result=False,
    )
    _drop_connections()
    yield app
    app.conf.update(previous)
    _drop_connections()


def _drop_connections() -> None:
    # An app used before (eagerly) keeps producers bound to the old broker URL.
    app.close()
    app._pool = None
    app.amqp._producer_pool = None


def run_sweep_in_worker(celery_app, case, sentinel: int) -> None:
    """Two sweeps, then a sentinel notice. The solo pool works in order, so once the
    sentinel's row exists both sweeps have finished (no result backend needed)."""
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        tasks.deadline_sweep.delay()
        tasks.deadline_sweep.delay()
        tasks.notify_handlers.delay(str(case.pk), "reporter_message", sentinel)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if Notification.objects.filter(case=case, ref=sentinel).exists():
                return
            time.sleep(0.1)
    raise AssertionError("the worker did not process the queued tasks")


def test_w5_reminder_once_through_a_real_worker_across_restarts(real_worker_app):
    f.make_handler()
    case = f.submit().case
    Case.objects.filter(pk=case.pk).update(
        created_at=timezone.now() - dt.timedelta(days=7, hours=1)
    )
    run_sweep_in_worker(real_worker_app, case, sentinel=1)
    run_sweep_in_worker(real_worker_app, case, sentinel=2)  # a restarted worker
    # The new-report notice queued on commit, and the day-7 reminder: each exactly once.
    kinds = sorted(Notification.objects.filter(case=case, ref=0).values_list("kind", flat=True))
    assert kinds == ["new_report", "reminder_7"]
    assert len(mail.outbox) == 2 + 2  # plus one per sentinel

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
    yield app
    app.conf.update(previous)


def run_sweep_in_worker(celery_app) -> None:
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        for _ in range(2):
            tasks.deadline_sweep.delay().get(timeout=20)


def test_w5_reminder_once_through_a_real_worker_across_restarts(real_worker_app):
    f.make_handler()
    case = f.submit().case
    Case.objects.filter(pk=case.pk).update(
        created_at=timezone.now() - dt.timedelta(days=7, hours=1)
    )
    run_sweep_in_worker(real_worker_app)
    run_sweep_in_worker(real_worker_app)  # a restarted worker
    deadline = time.monotonic() + 5
    while Notification.objects.filter(case=case).count() < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    # The new-report notice queued on commit, and the day-7 reminder: each exactly once.
    kinds = sorted(Notification.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["new_report", "reminder_7"]
    assert len(mail.outbox) == 2

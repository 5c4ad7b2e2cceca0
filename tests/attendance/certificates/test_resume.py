"""Pending certificate runs survive a broker restart (S8, issue 20): a run whose queued
task was lost, and a "ready" e-mail whose task was lost, are queued again by beat's
resume sweep, once, and the e-mail carries the run's own Message-ID."""

from __future__ import annotations

import datetime as dt
from typing import Any

import kombu.exceptions
import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from attendance import tasks
from attendance.models import CertificateRun, RunStatus
from attendance.schedule import BEAT_SCHEDULE
from attendance.services import certificates as service
from config.outbox import message_id
from tests.attendance.certificates.builders import Built, make_held_course
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(world: World) -> Built:
    return make_held_course(
        world.group, world.users["leader"], present_users=[world.users["member"]]
    )


def test_the_resume_sweep_is_on_beats_schedule() -> None:
    entry = BEAT_SCHEDULE["attendance-pending-certificate-runs"]
    assert entry["task"] == tasks.resume_certificate_runs.name


def test_s8_a_run_whose_task_was_lost_is_generated_by_the_sweep_once(
    built: Built, world: World
) -> None:
    # No on-commit callbacks run: the queued task is lost, as with a broker restart.
    run = service.certificates_request(actor=world.users["leader"], course=built.course)
    requested = run.requested_at
    with time_machine.travel(requested + dt.timedelta(minutes=1), tick=False):
        assert service.certificate_runs_resume() == 0  # its task may still be on its way
    assert CertificateRun.objects.get(pk=run.pk).status == RunStatus.QUEUED
    with time_machine.travel(requested + dt.timedelta(minutes=3), tick=False):
        assert service.certificate_runs_resume() == 1
    run.refresh_from_db()
    assert (run.status, run.ready_mailed) == (RunStatus.DONE, True)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == message_id(service.RUN_OUTBOX, run.pk)
    with time_machine.travel(requested + dt.timedelta(hours=5), tick=False):
        assert service.certificate_runs_resume() == 0
    assert len(mail.outbox) == 1


def test_s8_a_ready_e_mail_whose_task_was_lost_is_sent_by_the_sweep_once(
    built: Built,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(tasks.notify_certificates_ready, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        run = service.certificates_request(actor=world.users["leader"], course=built.course)
    run.refresh_from_db()
    assert (run.status, run.ready_mailed) == (RunStatus.DONE, False)
    assert mail.outbox == []
    monkeypatch.undo()
    finished = run.finished_at or timezone.now()
    with time_machine.travel(finished + dt.timedelta(minutes=30), tick=False):
        assert service.certificate_runs_resume() == 0  # a retrying task is not doubled
    with time_machine.travel(finished + dt.timedelta(hours=3), tick=False):
        assert service.certificate_runs_resume() == 1
        assert service.certificate_runs_resume() == 0
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [
        message_id(service.RUN_OUTBOX, run.pk)
    ]
    # A redelivered task finds the e-mail sent and sends nothing.
    assert service.certificates_ready_notify(run.pk) == 0

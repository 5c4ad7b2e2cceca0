"""The task outbox (groups/outbox.py, issue 20): an invitation or a notice to a leader is
a row written with the change; the task queued on commit marks it done; a task a broker
restart lost is queued again by beat's sweep, once; a resent e-mail has the same
Message-ID."""

from __future__ import annotations

import datetime as dt
import inspect
import re
import smtplib
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from config.celery import app
from config.outbox import message_id
from groups import outbox, services
from groups.models import QueuedTask, Seat, SweepRun
from groups.schedule import BEAT_SCHEDULE
from groups.tasks import send_invitation
from tests.conftest import World
from tests.test_mail_retry import FlakyMailServer, mail_server  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

# Every one-off task of groups, meetings and attendance that sends e-mail (tests/test_mail_retry.py).
ONE_OFF = [
    "groups.tasks.send_invitation",
    "meetings.tasks.notify_request_satisfied",
    "meetings.tasks.notify_item_submitted",
    "meetings.tasks.notify_case_assigned",
    "meetings.tasks.notify_deviation",
    "attendance.notify_course_decided",
    "attendance.notify_exemption_decided",
]


def _add(world: World, email: str = "ny.person@example.org") -> Any:
    return services.member_add(
        actor=world.users["leader"],
        group=world.group,
        email=email,
        full_name="Ny Person",
        seat=Seat.SUBSTITUTE,
    )


def test_every_one_off_mail_task_goes_through_the_outbox() -> None:
    app.loader.import_default_modules()
    for name in ONE_OFF:
        assert isinstance(app.tasks[name], outbox.OutboxTask), name
    # No service queues them past the outbox (a bare .delay would be lost with the broker).
    root = Path(settings.BASE_DIR)
    for path in [
        *root.glob("groups/services/*.py"),
        *root.glob("meetings/services/*.py"),
        *root.glob("attendance/services/*.py"),
    ]:
        source = path.read_text()
        for name in ONE_OFF:
            short = name.rsplit(".", 1)[1]
            assert not re.search(rf"{short}\.(delay|apply_async)", source), (path, name)
    assert BEAT_SCHEDULE["groups-outbox-sweep"]["task"] == "groups.outbox_sweep"
    assert "outbox_id" in inspect.signature(outbox.OutboxTask.__call__).parameters


def test_an_invitation_is_a_row_with_the_change_and_done_once_sent(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        membership = _add(world)
    row = QueuedTask.objects.get()
    assert (row.task, row.args) == (
        "groups.tasks.send_invitation",
        [membership.user_id, world.group.pk],
    )
    assert row.done_at is not None
    assert [m.to for m in mail.outbox] == [["ny.person@example.org"]]
    assert mail.outbox[0].extra_headers["Message-ID"] == message_id(outbox.NAMESPACE, row.pk)
    # A redelivered copy finds the row done and sends nothing.
    send_invitation.apply(args=row.args, kwargs={"outbox_id": row.pk})
    assert len(mail.outbox) == 1


def test_an_invitation_lost_with_the_broker_is_sent_by_the_sweep_once(world: World) -> None:
    _add(world)  # on-commit callbacks do not run here: the queued task is lost
    row = QueuedTask.objects.get()
    assert row.done_at is None and mail.outbox == []
    with time_machine.travel(row.queued_at + dt.timedelta(hours=1), tick=False):
        assert outbox.sweep() == 0  # may still be retrying: not doubled
    with time_machine.travel(row.queued_at + dt.timedelta(hours=3), tick=False):
        assert outbox.sweep() == 1
        assert outbox.sweep() == 0
    row.refresh_from_db()
    assert row.done_at is not None
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [
        message_id(outbox.NAMESPACE, row.pk)
    ]
    assert not SweepRun.objects.filter(name="groups.queuedtask").exists()  # nothing purged
    with time_machine.travel(timezone.now() + dt.timedelta(days=8), tick=False):
        outbox.sweep()
    assert not QueuedTask.objects.exists()  # done rows are kept a week
    # The purge is recorded under the inventory's entry, where the inventory page looks.
    run = SweepRun.objects.get(name="groups.queuedtask")
    assert run.deleted == 1


def test_a_task_that_fails_for_good_is_not_queued_again(
    world: World,
    mail_server: type[FlakyMailServer],  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    mail_server.error = smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"no such user")})
    with django_capture_on_commit_callbacks(execute=True):
        _add(world)
    row = QueuedTask.objects.get()
    assert row.done_at is not None  # groups.task_failures recorded it for the health page
    with time_machine.travel(row.queued_at + dt.timedelta(hours=3), tick=False):
        assert outbox.sweep() == 0

"""Lost notifications (issue 15 item 10): every task that sends e-mail shares one retry
policy, and a task that finally fails leaves a record without personal data.

Celery runs eagerly here, but without propagating errors, as a worker would: retries run at
once (no countdown), and the final failure goes through Celery's failure handling."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from config.celery import MAIL_RETRY, app
from groups.models import TaskFailure
from groups.tasks import send_invitation
from tests.conftest import World
from tests.factories.groups import make_user

pytestmark = pytest.mark.django_db

ATTEMPTS = 1 + MAIL_RETRY["max_retries"]

# Every task that sends e-mail, found with `grep -rn "mail.send(\|send_mail\|send_mass_mail\|
# EmailMessage\|send_messages"` over the four apps and following the callers to their tasks.
MAIL_TASKS = [
    "groups.tasks.send_invitation",
    "meetings.tasks.send_due_reminders",
    "meetings.tasks.notify_request_satisfied",
    "meetings.tasks.notify_item_submitted",
    "meetings.tasks.notify_case_assigned",
    "meetings.tasks.notify_deviation",
    "attendance.notify_certificates_ready",
    "attendance.notify_course_decided",
    "attendance.notify_exemption_decided",
    "whistleblowing.tasks.notify_handlers",
    "whistleblowing.tasks.deadline_sweep",
    "whistleblowing.tasks.send_notices",
]


class FlakyMailServer(EmailBackend):
    """The locmem backend behind a mail server that fails ``failures`` times with ``error``."""

    failures: ClassVar[int] = 0
    error: ClassVar[Exception] = smtplib.SMTPServerDisconnected("mail.example.org went away")
    calls: ClassVar[int] = 0

    def send_messages(self, messages: Any) -> int:
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise type(self).error
        return super().send_messages(messages)


@pytest.fixture
def mail_server(settings: Any) -> Iterator[type[FlakyMailServer]]:
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakyMailServer"}}
    FlakyMailServer.failures = 10_000
    FlakyMailServer.error = smtplib.SMTPServerDisconnected("mail.example.org went away")
    FlakyMailServer.calls = 0
    app.conf.task_eager_propagates = False
    try:
        yield FlakyMailServer
    finally:
        app.conf.task_eager_propagates = True


def test_every_task_that_sends_mail_has_the_one_retry_policy() -> None:
    app.loader.import_default_modules()
    for name in MAIL_TASKS:
        task = app.tasks[name]
        assert task.max_retries == MAIL_RETRY["max_retries"], name
        assert set(task.autoretry_for) == set(MAIL_RETRY["autoretry_for"]), name
        assert task.retry_backoff == MAIL_RETRY["retry_backoff"], name
        assert task.retry_jitter is True, name


def test_an_invitation_is_tried_seven_times_then_recorded_without_personal_data(
    world: World, mail_server: type[FlakyMailServer]
) -> None:
    person = make_user(password=None, email="ny.person@example.org")

    send_invitation.delay(person.pk, world.group.pk)

    assert mail_server.calls == ATTEMPTS
    assert mail.outbox == []
    failure = TaskFailure.objects.get()
    assert failure.task == "groups.tasks.send_invitation"
    assert failure.error == "smtplib.SMTPServerDisconnected"
    assert failure.retries == MAIL_RETRY["max_retries"]
    assert failure.task_id
    stored = " ".join(str(v) for v in TaskFailure.objects.values().get().values())
    assert "ny.person" not in stored and "mail.example.org" not in stored


def test_a_mail_server_that_recovers_delivers_on_a_retry_and_records_nothing(
    world: World, mail_server: type[FlakyMailServer]
) -> None:
    mail_server.failures = 2
    mail_server.error = ConnectionRefusedError(111, "Connection refused")
    person = make_user(password=None)

    send_invitation.delay(person.pk, world.group.pk)

    assert mail_server.calls == 3
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert not TaskFailure.objects.exists()


def test_a_refused_recipient_is_not_retried_but_recorded_at_once(
    world: World, mail_server: type[FlakyMailServer]
) -> None:
    mail_server.error = smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"no such user")})
    person = make_user(password=None)

    send_invitation.delay(person.pk, world.group.pk)

    assert mail_server.calls == 1
    failure = TaskFailure.objects.get()
    assert (failure.error, failure.retries) == ("smtplib.SMTPRecipientsRefused", 0)


def test_a_whistleblowing_notice_that_cannot_be_sent_is_recorded_without_the_case(
    mail_server: type[FlakyMailServer],
) -> None:
    from tests.factories import whistleblowing as wb
    from whistleblowing.models import Notification, NotificationKind
    from whistleblowing.tasks import notify_handlers

    wb.make_handler(role="secretariat")
    case = wb.submit().case
    mail_server.calls = 0

    notify_handlers.delay(str(case.pk), NotificationKind.NEW_REPORT)

    assert mail_server.calls == ATTEMPTS
    # The notice's outbox row stays pending: nothing claims it went, and the sweep of
    # send_notices tries again once the mail server is back (issue 20).
    notice = Notification.objects.get(case=case, kind=NotificationKind.NEW_REPORT)
    assert notice.sent is False
    mail_server.failures = 0  # the mail server is back: beat's send_notices run
    from whistleblowing.tasks import send_notices

    send_notices.delay()
    notice.refresh_from_db()
    assert notice.sent is True
    assert len(mail.outbox) == 1
    failure = TaskFailure.objects.get()
    assert failure.task == "whistleblowing.tasks.notify_handlers"
    stored = " ".join(str(v) for v in TaskFailure.objects.values().get().values())
    assert str(case.pk) not in stored


def test_certificates_are_stored_and_their_e_mail_is_retried_on_its_own(
    world: World, mail_server: type[FlakyMailServer], django_capture_on_commit_callbacks: Any
) -> None:
    from attendance import services as service
    from attendance.models import RunStatus
    from tests.attendance.certificates.builders import make_held_course as make_course

    built = make_course(world.group, world.users["leader"], present_users=[world.users["member"]])
    with django_capture_on_commit_callbacks(execute=True):
        run = service.certificates_request(actor=world.users["leader"], course=built.course)

    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert mail_server.calls == ATTEMPTS
    assert list(TaskFailure.objects.values_list("task", flat=True)) == [
        "attendance.notify_certificates_ready"
    ]

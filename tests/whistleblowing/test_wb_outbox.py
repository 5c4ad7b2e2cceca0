"""The notices' outbox (W5, W10, issue 20): rows first, e-mails after, each with a
Message-ID derived from its row, so a notice a crash sends twice shows once."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from config.outbox import message_id
from tests.factories import whistleblowing as f
from whistleblowing import services
from whistleblowing.models import Case, Notification, NotificationKind
from whistleblowing.schedule import BEAT_SCHEDULE
from whistleblowing.services import sweeps

pytestmark = pytest.mark.django_db


class AcceptsThenDrops(EmailBackend):
    """The mail server takes the first e-mail, then the connection dies before the
    sender hears back: what a worker killed between "accepted" and the mark leaves."""

    drops: ClassVar[int] = 1

    def send_messages(self, messages: Any) -> int:
        sent = super().send_messages(messages)
        if type(self).drops:
            type(self).drops -= 1
            raise ConnectionResetError(104, "Connection reset by peer")
        return sent


def test_message_ids_are_stable_per_row_and_reveal_no_count(settings: Any) -> None:
    settings.SITE_URL = "https://portal.example.org"
    first = message_id(sweeps.OUTBOX, 41)
    assert first == message_id(sweeps.OUTBOX, 41)
    assert first != message_id(sweeps.OUTBOX, 42)
    assert first != message_id("groups.queuedtask", 41)
    # A keyed hash only: neither the row's number nor the table shows.
    assert re.fullmatch(r"<outbox\.[0-9a-f]{32}@portal\.example\.org>", first)


def test_w5_the_sweep_writes_every_row_before_the_first_e_mail(monkeypatch: Any) -> None:
    f.make_handler()
    cases = [f.submit().case for _ in range(3)]
    services.notices_send()  # the new-report notices
    Case.objects.update(created_at=timezone.now() - dt.timedelta(days=7, hours=1))
    seen: list[int] = []
    original = sweeps._mail

    def mail_once_all_rows_exist(notice: Notification) -> int:
        seen.append(
            Notification.objects.filter(kind=NotificationKind.REMINDER_DAY_7, sent=False).count()
        )
        return original(notice)

    monkeypatch.setattr(sweeps, "_mail", mail_once_all_rows_exist)
    result = services.deadline_sweep()
    assert (result.reminders, result.sent) == (3, 3)
    assert seen == [3, 2, 1]  # all three rows existed before the first e-mail went
    assert all(
        Notification.objects.get(case=c, kind=NotificationKind.REMINDER_DAY_7).sent for c in cases
    )


def test_w5_a_notice_resent_after_a_lost_answer_has_the_same_message_id(settings: Any) -> None:
    handler = f.make_handler()
    f.submit()
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.AcceptsThenDrops"}}
    AcceptsThenDrops.drops = 1
    with pytest.raises(ConnectionResetError):
        services.notices_send()
    notice = Notification.objects.get()
    assert notice.sent is False  # the mark was never made: sent again, at least once
    assert services.notices_send() == 1
    assert services.notices_send() == 0
    assert [m.to for m in mail.outbox] == [[handler.user.email]] * 2
    assert {m.extra_headers["Message-ID"] for m in mail.outbox} == {
        message_id(sweeps.OUTBOX, notice.pk)
    }


def test_w10_an_escalation_goes_to_the_readers_and_the_generals_under_one_message_id() -> None:
    sec = f.make_handler(role="secretariat")
    sg = f.make_handler(role="secretary_general")
    case = f.submit().case
    services.notices_send()
    mail.outbox.clear()
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - dt.timedelta(days=15))
    services.deadline_sweep()
    notice = Notification.objects.get(case=case, kind=NotificationKind.ESCALATION_DAY_14)
    assert sorted(to for m in mail.outbox for to in m.to) == sorted([sec.user.email, sg.user.email])
    assert {m.extra_headers["Message-ID"] for m in mail.outbox} == {
        message_id(sweeps.OUTBOX, notice.pk)
    }


def test_the_send_notices_sweep_is_on_beats_schedule() -> None:
    entry = BEAT_SCHEDULE["whistleblowing-send-notices"]
    assert entry["task"] == "whistleblowing.tasks.send_notices"
    assert float(str(entry["schedule"])) <= 10 * 60

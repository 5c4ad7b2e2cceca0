"""Deadlines (W5, W10, W11) and retention (W14) with moved time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from tests.factories import whistleblowing as f
from whistleblowing import crypto, services
from whistleblowing.audit import case_ref
from whistleblowing.models import (
    Access,
    Attachment,
    AuditEvent,
    Case,
    KeyGrant,
    LogEntry,
    Message,
    Notification,
)

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def staff():
    return {
        "sec": f.make_handler(role="secretariat"),
        "sg": f.make_handler(role="secretary_general"),
    }


def sweep_at(day: float) -> services.sweeps.SweepResult:
    with time_machine.travel(START + dt.timedelta(days=day), tick=False):
        return services.deadline_sweep()


def kinds(case):
    return sorted(
        Notification.objects.filter(case=case, delivered=True).values_list("kind", flat=True)
    )


def test_w5_reminders_on_day_7_and_12_and_escalation_on_day_14_each_exactly_once(staff):
    with time_machine.travel(START, tick=False):
        case = f.submit().case
        assert services.notices_send() == 1  # the new-report notice, as on commit
    mail.outbox.clear()
    # Calendar days in Oslo from the day of receipt: day 6 ends at START + 6.58 days.
    assert sweep_at(6.5).reminders == 0
    assert sweep_at(7).reminders == 1
    assert sweep_at(7.5).reminders == 0  # second run the same day: nothing new
    assert len(mail.outbox) == 1
    assert sweep_at(12).reminders == 1
    assert sweep_at(12).reminders == 0
    assert len(mail.outbox) == 2
    result = sweep_at(14)
    assert result.escalations == 1
    assert sweep_at(14).escalations == 0
    assert sweep_at(20).escalations == 0
    assert kinds(case) == ["escalation_14", "new_report", "reminder_12", "reminder_7"]
    case.refresh_from_db()
    assert case.overdue and case.escalated_at is not None


def test_w10_w11_escalation_opens_the_case_for_the_secretary_general(staff):
    with time_machine.travel(START, tick=False):
        case = f.submit().case
    assert KeyGrant.objects.get(case=case, handler=staff["sg"]).access == Access.STANDBY
    sweep_at(14)
    assert KeyGrant.objects.get(case=case, handler=staff["sg"]).access == Access.READ
    key = f.case_key(staff["sg"], case)
    assert services.read_blob(key, case.content_blob)["description"]
    assert AuditEvent.objects.filter(action="case.escalated", case=case).count() == 1
    assert staff["sg"].user.email in {to for m in mail.outbox for to in m.to}


def test_a_sweep_that_was_down_sends_only_the_latest_notice(staff):
    with time_machine.travel(START, tick=False):
        case = f.submit().case
        assert services.notices_send() == 1  # the new-report notice, as on commit
    mail.outbox.clear()
    sweep_at(15)
    sweep_at(15)
    assert kinds(case) == ["escalation_14", "new_report"]
    assert Notification.objects.filter(case=case, delivered=False).count() == 2
    # One mail to each of the two people now responsible, and nothing from the second run.
    assert sorted(to for m in mail.outbox for to in m.to) == sorted(
        [staff["sec"].user.email, staff["sg"].user.email]
    )


def test_w5_acknowledged_case_gets_no_reminders(staff):
    with time_machine.travel(START, tick=False):
        case = f.submit().case
        key = f.case_key(staff["sec"], case)
        services.case_acknowledge(handler=staff["sec"], case=case, key=key, message="Mottatt")
    assert sweep_at(7).reminders == 0
    assert sweep_at(14).escalations == 0


def test_feedback_due_three_months_after_acknowledgement_with_a_reminder(staff):
    with time_machine.travel(START, tick=False):
        case = f.submit().case
        key = f.case_key(staff["sec"], case)
        services.case_acknowledge(handler=staff["sec"], case=case, key=key, message="Mottatt")
    case.refresh_from_db()
    assert case.feedback_due_at == dt.datetime(2026, 6, 2, 9, 0, tzinfo=dt.UTC)
    assert sweep_at(76).feedback == 0
    assert sweep_at(78).feedback == 1  # 14 days before the due date
    assert sweep_at(79).feedback == 0
    assert sweep_at(92).feedback == 1  # overdue: the secretary general is brought in
    assert sweep_at(93).feedback == 0
    assert KeyGrant.objects.get(case=case, handler=staff["sg"]).access == Access.READ


def test_new_report_notifies_the_readers_once_after_commit(
    staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = f.submit().case
    assert [m.to for m in mail.outbox] == [[staff["sec"].user.email]]
    assert services.notify(str(case.pk), "new_report") is False  # a retried task: no resend
    assert len(mail.outbox) == 1


def test_notification_mails_say_only_that_something_awaits(staff):
    marker = "UNIKT-MERKE-7781"
    with time_machine.travel(START, tick=False):
        f.submit(description=f"Beskrivelse {marker}", involved=marker)
    sweep_at(7)
    assert mail.outbox
    for message in mail.outbox:
        assert marker not in f"{message.subject}{message.body}"
        assert "venter" in message.body


def test_each_handler_reads_the_notice_in_their_own_language_under_one_message_id(staff):
    """W5: the reminder is one message (one Message-ID) to every reader, each copy in the
    language its reader chose for the portal, and neither copy says anything of the case."""
    english = f.make_handler(role="secretariat")
    english.user.language = "en"
    english.user.save(update_fields=["language"])
    with time_machine.travel(START, tick=False):
        case = f.submit(description="Beskrivelse UNIKT-MERKE-5521").case
    mail.outbox.clear()
    sweep_at(7)
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) >= {english.user.email, staff["sec"].user.email}
    assert len({m.extra_headers["Message-ID"] for m in sent.values()}) == 1
    mine, theirs = sent[english.user.email], sent[staff["sec"].user.email]
    assert (
        mine.subject == "Gruppeportalen: something is waiting for you in the whistleblowing inbox"
    )
    assert "Log in to see what: http" in mine.body and "Hei" not in mine.body
    assert theirs.subject == "Gruppeportalen: noe venter på deg i varslingsmottaket"
    assert "Det venter noe på deg i varslingsmottaket" in theirs.body
    for message in (mine, theirs):
        assert f"{settings.SITE_URL}/varsling/behandling/" in message.body
        assert message.from_email == settings.DEFAULT_FROM_EMAIL
        assert "UNIKT-MERKE" not in message.body and str(case.pk) not in message.body


def test_w14_retention_sweep_deletes_everything_and_leaves_a_tombstone(
    staff, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False):
        result = f.submit(files=[f.pdf_upload()])
        case = result.case
        key = f.case_key(staff["sec"], case)
        sent = services.handler_message_send(handler=staff["sec"], case=case, key=key, body="Svar")
        services.case_close(
            handler=staff["sec"],
            case=case,
            key=key,
            reason="Ferdig",
            final_message="Saken er avsluttet.",
            seen_unanswered=[sent.pk],
        )
    old_grant_blob = bytes(KeyGrant.objects.filter(case=case).first().sealed_key or b"")
    old_receipt_blob = bytes(case.receipt_key_blob)
    file_path = Path(settings.MEDIA_ROOT) / str(Attachment.objects.get(case=case).file.name)
    assert file_path.exists()
    case_id = case.pk

    with time_machine.travel(START + dt.timedelta(days=5 * 365 - 29), tick=False):
        assert services.retention_sweep().notices == 1  # W14: 30 days' notice first
    with time_machine.travel(START + dt.timedelta(days=5 * 365), tick=False):
        assert services.retention_sweep().deleted == 0  # not yet: 5 calendar years
    with (
        time_machine.travel(START + dt.timedelta(days=5 * 365 + 2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outcome = services.retention_sweep()
    assert outcome.deleted == 1
    assert not Case.objects.filter(pk=case_id).exists()
    for model in (KeyGrant, Message, LogEntry, Attachment, Notification):
        assert not model.objects.filter(case_id=case_id).exists()
    assert not file_path.exists()
    tombstone = AuditEvent.objects.get(action="case.deleted")
    assert tombstone.case_ref == case_ref(case_id) == outcome.refs[0]
    assert str(case_id) not in tombstone.case_ref
    assert tombstone.case is None
    # Every earlier audit entry of the case now points nowhere but keeps the opaque ref.
    assert not AuditEvent.objects.filter(case_id=case_id).exists()
    # The receipt no longer opens anything: its wrapped key went with the case row.
    assert services.reporter_open(receipt=result.receipt) is None
    # A saved copy of the reporter's wrapped key blob fails against what is left: there is
    # no receipt hash, salt or case to derive from, and a random key cannot open it.
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(crypto.new_case_key(), old_receipt_blob)
    # Another handler's private key cannot open the saved grant blob either.
    other = f.make_handler()
    other_private = services.handler_unlock(
        actor=other.user, handler=other, passphrase=f.PASSPHRASE
    )
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(other_private, old_grant_blob)


def test_retention_sweep_leaves_open_and_recent_cases_alone(staff):
    with time_machine.travel(START, tick=False):
        f.submit()
    with time_machine.travel(START + dt.timedelta(days=10 * 365), tick=False):
        assert services.retention_sweep().deleted == 0
    assert Case.objects.count() == 1

"""Periodic work: deadlines (W5, W10, W11) and retention (W14), and the notices' outbox.

Notices go through an outbox (config/outbox.py, issue 20): each is a ``Notification`` row,
unique per case, kind and ref, written in the same transaction as the change that causes
it (a report filed, a reporter's message, a deadline passed). No e-mail is sent inside
that transaction. ``notices_send`` sends the pending rows afterwards and marks each one
sent; it runs after the deadline sweep, from a task queued on commit, and every few
minutes from beat (``whistleblowing.tasks.send_notices``), which also catches up with a
task a restarted broker lost. Mails say only that something waits.

Guarantees, per notice:

* new report, reporter's message (W5), reminders on day 7 and 12 (W5), escalation on day
  14 (W10, W11), feedback reminder and feedback overdue (W10, W11): **at least once**, and
  never twice in normal operation. Each row is sent with its row lock held and marked in
  the same transaction; only a crash between the mail server's "accepted" and that commit
  sends it again, with the same ``Message-ID`` (``config.outbox.message_id``), which mail
  clients collapse. A notice is never lost: no row, no change.
* a reminder superseded by a later notice (``delivered`` False): never sent.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from config.outbox import message_id
from whistleblowing import dates
from whistleblowing.audit import audit
from whistleblowing.models import (
    Access,
    Attachment,
    Case,
    CaseStatus,
    Handler,
    HandlerRole,
    KeyGrant,
    Notification,
    NotificationKind,
    UsedFormToken,
)

log = logging.getLogger(__name__)

FORM_TOKEN_DAYS = 2
OUTBOX = "whistleblowing.notification"
# Notices that also go to the secretaries general (W10).
TO_GENERALS = frozenset({NotificationKind.ESCALATION_DAY_14, NotificationKind.FEEDBACK_OVERDUE})

SUBJECT = "Gruppeportalen: noe venter på deg i varslingsmottaket"
BODY = (
    "Hei,\n\nDet venter noe på deg i varslingsmottaket i Gruppeportalen.\n"
    "Logg inn for å se hva: {url}\n\n"
    "Denne e-posten inneholder med vilje ingen opplysninger om saken.\n"
)


def readers(case: Case) -> list[Handler]:
    return list(
        Handler.objects.filter(grants__case=case, grants__access=Access.READ, is_active=True)
        .select_related("user")
        .distinct()
    )


def _generals(case: Case) -> list[Handler]:
    """The secretaries general with any grant on the case (on a youth-wing report the
    party's general is informed and holds no key: told, and handed no content)."""
    return list(
        Handler.objects.filter(
            grants__case=case,
            role=HandlerRole.SECRETARY_GENERAL,
            is_active=True,
        )
        .select_related("user")
        .distinct()
    )


def _recipients(notice: Notification) -> list[str]:
    handlers = readers(notice.case)
    if notice.kind in TO_GENERALS:
        handlers += _generals(notice.case)
    return sorted({h.user.email for h in handlers if h.user.email and h.user.is_active})


def _mail(notice: Notification) -> int:
    """One e-mail per recipient, all with the notice's own Message-ID: the same message to
    several mailboxes, and the same header again if it is ever resent."""
    body = BODY.format(url=f"{settings.SITE_URL}/varsling/behandling/")
    headers = {"Message-ID": message_id(OUTBOX, notice.pk)}
    messages = [
        EmailMessage(SUBJECT, body, settings.DEFAULT_FROM_EMAIL, [email], headers=headers)
        for email in _recipients(notice)
    ]
    if not messages:
        return 0
    try:
        return mailers.default.send_messages(messages) or 0
    except smtplib.SMTPRecipientsRefused:
        # Waiting does not make a refused address work; the notice counts as sent to the
        # others, and the log says so (no address: the handler's account shows it).
        log.warning("a whistleblowing notice was refused by the mail server for a recipient")
        return 0


def _record(case: Case, kind: str, now: datetime, *, ref: int = 0, delivered: bool = True) -> bool:
    """Insert the notice row (the outbox entry) in the caller's transaction; False when
    it exists already. The deadline sweep sends its rows itself once they are committed."""
    return _insert(case, kind, now, ref=ref, delivered=delivered) is not None


def _insert(
    case: Case, kind: str, now: datetime, *, ref: int = 0, delivered: bool = True
) -> Notification | None:
    try:
        with transaction.atomic():
            return Notification.objects.create(
                case=case, kind=kind, ref=ref, created_at=now, delivered=delivered
            )
    except IntegrityError:
        return None


def _queue_send(pk: int) -> None:
    from whistleblowing.tasks import send_notices

    send_notices.delay([pk])


def notice_record(case: Case, kind: str, ref: int = 0) -> bool:
    """An event notice (new report, reporter wrote) in the caller's transaction, sent by a
    task queued on commit. robust: the case is committed when the task is queued, and a
    broker that is away must not turn the reporter's answer (with the receipt) into an
    error page; Django logs the error, and beat's ``send_notices`` sends the row. These
    notices follow a reporter's action at once, so the row is kept to the day, as the
    case is."""
    notice = _insert(case, kind, dates.day_start(timezone.now()), ref=ref)
    if notice is None:
        return False
    pk = notice.pk
    transaction.on_commit(lambda: _queue_send(pk), robust=True)
    return True


def notices_send(ids: Iterable[int] | None = None) -> int:
    """Send the pending notices (``ids`` only, if given), each marked sent in the
    transaction that holds its row lock while it is sent; returns how many were sent.
    A row another worker holds is skipped (it is being sent); a mail server that is away
    raises, the row stays pending, and the task's retry or the next sweep sends it."""
    pending = Notification.objects.filter(delivered=True, sent=False)
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    sent = 0
    for pk in pending.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            notice = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("case")
                .filter(pk=pk, delivered=True, sent=False)
                .first()
            )
            if notice is None:
                continue
            _mail(notice)
            Notification.objects.filter(pk=pk).update(sent=True)
        sent += 1
    return sent


def notify(case_id: str, kind: str, ref: int = 0) -> bool:
    """Record an event notice if it is missing, and send what is pending for the case.
    False when the case is gone or the notice was sent already."""
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return False
    with transaction.atomic():
        notice_record(case, kind, ref)
    pending = Notification.objects.filter(
        case=case, kind=kind, ref=ref, delivered=True, sent=False
    ).values_list("pk", flat=True)
    return notices_send(list(pending)) > 0


def _escalate(case: Case, now: datetime, reason: str) -> None:
    """W10: open the case for the secretaries general who hold a reserve key. On a
    youth-wing report the party's general is informed (metadata) and holds no key, so
    escalation tells them and hands over no content."""
    generals = _generals(case)
    KeyGrant.objects.filter(
        case=case, handler__in=generals, access=Access.STANDBY, sealed_key__isnull=False
    ).update(access=Access.READ)
    if case.escalated_at is None:
        case.escalated_at = now
        case.save(update_fields=["escalated_at"])
    audit(actor=None, action="case.escalated", case=case, reason=reason, generals=len(generals))


@dataclass
class SweepResult:
    reminders: int = 0
    escalations: int = 0
    feedback: int = 0
    skipped: int = 0
    sent: int = 0
    kinds: list[str] = field(default_factory=list)


def _due(kind: str) -> Exists:
    return Exists(Notification.objects.filter(case=OuterRef("pk"), kind=kind))


def deadline_sweep(now: datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    received = Case.objects.filter(status=CaseStatus.RECEIVED)
    # Calendar days since the day of receipt (created_at is kept to the day, dates.py).
    limit = dates.ACKNOWLEDGE_WITHIN_DAYS
    day_limit = dates.day_reached_before(now, limit)

    # Day 14 without acknowledgement: escalate and mark overdue (W5, W10, W11).
    for case in received.filter(created_at__lt=day_limit).exclude(
        _due(NotificationKind.ESCALATION_DAY_14)
    ):
        with transaction.atomic():
            if not _record(case, NotificationKind.ESCALATION_DAY_14, now):
                result.skipped += 1
                continue
            for earlier in (NotificationKind.REMINDER_DAY_7, NotificationKind.REMINDER_DAY_12):
                _record(case, earlier, now, delivered=False)  # superseded
            case.overdue = True
            case.save(update_fields=["overdue"])
            _escalate(case, now, "no_acknowledgement")
            result.escalations += 1

    # Reminders on day 12 and day 7 (the later one wins if the sweep was down for days).
    for days, kind in (
        (12, NotificationKind.REMINDER_DAY_12),
        (7, NotificationKind.REMINDER_DAY_7),
    ):
        due = received.filter(
            created_at__lt=dates.day_reached_before(now, days), created_at__gte=day_limit
        ).exclude(_due(kind))
        for case in due:
            with transaction.atomic():
                if not _record(case, kind, now):
                    result.skipped += 1
                    continue
                if kind == NotificationKind.REMINDER_DAY_12:
                    _record(case, NotificationKind.REMINDER_DAY_7, now, delivered=False)
                result.reminders += 1

    # Feedback on the handling within 3 months of acknowledgement: reminder, then overdue.
    waiting = Case.objects.filter(status=CaseStatus.ACKNOWLEDGED, feedback_given_at__isnull=True)
    remind_from = timedelta(days=dates.FEEDBACK_REMINDER_DAYS_BEFORE)
    for case in waiting.filter(feedback_due_at__lte=now + remind_from).exclude(
        _due(NotificationKind.FEEDBACK_REMINDER)
    ):
        with transaction.atomic():
            if _record(case, NotificationKind.FEEDBACK_REMINDER, now):
                result.feedback += 1
    for case in waiting.filter(feedback_due_at__lte=now).exclude(
        _due(NotificationKind.FEEDBACK_OVERDUE)
    ):
        with transaction.atomic():
            if _record(case, NotificationKind.FEEDBACK_OVERDUE, now):
                _escalate(case, now, "no_feedback")
                result.feedback += 1
    # Each notice row above is committed; now they go out (and anything left pending).
    result.sent = notices_send()
    return result


@dataclass
class RetentionResult:
    deleted: int = 0
    files: int = 0
    refs: list[str] = field(default_factory=list)


def retention_sweep(now: datetime | None = None) -> RetentionResult:
    """W14: delete every due case with all it holds, leaving a tombstone in the audit log."""
    now = now or timezone.now()
    result = RetentionResult()
    for case_id in Case.objects.filter(delete_after__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            case = Case.objects.select_for_update().filter(pk=case_id).first()
            if case is None or case.delete_after is None or case.delete_after > now:
                continue
            names = list(Attachment.objects.filter(case=case).values_list("file", flat=True))
            event = audit(
                actor=None,
                action="case.deleted",
                case=case,
                closed=case.closed_at.date().isoformat() if case.closed_at else None,
                files=len(names),
            )
            case.delete()  # grants (keys), messages, log, attachments, notices cascade
            result.deleted += 1
            result.refs.append(event.case_ref)

            def remove(names: list[str] = names) -> None:
                storage = Attachment._meta.get_field("file").storage
                for name in names:
                    storage.delete(name)

            transaction.on_commit(remove)
            result.files += len(names)
    UsedFormToken.objects.filter(used_at__lt=now - timedelta(days=FORM_TOKEN_DAYS)).delete()
    return result

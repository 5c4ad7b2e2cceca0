"""Periodic work: deadlines (W5, W10, W11), help from the central party (W11), retention
with notice and legal holds (W14), and the notices' outbox.

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
* the secretary general told of a W10 trigger, the central party asked for help (W11)
  and its reminders and overdue notice, the readers told 30 days before deletion (W14):
  the same, at least once, written in the transaction of the step or sweep that causes
  them.
* a reminder superseded by a later notice (``delivered`` False): never sent.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy

from config.mail import language_of, render
from config.outbox import message_id
from config.privacy import inventory_entry, record_sweep
from whistleblowing import dates
from whistleblowing.audit import audit
from whistleblowing.models import (
    CENTRAL_ROLES,
    Access,
    Attachment,
    Case,
    CaseStatus,
    Handler,
    HandlerRole,
    HelpRequest,
    KeyGrant,
    LegalHold,
    Notification,
    NotificationKind,
    UsedFormToken,
)

log = logging.getLogger(__name__)

DELETION_NOTICE_DAYS = 30  # W14: readers are told this long before a case is deleted
OPEN = (CaseStatus.RECEIVED, CaseStatus.ACKNOWLEDGED)
FORM_TOKEN_DAYS = 2
OUTBOX = "whistleblowing.notification"
# Notices that also go to the secretaries general and the youth wing's deputies (W10).
TO_GENERALS = frozenset({NotificationKind.ESCALATION_DAY_14, NotificationKind.FEEDBACK_OVERDUE})
# Notices only for the central party (W11), and the one only for the generals (W10).
TO_CENTRAL = frozenset(
    {
        NotificationKind.HELP_REQUESTED,
        NotificationKind.HELP_REMINDER_7,
        NotificationKind.HELP_REMINDER_12,
    }
)

# The same words for every notice, in the recipient's language: nothing about the case.
SUBJECT = gettext_lazy("Gruppeportalen: noe venter på deg i varslingsmottaket")
TEMPLATE = "whistleblowing/email/notice.txt"


def open_reserve_for_generals(case: Case) -> int:
    """Party reports: the secretaries general's reserve key becomes a read grant (W10).
    Youth-wing reports hold no reserve key for them, so nothing opens."""
    return KeyGrant.objects.filter(
        case=case,
        handler__role=HandlerRole.SECRETARY_GENERAL,
        handler__is_active=True,
        access=Access.STANDBY,
        sealed_key__isnull=False,
    ).update(access=Access.READ)


def _on_case(case: Case, **filters: object) -> list[Handler]:
    """The active handlers with a grant on ``case`` matching ``filters`` (one filter()
    call, so the grant conditions hold for the same grant)."""
    return list(
        Handler.objects.filter(grants__case=case, is_active=True, **filters)
        .select_related("user")
        .distinct()
    )


def readers(case: Case) -> list[Handler]:
    return _on_case(case, grants__access=Access.READ)


def generals(case: Case) -> list[Handler]:
    """The party's secretaries general who know of the case (read, reserve or informed; on
    a youth-wing report the party's general is informed and holds no key: told, and handed
    no content)."""
    return _on_case(case, role=HandlerRole.SECRETARY_GENERAL)


def deputies(case: Case) -> list[Handler]:
    """The youth wing's deputies made informed by an escalation (W5, W10)."""
    return _on_case(case, grants__access=Access.INFORMED, role=HandlerRole.YOUTH_DEPUTY)


def central(case: Case) -> list[Handler]:
    """The central party on this case (W11): secretariat and secretaries general who hold
    a grant the portal lists or a reserve key."""
    return _on_case(
        case,
        grants__access__in=[Access.READ, Access.INFORMED, Access.STANDBY],
        role__in=CENTRAL_ROLES,
    )


def _recipients(notice: Notification) -> list[Any]:
    """Worked out when the notice is sent: the rows hold no address. One account per
    address, in the order of the addresses."""
    case = notice.case
    if notice.kind == NotificationKind.TRIGGER:
        handlers = generals(case)
    elif notice.kind in TO_CENTRAL:
        handlers = central(case)
    elif notice.kind == NotificationKind.HELP_OVERDUE:
        request = HelpRequest.objects.filter(pk=notice.ref).select_related("requested_by__user")
        asked = [r.requested_by for r in request if r.requested_by is not None]
        handlers = [*central(case), *asked]
    else:
        handlers = readers(case)
        if notice.kind in TO_GENERALS:
            handlers += [*generals(case), *deputies(case)]
    people = {h.user.email: h.user for h in handlers if h.user.email and h.user.is_active}
    return [people[email] for email in sorted(people)]


def _mail(notice: Notification) -> int:
    """One e-mail per recipient, all with the notice's own Message-ID: the same message to
    several mailboxes, and the same header again if it is ever resent."""
    headers = {"Message-ID": message_id(OUTBOX, notice.pk)}
    people = _recipients(notice)
    written = {
        language: render(template=TEMPLATE, context={}, subject=SUBJECT, language=language)
        for language in {language_of(person) for person in people}
    }
    messages = [
        EmailMessage(*written[language_of(person)], None, [person.email], headers=headers)
        for person in people
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
    youth-wing report the party's general is informed (metadata) and holds no key, and
    the youth wing's deputy, where one is set up, becomes informed too (W5, W10): the
    escalation tells them and hands over no content."""
    informed = generals(case)
    open_reserve_for_generals(case)
    told: list[Handler] = []
    if case.youth_wing:
        waiting = KeyGrant.objects.filter(
            case=case, access=Access.ON_ESCALATION, handler__is_active=True
        )
        told = [g.handler for g in waiting.select_related("handler__user")]
        waiting.update(access=Access.INFORMED, created_at=now)
    if case.escalated_at is None:
        case.escalated_at = now
        case.save(update_fields=["escalated_at"])
    audit(
        actor=None,
        action="case.escalated",
        case=case,
        reason=reason,
        generals=len(informed),
        deputies=len(told),
    )


@dataclass
class SweepResult:
    reminders: int = 0
    escalations: int = 0
    feedback: int = 0
    help: int = 0
    skipped: int = 0
    sent: int = 0
    kinds: list[str] = field(default_factory=list)


def _due(kind: str) -> Exists:
    return Exists(Notification.objects.filter(case=OuterRef("pk"), kind=kind))


def _help_due(kind: str) -> Exists:
    return Exists(Notification.objects.filter(case=OuterRef("case"), kind=kind, ref=OuterRef("pk")))


def _help_sweep(now: datetime, result: SweepResult) -> None:
    """W11: a request for central help has its own 14 calendar days from the day it was
    made: reminders to the central party on day 7 and 12, on day 14 the secretary general
    (reserve key on party reports, metadata on youth-wing ones) and the requester are told
    it is overdue. Each once, as the case deadlines are: the rows are written here and
    sent by ``notices_send``."""
    waiting = HelpRequest.objects.filter(answered_at__isnull=True, case__status__in=OPEN)
    limit = dates.day_reached_before(now, dates.ACKNOWLEDGE_WITHIN_DAYS)
    overdue = NotificationKind.HELP_OVERDUE
    for request in waiting.filter(requested_at__lt=limit).exclude(_help_due(overdue)):
        with transaction.atomic():
            case = request.case
            if not _record(case, overdue, now, ref=request.pk):
                result.skipped += 1
                continue
            for earlier in (NotificationKind.HELP_REMINDER_7, NotificationKind.HELP_REMINDER_12):
                _record(case, earlier, now, ref=request.pk, delivered=False)  # superseded
            request.overdue = True
            request.save(update_fields=["overdue"])
            if not case.youth_wing:
                open_reserve_for_generals(case)
            audit(actor=None, action="case.help_overdue", case=case, request=request.pk)
            result.help += 1
    for days, kind in (
        (12, NotificationKind.HELP_REMINDER_12),
        (7, NotificationKind.HELP_REMINDER_7),
    ):
        due = waiting.filter(
            requested_at__lt=dates.day_reached_before(now, days), requested_at__gte=limit
        ).exclude(_help_due(kind))
        for request in due:
            with transaction.atomic():
                if not _record(request.case, kind, now, ref=request.pk):
                    result.skipped += 1
                    continue
                if kind == NotificationKind.HELP_REMINDER_12:
                    _record(
                        request.case,
                        NotificationKind.HELP_REMINDER_7,
                        now,
                        ref=request.pk,
                        delivered=False,
                    )
                result.help += 1


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
    _help_sweep(now, result)
    # Each notice row above is committed; now they go out (and anything left pending).
    result.sent = notices_send()
    return result


@dataclass
class RetentionResult:
    deleted: int = 0
    files: int = 0
    notices: int = 0
    held: int = 0
    refs: list[str] = field(default_factory=list)


def _held(now: datetime) -> Exists:
    return Exists(LegalHold.objects.filter(case=OuterRef("pk"), ends_at__gt=now))


def retention_sweep(now: datetime | None = None) -> RetentionResult:
    """W14: tell the readers 30 days before a case is deleted (once); delete every due case
    with all it holds, leaving a tombstone in the audit log.

    A case is deleted when its date has come, its readers were told at least 30 days
    before, and no legal hold runs; a hold that has ended lets it go at the next sweep."""
    now = now or timezone.now()
    result = RetentionResult()
    notice = NotificationKind.DELETION_NOTICE
    warn_until = now + timedelta(days=DELETION_NOTICE_DAYS)
    for closed in Case.objects.filter(delete_after__lte=warn_until).exclude(_due(notice)):
        with transaction.atomic():
            if _record(closed, notice, now):
                audit(actor=None, action="case.deletion_notice", case=closed)
                result.notices += 1
    if result.notices:
        notices_send()

    # Told at least 30 calendar days before (Norwegian days: across a DST change 30 days
    # of 24 hours would put the deletion a day late).
    told_before = dates.day_reached_before(now, DELETION_NOTICE_DAYS)
    due = Case.objects.filter(delete_after__lte=now).filter(
        Exists(
            Notification.objects.filter(
                case=OuterRef("pk"), kind=notice, created_at__lt=told_before
            )
        )
    )
    result.held = due.filter(_held(now)).count()
    for case_id in due.exclude(_held(now)).values_list("pk", flat=True):
        with transaction.atomic():
            case = Case.objects.select_for_update().filter(pk=case_id).first()
            if case is None or case.delete_after is None or case.delete_after > now:
                continue
            if LegalHold.objects.filter(case=case, ends_at__gt=now).exists():
                continue
            names = list(Attachment.objects.filter(case=case).values_list("file", flat=True))
            holds = LegalHold.objects.filter(case=case).count()
            event = audit(
                actor=None,
                action="case.deleted",
                case=case,
                closed=case.closed_at.date().isoformat() if case.closed_at else None,
                files=len(names),
                held=holds > 0,
                holds=holds,
            )
            case.delete()  # grants (keys), messages, log, attachments, notices, holds cascade
            result.deleted += 1
            result.refs.append(event.case_ref)

            def remove(names: list[str] = names) -> None:
                storage = Attachment._meta.get_field("file").storage
                for name in names:
                    storage.delete(name)

            transaction.on_commit(remove)
            result.files += len(names)
    UsedFormToken.objects.filter(used_at__lt=now - timedelta(days=FORM_TOKEN_DAYS)).delete()
    # What a case holds goes with it (cascade): the run is the case entry's.
    record_sweep(inventory_entry("whistleblowing.Case"), ran_at=now, deleted=result.deleted)
    return result

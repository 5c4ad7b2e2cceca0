"""Periodic work: deadlines (W5, W10, W11) and retention (W14).

Each sweep queries what is due. Each notice is recorded in ``Notification`` under a unique
constraint in the same transaction as the e-mail is sent, so running a sweep twice (or a
worker restarting mid-way) never sends a notice twice. Mails say only that something waits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

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

FORM_TOKEN_DAYS = 2

SUBJECT = "Gruppeportalen: noe venter på deg i varslingsmottaket"
BODY = (
    "Hei,\n\nDet venter noe på deg i varslingsmottaket i Gruppeportalen.\n"
    "Logg inn for å se hva: {url}\n\n"
    "Denne e-posten inneholder med vilje ingen opplysninger om saken.\n"
)


def _mail(handlers: list[Handler]) -> int:
    url = f"{settings.SITE_URL}/varsling/behandling/"
    emails = sorted({h.user.email for h in handlers if h.user.email and h.user.is_active})
    body = BODY.format(url=url)
    messages = [(SUBJECT, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in emails]
    return send_mass_mail(messages, fail_silently=False) if messages else 0


def readers(case: Case) -> list[Handler]:
    return list(
        Handler.objects.filter(grants__case=case, grants__access=Access.READ, is_active=True)
        .select_related("user")
        .distinct()
    )


def _record(case: Case, kind: str, now: datetime, *, ref: int = 0, delivered: bool = True) -> bool:
    """Insert the notice row; False when it exists already (someone else sent it)."""
    try:
        with transaction.atomic():
            Notification.objects.create(
                case=case, kind=kind, ref=ref, created_at=now, delivered=delivered
            )
    except IntegrityError:
        return False
    return True


def notify(case_id: str, kind: str, ref: int = 0) -> bool:
    """Send one event notice (new report, reporter wrote) to the case's readers, once."""
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return False
    with transaction.atomic():
        # These notices follow a reporter's action at once: kept to the day, as it is.
        if not _record(case, kind, dates.day_start(timezone.now()), ref=ref):
            return False
        _mail(readers(case))
    return True


def _escalate(case: Case, now: datetime, reason: str) -> list[Handler]:
    """W10: open the case for the secretaries general who hold a reserve key. On a
    youth-wing report the party's general is informed (metadata) and holds no key, so
    escalation tells them and hands over no content."""
    generals = list(
        Handler.objects.filter(
            grants__case=case,
            role=HandlerRole.SECRETARY_GENERAL,
            is_active=True,
        ).select_related("user")
    )
    KeyGrant.objects.filter(
        case=case, handler__in=generals, access=Access.STANDBY, sealed_key__isnull=False
    ).update(access=Access.READ)
    if case.escalated_at is None:
        case.escalated_at = now
        case.save(update_fields=["escalated_at"])
    audit(actor=None, action="case.escalated", case=case, reason=reason, generals=len(generals))
    return generals


@dataclass
class SweepResult:
    reminders: int = 0
    escalations: int = 0
    feedback: int = 0
    skipped: int = 0
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
            generals = _escalate(case, now, "no_acknowledgement")
            _mail([*readers(case), *generals])
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
                _mail(readers(case))
                result.reminders += 1

    # Feedback on the handling within 3 months of acknowledgement: reminder, then overdue.
    waiting = Case.objects.filter(status=CaseStatus.ACKNOWLEDGED, feedback_given_at__isnull=True)
    remind_from = timedelta(days=dates.FEEDBACK_REMINDER_DAYS_BEFORE)
    for case in waiting.filter(feedback_due_at__lte=now + remind_from).exclude(
        _due(NotificationKind.FEEDBACK_REMINDER)
    ):
        with transaction.atomic():
            if _record(case, NotificationKind.FEEDBACK_REMINDER, now):
                _mail(readers(case))
                result.feedback += 1
    for case in waiting.filter(feedback_due_at__lte=now).exclude(
        _due(NotificationKind.FEEDBACK_OVERDUE)
    ):
        with transaction.atomic():
            if _record(case, NotificationKind.FEEDBACK_OVERDUE, now):
                generals = _escalate(case, now, "no_feedback")
                _mail([*readers(case), *generals])
                result.feedback += 1
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

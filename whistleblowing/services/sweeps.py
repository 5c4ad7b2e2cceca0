"""Periodic work: deadlines (W5, W10, W11), help from the central party (W11), and
retention with notice and legal holds (W14).

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
from whistleblowing.services.duties import open_reserve_for_generals

DELETION_NOTICE_DAYS = 30  # W14: readers are told this long before a case is deleted
OPEN = (CaseStatus.RECEIVED, CaseStatus.ACKNOWLEDGED)

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


def generals(case: Case) -> list[Handler]:
    """The party's secretaries general who know of the case (read, reserve or informed)."""
    return list(
        Handler.objects.filter(
            grants__case=case,
            role=HandlerRole.SECRETARY_GENERAL,
            is_active=True,
        )
        .select_related("user")
        .distinct()
    )


def central(case: Case) -> list[Handler]:
    """The central party on this case (W11): secretariat and secretaries general who hold
    a grant the portal lists or a reserve key."""
    return list(
        Handler.objects.filter(
            grants__case=case,
            grants__access__in=[Access.READ, Access.INFORMED, Access.STANDBY],
            role__in=CENTRAL_ROLES,
            is_active=True,
        )
        .select_related("user")
        .distinct()
    )


def notify_generals(case_id: str, kind: str, ref: int = 0) -> bool:
    """W10: tell the secretaries general at once (no content), once per event."""
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return False
    with transaction.atomic():
        if not _record(case, kind, timezone.now(), ref=ref):
            return False
        _mail(generals(case))
    return True


def notify_central(case_id: str, kind: str, ref: int = 0) -> bool:
    """W11: tell the central party that help is asked for (no content), once."""
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return False
    with transaction.atomic():
        if not _record(case, kind, timezone.now(), ref=ref):
            return False
        _mail(central(case))
    return True


def _escalate(case: Case, now: datetime, reason: str) -> list[Handler]:
    """W10: open the case for the secretaries general who hold a reserve key. On a
    youth-wing report the party's general is informed (metadata) and holds no key, and
    the youth wing's deputy, where one is set up, becomes informed too (W5, W10): the
    escalation tells them and hands over no content."""
    informed = generals(case)
    open_reserve_for_generals(case)
    deputies: list[Handler] = []
    if case.youth_wing:
        waiting = KeyGrant.objects.filter(
            case=case, access=Access.ON_ESCALATION, handler__is_active=True
        )
        deputies = [g.handler for g in waiting.select_related("handler__user")]
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
        deputies=len(deputies),
    )
    return [*informed, *deputies]


@dataclass
class SweepResult:
    reminders: int = 0
    escalations: int = 0
    feedback: int = 0
    help: int = 0
    skipped: int = 0
    kinds: list[str] = field(default_factory=list)


def _due(kind: str) -> Exists:
    return Exists(Notification.objects.filter(case=OuterRef("pk"), kind=kind))


def _help_due(kind: str) -> Exists:
    return Exists(Notification.objects.filter(case=OuterRef("case"), kind=kind, ref=OuterRef("pk")))


def _help_sweep(now: datetime, result: SweepResult) -> None:
    """W11: a request for central help has its own 14 calendar days from the day it was
    made: reminders to the central party on day 7 and 12, on day 14 the secretary general
    (reserve key on party reports, metadata on youth-wing ones) and the requester are told
    it is overdue. Each once, as the case deadlines are."""
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
            asked = [request.requested_by] if request.requested_by else []
            _mail([*central(case), *asked])
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
                _mail(central(request.case))
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
            told = _escalate(case, now, "no_acknowledgement")
            _mail([*readers(case), *told])
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
                told = _escalate(case, now, "no_feedback")
                _mail([*readers(case), *told])
                result.feedback += 1

    _help_sweep(now, result)
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
                _mail(readers(closed))
                audit(actor=None, action="case.deletion_notice", case=closed)
                result.notices += 1

    told_before = now - timedelta(days=DELETION_NOTICE_DAYS)
    due = Case.objects.filter(delete_after__lte=now).filter(
        Exists(
            Notification.objects.filter(
                case=OuterRef("pk"), kind=notice, created_at__lte=told_before
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
    return result

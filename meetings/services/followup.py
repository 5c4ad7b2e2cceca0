"""Writes: programme follow-up (E2), calendar feeds and reminders."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config import mail
from config.outbox import message_id
from config.singleline import require_single_line
from groups.audit import audit
from groups.models import CouncilGroup, Membership, User
from meetings.models import (
    MAX_REMINDER_MINUTES,
    CalendarFeed,
    Meeting,
    MeetingStatus,
    ProgrammeIssue,
    ProgrammeStatus,
    ReminderPreference,
    SentReminder,
)
from meetings.notify import shown_title
from meetings.permissions import can_manage_group, membership_in
from meetings.selectors import meeting_audience

log = logging.getLogger(__name__)
PROGRAMME_YEARS = 3  # E2: the timeline runs over the first three years of the period


# --- programme follow-up (E2) ----------------------------------------------------------
def _programme_window(group: CouncilGroup) -> tuple[dt.date, dt.date]:
    start = group.period_start
    try:
        end = start.replace(year=start.year + PROGRAMME_YEARS)
    except ValueError:
        end = start.replace(year=start.year + PROGRAMME_YEARS, day=28)
    return start, end


def _check_issue(
    group: CouncilGroup, assignee: Membership | None, start_on: dt.date, present_by: dt.date
) -> None:
    if assignee is not None and assignee.group_id != group.pk:
        raise ValidationError({"assignee": _("Den ansvarlige må være med i gruppa.")})
    if present_by < start_on:
        raise ValidationError({"present_by": _("Datoen for å legge fram må være etter start.")})
    first, last = _programme_window(group)
    if not (first <= start_on and present_by <= last):
        raise ValidationError(
            {
                "present_by": _(
                    "Programpunktene fordeles over de tre første årene av perioden "
                    "(%(first)s–%(last)s)."
                )
                % {"first": first.strftime("%d.%m.%Y"), "last": last.strftime("%d.%m.%Y")}
            }
        )


def programme_issue_create(
    *,
    actor: User,
    group: CouncilGroup,
    title: str,
    sector: str,
    assignee: Membership | None,
    start_on: dt.date,
    present_by: dt.date,
) -> ProgrammeIssue:
    """E2: a programme issue is given to a member by sector, with a date to present it."""
    if not can_manage_group(actor, group.pk):
        raise PermissionDenied(_("Bare gruppeleder og nestleder kan gjøre dette."))
    require_single_line(title=title)
    _check_issue(group, assignee, start_on, present_by)
    with transaction.atomic():
        issue = ProgrammeIssue.objects.create(
            group=group,
            title=title.strip(),
            sector=sector,
            assignee=assignee,
            start_on=start_on,
            present_by=present_by,
            updated_at=timezone.now(),
        )
        audit(
            actor=actor, action="meeting.programme_create", target=issue, group=group, sector=sector
        )
    return issue


def programme_issue_update(
    *, actor: User, issue: ProgrammeIssue, status: str, outcome: str
) -> ProgrammeIssue:
    """The member responsible, the leader or the deputy report progress."""
    m = membership_in(actor, issue.group_id)
    if not (can_manage_group(actor, issue.group_id) or (m and m.pk == issue.assignee_id)):
        raise PermissionDenied(_("Bare den ansvarlige og gruppeleder kan endre programpunktet."))
    if status not in ProgrammeStatus.values:
        raise ValidationError({"status": _("Velg en gyldig status.")})
    if status == ProgrammeStatus.ACHIEVED and not outcome.strip():
        raise ValidationError({"outcome": _("Skriv kort hva som er oppnådd.")})
    with transaction.atomic():
        issue.status = status
        issue.outcome = outcome.strip()
        issue.updated_at = timezone.now()
        issue.save(update_fields=["status", "outcome", "updated_at"])
        audit(
            actor=actor,
            action="meeting.programme_update",
            target=issue,
            group=issue.group,
            status=status,
        )
    return issue


# --- calendar feed ---------------------------------------------------------------------
def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_create(*, actor: User) -> str:
    """A new private feed address; any earlier address stops working. Returns the token,
    which is shown once and stored only as a digest."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.filter(user=actor).delete()
        feed = CalendarFeed.objects.create(
            user=actor, token_digest=token_digest(token), created_at=timezone.now()
        )
        audit(actor=actor, action="meeting.feed_create", target=feed, subject_user=actor)
    return token


def calendar_feed_revoke(*, actor: User) -> None:
    with transaction.atomic():
        deleted, _rows = CalendarFeed.objects.filter(user=actor).delete()
        if deleted:
            audit(actor=actor, action="meeting.feed_revoke", subject_user=actor)


def feed_user(token: str) -> User | None:
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_digest=token_digest(token), user__is_active=True)
        .first()
    )
    return feed.user if feed else None


# --- reminders -------------------------------------------------------------------------
def reminder_set(*, actor: User, minutes_before: int | None) -> None:
    """Each member chooses when (or whether) to get an e-mail before meetings."""
    with transaction.atomic():
        if minutes_before is None:
            ReminderPreference.objects.filter(user=actor).delete()
        else:
            ReminderPreference.objects.update_or_create(
                user=actor, defaults={"minutes_before": minutes_before}
            )
        audit(
            actor=actor,
            action="meeting.reminder_set",
            subject_user=actor,
            minutes_before=minutes_before,
        )


def _send_reminder(meeting: Meeting, user: User) -> None:
    local = timezone.localtime(meeting.starts_at)
    mail.send(
        user,
        subject=gettext_lazy("Påminnelse: %(title)s %(date)s"),
        subject_params={
            "title": shown_title(meeting),
            "date": local.strftime("%d.%m.%Y %H:%M"),
        },
        template="meetings/email/reminder.txt",
        context={
            "meeting": meeting,
            "user": user,
            "local_start": local,
            "url": settings.SITE_URL + reverse("meetings:detail", kwargs={"pk": meeting.pk}),
        },
        language=settings.LANGUAGE_CODE,
        # The same Message-ID for the same meeting and member on every attempt (issue 20).
        headers={"Message-ID": message_id(f"meetings.reminder.{meeting.pk}", user.pk)},
    )


def reminders_send_due(*, now: dt.datetime | None = None) -> int:
    """The beat sweep: e-mail every member whose chosen lead time before a meeting has come.
    A row in SentReminder (unique per meeting and member) is written in the same
    transaction as the e-mail is sent, so running twice, or two sweeps at once, sends one.

    Guarantee: at least once. A worker killed after the mail server took the e-mail and
    before the commit rolls the row back, and the next sweep sends it again; the resent
    e-mail has the same Message-ID (meeting and member), so mail clients show it once."""
    now = now or timezone.now()
    meetings = list(
        Meeting.objects.filter(
            status=MeetingStatus.PLANNED,
            starts_at__gt=now,
            starts_at__lte=now + dt.timedelta(minutes=MAX_REMINDER_MINUTES),
        ).select_related("group", "committee")
    )
    if not meetings:
        return 0
    sent_pairs = set(
        SentReminder.objects.filter(meeting__in=meetings).values_list("meeting_id", "user_id")
    )
    prefs = dict(ReminderPreference.objects.values_list("user_id", "minutes_before"))
    sent = 0
    for meeting in meetings:
        due_users = [
            uid
            for uid in meeting_audience(meeting)
            if uid in prefs
            and (meeting.pk, uid) not in sent_pairs
            and meeting.starts_at - dt.timedelta(minutes=prefs[uid]) <= now
        ]
        for user in User.objects.filter(pk__in=due_users, is_active=True):
            try:
                with transaction.atomic():
                    SentReminder.objects.create(meeting=meeting, user=user, sent_at=now)
                    _send_reminder(meeting, user)
            except IntegrityError:
                continue  # another sweep sent it
            sent += 1
    log.info("meeting reminders sent: %d", sent)
    return sent

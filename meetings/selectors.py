"""Reads with non-trivial queries. Other apps (attendance) read meetings through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from groups.models import Membership, MembershipStatus, User
from meetings.models import AgendaStatus, ConflictDecision, ConflictOfInterest, Meeting
from meetings.models.meetings import GENERATED_TITLES
from meetings.permissions import visible_kinds, visible_meetings


def disqualified_intervals(
    meeting_ids: Iterable[int],
) -> list[tuple[int, int, dt.datetime, dt.datetime]]:
    """S16: (user_id, meeting_id, left_at, returned_at) for each disqualified member.

    A member who left and has not been recorded as returning is counted out until the
    meeting's end. Rows without ``left_at`` (decided disqualified but not yet recorded as
    leaving) are not returned: they are recorded when the item is taken up.
    """
    rows = (
        ConflictOfInterest.objects.filter(
            agenda_item__meeting_id__in=list(meeting_ids),
            decision=ConflictDecision.DISQUALIFIED,
            left_at__isnull=False,
        )
        .annotate(
            returned=Coalesce(F("returned_at"), F("agenda_item__meeting__ends_at")),
        )
        .order_by("agenda_item__meeting_id", "left_at")
        .values_list("membership__user_id", "agenda_item__meeting_id", "left_at", "returned")
    )
    return [(u, m, left, ret) for u, m, left, ret in rows if left is not None]


def meeting_audience(meeting: Meeting) -> list[int]:
    """User ids of everyone who may see ``meeting`` (same rules as meetings.permissions)."""
    today = timezone.localdate()
    group = meeting.group
    summoned = (
        set(meeting.summoned.values_list("pk", flat=True)) if meeting.is_board_meeting else set()
    )
    rows = Membership.objects.filter(group=group).exclude(status=MembershipStatus.LEFT)
    out = []
    for m in rows:
        if not m.has_member_rights(today):
            continue
        if meeting.is_board_meeting:
            if m.on_board or m.pk in summoned:
                out.append(m.user_id)
        elif meeting.kind in visible_kinds(m, group):
            out.append(m.user_id)
    return out


def search_meetings(
    user: User | AnonymousUser,
    *,
    past: bool,
    text: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    group_id: int | None = None,
) -> QuerySet[Meeting]:
    """Upcoming (or past) meetings the user may see, matching text and dates."""
    now = timezone.now()
    qs = visible_meetings(user).select_related("group", "committee", "minutes", "council_meeting")
    qs = (
        qs.filter(ends_at__lt=now).order_by("-starts_at")
        if past
        else qs.filter(ends_at__gte=now).order_by("starts_at")
    )
    if group_id is not None:
        qs = qs.filter(group_id=group_id)
    if text:
        qs = qs.filter(
            Q(title__icontains=text)
            | _generated_title_matches(text)
            | Q(description__icontains=text)
            | Q(place__icontains=text)
            | Q(agenda_items__title__icontains=text, agenda_items__status=AgendaStatus.ACCEPTED)
        ).distinct()
    if date_from:
        qs = qs.filter(starts_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(starts_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return qs


def _generated_title_matches(text: str) -> Q:
    """The plan's meetings (no stored title) whose title, as made in the active language,
    holds ``text`` in its words or its committee's name."""
    needle = text.casefold()
    found = Q(title="", committee__name__icontains=text)
    for (kind, slot), title in GENERATED_TITLES.items():
        if needle in (str(title) % {"date": ""}).casefold():
            found |= Q(title="", kind=kind, council_slot=slot)
    return found


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_current_timezone())


FEED_HISTORY = dt.timedelta(days=90)


def feed_meetings(user: User) -> QuerySet[Meeting]:
    """What a member's calendar feed holds: from ``FEED_HISTORY`` (90 days) back, cancelled
    ones included so calendars drop them."""
    since = timezone.now() - FEED_HISTORY
    return (
        visible_meetings(user)
        .filter(starts_at__gte=since)
        .select_related("group", "committee", "council_meeting")
        .order_by("starts_at")
    )

"""The meetings app's part of the home page (config/homework.py): for a leader, items
submitted, requests that have their signatures and members' vote deviations that wait for
an agreed explanation; for a member, the next meeting. A fixed number of queries whatever
the number of pending things."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _

from config.dates import when
from config.homework import LEADER, MEMBER, Entry
from groups.homework import managed_memberships
from groups.permissions import active_memberships
from meetings.models import (
    AgendaItem,
    AgendaStatus,
    MeetingRequest,
    MeetingStatus,
    RequestStatus,
    VoteDeviationNotice,
)
from meetings.permissions import visible_meetings
from meetings.services.members import items_awaiting_briefing


def _leader_entries(user: Any, now: datetime) -> list[Entry]:
    groups = {m.group_id: m.group for m in managed_memberships(user, now)}
    if not groups:
        return []
    submitted = {
        row["meeting__group_id"]: row
        for row in AgendaItem.objects.filter(
            meeting__group_id__in=groups,
            meeting__status=MeetingStatus.PLANNED,
            status=AgendaStatus.PROPOSED,
        )
        .values("meeting__group_id")
        .annotate(n=Count("pk"), first=Min("meeting_id"))
    }
    satisfied = {
        row["group_id"]: row["n"]
        for row in MeetingRequest.objects.filter(
            group_id__in=groups, status=RequestStatus.SATISFIED
        )
        .values("group_id")
        .annotate(n=Count("pk"))
    }
    deviations = {
        row["membership__group_id"]: row["n"]
        for row in VoteDeviationNotice.objects.filter(
            membership__group_id__in=groups,
            wants_vote_explanation=True,
            explanation_agreed=False,
            case__council_meeting__starts_at__gte=now,
        )
        .values("membership__group_id")
        .annotate(n=Count("pk"))
    }
    awaiting = items_awaiting_briefing(list(groups), now)
    entries: list[Entry] = []
    for group_id, group in groups.items():
        first = submitted.get(group_id)
        briefing = awaiting.get(group_id, [])
        entries += [
            Entry(
                section=LEADER,
                label=_("Saker meldt inn til saklista"),
                count=first["n"] if first else 0,
                url=(
                    reverse("meetings:detail", args=[first["first"]]) + "#saksliste"
                    if first
                    else reverse("meetings:list")
                ),
                context=str(group),
                order=10,
            ),
            Entry(
                section=LEADER,
                label=_("Krav om møte som har nok underskrifter"),
                count=satisfied.get(group_id, 0),
                url=reverse("meetings:requests", args=[group_id]),
                context=str(group),
                urgent=bool(satisfied.get(group_id)),
                order=20,
            ),
            Entry(
                section=LEADER,
                label=_("Avvikende stemmer som venter på avtalt stemmeforklaring"),
                count=deviations.get(group_id, 0),
                url=reverse("meetings:cases", args=[group_id]),
                context=str(group),
                order=30,
            ),
            Entry(
                section=LEADER,
                label=_("Saker der lokallagsstyret ikke er orientert før gruppa konkluderer"),
                count=len(briefing),
                url=(
                    reverse("meetings:detail", args=[briefing[0]]) + "#saksliste"
                    if briefing
                    else reverse("meetings:list")
                ),
                context=str(group),
                order=35,
            ),
        ]
    return entries


def _next_meeting(user: Any, now: datetime) -> list[Entry]:
    """The next meeting of the user's own groups that they may see (for a site admin too,
    only of the groups they are a member of)."""
    group_ids = [m.group_id for m in active_memberships(user)]
    if not group_ids:
        return []
    meeting = (
        visible_meetings(user)
        .filter(group_id__in=group_ids, status=MeetingStatus.PLANNED, ends_at__gte=now)
        .select_related("group")
        .order_by("starts_at")
        .first()
    )
    if meeting is None:
        return [
            Entry(
                section=MEMBER,
                label=_("Ingen møter er satt opp ennå"),
                url=reverse("meetings:list"),
                order=10,
            )
        ]
    return [
        Entry(
            section=MEMBER,
            label=_("Neste møte: %(title)s") % {"title": meeting.display_title},
            url=reverse("meetings:detail", args=[meeting.pk]),
            # the kind says what it is (a members' meeting with the chapter, G26)
            context=f"{meeting.get_kind_display()} · {when(meeting.starts_at)}, {meeting.group}",
            order=10,
        )
    ]


def home_work(user: Any, now: datetime) -> list[Entry]:
    """What waits for ``user`` from the meetings app."""
    if not getattr(user, "is_authenticated", False):
        return []
    return _next_meeting(user, now) + _leader_entries(user, now)

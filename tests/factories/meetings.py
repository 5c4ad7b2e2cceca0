from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from typing import Any

from groups.models import Committee, CouncilGroup
from meetings.models import AgendaItem, AgendaStatus, CouncilMeeting, Meeting, MeetingKind

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
_seq = itertools.count(1)


def at(year: int, month: int, day: int, hour: int = 18, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=OSLO)


def make_meeting(group: CouncilGroup, **fields: Any) -> Meeting:
    """A meeting created directly (no service), on its own day so none overlap."""
    n = next(_seq)
    start = fields.pop("starts_at", at(2030, 1, 1) + dt.timedelta(days=n))
    fields.setdefault("kind", MeetingKind.GROUP)
    fields.setdefault("title", f"Gruppemøte {n}")
    fields.setdefault("place", "Rådhuset")
    fields.setdefault("ends_at", start + dt.timedelta(hours=2))
    return Meeting.objects.create(group=group, starts_at=start, **fields)


def make_item(meeting: Meeting, **fields: Any) -> AgendaItem:
    fields.setdefault("title", f"Sak {next(_seq)}")
    fields.setdefault("status", AgendaStatus.ACCEPTED)
    fields.setdefault("submitted_at", meeting.starts_at - dt.timedelta(days=3))
    return AgendaItem.objects.create(meeting=meeting, **fields)


def make_council_meeting(
    group: CouncilGroup, starts_at: dt.datetime, committee: Committee | None = None, **fields: Any
) -> CouncilMeeting:
    fields.setdefault("ends_at", starts_at + dt.timedelta(hours=5))
    fields.setdefault("place", "Kommunestyresalen")
    return CouncilMeeting.objects.create(
        group=group, committee=committee, starts_at=starts_at, **fields
    )

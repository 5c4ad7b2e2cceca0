"""The half-year plan generator (G6, G7, G11, G14): pure Python, no database.

Input: the rules' default place, weekdays and time span, the council and committee meetings
of the half-year, and the times already taken. Output: proposed meetings.

- Before each council meeting: an ordinary group meeting on the latest rules weekday at
  least one day before the round starts (the round = the council meeting and the committee
  meetings since the previous council meeting), in the default time span and place.
- On the council meeting's day: a short meeting (30 minutes) right before it and one right
  after it (G11).
- Before each committee meeting whose committee has a faction: a faction meeting on the
  latest free rules weekday before it.
A slot that would overlap something already planned moves one rules weekday earlier.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

SHORT_MEETING = dt.timedelta(minutes=30)
LOOKBACK_DAYS = 21
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


@dataclass(frozen=True)
class Rules:
    place: str
    weekdays: tuple[int, ...]
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class CouncilDate:
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    committee_id: int | None  # None: the council itself
    has_faction: bool = False
    place: str = ""


@dataclass(frozen=True)
class Proposal:
    kind: str  # "group" or "faction"
    council_slot: str  # "", "before", "after"
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    council_meeting_id: int
    committee_id: int | None


def _overlaps(
    start: dt.datetime, end: dt.datetime, taken: list[tuple[dt.datetime, dt.datetime]]
) -> bool:
    return any(start < t_end and t_start < end for t_start, t_end in taken)


def _latest_slot(
    before: dt.date, rules: Rules, taken: list[tuple[dt.datetime, dt.datetime]]
) -> tuple[dt.datetime, dt.datetime] | None:
    day = before - dt.timedelta(days=1)
    for _ in range(LOOKBACK_DAYS):
        if day.weekday() in rules.weekdays:
            start = dt.datetime.combine(day, rules.start, tzinfo=OSLO)
            end = dt.datetime.combine(day, rules.end, tzinfo=OSLO)
            if not _overlaps(start, end, taken):
                return start, end
        day -= dt.timedelta(days=1)
    return None


def propose(
    rules: Rules,
    council_dates: list[CouncilDate],
    taken: list[tuple[dt.datetime, dt.datetime]],
    already_prepared: set[tuple[int, str, str]],
) -> list[Proposal]:
    """Meetings to add. ``already_prepared`` holds (council_meeting_id, kind, slot) that
    exist, so generating twice adds nothing the second time."""
    taken = list(taken)
    out: list[Proposal] = []
    dates = sorted(council_dates, key=lambda c: c.starts_at)
    previous_council: dt.datetime | None = None
    for c in dates:
        if c.committee_id is None:
            round_start = min(
                [c.starts_at]
                + [
                    o.starts_at
                    for o in dates
                    if o.committee_id is not None
                    and o.starts_at < c.starts_at
                    and (previous_council is None or o.starts_at > previous_council)
                ]
            )
            previous_council = c.starts_at
            wanted = [
                ("group", "", None),
                ("group", "before", (c.starts_at - SHORT_MEETING, c.starts_at)),
                ("group", "after", (c.ends_at, c.ends_at + SHORT_MEETING)),
            ]
            for kind, slot, fixed in wanted:
                if (c.id, kind, slot) in already_prepared:
                    continue
                times = fixed or _latest_slot(round_start.astimezone(OSLO).date(), rules, taken)
                if times is None or _overlaps(*times, taken):
                    continue
                taken.append(times)
                place = c.place if slot else rules.place
                out.append(Proposal(kind, slot, times[0], times[1], place, c.id, None))
        elif c.has_faction and (c.id, "faction", "") not in already_prepared:
            times = _latest_slot(c.starts_at.astimezone(OSLO).date(), rules, taken)
            if times is not None:
                taken.append(times)
                out.append(
                    Proposal("faction", "", times[0], times[1], rules.place, c.id, c.committee_id)
                )
    return sorted(out, key=lambda p: p.starts_at)


def half_year_bounds(year: int, half: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, 1 if half == 1 else 7, 1, tzinfo=OSLO)
    end = (
        dt.datetime(year, 7, 1, tzinfo=OSLO)
        if half == 1
        else dt.datetime(year + 1, 1, 1, tzinfo=OSLO)
    )
    return start, end

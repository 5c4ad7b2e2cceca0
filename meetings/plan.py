"""The half-year plan generator (G6, G7, G11, G14): pure Python, no database.

Input: the rules' default place, weekdays and time span, the council and committee meetings
of the half-year, the times already taken and the moment of generation. Output: proposed
meetings.

- Before each council meeting: an ordinary group meeting on the latest rules weekday before
  the round starts (the round = the council meeting and the committee meetings since the
  previous council meeting), in the default time span and place. The window is the
  ``WINDOW_DAYS`` days before the round, never before the previous council meeting: a
  meeting two weeks early belongs to the round before.
- On the council meeting's day: a short meeting (30 minutes) right before it and one right
  after it (G11).
- Before each committee meeting whose committee has a faction (G5: the group has several
  regular members there): a faction meeting on the latest free rules weekday in the same
  window before it. Group meetings are placed first, so a faction never takes their slot.
- Nothing is proposed that starts before ``now``: a plan made mid-term plans what is left.
A slot that would overlap something already planned moves one rules weekday earlier, within
the window; where the window has no free slot, the meeting is left out (``unplaced``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

SHORT_MEETING = dt.timedelta(minutes=30)
WINDOW_DAYS = 13  # the latest "ahead of the round" may be: less than two weeks before it
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")

Span = tuple[dt.datetime, dt.datetime]


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


@dataclass
class Outcome:
    proposals: list[Proposal] = field(default_factory=list)
    # (council_meeting_id, kind, slot) that found no free time in their window
    unplaced: list[tuple[int, str, str]] = field(default_factory=list)


def _overlaps(start: dt.datetime, end: dt.datetime, taken: list[Span]) -> bool:
    return any(start < t_end and t_start < end for t_start, t_end in taken)


def _latest_slot(
    before: dt.date, not_before: dt.datetime, rules: Rules, taken: list[Span]
) -> Span | None:
    """The latest free rules weekday in the window ending the day before ``before``."""
    for back in range(1, WINDOW_DAYS + 1):
        day = before - dt.timedelta(days=back)
        if day.weekday() not in rules.weekdays:
            continue
        start = dt.datetime.combine(day, rules.start, tzinfo=OSLO)
        end = dt.datetime.combine(day, rules.end, tzinfo=OSLO)
        if start < not_before:
            return None
        if not _overlaps(start, end, taken):
            return start, end
    return None


def _round_start(
    c: CouncilDate, dates: list[CouncilDate], previous: dt.datetime | None
) -> dt.datetime:
    committees = [
        o.starts_at
        for o in dates
        if o.committee_id is not None
        and o.starts_at < c.starts_at
        and (previous is None or o.starts_at > previous)
    ]
    return min([c.starts_at, *committees])


def propose(
    rules: Rules,
    council_dates: list[CouncilDate],
    taken: list[Span],
    already_prepared: set[tuple[int, str, str]],
    now: dt.datetime,
) -> Outcome:
    """Meetings to add. ``already_prepared`` holds (council_meeting_id, kind, slot) that
    exist, so generating twice adds nothing the second time."""
    taken = list(taken)
    out = Outcome()
    dates = sorted(council_dates, key=lambda c: c.starts_at)

    def add(key: tuple[int, str, str], times: Span | None, venue: str, committee: int | None):
        if times is None:
            out.unplaced.append(key)
            return
        taken.append(times)
        out.proposals.append(Proposal(key[1], key[2], *times, venue, key[0], committee))

    previous_council: dt.datetime | None = None
    for c in dates:
        if c.committee_id is not None:
            continue
        round_start = _round_start(c, dates, previous_council)
        not_before = max(now, previous_council) if previous_council else now
        previous_council = c.ends_at
        if c.starts_at < now:
            continue  # a council meeting already begun needs no more preparing
        for slot in ("", "before", "after"):
            key = (c.id, "group", slot)
            if key in already_prepared:
                continue
            if slot == "":
                day = round_start.astimezone(OSLO).date()
                add(key, _latest_slot(day, not_before, rules, taken), rules.place, None)
                continue
            fixed = (
                (c.starts_at - SHORT_MEETING, c.starts_at)
                if slot == "before"
                else (c.ends_at, c.ends_at + SHORT_MEETING)
            )
            if fixed[0] >= now:
                add(key, None if _overlaps(*fixed, taken) else fixed, c.place, None)

    for c in dates:
        key = (c.id, "faction", "")
        if c.committee_id is None or not c.has_faction or key in already_prepared:
            continue
        if c.starts_at < now:
            continue
        day = c.starts_at.astimezone(OSLO).date()
        add(key, _latest_slot(day, now, rules, taken), rules.place, c.committee_id)
    out.proposals.sort(key=lambda p: p.starts_at)
    return out


def half_year_bounds(year: int, half: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, 1 if half == 1 else 7, 1, tzinfo=OSLO)
    end = (
        dt.datetime(year, 7, 1, tzinfo=OSLO)
        if half == 1
        else dt.datetime(year + 1, 1, 1, tzinfo=OSLO)
    )
    return start, end

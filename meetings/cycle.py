"""The year's cycle ("årshjul", G27) as rules of dates: pure, standard library only.

The booklet's recurring work (the autumn budget, the yearly update of the action plan, the
planning strategy with its hearing, half-year meeting plans, social gatherings, members'
meetings, the political testament at the end of the period) each has a deadline. This module
says when a deadline falls by default, what state an entry is in on a given day, and which
reminder is due; the moment it judges by is always an argument.

States, judged on the local (Europe/Oslo) date ``today``:

- ``done``: the work is done (seen in the portal's data, or marked done by the leader);
- ``late``: not done and the deadline has passed;
- ``due``: not done and the deadline is at most ``DUE_WINDOW`` days away (the first
  reminder has gone out);
- ``upcoming``: not done, further away.

Reminders go to the responsible person ``REMINDER_LEADS`` days before each deadline (14
days: time to put it on a group meeting's agenda; 3 days: the last call), from
``REMINDER_HOUR`` o'clock local time. On a day only the nearest lead counts: an entry whose
deadline is set 10 days ahead gets the 14-day reminder that day (saying 10 days) and the
3-day one later, never two at once; a deadline set 2 days ahead gets only the 3-day one.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

REMINDER_LEADS: tuple[int, ...] = (14, 3)
DUE_WINDOW = max(REMINDER_LEADS)
REMINDER_HOUR = 7
HEARING_MONTHS = 1  # "en høringsfrist på minst en måned før kommunestyrets behandling"

DONE = "done"
DUE = "due"
LATE = "late"
UPCOMING = "upcoming"
STATES = (DONE, DUE, LATE, UPCOMING)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole calendar months; the 31st becomes the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def on_month_day(year: int, month: int, day: int) -> dt.date:
    """The date in ``year``; 29 February is the 28th in a common year."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Rule:
    """When a deadline falls by default.

    ``kind`` is one of:

    - ``"month_day"``: ``month``/``day`` of the entry's year;
    - ``"period_start"``: ``months`` after the period starts, less ``days``;
    - ``"period_end"``: ``months`` (negative) from the period's end;
    - ``"council"``: ``days`` before the council's last meeting in ``month`` or later that
      year (the budget meeting), else ``month``/``day``;
    - ``"before"``: ``days`` before the entry named ``of`` (the hearing before the planning
      strategy).
    """

    kind: str
    month: int = 1
    day: int = 1
    months: int = 0
    days: int = 0
    of: str = ""


def default_due(
    rule: Rule,
    *,
    year: int,
    period_start: dt.date,
    period_end: dt.date,
    council_dates: tuple[dt.date, ...] = (),
    others: dict[str, dt.date] | None = None,
) -> dt.date:
    """The default deadline of an entry of ``year`` under ``rule``."""
    if rule.kind == "month_day":
        return on_month_day(year, rule.month, rule.day)
    if rule.kind == "period_start":
        return add_months(period_start, rule.months) - dt.timedelta(days=rule.days)
    if rule.kind == "period_end":
        return add_months(period_end, rule.months) - dt.timedelta(days=rule.days)
    if rule.kind == "council":
        fallback = on_month_day(year, rule.month, rule.day)
        late = [d for d in council_dates if d.year == year and d.month >= rule.month]
        return max(late) - dt.timedelta(days=rule.days) if late else fallback
    if rule.kind == "before":
        if not others or rule.of not in others:
            raise ValueError(f"rule 'before' needs the date of {rule.of!r}")
        return others[rule.of] - dt.timedelta(days=rule.days)
    raise ValueError(f"unknown rule kind {rule.kind!r}")


def state(due: dt.date, today: dt.date, *, done: bool) -> str:
    """The entry's state on ``today`` (see the module's docstring)."""
    if done:
        return DONE
    if today > due:
        return LATE
    if (due - today).days <= DUE_WINDOW:
        return DUE
    return UPCOMING


def reminder_lead(due: dt.date, today: dt.date) -> int | None:
    """The reminder (its lead in days) that applies on ``today``: the smallest lead whose
    day has come, up to and including the deadline; None before the first and after it."""
    left = (due - today).days
    if left < 0:
        return None
    applying = [lead for lead in REMINDER_LEADS if left <= lead]
    return min(applying) if applying else None


def hearing_long_enough(hearing_ends: dt.date, treated_on: dt.date) -> bool:
    """The hearing closes at least a month before the council treats the plan."""
    return hearing_ends <= add_months(treated_on, -HEARING_MONTHS)


def period_years(period_start: dt.date, period_end: dt.date) -> range:
    """The calendar years a period touches (its last day is the day before ``period_end``)."""
    return range(period_start.year, (period_end - dt.timedelta(days=1)).year + 1)


def in_period(day: dt.date, period_start: dt.date, period_end: dt.date) -> bool:
    return period_start <= day < period_end

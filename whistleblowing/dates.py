"""Calendar arithmetic for deadlines and retention (aware datetimes in, aware out).

What a reporter does is stored to the day only (``day_start``): the exact second a report
arrived adds nothing to its handling and could be matched against a log elsewhere (issue 15
item 3). The deadlines are counted in Norwegian calendar days from that day: a report
received on 2 March reaches "day 14" at the start of 16 March, whatever its hour.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ACKNOWLEDGE_WITHIN_DAYS = 14  # W5, W11
REMINDER_DAYS = (7, 12)  # before the 14-day limit
FEEDBACK_WITHIN_MONTHS = 3  # EU directive practice, after acknowledgement
FEEDBACK_REMINDER_DAYS_BEFORE = 14
RETENTION_YEARS = 5  # W14

LOCAL = ZoneInfo("Europe/Oslo")  # the calendar the deadlines are counted in


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def add_years(moment: datetime, years: int) -> datetime:
    return add_months(moment, 12 * years)


def midnight(day: date) -> datetime:
    """The start of a Norwegian calendar day, as an aware datetime."""
    return datetime.combine(day, time(0), tzinfo=LOCAL)


def local_date(moment: datetime) -> date:
    return moment.astimezone(LOCAL).date()


def day_start(moment: datetime) -> datetime:
    """The start of the Norwegian calendar day of ``moment``: how reporter times are kept."""
    return midnight(local_date(moment))


def day_reached_before(now: datetime, days: int) -> datetime:
    """Cases received before this moment have reached calendar day ``days`` on ``now``.

    Received on day D (at any hour, rounded or not), a case is on day ``days`` when
    ``local_date(now) >= D + days``, that is when it was received before the start of
    ``local_date(now) - days + 1``."""
    return midnight(local_date(now) - timedelta(days=days - 1))


def acknowledge_by(received: datetime) -> datetime:
    """W5: the start of day 14 after the day of receipt, when the sweep escalates."""
    return midnight(local_date(received) + timedelta(days=ACKNOWLEDGE_WITHIN_DAYS))


def acknowledge_last_day(received: datetime) -> date:
    """W5: the last calendar day the reporter is to hear back on, as the reporter is told
    ("innen 14 dager"): the day before the sweep escalates at the start of day 14."""
    return local_date(acknowledge_by(received)) - timedelta(days=1)

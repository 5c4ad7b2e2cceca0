"""Calendar arithmetic for deadlines and retention (aware datetimes in, aware out)."""

from __future__ import annotations

import calendar
from datetime import datetime

ACKNOWLEDGE_WITHIN_DAYS = 14  # W5, W11
REMINDER_DAYS = (7, 12)  # before the 14-day limit
FEEDBACK_WITHIN_MONTHS = 3  # EU directive practice, after acknowledgement
FEEDBACK_REMINDER_DAYS_BEFORE = 14
RETENTION_YEARS = 5  # W14


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def add_years(moment: datetime, years: int) -> datetime:
    return add_months(moment, 12 * years)

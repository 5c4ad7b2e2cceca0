"""One way to write a date or a time, per purpose and language.

Three purposes, each in both languages (times in Europe/Oslo):

| purpose    | Norwegian                            | English                           |
|------------|--------------------------------------|-----------------------------------|
| "list"     | tir. 1. des. 2026 kl. 18:00          | Tue 1 Dec 2026, 18:00             |
| "heading"  | tirsdag 1. desember 2026 kl. 18:00   | Tuesday 1 December 2026, 18:00    |
| "document" | 1. desember 2026 kl. 18:00           | 1 December 2026, 18:00            |

Norwegian writes months and weekdays in lower case, abbreviations with a full stop ("mai"
is the whole word and has none). Templates use the built-in filters ``day`` (the date
alone) and ``when`` (with the time for a datetime): ``{{ meeting.starts_at|when:"list" }}``.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import dateformat, timezone, translation

PURPOSES = ("list", "heading", "document")

register = template.Library()


def _local(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _date_part(value: dt.date, purpose: str, norwegian: bool) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown date purpose {purpose!r}; one of {PURPOSES}")
    if norwegian:
        if purpose == "list":
            month = dateformat.format(value, "b")  # "des", lower case in Norwegian
            dot = "" if len(month) < 3 or value.month == 5 else "."
            return dateformat.format(value, "D") + f". {value.day}. {month}{dot} {value.year}"
        if purpose == "heading":
            return dateformat.format(value, "l j. F Y")
        return dateformat.format(value, "j. F Y")
    if purpose == "list":
        return dateformat.format(value, "D j M Y")
    if purpose == "heading":
        return dateformat.format(value, "l j F Y")
    return dateformat.format(value, "j F Y")


def _norwegian() -> bool:
    return (translation.get_language() or "nb").split("-")[0] in {"nb", "no", "nn"}


def day(value: dt.date | dt.datetime | None, purpose: str = "list") -> str:
    """The date alone, written for ``purpose`` in the active language."""
    if not value:
        return ""
    local = _local(value)
    as_date = local.date() if isinstance(local, dt.datetime) else local
    return _date_part(as_date, purpose, _norwegian())


def when(value: dt.date | dt.datetime | None, purpose: str = "list") -> str:
    """The date, and for a datetime its time too, written for ``purpose``."""
    if not value:
        return ""
    local = _local(value)
    if not isinstance(local, dt.datetime):
        return _date_part(local, purpose, _norwegian())
    norwegian = _norwegian()
    written = _date_part(local.date(), purpose, norwegian)
    clock = local.strftime("%H:%M")
    return f"{written} kl. {clock}" if norwegian else f"{written}, {clock}"


register.filter("day", day)
register.filter("when", when)

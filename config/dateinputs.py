"""Date, date-and-time and time fields for every form of the portal (issue 18).

A native ``<input type="date">`` is drawn in the browser's locale, not the page's: Chromium
on an English system shows "mm/dd/yyyy" on a Norwegian page, and ``type="time"`` shows
"AM/PM". So the portal asks for dates as Norwegians write them, in a text box with the
format as its placeholder (``dd.mm.åååå``; ``dd.mm.yyyy`` in English), in both languages:

- dates: ``1.12.2026``, ``01.12.2026``, ``1.12.26`` and ``2026-12-01``;
- times: ``18:00``, ``18.00``, ``1800`` and ``18``;
- a date and a time: the two with a space, a comma, "kl." or ISO's "T" between them
  (``1.12.2026 18:00``, ``1.12.2026 kl. 18.00``, ``2026-12-01T18:00``).

Anything else gets a message that says how to write it, and the form keeps what was typed.
Dates are shown back as ``01.12.2026`` and ``01.12.2026 18:00``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_DISPLAY = "%d.%m.%Y"
TIME_DISPLAY = "%H:%M"
DATETIME_DISPLAY = f"{DATE_DISPLAY} {TIME_DISPLAY}"

# Day.month.year (a two-digit year is this century) or ISO's year-month-day. No slashes:
# 12/01/2026 is 1 December to some and 12 January to others.
_NORWEGIAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2})(?::(\d{2}))?)?$|^(\d{2})(\d{2})$")
# Between the date and the time: ISO's "T", a comma, "kl." or "klokka", or spaces.
_BETWEEN = re.compile(r"\s*(?:T|,|\s)\s*(?:kl\.?|klokka|klokken|at)?\s*", re.IGNORECASE)

DATE_MESSAGES: dict[str, Any] = {
    "required": _("Fyll inn en dato."),
    "invalid": _("Skriv datoen som dd.mm.åååå, for eksempel 1.12.2026."),
}
TIME_MESSAGES: dict[str, Any] = {
    "required": _("Fyll inn et klokkeslett."),
    "invalid": _("Skriv klokkeslettet som tt:mm, for eksempel 18:30."),
}
DATETIME_MESSAGES: dict[str, Any] = {
    "required": _("Fyll inn dato og klokkeslett."),
    "invalid": _("Skriv dato og klokkeslett som dd.mm.åååå tt:mm, for eksempel 1.12.2026 18:30."),
}


def parse_date(text: str) -> dt.date | None:
    """The date in ``text`` as people write it, or None."""
    value = text.strip()
    if match := _NORWEGIAN_DATE.match(value):
        day, month, year_text = match.groups()
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    elif match := _ISO_DATE.match(value):
        year_text, month, day = match.groups()
        year = int(year_text)
    else:
        return None
    try:
        return dt.date(year, int(month), int(day))
    except ValueError:
        return None


def parse_time(text: str) -> dt.time | None:
    """The time of day in ``text`` (18:00, 18.00, 1800, 18), or None."""
    value = text.strip()
    match = _TIME.match(value)
    if match is None:
        return None
    hour_text, minute_text, second_text, hour_digits, minute_digits = match.groups()
    hour = int(hour_text or hour_digits)
    minute = int(minute_text or minute_digits or 0)
    second = int(second_text or 0)
    try:
        return dt.time(hour, minute, second)
    except ValueError:
        return None


def parse_datetime(text: str) -> dt.datetime | None:
    """A date and a time in ``text`` (naive; the form field makes it aware), or None."""
    value = text.strip()
    for match in _BETWEEN.finditer(value):
        day = parse_date(value[: match.start()])
        moment = parse_time(value[match.end() :])
        if day is not None and moment is not None:
            return dt.datetime.combine(day, moment)
    return None


class _TextInput:
    """A text box (Django's date and time inputs are ``type="text"``; the portal never adds
    ``type="date"``) with the format as placeholder and no autofill."""

    placeholder: Any = ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = {"placeholder": str(self.placeholder), "autocomplete": "off", **(attrs or {})}
        return super().get_context(name, value, attrs)  # type: ignore[misc]


class DateInput(_TextInput, forms.DateInput):
    placeholder = _("dd.mm.åååå")

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs=attrs, format=format or DATE_DISPLAY)


class DateTimeInput(_TextInput, forms.DateTimeInput):
    placeholder = _("dd.mm.åååå tt:mm")

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs=attrs, format=format or DATETIME_DISPLAY)


class TimeInput(_TextInput, forms.TimeInput):
    placeholder = _("tt:mm")

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs=attrs, format=format or TIME_DISPLAY)


class DateField(forms.DateField):
    widget = DateInput
    default_error_messages = DATE_MESSAGES

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, str):
            if not value.strip():
                return None
            parsed = parse_date(value)
            if parsed is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            return parsed
        result: dt.date | None = super().to_python(value)
        return result


class TimeField(forms.TimeField):
    widget = TimeInput
    default_error_messages = TIME_MESSAGES

    def to_python(self, value: Any) -> dt.time | None:
        if isinstance(value, str):
            if not value.strip():
                return None
            parsed = parse_time(value)
            if parsed is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            return parsed
        result: dt.time | None = super().to_python(value)
        return result


class DateTimeField(forms.DateTimeField):
    """A date and a time in one box; aware in the current time zone (Europe/Oslo)."""

    widget = DateTimeInput
    default_error_messages = DATETIME_MESSAGES

    def to_python(self, value: Any) -> dt.datetime | None:
        if isinstance(value, str):
            if not value.strip():
                return None
            parsed = parse_datetime(value)
            if parsed is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            value = parsed
        result: dt.datetime | None = super().to_python(value)
        return result

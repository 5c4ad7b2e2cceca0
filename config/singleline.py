"""Text that must stay on one line: titles, names and places, and e-mail subjects.

A line break in a meeting title was stored and then broke the notification e-mail: Django
refuses a header with CR or LF, so the task failed and nobody was told (issue 15 item 9).
Two halves keep that from happening again:

* single-line input (``SingleLineCharField`` on the forms, ``require_single_line`` in the
  services that store titles) refuses every kind of line break with a clear message;
* ``email_subject`` builds every subject so that it cannot fail, whatever is stored: it
  folds all whitespace (line breaks included) into single spaces, drops control
  characters and shortens what is too long.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# What str.splitlines() breaks on: CR, LF, VT, FF, FS, GS, RS, NEL, LS, PS.
LINE_BREAK = re.compile("[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
MESSAGE = _("Skriv dette på én linje, uten linjeskift.")
SUBJECT_MAX_LENGTH = 150


def validate_single_line(value: object) -> None:
    if isinstance(value, str) and LINE_BREAK.search(value):
        raise ValidationError(MESSAGE, code="line_break")


class SingleLineCharField(forms.CharField):
    """A one-line text input (title, name, place) that refuses line breaks."""

    default_validators = [validate_single_line]


def require_single_line(**fields: str | None) -> None:
    """For services: refuse, per field, a value that holds a line break."""
    errors = {
        name: MESSAGE
        for name, value in fields.items()
        if isinstance(value, str) and LINE_BREAK.search(value)
    }
    if errors:
        raise ValidationError(errors)


def email_subject(text: object, *, max_length: int = SUBJECT_MAX_LENGTH) -> str:
    """A subject that any mail backend accepts: one line, no control characters, at most
    ``max_length`` characters (cut at a word where it can be, with an ellipsis)."""
    words = " ".join(str(text).split())
    clean = "".join(ch for ch in words if unicodedata.category(ch) != "Cc")
    if len(clean) <= max_length:
        return clean
    cut = clean[: max_length - 1]
    if " " in cut[max_length // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"

"""Values a view reads by hand from the query string or a form button.

Forms validate their own fields; these helpers are for the few values read outside a form
(``?krav=<id>``, ``remove_seat=<id>``), so a crafted value is a missing object (a message or
a 404), never a ``ValueError`` and a 500 (issue 15 item 7), and for the one form field
Django leaves open to it (a multiple choice of ids).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

_MAX_ID = 2**63 - 1  # the largest primary key a BigAutoField can hold


def parse_id(value: object) -> int | None:
    """The primary key in ``value``, or None when it is not one (not ASCII digits, zero,
    or beyond what the database column holds)."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= _MAX_ID else None


class ModelMultipleIdChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by integer id that refuses what is no id before asking
    the database: Django's ``pk__in`` lookup passes a number beyond the column's range
    straight to SQLite, which raises OverflowError (a 500)."""

    def _check_values(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            for pk in value:
                if parse_id(str(pk)) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)  # type: ignore[misc]

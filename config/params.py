"""Values a view reads by hand from the query string or a form button.

Forms validate their own fields; these helpers are for the few values read outside a form
(``?krav=<id>``, ``remove_seat=<id>``), so a crafted value is a missing object (a message or
a 404), never a ``ValueError`` and a 500 (issue 15 item 7).
"""

from __future__ import annotations

_MAX_ID = 2**63 - 1  # the largest primary key a BigAutoField can hold


def parse_id(value: object) -> int | None:
    """The primary key in ``value``, or None when it is not one (not ASCII digits, zero,
    or beyond what the database column holds)."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= _MAX_ID else None

"""Badges by state (issue 18): one place that says which colour a state's badge gets.

``<span class="badge {{ issue.status|state_badge }}">`` picks the class from the state's
stored value; the colours are tokens at the top of ``static/css/portal.css``.
"""

from __future__ import annotations

from django import template

register = template.Library()

# Stored values of the portal's status choices, by the kind of state they are.
_TODO = ("not_started", "draft", "planned", "pending", "superseded", "upcoming")
_PROGRESS = (
    "in_progress",
    "submitted",
    "proposed",
    "open",
    "satisfied",
    "deferred",
    "due",
    "awaiting_approval",
)
_OK = ("presented", "approved", "accepted", "scheduled")
_DONE = ("achieved", "completed", "reported", "adopted", "held", "closed", "done", "answered")
_STOPPED = ("dropped", "rejected", "declined", "cancelled", "late", "withdrawn")

STATE_CLASSES: dict[str, str] = {
    **dict.fromkeys(_TODO, "badge-todo"),
    **dict.fromkeys(_PROGRESS, "badge-progress"),
    **dict.fromkeys(_OK, "badge-ok"),
    **dict.fromkeys(_DONE, "badge-done"),
    **dict.fromkeys(_STOPPED, "badge-stopped"),
}


@register.filter
def state_badge(status: object) -> str:
    """The badge class of a stored status value; an unknown state gets the neutral badge."""
    return STATE_CLASSES.get(str(status), "badge-todo")

"""Who was at a meeting, as far as other apps know, through the slot
``config.providers.PRESENCE``, so that meetings need not import attendance (dependencies
point attendance → meetings → groups).

An app that records presence registers a provider in its ``AppConfig.ready``; the minutes
form is pre-filled with the union of what the providers return.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from config import providers

if TYPE_CHECKING:
    from meetings.models import Meeting


def present_memberships(meeting: Meeting) -> set[int]:
    """The membership ids that some app recorded as present at ``meeting``."""
    found: set[int] = set()
    for _name, provider in providers.PRESENCE:
        found |= provider(meeting)
    return found

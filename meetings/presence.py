"""Who was at a meeting, as far as other apps know: a registry, so that meetings need not
import attendance (dependencies point attendance → meetings → groups).

An app that records presence registers a provider in its ``AppConfig.ready``; the minutes
form is pre-filled with the union of what the providers return.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from meetings.models import Meeting

Provider = Callable[["Meeting"], set[int]]

_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """Add ``provider``: it takes a meeting and returns the ids of the group's memberships
    recorded as present at it. Registering the same provider twice adds it once."""
    if provider not in _providers:
        _providers.append(provider)


def present_memberships(meeting: Meeting) -> set[int]:
    """The membership ids that some app recorded as present at ``meeting``."""
    found: set[int] = set()
    for provider in _providers:
        found |= provider(meeting)
    return found

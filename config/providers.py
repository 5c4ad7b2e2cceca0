"""Where an app lends a lower app what it knows: named slots, filled at start-up.

Dependencies point one way (attendance → meetings → groups; whistleblowing stands alone),
so a page drawn by a lower app cannot import the apps above it. Instead each page's owner
names a slot here, with the type of callable it takes, and an app above registers its
provider in ``AppConfig.ready``:

    from config import providers
    providers.HOME_WORK.register(home_work, name="attendance")

The page reads the slot (``for name, provider in providers.HOME_WORK``) and decides itself
what a failing provider costs: the health page shows it as a failed row, the home page
leaves it out and logs it, the minutes and the block lists let it fail.

| slot | a provider takes | and returns | read by |
|---|---|---|---|
| ``HEALTH_CHECKS`` | nothing | ``list[config.healthchecks.Check]`` | ``/drift/`` (groups/health.py) |
| ``HOME_WORK`` | the user, the moment | ``list[config.homework.Entry]`` | the home page |
| ``HOME_BLOCKS`` | the user, the moment | ``list[groups.page_blocks.Block]`` | the home page |
| ``MEETING_BLOCKS`` | the user, the moment, ``meeting=`` | ``list[Block]`` | a meeting's page |
| ``PRESENCE`` | a meeting | the ids of memberships present | minutes, leader's screen |
| ``PERIOD_CREATED`` | a new period (``CouncilGroup``) | nothing | ``group_create``, ``period_open`` |

``PERIOD_CREATED`` is a hook, not a read: its providers run in the transaction that creates
the period (meetings stores the period's year's cycle there), so a failing one refuses the
whole creation rather than leave a period half made.

Nothing here imports an app at run time (the types are named for the type checker only):
whistleblowing fills slots and may depend on config/ only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from datetime import datetime

    from config.healthchecks import Check
    from config.homework import Entry
    from groups.models import CouncilGroup
    from groups.page_blocks import Block
    from meetings.models import Meeting


class Slot[P: Callable[..., Any]]:
    """Providers of one kind, in the order they were registered."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: list[tuple[object, P]] = []

    def register(self, provider: P, *, name: object = "") -> None:
        """Add ``provider`` under ``name`` (a text, maybe lazily translated: what a log or a
        failed row calls it; the provider's own name if empty). Registering the same
        provider twice adds it once."""
        if all(existing is not provider for _name, existing in self._entries):
            self._entries.append((name or getattr(provider, "__qualname__", "?"), provider))

    def __iter__(self) -> Iterator[tuple[object, P]]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Slot {self.name}: {len(self._entries)} providers>"


class MeetingBlocks(Protocol):
    def __call__(self, user: Any, now: datetime, *, meeting: Meeting) -> list[Block]: ...


HEALTH_CHECKS: Slot[Callable[[], list[Check]]] = Slot("health checks")
HOME_WORK: Slot[Callable[[Any, datetime], list[Entry]]] = Slot("home work")
HOME_BLOCKS: Slot[Callable[[Any, datetime], list[Block]]] = Slot("home blocks")
MEETING_BLOCKS: Slot[MeetingBlocks] = Slot("meeting blocks")
PRESENCE: Slot[Callable[[Meeting], set[int]]] = Slot("presence")
PERIOD_CREATED: Slot[Callable[[CouncilGroup], object]] = Slot("period created")


def period_created(group: CouncilGroup) -> None:
    """Let every app set up what a new period (``group``) needs, in the caller's
    transaction."""
    for _name, provider in PERIOD_CREATED:
        provider(group)

"""Blocks that other apps add to pages of groups and meetings, through slots of
``config.providers``, so that groups and meetings need not import the apps that fill them
(dependencies point attendance → meetings → groups).

An app registers a provider for a page in its ``AppConfig.ready``. The page calls
``blocks_for`` and includes each block's template with ``block`` (its context).

- ``HOME`` (``providers.HOME_BLOCKS``): the member's home page; the provider gets
  ``(user, now)``.
- ``MEETING`` (``providers.MEETING_BLOCKS``): a meeting's page; the provider gets
  ``(user, now, meeting=meeting)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from config import providers

HOME = providers.HOME_BLOCKS
MEETING = providers.MEETING_BLOCKS


@dataclass(frozen=True)
class Block:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def blocks_for(
    page: providers.Slot[Any], user: Any, now: dt.datetime, **kwargs: Any
) -> list[Block]:
    """Every block the providers registered for ``page`` give ``user`` at ``now``."""
    found: list[Block] = []
    for _name, provider in page:
        found.extend(provider(user, now, **kwargs))
    return found

"""Blocks that other apps add to pages of groups and meetings: a registry, so that groups and
meetings need not import the apps that fill them (dependencies point attendance →
meetings → groups).

An app registers a provider for a page in its ``AppConfig.ready``. The page calls
``blocks_for`` and includes each block's template with ``block`` (its context).

- ``HOME``: the member's home page; the provider gets ``(user, now)``.
- ``MEETING``: a meeting's page; the provider gets ``(user, now, meeting=meeting)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

HOME = "home"
MEETING = "meeting"


@dataclass(frozen=True)
class Block:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


Provider = Callable[..., list[Block]]

_providers: dict[str, list[Provider]] = {}


def register(page: str, provider: Provider) -> None:
    """Add ``provider`` to ``page``; registering the same provider twice adds it once."""
    providers = _providers.setdefault(page, [])
    if provider not in providers:
        providers.append(provider)


def blocks_for(page: str, user: Any, now: dt.datetime, **kwargs: Any) -> list[Block]:
    """Every block the registered providers give ``user`` on ``page`` at ``now``."""
    found: list[Block] = []
    for provider in _providers.get(page, []):
        found.extend(provider(user, now, **kwargs))
    return found

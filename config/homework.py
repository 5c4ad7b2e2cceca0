"""What waits for a user on their home page, from every app, through the slot
``config.providers.HOME_WORK``, so that groups, which draws the home page, need not import
the apps above it (dependencies point attendance → meetings → groups; whistleblowing
stands alone).

An app registers a provider in its ``AppConfig.ready``. A provider takes the user and the
moment (read once by the home view) and returns ``Entry`` rows, each naming the section of
the home page it belongs in (``LEADER``, ``MEMBER``, ...). A provider keeps its query count
flat: a fixed number of queries whatever the number of pending things. A provider that
fails is logged and left out; the home page still answers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from config import providers

logger = logging.getLogger(__name__)

# The home page's sections, in the order it shows them.
MEMBER = "member"
LEADER = "leader"
COURSE_ADMIN = "course_admin"
HANDLER = "handler"
SITE_ADMIN = "site_admin"
SECTIONS = (LEADER, COURSE_ADMIN, HANDLER, SITE_ADMIN, MEMBER)


@dataclass(frozen=True)
class Entry:
    """One thing that waits: ``label`` says what (without the number), ``count`` how many
    (None for a single thing such as the next meeting), ``url`` where to act, ``context``
    which group or date it concerns. ``urgent`` marks a passed or near deadline."""

    section: str
    label: str
    url: str
    count: int | None = None
    context: str = ""
    urgent: bool = False
    order: int = 50


def collect(user: Any, now: datetime) -> dict[str, list[Entry]]:
    """Every provider's entries for ``user`` at ``now``, per section (sections with
    nothing are absent), each section in the providers' ``order``."""
    found: dict[str, list[Entry]] = {}
    for name, provider in providers.HOME_WORK:
        try:
            entries = provider(user, now)
        except Exception:
            logger.exception("home work provider %s failed", name)
            continue
        for entry in entries:
            found.setdefault(entry.section, []).append(entry)
    return {
        section: sorted(found[section], key=lambda e: (e.order, e.context))
        for section in SECTIONS
        if section in found
    }

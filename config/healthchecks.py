"""Checks other apps add to the health page (/drift/), through the slot
``config.providers.HEALTH_CHECKS``, so that groups, which draws the page, need not import
them (whistleblowing imports nothing of groups, and groups nothing of whistleblowing).

An app registers a provider in its ``AppConfig.ready``; the health page shows the checks
the providers return after its own. A provider that fails shows as one failed row with the
error's type; the page itself still answers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from config import providers

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def collect() -> list[Check]:
    """What every registered provider reports now."""
    checks: list[Check] = []
    for name, provider in providers.HEALTH_CHECKS:
        try:
            checks.extend(provider())
        except Exception as exc:
            logger.exception("health check provider %s failed", name)
            checks.append(Check(str(name), False, type(exc).__name__))
    return checks

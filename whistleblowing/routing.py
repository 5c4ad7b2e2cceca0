"""Who receives a report (W8, W9, W10): a pure function over plain data, no database.

* Youth-wing reports go to the youth wing's secretary general, sealed to them only; the
  party secretary general is informed that one exists (metadata, never a key) (W8, W10).
  When the reporter excluded the youth wing's secretary general, the party secretary
  general reads it instead. With no youth-wing secretary general at all the route is not
  ready: nothing is offered, nothing silently goes elsewhere.
* Sexual harassment goes to the designated recipients (both genders where configured, W9),
  otherwise to the secretariat.
* Everything else goes to the secretariat.
* When nobody is left on a party route (none configured, or the one there is excluded), the
  party secretary general receives it: the booklet's "or to the secretary general".
* On party reports the secretaries general hold a sealed key in reserve, so escalation on
  day 14 can open the case for them without anyone being unlocked at that moment (W10).
* The handler the reporter excluded never gets anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

READ = "read"
INFORMED = "informed"
STANDBY = "standby"

SECRETARIAT = "secretariat"
SECRETARY_GENERAL = "secretary_general"
YOUTH_SECRETARY_GENERAL = "youth_secretary_general"
SEXUAL_HARASSMENT = "sexual_harassment"


@dataclass(frozen=True)
class Recipient:
    id: int
    role: str
    gender: str = "other"
    sexual_harassment_recipient: bool = False


def route(
    *,
    category: str,
    youth_wing: bool,
    recipients: Sequence[Recipient],
    excluded_id: int | None,
) -> dict[int, str]:
    """Map handler id to the access it gets. Empty when nobody can receive the report."""
    eligible = [r for r in recipients if r.id != excluded_id]
    general = [r for r in eligible if r.role == SECRETARY_GENERAL]
    youth_general = [r for r in eligible if r.role == YOUTH_SECRETARY_GENERAL]
    secretariat = [r for r in eligible if r.role == SECRETARIAT]

    if youth_wing:
        if youth_general:
            readers = youth_general
        elif any(r.role == YOUTH_SECRETARY_GENERAL for r in recipients):
            readers = general  # the youth wing's general is the one excluded
        else:
            return {}  # not ready: no youth-wing reader holds a key
        result = {r.id: READ for r in readers}
        for r in general:
            result.setdefault(r.id, INFORMED)
        return result
    if category == SEXUAL_HARASSMENT:
        readers = [r for r in eligible if r.sexual_harassment_recipient] or secretariat
    else:
        readers = secretariat
    if not readers:
        readers = general

    result = {r.id: READ for r in readers}
    for r in general:
        result.setdefault(r.id, STANDBY)
    return result


def sealed(access: str) -> bool:
    """Does this access hold a copy of the case key? "Informed" is metadata only."""
    return access in (READ, STANDBY)


def youth_wing_ready(recipients: Sequence[Recipient]) -> bool:
    """Can a youth-wing report be received: is there a youth-wing general with a key?"""
    return any(r.role == YOUTH_SECRETARY_GENERAL for r in recipients)


def gender_balanced(recipients: Sequence[Recipient]) -> bool:
    """W9: are the designated sexual-harassment recipients of both genders?"""
    genders = {r.gender for r in recipients if r.sexual_harassment_recipient}
    return {"female", "male"} <= genders

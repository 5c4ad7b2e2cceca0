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
* The reporter may address a party report to someone named (W8): the leader of the body
  it concerns (a group, local chapter or county), the union representative (staff
  matters) or the secretary general. Only that person reads it, the general holds the
  reserve key as on every party report. An addressed route with nobody holding a key is
  not ready: it is not offered, and nothing goes silently to someone else.
* The handler the reporter excluded never gets anything.

``route_health`` says, for every route, who can read what it receives now.
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
LEADER = "leader"
UNION_REPRESENTATIVE = "union_representative"
SEXUAL_HARASSMENT = "sexual_harassment"

# Whom the reporter addresses (W8).
TO_CENTRAL = "central"
TO_LEADER = "leader"
TO_UNION = "union"
TO_GENERAL = "general"
ADDRESSED = (TO_CENTRAL, TO_LEADER, TO_UNION, TO_GENERAL)


@dataclass(frozen=True)
class Recipient:
    id: int
    role: str
    gender: str = "other"
    sexual_harassment_recipient: bool = False
    has_key: bool = True
    body: str = ""


def _addressed_readers(
    eligible: Sequence[Recipient], addressed_to: str, leader_id: int | None
) -> list[Recipient]:
    if addressed_to == TO_LEADER:
        return [r for r in eligible if r.role == LEADER and r.id == leader_id]
    if addressed_to == TO_UNION:
        return [r for r in eligible if r.role == UNION_REPRESENTATIVE]
    if addressed_to == TO_GENERAL:
        return [r for r in eligible if r.role == SECRETARY_GENERAL]
    return []


def route(
    *,
    category: str,
    youth_wing: bool,
    recipients: Sequence[Recipient],
    excluded_id: int | None,
    addressed_to: str = TO_CENTRAL,
    leader_id: int | None = None,
) -> dict[int, str]:
    """Map handler id to the access it gets. Empty when nobody can receive the report.

    ``recipients`` are those who hold a key; the rest cannot be sealed to."""
    eligible = [r for r in recipients if r.id != excluded_id and r.has_key]
    general = [r for r in eligible if r.role == SECRETARY_GENERAL]
    youth_general = [r for r in eligible if r.role == YOUTH_SECRETARY_GENERAL]
    secretariat = [r for r in eligible if r.role == SECRETARIAT]

    if youth_wing and addressed_to != TO_CENTRAL:
        return {}  # youth-wing reports always go to the youth wing's general
    if addressed_to != TO_CENTRAL:
        addressed = _addressed_readers(eligible, addressed_to, leader_id)
        if not addressed:
            return {}  # not ready, or the one addressed is the one excluded
        result = {r.id: READ for r in addressed}
        for r in general:
            result.setdefault(r.id, STANDBY)
        return result
    if youth_wing:
        if youth_general:
            readers = youth_general
        elif any(r.role == YOUTH_SECRETARY_GENERAL and r.has_key for r in recipients):
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
    return any(r.role == YOUTH_SECRETARY_GENERAL and r.has_key for r in recipients)


def addressable(recipients: Sequence[Recipient]) -> dict[str, list[Recipient]]:
    """W8: the addressed routes that work now, each with who would read it. A route whose
    list is empty is not offered."""
    keyed = [r for r in recipients if r.has_key]
    return {
        TO_LEADER: [r for r in keyed if r.role == LEADER],
        TO_UNION: [r for r in keyed if r.role == UNION_REPRESENTATIVE],
        TO_GENERAL: [r for r in keyed if r.role == SECRETARY_GENERAL],
    }


def gender_balanced(recipients: Sequence[Recipient]) -> bool:
    """W9: are the designated sexual-harassment recipients of both genders?"""
    genders = {r.gender for r in recipients if r.sexual_harassment_recipient}
    return {"female", "male"} <= genders


# --- route health ---------------------------------------------------------------------

CENTRAL = "central"
YOUTH_WING = "youth_wing"
GENERAL = "general"
UNION = "union"
LEADERS = "leader"


@dataclass(frozen=True)
class RouteHealth:
    """One route: who reads what it receives now (``readers``, with a key), who is named
    for it but has no key yet (``waiting``), and who receives it instead because nobody of
    its own can (``fallback``: the booklet's "or to the secretary general")."""

    code: str
    readers: tuple[int, ...]
    waiting: tuple[int, ...] = ()
    fallback: tuple[int, ...] = ()
    body: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.readers)


def _ids(recipients: Sequence[Recipient]) -> tuple[int, ...]:
    return tuple(r.id for r in recipients)


def route_health(recipients: Sequence[Recipient]) -> list[RouteHealth]:
    """Every route and its readers (W8, W9), from the active handlers with or without a
    key. A route without a reader who holds a key is not ``ok``."""

    def split(match: Sequence[Recipient]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return _ids([r for r in match if r.has_key]), _ids([r for r in match if not r.has_key])

    def of(role: str) -> list[Recipient]:
        return [r for r in recipients if r.role == role]

    general_keyed = _ids([r for r in of(SECRETARY_GENERAL) if r.has_key])
    rows = []
    readers, waiting = split(of(SECRETARIAT))
    rows.append(RouteHealth(CENTRAL, readers, waiting, () if readers else general_keyed))
    designated = [r for r in recipients if r.sexual_harassment_recipient]
    readers, waiting = split(designated)
    secretariat_keyed = _ids([r for r in of(SECRETARIAT) if r.has_key])
    rows.append(
        RouteHealth(
            SEXUAL_HARASSMENT,
            readers,
            waiting,
            () if readers else (secretariat_keyed or general_keyed),
        )
    )
    for code, role in (
        (GENERAL, SECRETARY_GENERAL),
        (YOUTH_WING, YOUTH_SECRETARY_GENERAL),
        (UNION, UNION_REPRESENTATIVE),
    ):
        readers, waiting = split(of(role))
        rows.append(RouteHealth(code, readers, waiting))
    leaders = of(LEADER)
    if not leaders:
        rows.append(RouteHealth(LEADERS, ()))
    for leader in sorted(leaders, key=lambda r: (r.body, r.id)):
        readers, waiting = split([leader])
        rows.append(RouteHealth(LEADERS, readers, waiting, body=leader.body))
    return rows

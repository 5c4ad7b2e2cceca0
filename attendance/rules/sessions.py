"""Which sessions count (S9, S13) and their whole study hours (S5)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta

from attendance.rules.types import Key, Participant, Policy, Reason, Session

_MINUTE = timedelta(minutes=1)


def _minutes(delta: timedelta) -> int:
    return delta // _MINUTE


def _session_problems(
    sessions: list[Session], digital_allowed: bool
) -> tuple[dict[Key, Session], list[Reason]]:
    """The sessions that count, and a reason for each one that does not."""
    reasons: list[Reason] = []
    bad: set[Key] = set()
    ordered = sorted(sessions, key=lambda s: (s.start, s.end, repr(s.key)))
    for s in ordered:
        if s.end <= s.start:
            bad.add(s.key)
            reasons.append(
                Reason(
                    "invalid_session",
                    f"Samlingen {s.key} slutter før den begynner, eller varer ingen tid.",
                    session=s.key,
                )
            )
        if s.decision_meeting:
            bad.add(s.key)
            reasons.append(
                Reason(
                    "decision_meeting",
                    f"Samlingen {s.key} er et beslutningsmøte (styremøte eller årsmøte) og "
                    "kan ikke være studiearbeid.",
                    session=s.key,
                )
            )
        if s.digital and not digital_allowed:
            bad.add(s.key)
            reasons.append(
                Reason(
                    "digital_not_allowed",
                    f"Samlingen {s.key} er digital, men studieplanen tillater ikke digitale "
                    "samlinger.",
                    session=s.key,
                )
            )
    valid_in_time = [s for s in ordered if s.end > s.start]
    latest_end: Session | None = None
    for s in valid_in_time:
        if latest_end is not None and s.start < latest_end.end:
            bad.update((s.key, latest_end.key))
            reasons.append(
                Reason(
                    "invalid_session",
                    f"Samlingene {latest_end.key} og {s.key} overlapper i tid; samme tid kan "
                    "bare telle én gang.",
                    session=s.key,
                    other_session=latest_end.key,
                )
            )
        if latest_end is None or s.end > latest_end.end:
            latest_end = s
    counted = {s.key: s for s in ordered if s.key not in bad}
    return counted, reasons


def _index(
    sessions: Iterable[Session], participants: Iterable[Participant]
) -> tuple[list[Session], dict[Key, Participant]]:
    session_list = list(sessions)
    seen: set[Key] = set()
    for s in session_list:
        if not isinstance(s, Session):
            raise ValueError(f"sessions must hold Session objects, got {type(s).__name__}")
        if s.key in seen:
            raise ValueError(f"session key {s.key!r} appears twice")
        seen.add(s.key)
    people: dict[Key, Participant] = {}
    for p in participants:
        if not isinstance(p, Participant):
            raise ValueError(f"participants must hold Participant objects, got {type(p).__name__}")
        if p.key in people:
            raise ValueError(f"participant key {p.key!r} appears twice")
        people[p.key] = p
    return session_list, people


def _study_hours(minutes_by_session: Mapping[Key, int]) -> dict[Key, int]:
    # Under floor_total the per-session figures are for display only; the total is floored
    # once over the whole course (_total_hours).
    return {k: m // 60 for k, m in minutes_by_session.items()}


def _total_hours(policy: Policy, minutes_by_session: Mapping[Key, int]) -> int:
    if policy.rounding == "floor_per_session":
        return sum(m // 60 for m in minutes_by_session.values())
    return sum(minutes_by_session.values()) // 60


def _hours_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return f"{hours} time" if hours == 1 else f"{hours} timer"
    return f"{hours} t {rest} min"

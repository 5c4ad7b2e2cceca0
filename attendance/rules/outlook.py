"""The live view: what a course still needs, assuming everyone attends from now on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType

from attendance.rules.qualification import _needed, _old_enough
from attendance.rules.sessions import _hours_text, _minutes
from attendance.rules.types import (
    Key,
    Participant,
    Policy,
    Presence,
    Reason,
    Session,
    _require_aware,
)
from attendance.rules.verdict import _prepare


@dataclass(frozen=True, slots=True)
class ParticipantOutlook:
    key: Key
    minutes_so_far: int
    minutes_needed: int  # more minutes, from now on, to reach the share; 0 when reached
    can_still_qualify: bool


@dataclass(frozen=True, slots=True)
class Outlook:
    """What a course still needs at ``now``, assuming everyone attends from now on."""

    minutes_total: int
    minutes_remaining: int
    required_minutes: int
    hours_missing: int
    qualified_so_far: frozenset[Key]
    more_participants_needed: int
    minutes_each: int  # how long each of them must still attend
    possible: bool
    participants: Mapping[Key, ParticipantOutlook]
    messages: tuple[str, ...]  # the ``message`` of each of ``reasons``
    reasons: tuple[Reason, ...] = ()  # codes from OUTLOOK_CODES, the numbers in ``params``


def outlook(
    sessions: Iterable[Session],
    participants: Iterable[Participant],
    presences: Iterable[Presence],
    policy: Policy,
    *,
    now: datetime,
    exemption: bool = False,
    exemption_minimum: int | None = None,
    digital_allowed: bool = True,
    course_year: int | None = None,
) -> Outlook:
    """From the presence recorded up to ``now``: who can still reach the share, and how
    many more participants must attend how much of the remaining time for the course to
    hold. A participant not yet seen at all can still come: they count as a newcomer."""
    _require_aware(now, "now")
    now = now.astimezone(UTC)
    course = _prepare(
        sessions,
        participants,
        presences,
        policy,
        digital_allowed=digital_allowed,
        course_year=course_year,
        until=now,
    )
    minutes_total = course.minutes_total
    remaining = sum(
        _minutes(s.end - max(s.start, now)) for s in course.counted.values() if s.end > now
    )
    hours_missing = max(0, policy.min_study_hours - course.study_hours)
    base = policy.base_minutes(minutes_total, course.study_hours)
    required = policy.required_minutes(base)
    per: dict[Key, ParticipantOutlook] = {}
    qualified: set[Key] = set()
    candidates: list[int] = []
    for key, person in course.people.items():
        got = sum(course.present[key].values())
        need = max(0, required - got)
        old_enough = _old_enough(person, course.course_year, policy)
        counts_if_qualified = old_enough and (policy.leader_counts or not person.is_leader)
        can = base > 0 and need <= remaining and old_enough
        per[key] = ParticipantOutlook(key, got, need, can)
        if not counts_if_qualified or base == 0:
            continue
        if need == 0:
            qualified.add(key)
        elif need <= remaining:
            candidates.append(need)
    target = _needed(policy, exemption, exemption_minimum)
    missing = max(0, target - len(qualified))
    candidates.sort()
    # Newcomers can fill the gap when the rest of the course alone meets the share.
    while len(candidates) < missing and base > 0 and required <= remaining:
        candidates.append(required)
    possible = hours_missing == 0 and len(candidates) >= missing and base > 0
    minutes_each = candidates[missing - 1] if missing and len(candidates) >= missing else 0
    notes: list[Reason] = []
    if hours_missing:
        notes.append(
            Reason(
                "hours_missing",
                f"Kurset mangler {hours_missing} hele studietimer; legg til flere samlinger.",
                params=(("hours_missing", hours_missing),),
            )
        )
    if missing == 0:
        notes.append(
            Reason(
                "enough_participants",
                f"{len(qualified)} deltakere har allerede nok frammøte til at kurset holder.",
                params=(("qualified", len(qualified)),),
            )
        )
    elif len(candidates) >= missing:
        who = "1 deltaker til må" if missing == 1 else f"{missing} deltakere til må"
        notes.append(
            Reason(
                "participants_needed",
                f"{who} delta {_hours_text(minutes_each)} av den gjenstående tiden.",
                params=(("missing", missing), ("minutes_each", minutes_each)),
            )
        )
    else:
        notes.append(
            Reason(
                "not_enough_time",
                f"Det trengs {missing} deltakere til, men det er ikke nok tid igjen til at så "
                "mange når kravet.",
                params=(("missing", missing),),
            )
        )
    return Outlook(
        minutes_total=minutes_total,
        minutes_remaining=remaining,
        required_minutes=required,
        hours_missing=hours_missing,
        qualified_so_far=frozenset(qualified),
        more_participants_needed=missing,
        minutes_each=minutes_each,
        possible=possible,
        participants=MappingProxyType(per),
        messages=tuple(r.message for r in notes),
        reasons=tuple(notes),
    )

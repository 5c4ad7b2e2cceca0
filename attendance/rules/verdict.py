"""The course verdict (S3, S5, S12-S16): ``evaluate`` and the setup it shares with the
live view's ``outlook``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from types import MappingProxyType

from attendance.rules.presence import _present_by_session
from attendance.rules.qualification import _needed, _old_enough, _percent, _under_age
from attendance.rules.sessions import (
    _index,
    _minutes,
    _session_problems,
    _study_hours,
    _total_hours,
)
from attendance.rules.types import (
    Evaluation,
    Key,
    Participant,
    ParticipantResult,
    Policy,
    Presence,
    Reason,
    Session,
)


@dataclass(frozen=True, slots=True)
class _Course:
    """What ``evaluate`` and ``outlook`` both start from."""

    people: dict[Key, Participant]
    counted: dict[Key, Session]  # the sessions that count
    session_reasons: list[Reason]  # why the others do not
    minutes_by_session: dict[Key, int]
    minutes_total: int
    study_hours: int
    course_year: int | None
    present: dict[Key, dict[Key, int]]  # minutes per participant per session


def _prepare(
    sessions: Iterable[Session],
    participants: Iterable[Participant],
    presences: Iterable[Presence],
    policy: Policy,
    *,
    digital_allowed: bool,
    course_year: int | None,
    until: datetime | None = None,
) -> _Course:
    if not isinstance(policy, Policy):
        raise ValueError(f"policy must be a Policy, got {type(policy).__name__}")
    session_list, people = _index(sessions, participants)
    counted, reasons = _session_problems(session_list, digital_allowed)
    minutes_by_session = {k: _minutes(s.end - s.start) for k, s in counted.items()}
    if course_year is None and session_list:
        course_year = min(session_list, key=lambda s: s.start).local_year
    all_sessions = {s.key for s in session_list}
    return _Course(
        people=people,
        counted=counted,
        session_reasons=reasons,
        minutes_by_session=minutes_by_session,
        minutes_total=sum(minutes_by_session.values()),
        study_hours=_total_hours(policy, minutes_by_session),
        course_year=course_year,
        present=_present_by_session(presences, counted, all_sessions, people, until),
    )


def evaluate(
    sessions: Iterable[Session],
    participants: Iterable[Participant],
    presences: Iterable[Presence],
    policy: Policy,
    *,
    exemption: bool = False,
    exemption_minimum: int | None = None,
    digital_allowed: bool = True,
    course_year: int | None = None,
) -> Evaluation:
    """Judge a course from its sessions and presence alone. See the module docstring."""
    course = _prepare(
        sessions,
        participants,
        presences,
        policy,
        digital_allowed=digital_allowed,
        course_year=course_year,
    )
    minutes_total, study_hours = course.minutes_total, course.study_hours
    base = policy.base_minutes(minutes_total, study_hours)
    required = policy.required_minutes(base)
    share = policy.min_share
    shares: dict[int, Fraction] = {}  # equal minutes, equal share: build each Fraction once
    results: dict[Key, ParticipantResult] = {}
    notes: list[Reason] = []
    qualifying: set[Key] = set()
    met_share = 0  # present enough, whether or not they count (S3, S12: counts that match)
    for key, person in course.people.items():
        per_session = course.present[key]
        got = sum(per_session.values())
        # S14: exact integer arithmetic, never a rounded percentage.
        meets_share = base > 0 and got * share.denominator >= base * share.numerator
        met_share += meets_share
        old_enough = _old_enough(person, course.course_year, policy)
        if not old_enough:
            notes.append(_under_age(person, course.course_year, policy))
        qualifies = meets_share and old_enough
        counts = qualifies and (policy.leader_counts or not person.is_leader)
        if counts:
            qualifying.add(key)
        if got not in shares:
            shares[got] = Fraction(got, base) if base else Fraction(0)
        results[key] = ParticipantResult(
            key,
            got,
            shares[got],
            old_enough,
            qualifies,
            counts,
            MappingProxyType(per_session),
            max(required - got, 0) if base and not meets_share else 0,
        )

    reasons = course.session_reasons
    if study_hours < policy.min_study_hours:
        reasons.append(
            Reason(
                "too_few_hours",
                f"Kurset har {study_hours} hele studietimer; det må ha minst "
                f"{policy.min_study_hours}.",
                params=(("study_hours", study_hours), ("min_study_hours", policy.min_study_hours)),
            )
        )
    needed = _needed(policy, exemption, exemption_minimum)
    if len(qualifying) < needed:
        if exemption:
            message = (
                f"Kurset har {len(qualifying)} deltakere som har vært til stede minst "
                f"{_percent(policy.min_share)} av tiden; selv med unntak må minst "
                f"{'én' if needed == 1 else needed} delta."
            )
        else:
            message = (
                f"Kurset har {len(qualifying)} deltakere som har vært til stede minst "
                f"{_percent(policy.min_share)} av tiden; det må ha minst {needed}."
            )
        reasons.append(
            Reason(
                "too_few_participants",
                message,
                params=(
                    ("qualifying", len(qualifying)),
                    ("min_participants", needed),
                    ("exemption", int(exemption)),
                    ("met_share", met_share),
                ),
            )
        )
    notes.sort(key=lambda r: repr(r.participant))
    return Evaluation(
        policy=policy,
        study_hours=study_hours,
        minutes_total=minutes_total,
        hours_by_session=MappingProxyType(_study_hours(course.minutes_by_session)),
        minutes_by_session=MappingProxyType(course.minutes_by_session),
        results=MappingProxyType(results),
        qualifying=frozenset(qualifying),
        holds=not reasons,
        reasons=(*reasons, *notes),
        course_year=course.course_year,
        base_minutes=base,
    )

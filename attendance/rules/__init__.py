"""The study-work rules engine (S3, S5, S12-S16): pure Python, standard library only.

Input: a course's sessions, its participants and their presence intervals, and the policy
in force (S15). Output: a frozen :class:`Evaluation` with the study hours, every
participant's minutes present, who qualifies, whether the course holds, and every reason
why not. Nothing else in the portal re-implements these rules; ``attendance.engine``
turns database rows into this input, reads the result and says what each reason means in
the user's language (from its code and numbers; ``Reason.message`` is plain Norwegian).

Contract (binding, see issue 4; names may grow, not change):

* Times are timezone-aware ``datetime`` objects; a naive one raises ``ValueError``.
* A session that ends before (or when) it starts is not an error but a reason
  (``invalid_session``); so is a decision meeting (``decision_meeting``, S13), a digital
  session where the plan does not allow it (``digital_not_allowed``, S9), and two sessions
  overlapping in time (``invalid_session``). Such sessions count for nothing, and the
  course does not hold while they are attached.
* Presence intervals may overlap (a member scanned twice, the leader corrected it): the
  union counts, once. Time outside the session the interval belongs to does not count
  (S16: a disqualified member's interval is simply absent from the input).
* Arithmetic is exact: minutes are integers, the share a ``Fraction``; the 75 % test is
  ``minutes_present * den >= minutes_total * num`` (S14), never a float.
* Study hours are whole clock hours (S5), by a named rounding policy:
  ``floor_per_session`` (default: 18:00-20:30 gives 2) or ``floor_total``.
* The age test (S12): born in year ``b``, the participant turns ``min_age`` by the end of
  the course's year ``y`` when ``y - b >= min_age``. An unknown birth year cannot pass it.
  ``y`` is ``course_year`` when given, else the year of the first session in the time zone
  its start was given in.
* The base of the share is a named policy value (S14, S15): ``session_minutes`` (default:
  the counted sessions' clock minutes, "til stede i minst 75 % av tiden") or
  ``study_hours`` (the course's whole study hours in minutes, "75 % av antall godkjente
  studietimer"). ``Evaluation.base_minutes`` is that base; every share is against it.
* A participant ``qualifies`` when present at least ``min_share`` of the base minutes
  and old enough (this entitles them to a certificate, S8). They ``count`` towards the
  minimum number of participants when they qualify and, for the course leader, when the
  policy says the leader counts (S13). ``Evaluation.qualifying`` holds those who count.
* The course ``holds`` when it has at least ``min_study_hours`` study hours and at least
  ``min_participants`` counting participants (with an approved exemption, S4, at least
  ``exemption_minimum`` (the group's number of representatives) when given, else one),
  and no session is invalid. ``reasons`` lists every course-level reason why not,
  followed by participant-level notes (``Reason.participant`` set), which do not block
  the course: ``holds == all(r.participant is not None for r in reasons)``.
"""

from __future__ import annotations

from attendance.rules.outlook import Outlook, ParticipantOutlook, outlook
from attendance.rules.presence import subtract
from attendance.rules.types import (
    OUTLOOK_CODES,
    REASON_CODES,
    ROUNDING_POLICIES,
    SHARE_BASES,
    Evaluation,
    Participant,
    ParticipantResult,
    Policy,
    Presence,
    Reason,
    Session,
)
from attendance.rules.verdict import evaluate

__all__ = [
    "OUTLOOK_CODES",
    "REASON_CODES",
    "ROUNDING_POLICIES",
    "SHARE_BASES",
    "Evaluation",
    "Outlook",
    "Participant",
    "ParticipantOutlook",
    "ParticipantResult",
    "Policy",
    "Presence",
    "Reason",
    "Session",
    "evaluate",
    "outlook",
    "subtract",
]

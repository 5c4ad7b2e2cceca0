"""The adapter between the database and the rules engine (S3, S5, S9, S12-S16).

Rows in, ``attendance.rules`` input, the engine's result out: ``course_inputs`` reads a
course's sessions, presence and policy in a fixed number of queries, ``course_evaluation``
and ``course_outlook`` run the engine on them. Selectors and services both read the rules
through here; nothing here re-implements a rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance import rules
from attendance.models import Course, ExemptionDecision, Presence, StudyPolicy
from groups.models import User
from meetings.models import Meeting, MeetingMode
from meetings.selectors import disqualified_intervals


@dataclass(frozen=True)
class CourseInputs:
    sessions: list[rules.Session]
    participants: list[rules.Participant]
    presences: list[rules.Presence]
    policy: rules.Policy
    policy_record: StudyPolicy
    exemption: bool
    digital_allowed: bool
    course_year: int | None
    users: dict[int, User]
    meetings: dict[int, Meeting]


def is_digital(meeting: Meeting) -> bool:
    """S9: a session with any digital participation needs a plan that allows digital."""
    return meeting.mode in (MeetingMode.DIGITAL, MeetingMode.HYBRID)


def course_policy(course: Course, first_start: dt.datetime | None = None) -> StudyPolicy:
    """S15: the policy in force at the course's first session (today for a course without)."""
    if first_start is None:
        first = course.sessions.order_by("meeting__starts_at").select_related("meeting").first()
        first_start = first.meeting.starts_at if first else None
    on = timezone.localdate(first_start) if first_start else timezone.localdate()
    policy = StudyPolicy.in_force(on) or StudyPolicy.objects.order_by("valid_from").first()
    if policy is None:
        raise ValidationError(
            _("Det finnes ingen regler for studiearbeid. Kontakt Senterpartiskolen.")
        )
    return policy


def exemption_granted(course: Course) -> bool:
    return course.exemptions.filter(decision=ExemptionDecision.GRANTED).exists()


def course_inputs(course: Course, *, now: dt.datetime | None = None) -> CourseInputs:
    """Rows to engine input, in a fixed number of queries whatever the course's size.

    An open presence interval runs until ``now`` or the meeting's end, whichever is first;
    a disqualified member's time out of the room is subtracted (S16)."""
    now = now or timezone.now()
    course_sessions = list(course.sessions.select_related("meeting").order_by("meeting__starts_at"))
    meetings = {cs.meeting_id: cs.meeting for cs in course_sessions}
    sessions = [
        rules.Session(
            key=m.pk,
            start=m.starts_at,
            end=m.ends_at,
            digital=is_digital(m),
            decision_meeting=m.counts_as_decision_meeting,
        )
        for m in meetings.values()
    ]
    first_start = course_sessions[0].meeting.starts_at if course_sessions else None
    policy_record = course_policy(course, first_start)
    rows = list(
        Presence.objects.filter(meeting_id__in=meetings).values_list(
            "user_id", "meeting_id", "started_at", "ended_at"
        )
    )
    user_ids = {row[0] for row in rows} | {course.course_leader_id}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    presences = []
    for user_id, meeting_id, start, end in rows:
        if end is None:
            end = min(now, meetings[meeting_id].ends_at)
        presences.append(rules.Presence(user_id, meeting_id, start, max(start, end)))
    absences = [
        rules.Presence(user_id, meeting_id, left, max(left, returned))
        for user_id, meeting_id, left, returned in disqualified_intervals(list(meetings))
        if user_id in users
    ]
    if absences:
        presences = rules.subtract(presences, absences)
    participants = [
        rules.Participant(
            key=u.pk, birth_year=u.birth_year, is_leader=u.pk == course.course_leader_id
        )
        for u in users.values()
    ]
    return CourseInputs(
        sessions=sessions,
        participants=participants,
        presences=presences,
        policy=policy_record.to_rules(),
        policy_record=policy_record,
        exemption=exemption_granted(course),
        digital_allowed=course.plan.allows_digital,
        course_year=timezone.localtime(first_start).year if first_start else None,
        users=users,
        meetings=meetings,
    )


def course_evaluation(
    course: Course, *, now: dt.datetime | None = None, inputs: CourseInputs | None = None
) -> rules.Evaluation:
    data = inputs or course_inputs(course, now=now)
    return rules.evaluate(
        data.sessions,
        data.participants,
        data.presences,
        data.policy,
        exemption=data.exemption,
        digital_allowed=data.digital_allowed,
        course_year=data.course_year,
    )


def course_outlook(
    course: Course, *, now: dt.datetime, inputs: CourseInputs | None = None
) -> rules.Outlook:
    data = inputs or course_inputs(course, now=now)
    return rules.outlook(
        data.sessions,
        data.participants,
        data.presences,
        data.policy,
        now=now,
        exemption=data.exemption,
        digital_allowed=data.digital_allowed,
        course_year=data.course_year,
    )


def quarter_of(moment: dt.datetime) -> tuple[int, int]:
    local = timezone.localtime(moment)
    return local.year, (local.month - 1) // 3 + 1


def hours_by_quarter(evaluation: rules.Evaluation, meetings: dict[int, Meeting]) -> dict[str, int]:
    """S7: the course's study hours per quarter of the sessions that gave them. Under
    ``floor_total`` the hours gained by adding minutes across sessions go to the last one."""
    out: dict[str, int] = {}
    last_key = None
    for key, hours in evaluation.hours_by_session.items():
        year, quarter = quarter_of(meetings[int(str(key))].starts_at)
        label = f"{year}-Q{quarter}"
        out[label] = out.get(label, 0) + hours
        last_key = label
    extra = evaluation.study_hours - sum(evaluation.hours_by_session.values())
    if extra and last_key:
        out[last_key] += extra
    return out

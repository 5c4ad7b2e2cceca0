"""The adapter between the database and the rules engine (S3, S5, S9, S12-S16).

Rows in, ``attendance.rules`` input, the engine's result out: ``course_inputs`` reads a
course's sessions, presence and policy in a fixed number of queries, ``course_evaluation``
and ``course_outlook`` run the engine on them, and ``reason_text`` says what a reason means
in the user's language. Selectors and services both read the rules through here; nothing
here re-implements a rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from attendance import rules
from attendance.models import (
    Course,
    CourseSession,
    Exemption,
    ExemptionDecision,
    Presence,
    StudyPolicy,
)
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
    exemption_minimum: int | None  # S4: the group's representatives when it applied
    digital_allowed: bool
    course_year: int | None
    users: dict[int, User]
    meetings: dict[int, Meeting]
    course_sessions: list[CourseSession]  # with meeting and chapter, by start


def is_digital(meeting: Meeting) -> bool:
    """S9: a session with any digital participation needs a plan that allows digital."""
    return meeting.mode in (MeetingMode.DIGITAL, MeetingMode.HYBRID)


def policy_at_start(course: Course, first_start: dt.datetime | None = None) -> StudyPolicy:
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


def course_policy(course: Course, first_start: dt.datetime | None = None) -> StudyPolicy:
    """S15: the policy that judges the course: pinned when it was approved, so a later or
    back-dated policy never re-judges it; until then the one in force at its start."""
    if course.policy_id is not None:
        pinned: StudyPolicy = course.policy  # type: ignore[assignment]
        return pinned
    return policy_at_start(course, first_start)


def granted_exemption(course: Course) -> Exemption | None:
    """S4: the latest granted exemption of the course, if any."""
    return (
        course.exemptions.filter(decision=ExemptionDecision.GRANTED).order_by("-decided_at").first()
    )


def exemption_minimum(granted: Exemption | None) -> int | None:
    """S4: a granted exemption lowers the minimum to the group's number of representatives
    recorded on the application (never to one for a group that has more)."""
    if granted is None or not granted.representatives:
        return None
    return int(granted.representatives)


def course_inputs(course: Course, *, now: dt.datetime | None = None) -> CourseInputs:
    """Rows to engine input, in a fixed number of queries whatever the course's size.

    An open presence interval runs until ``now`` or the meeting's end, whichever is first;
    a disqualified member's time out of the room is subtracted (S16)."""
    now = now or timezone.now()
    course_sessions = list(
        course.sessions.select_related("meeting", "chapter").order_by("meeting__starts_at")
    )
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
    granted = granted_exemption(course)
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
        exemption=granted is not None,
        exemption_minimum=exemption_minimum(granted),
        digital_allowed=course.plan.allows_digital,
        course_year=timezone.localtime(first_start).year if first_start else None,
        users=users,
        meetings=meetings,
        course_sessions=course_sessions,
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
        exemption_minimum=data.exemption_minimum,
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
        exemption_minimum=data.exemption_minimum,
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


# --- what the engine's reasons say, in the user's language ----------------------------------
# rules.Reason carries a code, the sessions and participant it is about, and the numbers in
# ``params``; its ``message`` is plain Norwegian for the engine's own readers. Users read
# these texts instead: translated, and naming meetings and people rather than their keys.
def percent_text(share: Fraction) -> str:
    value = share * 100
    if value.denominator == 1:
        return f"{value.numerator} %"
    return f"{formats.number_format(round(float(value), 1), 1)} %"


def duration_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return ngettext("%(hours)s time", "%(hours)s timer", hours) % {"hours": hours}
    return _("%(hours)s t %(minutes)s min") % {"hours": hours, "minutes": rest}


def _session_label(key: object, inputs: CourseInputs) -> str:
    meeting = inputs.meetings.get(key) if isinstance(key, int) else None
    if meeting is None:
        return str(key)
    return f"{meeting.display_title} ({timezone.localtime(meeting.starts_at):%d.%m.%Y})"


def _person_label(key: object, inputs: CourseInputs) -> str:
    user = inputs.users.get(key) if isinstance(key, int) else None
    return user.full_name if user is not None else str(key)


def _too_few_hours(reason: rules.Reason, inputs: CourseInputs) -> str:
    hours = reason.param("study_hours") or 0
    return ngettext(
        "Kurset har %(hours)s hel studietime; det må ha minst %(minimum)s.",
        "Kurset har %(hours)s hele studietimer; det må ha minst %(minimum)s.",
        hours,
    ) % {"hours": hours, "minimum": reason.param("min_study_hours")}


def share_rule_text(policy: rules.Policy) -> str:
    """S14: the share and its base, in words: "minst 75 % av tiden" (session minutes) or
    "minst 75 % av de godkjente studietimene" (study hours)."""
    share = percent_text(policy.min_share)
    if policy.share_base == "study_hours":
        return _("minst %(share)s av de godkjente studietimene") % {"share": share}
    return _("minst %(share)s av tiden") % {"share": share}


def share_base_text(evaluation: rules.Evaluation) -> str:
    """What every share on a page is measured against, stated next to it (S14)."""
    if evaluation.policy.share_base == "study_hours":
        return ngettext(
            "%(minutes)s minutter (%(hours)s godkjent studietime)",
            "%(minutes)s minutter (%(hours)s godkjente studietimer)",
            evaluation.study_hours,
        ) % {"minutes": evaluation.base_minutes, "hours": evaluation.study_hours}
    return _("%(minutes)s minutter (samlingenes tid)") % {"minutes": evaluation.base_minutes}


def minutes_text(minutes: int) -> str:
    return ngettext("%(n)s minutt", "%(n)s minutter", minutes) % {"n": minutes}


def why_not_texts(
    result: rules.ParticipantResult, user: User, evaluation: rules.Evaluation, is_leader: bool
) -> list[str]:
    """Why a participant does not count, in words (a "Nei" is never left unexplained)."""
    out = []
    if result.minutes_missing:
        out.append(_("mangler %(time)s") % {"time": minutes_text(result.minutes_missing)})
    elif not result.qualifies and not evaluation.base_minutes:
        out.append(_("kurset har ingen tid som teller ennå"))
    if not result.old_enough:
        if user.birth_year is None:
            out.append(_("mangler fødselsår"))
        else:
            out.append(
                _("fyller ikke %(age)s år innen utgangen av %(year)s")
                % {"age": evaluation.policy.min_age, "year": evaluation.course_year}
            )
    if result.qualifies and not result.counts and is_leader:
        out.append(_("kursleder teller ikke som deltaker etter regelsettet"))
    return out


def _too_few_participants(reason: rules.Reason, inputs: CourseInputs) -> str:
    count = reason.param("qualifying") or 0
    minimum = reason.param("min_participants") or 0
    values = {"count": count, "rule": share_rule_text(inputs.policy), "minimum": minimum}
    others = max(0, (reason.param("met_share") or 0) - count)
    note = (
        " "
        + ngettext(
            "%(n)s til har vært til stede nok, men teller ikke med; se hvem og hvorfor under.",
            "%(n)s til har vært til stede nok, men teller ikke med; se hvem og hvorfor under.",
            others,
        )
        % {"n": others}
        if others
        else ""
    )
    return _participants_text(reason, values) + note


def _participants_text(reason: rules.Reason, values: dict[str, object]) -> str:
    count = int(str(values["count"]))
    if reason.param("exemption"):
        return (
            ngettext(
                "Kurset har %(count)s deltaker som har vært til stede %(rule)s; selv med "
                "unntak må minst %(minimum)s delta.",
                "Kurset har %(count)s deltakere som har vært til stede %(rule)s; selv med "
                "unntak må minst %(minimum)s delta.",
                count,
            )
            % values
        )
    return (
        ngettext(
            "Kurset har %(count)s deltaker som har vært til stede %(rule)s; "
            "det må ha minst %(minimum)s.",
            "Kurset har %(count)s deltakere som har vært til stede %(rule)s; "
            "det må ha minst %(minimum)s.",
            count,
        )
        % values
    )


def _decision_meeting(reason: rules.Reason, inputs: CourseInputs) -> str:
    return _(
        "Samlingen %(session)s er et beslutningsmøte (styremøte eller årsmøte) og kan ikke "
        "være studiearbeid."
    ) % {"session": _session_label(reason.session, inputs)}


def _digital_not_allowed(reason: rules.Reason, inputs: CourseInputs) -> str:
    return _(
        "Samlingen %(session)s er digital, men studieplanen tillater ikke digitale samlinger."
    ) % {"session": _session_label(reason.session, inputs)}


def _invalid_session(reason: rules.Reason, inputs: CourseInputs) -> str:
    if reason.other_session is not None:
        return _(
            "Samlingene %(first)s og %(second)s overlapper i tid; samme tid kan bare telle én gang."
        ) % {
            "first": _session_label(reason.other_session, inputs),
            "second": _session_label(reason.session, inputs),
        }
    return _("Samlingen %(session)s slutter før den begynner, eller varer ingen tid.") % {
        "session": _session_label(reason.session, inputs)
    }


def _under_age(reason: rules.Reason, inputs: CourseInputs) -> str:
    values = {
        "name": _person_label(reason.participant, inputs),
        "age": reason.param("min_age"),
        "year": reason.param("course_year"),
    }
    if reason.param("birth_year") is None:
        return (
            _(
                "%(name)s mangler fødselsår, så alderskravet (%(age)s år innen utgangen av "
                "kursåret) kan ikke kontrolleres."
            )
            % values
        )
    if values["year"] is None:
        return (
            _("%(name)s fyller ikke %(age)s år innen utgangen av kursåret og teller ikke med.")
            % values
        )
    return (
        _("%(name)s fyller ikke %(age)s år innen utgangen av %(year)s og teller ikke med.") % values
    )


def _hours_missing(reason: rules.Reason, inputs: CourseInputs) -> str:
    hours = reason.param("hours_missing") or 0
    return ngettext(
        "Kurset mangler %(hours)s hel studietime; legg til flere samlinger.",
        "Kurset mangler %(hours)s hele studietimer; legg til flere samlinger.",
        hours,
    ) % {"hours": hours}


def _enough_participants(reason: rules.Reason, inputs: CourseInputs) -> str:
    count = reason.param("qualified") or 0
    return ngettext(
        "%(count)s deltaker har allerede nok frammøte til at kurset holder.",
        "%(count)s deltakere har allerede nok frammøte til at kurset holder.",
        count,
    ) % {"count": count}


def _participants_needed(reason: rules.Reason, inputs: CourseInputs) -> str:
    count = reason.param("missing") or 0
    return ngettext(
        "%(count)s deltaker til må delta %(time)s av den gjenstående tiden.",
        "%(count)s deltakere til må delta %(time)s av den gjenstående tiden.",
        count,
    ) % {"count": count, "time": duration_text(reason.param("minutes_each") or 0)}


def _not_enough_time(reason: rules.Reason, inputs: CourseInputs) -> str:
    count = reason.param("missing") or 0
    return ngettext(
        "Det trengs %(count)s deltaker til, men det er ikke nok tid igjen til at hen når kravet.",
        "Det trengs %(count)s deltakere til, men det er ikke nok tid igjen til at så mange "
        "når kravet.",
        count,
    ) % {"count": count}


REASON_TEXTS: dict[str, Callable[[rules.Reason, CourseInputs], str]] = {
    "too_few_hours": _too_few_hours,
    "too_few_participants": _too_few_participants,
    "decision_meeting": _decision_meeting,
    "digital_not_allowed": _digital_not_allowed,
    "invalid_session": _invalid_session,
    "under_age": _under_age,
    "hours_missing": _hours_missing,
    "enough_participants": _enough_participants,
    "participants_needed": _participants_needed,
    "not_enough_time": _not_enough_time,
}


def reason_text(reason: rules.Reason, inputs: CourseInputs) -> str:
    """What ``reason`` says, in the active language, about the course of ``inputs``."""
    return REASON_TEXTS[reason.code](reason, inputs)


def reason_texts(
    reasons: Iterable[rules.Reason], inputs: CourseInputs, *, codes: Collection[str] = ()
) -> list[str]:
    """The texts of ``reasons`` (only those with a code in ``codes``, when given)."""
    return [reason_text(r, inputs) for r in reasons if not codes or r.code in codes]


def blocking_texts(evaluation: rules.Evaluation, inputs: CourseInputs) -> list[str]:
    """Why the course does not hold (participant notes left out), in the active language."""
    return [reason_text(r, inputs) for r in evaluation.reasons if r.blocking]

"""Reads of the attendance app: the course's status, the attendance list, the subsidy
report, queues and the member's own hours.

Every figure comes from the rules engine through its adapter, ``attendance.engine``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone, translation

from attendance import rules
from attendance.engine import (
    CourseInputs,
    blocking_texts,
    course_evaluation,
    course_inputs,
    course_outlook,
    reason_texts,
)
from attendance.models import (
    AttendanceListConfirmation,
    Course,
    CourseSession,
    CourseStatus,
    Exemption,
    ExemptionDecision,
    Presence,
    SubsidyRate,
)
from groups.models import CouncilGroup, Membership, MembershipStatus, Seat, User


@dataclass(frozen=True)
class ParticipantRow:
    user: User
    result: rules.ParticipantResult
    hours_by_session: list[Fraction]  # hours present per session, exact
    is_leader: bool

    @property
    def percent(self) -> int:
        """For display and the bar chart only; the verdict is ``result.qualifies``."""
        return int(self.result.share * 100)


@dataclass(frozen=True)
class CourseStatusView:
    inputs: CourseInputs
    evaluation: rules.Evaluation
    outlook: rules.Outlook
    sessions: list[CourseSession]
    rows: list[ParticipantRow]
    threshold_percent: int
    blocking_reasons: list[str]  # why the course does not hold, in the user's language
    outlook_texts: list[str]  # what the live view says is still needed, likewise


def course_status(course: Course, *, now: dt.datetime | None = None) -> CourseStatusView:
    """Everything the live view, the course page and the attendance list show."""
    now = now or timezone.now()
    inputs = course_inputs(course, now=now)
    evaluation = course_evaluation(course, inputs=inputs)
    outlook = course_outlook(course, now=now, inputs=inputs)
    sessions = list(
        course.sessions.select_related("meeting", "chapter").order_by("meeting__starts_at")
    )
    rows = []
    for user_id, result in evaluation.results.items():
        user = inputs.users[int(str(user_id))]
        per = [Fraction(result.minutes_by_session.get(s.meeting_id, 0), 60) for s in sessions]
        rows.append(ParticipantRow(user, result, per, user.pk == course.course_leader_id))
    rows.sort(key=lambda r: (not r.is_leader, r.user.full_name.lower()))
    threshold = inputs.policy.min_share * 100
    return CourseStatusView(
        inputs=inputs,
        evaluation=evaluation,
        outlook=outlook,
        sessions=sessions,
        rows=rows,
        threshold_percent=int(threshold),
        blocking_reasons=blocking_texts(evaluation, inputs),
        outlook_texts=reason_texts(outlook.reasons, inputs),
    )


# --- the attendance list (S12): one build for the page, the CSV and the PDF ---------------
def hours_text(hours: Fraction) -> str:
    """Two decimals, rounded down: the list never shows more than was present."""
    hundredths = hours.numerator * 100 // hours.denominator
    return f"{hundredths // 100},{hundredths % 100:02d}"


@dataclass(frozen=True)
class ListRow:
    name: str
    birth_year: str
    gender: str
    postcode: str
    hours: list[str]  # per session
    total: str
    qualifies: bool
    is_leader: bool

    @property
    def cells(self) -> list[str]:
        """The regulation's fields in the order of the list's columns."""
        return [self.name, self.birth_year, self.gender, self.postcode, *self.hours, self.total]


@dataclass(frozen=True)
class AttendanceList:
    course: Course
    sessions: list[CourseSession]
    dates: list[str]  # of the sessions, dd.mm.yyyy
    session_hours: list[int]  # study hours per session
    session_totals: list[str]  # everyone's hours per session
    rows: list[ListRow]
    study_hours: int
    qualifying: int
    holds: bool
    reasons: list[str]  # the engine's reasons, in the user's language
    fingerprint: str  # sha256 of the content; the leader's confirmation records it
    confirmation: AttendanceListConfirmation | None  # the one that matches the content
    stale_confirmation: AttendanceListConfirmation | None  # the latest, when none matches


def attendance_list(course: Course) -> AttendanceList:
    """S12: per participant present (and the course leader) name, birth year, gender,
    postcode and hours present per session, with the totals, the engine's verdict and the
    course leader's confirmation if it still matches the content."""
    status = course_status(course)
    evaluation = status.evaluation
    shown = [row for row in status.rows if row.result.minutes_present or row.is_leader]
    totals = [
        sum((r.hours_by_session[n] for r in shown), Fraction(0))
        for n in range(len(status.sessions))
    ]
    dates = [timezone.localtime(s.meeting.starts_at).strftime("%d.%m.%Y") for s in status.sessions]
    # The content is fingerprinted in one language, so a list confirmed in English is still
    # confirmed when read in Norwegian (the gender is a translated label).
    with translation.override(settings.LANGUAGE_CODE):
        content = {
            "course": course.pk,
            "dates": dates,
            "rows": [
                [r.name, r.birth_year, r.gender, r.postcode, r.hours, r.total, r.qualifies]
                for r in map(_list_row, shown)
            ],
            "study_hours": evaluation.study_hours,
            "holds": evaluation.holds,
        }
    fingerprint = hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    latest = course.list_confirmations.order_by("-confirmed_at", "-pk").first()
    current = latest if latest is not None and latest.fingerprint == fingerprint else None
    return AttendanceList(
        course=course,
        sessions=status.sessions,
        dates=dates,
        session_hours=[evaluation.hours_by_session.get(s.meeting_id, 0) for s in status.sessions],
        session_totals=[hours_text(total) for total in totals],
        rows=[_list_row(row) for row in shown],
        study_hours=evaluation.study_hours,
        qualifying=len(evaluation.qualifying),
        holds=evaluation.holds,
        reasons=reason_texts(evaluation.reasons, status.inputs),
        fingerprint=fingerprint,
        confirmation=current,
        stale_confirmation=latest if current is None else None,
    )


def _list_row(row: ParticipantRow) -> ListRow:
    user = row.user
    return ListRow(
        name=user.full_name,
        birth_year=str(user.birth_year or ""),
        gender=str(user.get_gender_display()) if user.gender else "",
        postcode=user.postcode,
        hours=[hours_text(h) for h in row.hours_by_session],
        total=hours_text(Fraction(row.result.minutes_present, 60)),
        qualifies=row.result.qualifies,
        is_leader=row.is_leader,
    )


@dataclass(frozen=True)
class SubsidyLine:
    course: Course
    hours: int
    amount: Decimal


@dataclass(frozen=True)
class SubsidyReport:
    year: int
    quarter: int
    rate: SubsidyRate | None
    lines: list[SubsidyLine]

    @property
    def total_hours(self) -> int:
        return sum(line.hours for line in self.lines)

    @property
    def total_amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


def subsidy_report(year: int, quarter: int) -> SubsidyReport:
    """S7: approved study hours per course in the quarter × the year's rate per hour.
    Never multiplied by participants. Hours were frozen when the course was reported."""
    rate = SubsidyRate.objects.filter(year=year).first()
    label = f"{year}-Q{quarter}"
    lines = []
    reported = Course.objects.filter(status=CourseStatus.REPORTED).select_related("group")
    for course in reported.order_by("group__area_name", "title"):
        hours = int(course.reported_hours.get(label, 0))
        if hours:
            amount = (rate.amount_per_hour * hours) if rate else Decimal(0)
            lines.append(SubsidyLine(course, hours, amount))
    return SubsidyReport(year, quarter, rate, lines)


def regular_representatives(group: CouncilGroup) -> int:
    """S4: the group's sitting members, for the exemption's few-representatives ground."""
    return Membership.objects.filter(
        group=group, seat=Seat.REGULAR, status=MembershipStatus.ACTIVE
    ).count()


def admin_queue() -> QuerySet[Course]:
    return (
        Course.objects.filter(status=CourseStatus.SUBMITTED)
        .select_related("group", "plan", "course_leader")
        .order_by("submitted_at")
    )


def pending_exemptions() -> QuerySet[Exemption]:
    return (
        Exemption.objects.filter(decision=ExemptionDecision.PENDING)
        .select_related("course", "course__group")
        .order_by("requested_at")
    )


@dataclass(frozen=True)
class MyCourse:
    course: Course
    result: rules.ParticipantResult | None
    study_hours: int
    threshold_percent: int
    hours_by_session: list[tuple[CourseSession, Fraction]]


def my_courses(user: User) -> list[MyCourse]:
    """The member's own presence, hours and share per course."""
    course_ids = set(
        CourseSession.objects.filter(
            meeting_id__in=Presence.objects.filter(user=user).values("meeting_id")
        ).values_list("course_id", flat=True)
    )
    out = []
    for course in Course.objects.filter(pk__in=course_ids).select_related("plan", "group"):
        status = course_status(course)
        row = next((r for r in status.rows if r.user.pk == user.pk), None)
        out.append(
            MyCourse(
                course=course,
                result=row.result if row else None,
                study_hours=status.evaluation.study_hours,
                threshold_percent=status.threshold_percent,
                hours_by_session=list(
                    zip(status.sessions, row.hours_by_session if row else [], strict=False)
                ),
            )
        )
    return out

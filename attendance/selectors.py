"""Reads of the attendance app: the attendance list, the subsidy report, queues and pages.

Every figure comes from the rules engine through its adapter, ``attendance.engine``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import QuerySet
from django.utils import timezone

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


def attendance_list_rows(course: Course) -> tuple[list[CourseSession], list[list[str]]]:
    """S12: name, birth year, gender, postcode and hours present per session."""
    status = course_status(course)
    rows = []
    for row in status.rows:
        if not row.result.minutes_present and not row.is_leader:
            continue
        rows.append(
            [
                row.user.full_name,
                str(row.user.birth_year or ""),
                row.user.get_gender_display() if row.user.gender else "",
                row.user.postcode,
                *[_hours_text(h) for h in row.hours_by_session],
                _hours_text(Fraction(row.result.minutes_present, 60)),
            ]
        )
    return status.sessions, rows


def _hours_text(hours: Fraction) -> str:
    """Hours with two decimals, rounded down (a list never shows more than was present)."""
    hundredths = hours.numerator * 100 // hours.denominator
    return f"{hundredths // 100},{hundredths % 100:02d}"


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

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
from functools import cached_property

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from attendance import rules
from attendance.engine import (
    CourseInputs,
    blocking_texts,
    course_evaluation,
    course_inputs,
    course_outlook,
    course_policy,
    reason_texts,
    share_base_text,
    share_rule_text,
    why_not_texts,
)
from attendance.models import (
    CHECKIN_OPENS_BEFORE,
    AttendanceListConfirmation,
    Certificate,
    CertificateStatus,
    Consent,
    Course,
    CourseSession,
    CourseStatus,
    Exemption,
    ExemptionDecision,
    Presence,
    QuarterClosing,
    SubsidyRate,
)
from groups.models import CouncilGroup, Membership, MembershipStatus, Seat, User
from meetings.models import Meeting, MeetingStatus


@dataclass(frozen=True)
class ParticipantRow:
    user: User
    result: rules.ParticipantResult
    hours_by_session: list[Fraction]  # hours present per session, exact
    is_leader: bool
    why_not: tuple[str, ...] = ()  # why they do not count, in words ("mangler 35 minutter")

    @property
    def percent(self) -> int:
        """For display and the bar chart only (rounded down, capped at 100, like every share
        shown); the verdict is ``result.qualifies``."""
        return min(100, int(self.result.share * 100))

    @property
    def hours_text(self) -> str:
        return hours_text(Fraction(self.result.minutes_present, 60))

    @property
    def met_share(self) -> bool:
        return self.result.minutes_missing == 0 and self.result.minutes_present > 0


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
    share_rule: str = ""  # "minst 75 % av tiden" (S14: the share and its base, in words)
    base_text: str = ""  # what every share is measured against: "780 minutter (...)"
    missing_birth_year: tuple[User, ...] = ()  # present, but the age cannot be checked (S12)

    @property
    def met_share(self) -> int:
        """How many were present enough, whether or not they count (S3, S12)."""
        return sum(1 for row in self.rows if row.met_share)

    @property
    def present(self) -> int:
        return sum(1 for row in self.rows if row.result.minutes_present)


def course_status(course: Course, *, now: dt.datetime | None = None) -> CourseStatusView:
    """Everything the live view, the course page and the attendance list show."""
    now = now or timezone.now()
    inputs = course_inputs(course, now=now)
    evaluation = course_evaluation(course, inputs=inputs)
    outlook = course_outlook(course, now=now, inputs=inputs)
    sessions = inputs.course_sessions
    rows = []
    for user_id, result in evaluation.results.items():
        user = inputs.users[int(str(user_id))]
        per = [Fraction(result.minutes_by_session.get(s.meeting_id, 0), 60) for s in sessions]
        is_leader = user.pk == course.course_leader_id
        why = tuple(why_not_texts(result, user, evaluation, is_leader))
        rows.append(ParticipantRow(user, result, per, is_leader, why))
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
        share_rule=share_rule_text(inputs.policy),
        base_text=share_base_text(evaluation),
        missing_birth_year=tuple(
            row.user for row in rows if row.result.minutes_present and row.user.birth_year is None
        ),
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

    @property
    def dated_rows(self) -> list[tuple[ListRow, list[tuple[str, str]]]]:
        """Each row with its hours beside the session dates, so a phone's card can label
        each figure with its date."""
        return [(row, list(zip(self.dates, row.hours, strict=True))) for row in self.rows]


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


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}-Q{quarter}"


def parse_label(label: str) -> tuple[int, int]:
    year, quarter = label.split("-Q")
    return int(year), int(quarter)


@dataclass(frozen=True)
class SubsidyLine:
    course_id: int
    title: str
    group: str
    hours: int  # approved study hours in this quarter
    amount: Decimal
    policy: str  # the policy that judged the course: its valid-from date, dd.mm.yyyy
    split: list[tuple[int, int, int]]  # the course's hours per quarter: (year, quarter, hours)

    @property
    def course_hours(self) -> int:
        return sum(hours for _year, _quarter, hours in self.split)

    def as_json(self) -> dict[str, object]:
        return {
            "course": self.course_id,
            "title": self.title,
            "group": self.group,
            "hours": self.hours,
            "amount": str(self.amount),
            "policy": self.policy,
            "split": [list(part) for part in self.split],
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> SubsidyLine:
        split = data.get("split") or []
        return cls(
            course_id=int(str(data["course"])),
            title=str(data["title"]),
            group=str(data["group"]),
            hours=int(str(data["hours"])),
            amount=Decimal(str(data["amount"])),
            policy=str(data.get("policy", "")),
            split=[(int(y), int(q), int(h)) for y, q, h in split],  # type: ignore[attr-defined]
        )


@dataclass(frozen=True)
class SubsidyReport:
    year: int
    quarter: int
    rate_amount: Decimal | None  # kroner per study hour used
    lines: list[SubsidyLine]
    closing: QuarterClosing | None = None  # the version shown, when the quarter is closed
    versions: tuple[QuarterClosing, ...] = ()  # every closed version, newest first

    @property
    def total_hours(self) -> int:
        return sum(line.hours for line in self.lines)

    @property
    def total_amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def is_closed(self) -> bool:
        return self.closing is not None

    @property
    def ended(self) -> bool:
        """Only a quarter that is over can be closed."""
        return quarter_bounds(self.year, self.quarter)[1] <= timezone.now()


def quarter_bounds(year: int, quarter: int) -> tuple[dt.datetime, dt.datetime]:
    """The quarter's first moment and the first moment after it, local time."""
    zone = timezone.get_current_timezone()
    start = dt.datetime(year, 3 * quarter - 2, 1, tzinfo=zone)
    if quarter == 4:
        return start, dt.datetime(year + 1, 1, 1, tzinfo=zone)
    return start, dt.datetime(year, 3 * quarter + 1, 1, tzinfo=zone)


def closed_labels() -> set[str]:
    return {quarter_label(y, q) for y, q in QuarterClosing.objects.values_list("year", "quarter")}


def quarter_closings(year: int, quarter: int) -> tuple[QuarterClosing, ...]:
    return tuple(QuarterClosing.objects.filter(year=year, quarter=quarter).order_by("-version"))


def live_subsidy_lines(year: int, quarter: int, rate: Decimal | None) -> list[SubsidyLine]:
    """S7: approved study hours per course in the quarter × the rate per hour, from the
    hours frozen when each course was reported. Never multiplied by participants."""
    label = quarter_label(year, quarter)
    lines = []
    reported = Course.objects.filter(status=CourseStatus.REPORTED).select_related("group", "policy")
    for course in reported.order_by("group__area_name", "title", "pk"):
        hours = int(course.reported_hours.get(label, 0))
        if not hours:
            continue
        split = sorted(
            (*parse_label(key), int(value))
            for key, value in course.reported_hours.items()
            if int(value)
        )
        policy = course.policy or course_policy(course)
        lines.append(
            SubsidyLine(
                course_id=course.pk,
                title=course.title,
                group=str(course.group),
                hours=hours,
                amount=(rate * hours) if rate is not None else Decimal(0),
                policy=f"{policy.valid_from:%d.%m.%Y}",
                split=split,
            )
        )
    return lines


def subsidy_report(year: int, quarter: int) -> SubsidyReport:
    """S7: the quarter's report. A closed quarter shows its latest closed version, as it was
    closed (rate and hours copied in); an open one is computed from the reported courses at
    the year's rate."""
    versions = quarter_closings(year, quarter)
    if versions:
        latest = versions[0]
        return SubsidyReport(
            year,
            quarter,
            latest.rate_amount,
            [SubsidyLine.from_json(line) for line in latest.lines],
            closing=latest,
            versions=versions,
        )
    rate = SubsidyRate.objects.filter(year=year).first()
    amount = rate.amount_per_hour if rate else None
    return SubsidyReport(year, quarter, amount, live_subsidy_lines(year, quarter, amount))


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
    hours_by_session: list[tuple[CourseSession, str]]  # hours_text: one rounding everywhere
    share_rule: str = ""
    base_text: str = ""
    why_not: tuple[str, ...] = ()
    certificates: tuple[Certificate, ...] = ()  # their own, valid ones (S8)
    percent: int = 0


def my_courses(user: User) -> list[MyCourse]:
    """The member's own presence, hours and share per course."""
    # S8: also courses of a group they have left, or joined as a guest, and those whose
    # attendance data is deleted but whose certificate they still hold.
    course_ids = set(
        CourseSession.objects.filter(
            meeting_id__in=Presence.objects.filter(user=user).values("meeting_id")
        ).values_list("course_id", flat=True)
    ) | set(Certificate.objects.filter(user=user).values_list("course_id", flat=True))
    certificates: dict[int, list[Certificate]] = {}
    for cert in Certificate.objects.filter(user=user, status=CertificateStatus.VALID).order_by(
        "-version"
    ):
        certificates.setdefault(cert.course_id, []).append(cert)
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
                    zip(
                        status.sessions,
                        [hours_text(h) for h in row.hours_by_session] if row else [],
                        strict=False,
                    )
                ),
                share_rule=status.share_rule,
                base_text=status.base_text,
                why_not=row.why_not if row else (),
                certificates=tuple(certificates.get(course.pk, ())),
                percent=row.percent if row else 0,
            )
        )
    out.sort(key=lambda item: item.course.created_at, reverse=True)
    return out


# --- the member's own check-in (S16) -------------------------------------------------------
SELF_SOURCES = ("qr", "link")  # PresenceSource.QR, PresenceSource.LINK


class CheckinState:
    """Where ``user`` stands at one course session: their intervals, whether one is open,
    and whether they may check in again without a fresh scan (they checked in themselves
    earlier at this session, and it has not ended). The intervals are read when first
    asked for: a check-in with a fresh scan needs only ``ended`` (the check-in service
    reads them again under its lock; issue 13), unless the caller has read them already
    (``intervals``, ordered by start)."""

    def __init__(
        self,
        user: User,
        meeting: Meeting,
        course: Course,
        ended: bool,
        intervals: tuple[Presence, ...] | None = None,
    ) -> None:
        self.user, self.meeting, self.course, self.ended = user, meeting, course, ended
        if intervals is not None:
            self.__dict__["intervals"] = intervals  # what the cached property would read

    @cached_property
    def intervals(self) -> tuple[Presence, ...]:
        return tuple(
            _ordered_intervals(Presence.objects.filter(meeting=self.meeting, user=self.user))
        )

    @property
    def open_presence(self) -> Presence | None:
        return next((p for p in self.intervals if p.ended_at is None), None)

    @property
    def last_left(self) -> dt.datetime | None:
        ends = [p.ended_at for p in self.intervals if p.ended_at is not None]
        return max(ends) if ends else None

    @property
    def rejoin_source(self) -> str | None:
        """The source a check-in again uses (the member's own earlier check-in), or None."""
        own = [p for p in self.intervals if p.source in SELF_SOURCES]
        return own[-1].source if own else None

    @property
    def can_check_in_again(self) -> bool:
        return not self.ended and self.open_presence is None and self.rejoin_source is not None


def _session_ended(meeting: Meeting, now: dt.datetime) -> bool:
    return now >= meeting.ends_at or meeting.status == MeetingStatus.CANCELLED


def _ordered_intervals(presences: QuerySet[Presence]) -> QuerySet[Presence]:
    return presences.order_by("started_at", "pk")


def checkin_state(
    user: User,
    session: CourseSession,
    now: dt.datetime,
    intervals: tuple[Presence, ...] | None = None,
) -> CheckinState:
    meeting = session.meeting
    return CheckinState(user, meeting, session.course, _session_ended(meeting, now), intervals)


def my_running_checkins(
    user: User, now: dt.datetime, *, meeting: Meeting | None = None
) -> list[CheckinState]:
    """The sessions running now (or about to start) at which ``user`` has checked in:
    what their home page, "Mine studietimer" and the meeting's page show, so that they can
    check out, or check in again after leaving, until the session ends."""
    presences = Presence.objects.filter(
        user=user,
        meeting__ends_at__gt=now,
        meeting__starts_at__lte=now + CHECKIN_OPENS_BEFORE,
    ).exclude(meeting__status=MeetingStatus.CANCELLED)
    if meeting is not None:
        presences = presences.filter(meeting=meeting)
    # The intervals are read here, for every session at once, not by each state.
    intervals: dict[int, list[Presence]] = {}
    for presence in _ordered_intervals(presences):
        intervals.setdefault(presence.meeting_id, []).append(presence)
    sessions = CourseSession.objects.filter(meeting_id__in=intervals).select_related(
        "meeting", "course"
    )
    return sorted(
        (checkin_state(user, s, now, tuple(intervals[s.meeting_id])) for s in sessions),
        key=lambda s: s.meeting.starts_at,
    )


def registrable_participants(course: Course, on: dt.date) -> QuerySet[User]:
    """S10, S16: everyone the leader can register at a session of ``course``: the group's
    active members (not those declared independent, G16), the course leader, and anyone
    with consent on file for the course (a participant from outside the group who
    scanned once)."""
    members = Membership.objects.filter(group=course.group, status=MembershipStatus.ACTIVE)
    independent = members.filter(independent_from__lte=on).values("user_id")
    consenting = Consent.objects.filter(course=course, withdrawn_at__isnull=True)
    return (
        User.objects.filter(
            Q(pk__in=members.values("user_id"))
            | Q(pk=course.course_leader_id)
            | Q(pk__in=consenting.values("user_id"))
        )
        .exclude(pk__in=independent)
        .filter(is_active=True)
        .distinct()
        .order_by("full_name", "pk")
    )


def checkin_counts(session: CourseSession, now: dt.datetime) -> tuple[int, int]:
    """S9, S16: for the projector's "6 av 9 sjekket inn": how many people have checked in
    at the session's meeting, and how many could (everyone the leader could register, and
    never fewer than those who did)."""
    checked_in = (
        Presence.objects.filter(meeting=session.meeting).values("user_id").distinct().count()
    )
    expected = registrable_participants(session.course, timezone.localdate(now)).count()
    return checked_in, max(checked_in, expected)


# --- the leader's check-in list (S10, S16) -------------------------------------------------
IN, NOT_ARRIVED, LEFT = "in", "not_arrived", "left"


@dataclass(frozen=True)
class CheckinRow:
    """One expected participant on the leader's list: where they stand now (inside, not
    come, gone), since when, and whether their consent (S10) is on file."""

    user: User
    state: str
    since: dt.datetime | None
    has_consent: bool


def _matches(name: str, query: str) -> bool:
    """Every word of ``query`` is part of ``name``, ignoring case (Python's casefold, so
    Æ, Ø, Å and Sami letters match too, also on SQLite, whose LIKE folds only ASCII)."""
    folded = name.casefold()
    return all(word in folded for word in query.casefold().split())


def checkin_rows(session: CourseSession, query: str, now: dt.datetime) -> list[CheckinRow]:
    """S16: the expected participants of ``session`` whose name matches ``query`` (all when
    it is blank), by name, each with their state at ``now``."""
    people = [
        u
        for u in registrable_participants(session.course, timezone.localdate(now))
        if _matches(u.full_name, query)
    ]
    intervals: dict[int, list[Presence]] = {}
    for p in Presence.objects.filter(
        meeting=session.meeting, user_id__in=[u.pk for u in people]
    ).order_by("started_at", "pk"):
        intervals.setdefault(p.user_id, []).append(p)
    consenting = set(
        Consent.objects.filter(
            course=session.course, withdrawn_at__isnull=True, user_id__in=[u.pk for u in people]
        ).values_list("user_id", flat=True)
    )
    rows = []
    for user in people:
        mine = intervals.get(user.pk, [])
        open_ = next((p for p in mine if p.ended_at is None), None)
        if open_ is not None:
            state, since = IN, open_.started_at
        elif mine:
            state, since = LEFT, max(p.ended_at for p in mine if p.ended_at is not None)
        else:
            state, since = NOT_ARRIVED, None
        rows.append(CheckinRow(user, state, since, user.pk in consenting))
    return rows

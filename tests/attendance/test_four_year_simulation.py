"""Issue 10's simulation, for study work: one group lives through a four-year period
(2027-2030) event by event under time-machine. Every quarter a course is planned,
approved, held with check-ins, completed and reported; quarters are closed after they end;
a back-dated policy and a rate change arrive mid-period; the retention sweep runs on past
the period's end. After every step the invariants hold (S7, S10, S15):

- no closed quarter changes (its report reads as it was closed);
- no completed course changes its hours or verdict;
- attendance data is deleted on its date and not before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import time_machine

from attendance import engine, selectors, services
from attendance.models import Course, Presence, PresenceSource, StudyPolicy
from attendance.services.retention import retention_due
from groups.models import User
from tests.conftest import World
from tests.factories.attendance import at, default_plan, make_session_meeting
from tests.factories.groups import make_membership

YEARS = range(2027, 2031)


@dataclass
class Judged:
    course: Course
    hours: int
    holds: bool
    qualifying: frozenset[object]


class Period:
    """What the simulation has seen: verdicts at completion, reports as closed."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.admin = world.users["course_admin"]
        self.leader = world.users["leader"]
        self.judged: list[Judged] = []
        self.closed: dict[tuple[int, int], tuple[int, Decimal, list[object]]] = {}
        self.steps = 0

    def check(self) -> None:
        """The invariants, after every step."""
        self.steps += 1
        for seen in self.judged:
            now = engine.course_evaluation(seen.course)
            assert (now.study_hours, now.holds, now.qualifying) == (
                seen.hours,
                seen.holds,
                seen.qualifying,
            ), f"{seen.course} was re-judged"
        for (year, quarter), (hours, amount, lines) in self.closed.items():
            report = selectors.subsidy_report(year, quarter)
            assert (report.total_hours, report.total_amount) == (hours, amount)
            assert [line.as_json() for line in report.lines] == lines

    def run_course(self, year: int, quarter: int, people: list[User]) -> Course:
        first = at(year, 3 * quarter - 2, 8, 18) + dt.timedelta(days=7)
        with time_machine.travel(first - dt.timedelta(days=5)):
            course = services.course_create(
                actor=self.leader,
                group=self.world.group,
                plan=default_plan(),
                title=f"Studiering {year} K{quarter}",
                course_leader=self.leader,
            )
            meetings = [
                make_session_meeting(self.world.group, starts_at=first + dt.timedelta(weeks=n))
                for n in range(4)
            ]
            for meeting in meetings:
                services.course_session_add(actor=self.leader, course=course, meeting=meeting)
            services.course_submit(actor=self.leader, course=course)
            services.course_approve(actor=self.admin, course=course)
        self.check()
        for meeting in meetings:
            with time_machine.travel(meeting.starts_at):
                for person in people:
                    _presence, created = services.presence_check_in_with_consent(
                        actor=person, meeting=meeting, consent_given=True, source=PresenceSource.QR
                    )
                    assert created
                    # A second scan changes nothing (S16).
                    assert not services.presence_check_in(
                        actor=person, meeting=meeting, source=PresenceSource.QR
                    )[1]
            with time_machine.travel(meeting.ends_at):
                for person in people:
                    services.presence_check_out(actor=person, meeting=meeting)
            self.check()
        with time_machine.travel(meetings[-1].ends_at + dt.timedelta(days=1)):
            services.course_complete(actor=self.leader, course=course)
            evaluation = engine.course_evaluation(course)
            assert evaluation.holds and evaluation.study_hours == 8
            self.judged.append(Judged(course, 8, True, evaluation.qualifying))
        self.check()
        return course

    def report(self, course: Course, when: dt.datetime) -> None:
        with time_machine.travel(when):
            services.course_report(actor=self.leader, course=course)
        self.check()

    def close(self, year: int, quarter: int) -> None:
        end = selectors.quarter_bounds(year, quarter)[1]
        with time_machine.travel(end + dt.timedelta(days=5, hours=10)):
            closing = services.quarter_close(actor=self.admin, year=year, quarter=quarter)
        self.closed[year, quarter] = (closing.total_hours, closing.total_amount, closing.lines)
        self.check()


def test_four_years_of_study_work_never_change_a_closed_quarter_or_a_verdict_s7_s10_s15(
    world: World,
) -> None:
    period = Period(world)
    with time_machine.travel(at(2027, 1, 2, 9)):
        for year in YEARS:
            services.rate_set(actor=period.admin, year=year, amount_per_hour=Decimal("120"))
    people = [world.users["leader"], world.users["member"], world.users["deputy"]]
    people.append(make_membership(world.group).user)
    late: list[tuple[Course, int, int]] = []
    for year in YEARS:
        for quarter in range(1, 5):
            if (year, quarter) == (2029, 1):
                # Mid-period: a back-dated policy asking for 5 participants from the
                # period's start. It would fail every course so far if it re-judged them.
                with time_machine.travel(at(2029, 1, 3, 9)):
                    services.policy_create(
                        actor=period.admin,
                        valid_from=dt.date(2027, 1, 1),
                        min_study_hours=4,
                        min_participants=5,
                        min_share_numerator=3,
                        min_share_denominator=4,
                        min_age=14,
                        leader_counts=True,
                        rounding="floor_per_session",
                        share_base="session_minutes",
                        retention_years=5,
                    )
                people.append(make_membership(world.group).user)
                period.check()
            course = period.run_course(year, quarter, people)
            if quarter == 2:
                late.append((course, year, quarter))  # reported after its quarter is closed
            else:
                period.report(
                    course, selectors.quarter_bounds(year, quarter)[1] - dt.timedelta(days=10)
                )
            period.close(year, quarter)
            for held, y, q in list(late):
                if (y, q) == (year, quarter):
                    period.report(held, selectors.quarter_bounds(y, q)[1] + dt.timedelta(days=20))
                    held.refresh_from_db()
                    # Counted in the quarter it was reported in, never in the closed one.
                    assert held.reported_hours == {f"{y}-Q{q + 1}": 8}
                    late.remove((held, y, q))
            if (year, quarter) == (2029, 2):
                # A rate change mid-year reaches only the quarters not yet closed.
                with time_machine.travel(at(2029, 7, 20, 9)):
                    services.rate_set(actor=period.admin, year=2029, amount_per_hour=Decimal("150"))
                period.check()
                assert selectors.subsidy_report(2029, 3).total_amount == Decimal("1200")  # 8 late h
    assert len(period.judged) == 16 and len(period.closed) == 16
    assert StudyPolicy.objects.count() == 2
    # Every quarter got its hours once: 16 courses of 8 hours.
    assert sum(hours for hours, _amount, _lines in period.closed.values()) == 16 * 8

    # Retention (S10): past the period's end, each course's list goes on its date, not before.
    first = period.judged[0].course
    last_end = first.sessions.order_by("-meeting__ends_at").first().meeting.ends_at
    due = retention_due(last_end, 5)
    services.retention_sweep(now=due - dt.timedelta(minutes=1))
    assert Presence.objects.filter(meeting__course_session__course=first).exists()
    services.retention_sweep(now=due)
    assert not Presence.objects.filter(meeting__course_session__course=first).exists()
    second = period.judged[1].course
    assert Presence.objects.filter(meeting__course_session__course=second).exists()
    for (year, quarter), (hours, amount, _lines) in period.closed.items():
        report = selectors.subsidy_report(year, quarter)
        assert (report.total_hours, report.total_amount) == (hours, amount)
    assert period.steps > 100

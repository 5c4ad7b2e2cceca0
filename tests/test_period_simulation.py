"""Issue 10's simulation: one group lives through a whole four-year period (2027-2030) and
on to 2036, event by event under time-machine, with every periodic task of the beat
schedule (``config.schedule.CELERY_BEAT_SCHEDULE``) run eagerly at noon of every simulated
day from the period's start until the last event. Beside the study work of
``tests/attendance/test_four_year_simulation.py`` (whose ``Period`` keeps the verdicts and
closed reports seen), it lives:

- G7: a half-year plan generated before every half-year from the council dates entered,
  generated again after a council date is added, and plan meetings held with check-ins;
- S7, S15: a course each half-year, completed and reported; every quarter closed after it
  ends; one course reported late (counted in the next quarter); a back-dated policy and
  a rate change mid-period;
- W5, W10: two reports a year; one acknowledged on day 3, one on day 9 (after the day-7
  reminder), one left to reach day 14 (reminders 7 and 12, then the escalation to the
  secretary general), one acknowledged and left past the feedback deadline; all closed;
- W14, S10: the retention sweeps run past the 5-year marks, long after the period ends.

After every beat and every event it asserts the invariants: no plan meeting is in the past
at generation; every reminder and escalation is recorded once, on its day, and each of its
e-mails goes once (distinct Message-ID per recipient); no closed quarter changes; no
completed course changes its verdict; a whistleblowing case is deleted on its
``delete_after`` date, after the 30-day notice, and not before; a course's attendance list
is deleted on its retention date and not before.

Running time, about a minute and a half: the beat runs daily only in windows (the 16 days after a
report, open cases from day 60, 38 days before to 2 days after a deletion date, a day
around a list's retention date, the 2 days before the next event) and weekly elsewhere,
which changes nothing because every sweep finds what is due. A completed course's verdict
is checked until its attendance list is deleted (S10); after that it lives on in the
closed quarters and the certificates. The simulation found one fault, fixed: the 30 days
of W14 notice counted as 30 × 24 hours deleted a case a day late across the DST change.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import importlib
import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from attendance import engine, selectors
from attendance import services as study
from attendance.models import Course, Presence, PresenceSource
from attendance.services.retention import retention_due
from config.celery import app
from config.outbox import message_id
from config.schedule import APPS_WITH_SCHEDULES, CELERY_BEAT_SCHEDULE
from groups.models import User
from meetings import services as meetings
from meetings.models import Meeting
from tests.attendance.test_four_year_simulation import Judged, Period
from tests.conftest import World
from tests.factories import whistleblowing as wb
from tests.factories.attendance import at, default_plan, make_session_meeting
from tests.factories.groups import make_membership
from tests.factories.meetings import make_council_meeting
from whistleblowing import dates as wb_dates
from whistleblowing import services as wbs
from whistleblowing.models import Case, Notification, NotificationKind
from whistleblowing.services.sweeps import OUTBOX

YEARS = range(2027, 2031)
NOON = dt.time(12, 0)
K = NotificationKind


def run_beat() -> None:
    """Every periodic task of the merged beat schedule, called as the worker would."""
    for name in APPS_WITH_SCHEDULES:
        importlib.import_module(f"{name}.tasks")  # registers the tasks (autodiscovery)
    for entry in CELERY_BEAT_SCHEDULE.values():
        app.tasks[str(entry["task"])]()


@dataclass
class Report:
    """A whistleblowing case and what the simulation expects of it (W5, W10, W14)."""

    case_id: str
    received: dt.date
    pattern: str
    closed_at: dt.datetime | None = None
    delete_after: dt.datetime | None = None
    deleted_on: dt.date | None = None
    expected: dict[str, dt.date] = field(default_factory=dict)


@dataclass(order=True)
class Event:
    when: dt.datetime
    seq: int
    label: str = field(compare=False)
    action: Callable[[], object] = field(compare=False)


class Simulation:
    def __init__(self, world: World) -> None:
        self.world = world
        self.period = Period(world)
        self.leader = world.users["leader"]
        self.handler = wb.make_handler()
        self.general = wb.make_handler(role="secretary_general")
        self.events: list[Event] = []
        self._seq = itertools.count()
        self.reports: list[Report] = []
        self.notices: dict[tuple[str, str, int], int] = {}
        self.mailed: Counter[tuple[str, str]] = Counter()
        self.lists: dict[int, dt.datetime] = {}  # course id -> when its list goes (S10)
        self.people: list[User] = [
            world.users["leader"],
            world.users["member"],
            world.users["deputy"],
            make_membership(world.group).user,
        ]
        self.beats = 0
        self.judged_ever = 0
        self.days: set[dt.date] = set()
        self.plan_meetings = 0
        self.held = 0

    # --- the clock ------------------------------------------------------------------
    def at(self, when: dt.datetime, label: str, action: Callable[[], object]) -> None:
        heapq.heappush(self.events, Event(when, next(self._seq), label, action))

    def dense(self, day: dt.date) -> bool:
        for report in self.reports:
            if report.received <= day <= report.received + dt.timedelta(days=16):
                return True
            if report.closed_at is None and day >= report.received + dt.timedelta(days=60):
                return True  # W5: the feedback deadline's window
        for report in self.reports:
            if report.delete_after is not None:
                due = timezone.localtime(report.delete_after).date()
                if due - dt.timedelta(days=38) <= day <= due + dt.timedelta(days=2):
                    return True
        for due_at in self.lists.values():
            due = timezone.localtime(due_at).date()
            if due - dt.timedelta(days=1) <= day <= due + dt.timedelta(days=1):
                return True
        return bool(self.events) and day >= self.events[0].when.date() - dt.timedelta(days=2)

    def run(self, start: dt.date) -> None:
        day = start
        while self.events:
            event = heapq.heappop(self.events)
            while dt.datetime.combine(day, NOON, tzinfo=event.when.tzinfo) < event.when:
                self.beat(dt.datetime.combine(day, NOON, tzinfo=event.when.tzinfo))
                day += dt.timedelta(days=1 if self.dense(day) else 7)
            with time_machine.travel(event.when, tick=False):
                try:
                    event.action()
                except Exception as exc:
                    raise AssertionError(f"{event.label} at {event.when}") from exc
            self.period.check()
            self.check_reports(event.when)

    def beat(self, now: dt.datetime) -> None:
        with time_machine.travel(now, tick=False):
            run_beat()
        self.beats += 1
        self.days.add(now.date())
        self.check_notices()
        self.check_reports(now)
        self.check_lists(now)

    # --- invariants -------------------------------------------------------------------
    def check_notices(self) -> None:
        """W5, W10: each notice row is written once and never again; each of its mails
        goes once to each recipient, with the row's Message-ID."""
        for pk, case_id, kind, ref in Notification.objects.values_list(
            "pk", "case_id", "kind", "ref"
        ):
            key = (str(case_id), kind, ref)
            assert self.notices.setdefault(key, pk) == pk, f"{key} recorded twice"
        for message in mail.outbox:
            msgid = message.extra_headers.get("Message-ID")
            if msgid:
                for to in message.to:
                    self.mailed[msgid, to] += 1
        mail.outbox.clear()
        doubled = [pair for pair, n in self.mailed.items() if n > 1]
        assert not doubled, f"mailed twice: {doubled}"
        ids = {msgid for msgid, _to in self.mailed}
        for pk in Notification.objects.filter(delivered=True, sent=True).values_list(
            "pk", flat=True
        ):
            assert message_id(OUTBOX, pk) in ids, f"notice {pk} marked sent, never mailed"

    def check_reports(self, now: dt.datetime) -> None:
        today = timezone.localtime(now).date()
        for report in self.reports:
            exists = Case.objects.filter(pk=report.case_id).exists()
            # Deleted by the first daily beat at or after its date (the sweep runs at noon here).
            gone_by = None
            if report.delete_after is not None:
                local = timezone.localtime(report.delete_after)
                gone_by = dt.datetime.combine(local.date(), NOON, tzinfo=now.tzinfo)
                if gone_by < report.delete_after:
                    gone_by += dt.timedelta(days=1)
            if gone_by is not None and now >= gone_by:
                assert not exists, f"case {report.pattern} kept past {report.delete_after}"
                report.deleted_on = report.deleted_on or today
                continue
            assert exists, f"case {report.pattern} deleted before its date"
            rows = {
                kind: timezone.localtime(created).date()
                for kind, created, delivered in Notification.objects.filter(
                    case_id=report.case_id
                ).values_list("kind", "created_at", "delivered")
                if delivered
            }
            due = {  # the day's noon beat has run
                kind: day
                for kind, day in report.expected.items()
                if dt.datetime.combine(day, NOON, tzinfo=now.tzinfo) <= now
            }
            for kind, day in rows.items():
                if kind in (K.NEW_REPORT, K.DELETION_NOTICE, K.REPORTER_MESSAGE):
                    continue
                assert kind in report.expected, f"{report.pattern}: unexpected {kind} {day}"
            assert {k: rows.get(k) for k in due} == due, (report.pattern, rows, due)
            if K.DELETION_NOTICE in rows:
                assert report.delete_after is not None
                notice_day = rows[K.DELETION_NOTICE]
                assert notice_day == timezone.localtime(report.delete_after).date() - dt.timedelta(
                    days=30
                ), "the deletion notice goes 30 days before (W14)"

    def check_lists(self, now: dt.datetime) -> None:
        """S10: a course's attendance list is there until its date, and gone from it."""
        for course_id, due in self.lists.items():
            present = Presence.objects.filter(meeting__course_session__course=course_id).exists()
            assert present == (now < due), f"course {course_id} list at {now} (due {due})"
            if not present:
                # Its presence is gone by design (S10): from here the verdict, kept in the
                # closed quarters and the certificates, is no longer judged again.
                self.period.judged = [j for j in self.period.judged if j.course.pk != course_id]

    # --- G7: the half-year plan ------------------------------------------------------
    def plan_half(self, year: int, half: int) -> None:
        first = 1 if half == 1 else 8
        for month in (first + 1, first + 3):
            make_council_meeting(self.world.group, at(year, month, 12, 10))
        self.generate(year, half)
        # The first ordinary group meeting of the plan is held, with check-ins.
        held = list(
            Meeting.objects.filter(
                plan__year=year, plan__half=half, kind="group", council_slot=""
            ).order_by("starts_at")[:2]
        )
        assert len(held) == 2
        self.hold(held)
        # A council date added later: generated again, only future meetings are added.
        later = at(year, first + 4, 20, 10)

        def add_and_generate() -> None:
            make_council_meeting(self.world.group, later)
            self.generate(year, half)

        self.at(later - dt.timedelta(days=40), "council date added", add_and_generate)

    def generate(self, year: int, half: int) -> None:
        now = timezone.now()
        before = set(Meeting.objects.values_list("pk", flat=True))
        generated = meetings.plan_generate(
            actor=self.leader, group=self.world.group, year=year, half=half
        )
        new = generated.plan.meetings.exclude(pk__in=before)
        assert new.count() == generated.created > 0
        assert not new.filter(starts_at__lte=now).exists(), "a plan meeting in the past (G7)"
        self.plan_meetings += generated.created

    def hold(self, held: list[Meeting]) -> None:
        """The plan's first two group meetings held as a course, so members check in (S15)."""
        box: dict[str, Any] = {}

        def approve() -> None:
            course = study.course_create(
                actor=self.leader,
                group=self.world.group,
                plan=default_plan(),
                title=f"Gruppemøter {held[0].starts_at:%Y-%m-%d}",
                course_leader=self.leader,
            )
            for meeting in held:
                study.course_session_add(actor=self.leader, course=course, meeting=meeting)
            study.course_submit(actor=self.leader, course=course)
            study.course_approve(actor=self.period.admin, course=course)
            box["course"] = course

        def check_in(meeting: Meeting) -> None:
            for person in self.people[:3]:
                assert study.presence_check_in_with_consent(
                    actor=person, meeting=meeting, consent_given=True, source=PresenceSource.QR
                )[1]
            self.held += 1

        def check_out(meeting: Meeting) -> None:
            for person in self.people[:3]:
                study.presence_check_out(actor=person, meeting=meeting)

        def complete() -> None:
            course: Course = box["course"]
            study.course_complete(actor=self.leader, course=course)
            seen = engine.course_evaluation(course)
            self.period.judged.append(Judged(course, seen.study_hours, seen.holds, seen.qualifying))
            self.judged_ever += 1
            self.lists[course.pk] = retention_due(held[-1].ends_at, 5)

        self.at(held[0].starts_at - dt.timedelta(days=3), "plan meetings as a course", approve)
        for meeting in held:
            self.at(meeting.starts_at, "plan meeting held", functools.partial(check_in, meeting))
            self.at(meeting.ends_at, "plan meeting ends", functools.partial(check_out, meeting))
        self.at(held[-1].ends_at + dt.timedelta(hours=1), "plan meetings completed", complete)

    # --- S7, S15: courses, reports, quarters -------------------------------------------
    def course(self, year: int, month: int, late: bool = False) -> None:
        first = at(year, month, 4, 17) + dt.timedelta(days=(1 - at(year, month, 4).weekday()) % 7)
        box: dict[str, Any] = {}

        def create() -> None:
            course = study.course_create(
                actor=self.leader,
                group=self.world.group,
                plan=default_plan(),
                title=f"Studiering {year}-{month}",
                course_leader=self.leader,
            )
            box["meetings"] = [
                make_session_meeting(
                    self.world.group,
                    starts_at=first + dt.timedelta(weeks=n),
                    ends_at=first + dt.timedelta(weeks=n, hours=2),
                )
                for n in range(4)
            ]
            for meeting in box["meetings"]:
                study.course_session_add(actor=self.leader, course=course, meeting=meeting)
            study.course_submit(actor=self.leader, course=course)
            study.course_approve(actor=self.period.admin, course=course)
            box["course"] = course

        def session(n: int, phase: str) -> None:
            meeting = box["meetings"][n]
            for person in self.people:
                if phase == "in":
                    assert study.presence_check_in_with_consent(
                        actor=person, meeting=meeting, consent_given=True, source=PresenceSource.QR
                    )[1]
                else:
                    study.presence_check_out(actor=person, meeting=meeting)

        def complete() -> None:
            course: Course = box["course"]
            study.course_complete(actor=self.leader, course=course)
            evaluation = engine.course_evaluation(course)
            assert evaluation.holds and evaluation.study_hours == 8
            self.period.judged.append(Judged(course, 8, True, evaluation.qualifying))
            self.lists[course.pk] = retention_due(box["meetings"][-1].ends_at, 5)

        def report() -> None:
            study.course_report(actor=self.leader, course=box["course"])
            if late:
                box["course"].refresh_from_db()
                quarter = (month - 1) // 3 + 1
                assert box["course"].reported_hours == {f"{year}-Q{quarter + 1}": 8}

        self.at(first - dt.timedelta(days=5), "course planned and approved", create)
        for n in range(4):
            self.at(first + dt.timedelta(weeks=n), "session", functools.partial(session, n, "in"))
            self.at(
                first + dt.timedelta(weeks=n, hours=2),
                "session",
                functools.partial(session, n, "out"),
            )
        self.at(first + dt.timedelta(weeks=3, days=1), "course completed", complete)
        quarter_end = selectors.quarter_bounds(year, (month - 1) // 3 + 1)[1]
        when = quarter_end + dt.timedelta(days=20) if late else first + dt.timedelta(weeks=4)
        self.at(when, "course reported", report)

    def close_quarter(self, year: int, quarter: int) -> None:
        end = selectors.quarter_bounds(year, quarter)[1]

        def close() -> None:
            closing = study.quarter_close(actor=self.period.admin, year=year, quarter=quarter)
            self.period.closed[year, quarter] = (
                closing.total_hours,
                closing.total_amount,
                closing.lines,
            )

        self.at(end + dt.timedelta(days=5, hours=10), "quarter closed", close)

    # --- W5, W10, W14: whistleblowing -------------------------------------------------
    def whistleblow(self, when: dt.datetime, pattern: str) -> None:
        def file() -> None:
            case = wb.submit(description=f"Et varsel ({pattern}).").case
            day = timezone.localtime(when).date()
            report = Report(str(case.pk), day, pattern)
            d = lambda n: day + dt.timedelta(days=n)  # noqa: E731
            if pattern == "late":  # left to reach day 14 (W5, W10)
                report.expected = {K.REMINDER_DAY_7: d(7), K.REMINDER_DAY_12: d(12)}
                report.expected[K.ESCALATION_DAY_14] = d(14)
                self.act(when, 16, report, close_after=40)
            elif pattern == "day9":
                report.expected = {K.REMINDER_DAY_7: d(7)}
                self.act(when, 9, report, close_after=50)
            elif pattern == "no_feedback":  # acknowledged, then nothing for 3 months
                self.act(when, 2, report, close_after=100)
                ack = d(2)
                due = wb_dates.add_months(dt.datetime.combine(ack, NOON, tzinfo=when.tzinfo), 3)
                report.expected = {
                    K.FEEDBACK_REMINDER: due.date() - dt.timedelta(days=14),
                    K.FEEDBACK_OVERDUE: due.date(),
                }
            else:
                self.act(when, 3, report, close_after=30)
            self.reports.append(report)

        self.at(when, f"report filed ({pattern})", file)

    def act(self, filed: dt.datetime, ack_day: int, report: Report, close_after: int) -> None:
        def key_and_case() -> tuple[bytes, Case]:
            case = Case.objects.get(pk=report.case_id)
            return wb.case_key(self.handler, case), case

        def acknowledge() -> None:
            key, case = key_and_case()
            wbs.case_acknowledge(handler=self.handler, case=case, key=key, message="Mottatt.")

        def close() -> None:
            key, case = key_and_case()
            closed = wbs.case_close(
                handler=self.handler, case=case, key=key, reason="Ferdig.", final_message="Takk."
            )
            report.closed_at, report.delete_after = closed.closed_at, closed.delete_after
            assert closed.closed_at is not None
            assert closed.delete_after == wb_dates.add_years(closed.closed_at, 5)

        ack = filed.replace(hour=10) + dt.timedelta(days=ack_day)
        self.at(ack, "report acknowledged", acknowledge)
        self.at(ack + dt.timedelta(days=close_after), "case closed", close)


@pytest.mark.long
@pytest.mark.django_db
def test_a_group_lives_a_four_year_period_with_the_beat_running_daily_G7_S7_S15_W5_W10_W14(
    world: World,
) -> None:
    # The group's four-year period is the simulated one (G24: closed once the next begins).
    world.group.period_start, world.group.period_end = dt.date(2027, 1, 1), dt.date(2031, 1, 1)
    world.group.closed_from = None
    world.group.save(update_fields=["period_start", "period_end", "closed_from"])
    sim = Simulation(world)
    admin = sim.period.admin
    with time_machine.travel(at(2027, 1, 2, 9), tick=False):
        for year in YEARS:
            study.rate_set(actor=admin, year=year, amount_per_hour=Decimal("120"))
    patterns = itertools.cycle(["acknowledged", "late", "day9", "no_feedback"])
    for year in YEARS:
        for half in (1, 2):
            prepare = at(year, 1, 4, 9) if half == 1 else at(year, 6, 10, 9)
            sim.at(prepare, f"plan {year}/{half}", functools.partial(sim.plan_half, year, half))
        sim.course(year, 1)
        sim.course(year, 8 if year != 2028 else 5, late=year == 2028)
        for quarter in range(1, 5):
            sim.close_quarter(year, quarter)
        sim.whistleblow(at(year, 3, 20, 14), next(patterns))
        sim.whistleblow(at(year, 10, 2, 11), next(patterns))

    def policy() -> None:
        # Back-dated to the period's start, stricter: re-judging would fail every course.
        study.policy_create(
            actor=admin,
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
        sim.people.append(make_membership(world.group).user)

    sim.at(at(2029, 1, 2, 9), "back-dated policy", policy)

    def rate_change() -> None:
        study.rate_set(actor=admin, year=2029, amount_per_hour=Decimal("150"))

    sim.at(at(2029, 7, 20, 9), "rate change", rate_change)
    # Retention runs on past the 5-year marks: the last closed case and course list go
    # in 2036; the sweeps carry on until a day past the last of them.
    sim.at(at(2036, 6, 1, 13), "the end", lambda: None)

    sim.run(dt.date(2027, 1, 1))

    # Every course was judged and kept its verdict until its list was deleted (S10).
    assert sim.judged_ever == 8 and not sim.period.judged and len(sim.period.closed) == 16
    assert sum(hours for hours, _amount, _lines in sim.period.closed.values()) == 8 * 8
    assert sim.held == 16 and sim.plan_meetings > 8 * 4
    assert len(sim.reports) == 8
    for report in sim.reports:
        assert report.delete_after is not None
        assert report.deleted_on == timezone.localtime(report.delete_after).date()
    assert (
        not Case.objects.exists()
        and not Presence.objects.filter(meeting__course_session__isnull=False).exists()
    )
    escalations = [k for k in sim.notices if k[1] == K.ESCALATION_DAY_14]
    assert len(escalations) == 2  # the two "late" reports
    assert len(sim.days) > 700 and sim.beats == len(sim.days)

"""Courses through the services and the adapter to the engine (S1-S16)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance import engine, selectors, services
from attendance.models import (
    Consent,
    Course,
    CourseStatus,
    ExemptionDecision,
    ExemptionGround,
    Presence,
    StudyPlan,
    StudyPolicy,
)
from attendance.services.retention import retention_due
from groups.models import AuditEntry
from tests.conftest import World
from tests.factories.attendance import (
    at,
    default_plan,
    ensure_seed,
    make_course,
    make_disqualification,
    make_presence,
    make_session_meeting,
)
from tests.factories.groups import make_membership, make_user


def four_sessions(world: World, start: dt.datetime | None = None):
    start = start or at(2024, 2, 6, 18)
    return [
        make_session_meeting(world.group, starts_at=start + dt.timedelta(weeks=i)) for i in range(4)
    ]


def crowd(world: World, n: int):
    users = [world.users["leader"], world.users["member"], world.users["deputy"]]
    while len(users) < n:
        users.append(make_membership(world.group).user)
    return users[:n]


def test_the_default_plan_has_the_booklets_seven_chapters_and_questions_s2(db):
    ensure_seed()  # what the data migration does (a transactional test may have flushed it)
    plan = StudyPlan.objects.get(is_default=True)
    assert plan.name == "Politisk arbeid"
    assert plan.is_approved
    titles = list(plan.chapters.values_list("number", "title"))
    assert titles == [
        (1, "Arbeidet i kommunestyregruppa"),
        (2, "Folkevalgt på Senterpartivis"),
        (3, "Kommunestyregruppa og lokallaget"),
        (4, "Om økonomi og planarbeid"),
        (5, "Politikkutvikling i fireårsperioden"),
        (6, "Bærekraftige kommuner"),
        (7, "Til avslutning: Mye handler om kommunikasjon"),
    ]
    chapter3 = plan.chapters.get(number=3)
    assert len(chapter3.discussion_questions) == 7
    assert chapter3.discussion_questions[2] == "Hvordan vil dere håndtere uenighet?"
    assert plan.objectives


def test_only_the_group_leader_creates_a_course_s1_s11(world: World):
    with pytest.raises(PermissionDenied):
        services.course_create(
            actor=world.users["member"],
            group=world.group,
            plan=default_plan(),
            title="Studiering",
            course_leader=world.users["member"],
        )
    course = services.course_create(
        actor=world.users["leader"],
        group=world.group,
        plan=default_plan(),
        title="Studiering",
        course_leader=world.users["member"],
    )
    assert course.status == CourseStatus.DRAFT
    assert AuditEntry.objects.filter(action="course.create", target_id=str(course.pk)).exists()


def test_the_course_leader_must_be_in_the_group_and_the_plan_approved_s2(world: World):
    with pytest.raises(ValidationError) as outsider:
        services.course_create(
            actor=world.users["leader"],
            group=world.group,
            plan=default_plan(),
            title="Studiering",
            course_leader=world.users["outsider"],
        )
    assert "course_leader" in outsider.value.error_dict
    draft_plan = StudyPlan.objects.create(name="Utkast", learning_objectives="Mål")
    with pytest.raises(ValidationError) as unapproved:
        services.course_create(
            actor=world.users["leader"],
            group=world.group,
            plan=draft_plan,
            title="Studiering",
            course_leader=world.users["leader"],
        )
    assert "plan" in unapproved.value.error_dict


def test_a_board_meeting_can_never_be_a_session_s13(world: World):
    course = make_course(world.group, world.users["leader"])
    board = make_session_meeting(world.group, kind="board")
    with pytest.raises(ValidationError, match="beslutningsmøter"):
        services.course_session_add(actor=world.users["leader"], course=course, meeting=board)


def test_a_digital_session_needs_a_plan_that_allows_it_s9(world: World):
    plan = StudyPlan.objects.create(
        name="Bare fysisk", learning_objectives="Mål", is_approved=True, allows_digital=False
    )
    course = make_course(world.group, world.users["leader"], plan=plan)
    digital = make_session_meeting(world.group, mode="hybrid")
    with pytest.raises(ValidationError, match="digitale"):
        services.course_session_add(actor=world.users["leader"], course=course, meeting=digital)


def test_a_meeting_of_another_group_or_another_course_is_refused(world: World):
    course = make_course(world.group, world.users["leader"])
    foreign = make_session_meeting(world.other_group)
    with pytest.raises(ValidationError, match="annen gruppe"):
        services.course_session_add(actor=world.users["leader"], course=course, meeting=foreign)
    taken = make_session_meeting(world.group)
    make_course(world.group, world.users["leader"], meetings=[taken])
    with pytest.raises(ValidationError, match="allerede"):
        services.course_session_add(actor=world.users["leader"], course=course, meeting=taken)


def test_the_workflow_from_draft_to_reported_s1_s3_s7(world: World):
    leader, admin = world.users["leader"], world.users["course_admin"]
    meetings = four_sessions(world)  # 4 × 2 h = 8 study hours
    course = make_course(world.group, leader, meetings=meetings)
    services.course_submit(actor=leader, course=course)
    assert course.status == CourseStatus.SUBMITTED
    assert not course.is_editable
    with pytest.raises(ValidationError, match="Trekk det tilbake"):
        services.course_session_add(
            actor=leader, course=course, meeting=make_session_meeting(world.group)
        )
    with pytest.raises(PermissionDenied):
        services.course_approve(actor=leader, course=course)
    services.course_approve(actor=admin, course=course)
    for user in crowd(world, 4):
        for m in meetings:
            make_presence(m, user)
    with (
        time_machine.travel(at(2024, 2, 26, 18), tick=False),
        pytest.raises(ValidationError, match="siste samling"),
    ):
        services.course_complete(actor=leader, course=course)
    with time_machine.travel(at(2024, 4, 1, 12), tick=False):
        services.course_complete(actor=leader, course=course)
        services.course_report(actor=leader, course=course)
    assert course.status == CourseStatus.REPORTED
    assert course.reported_hours == {"2024-Q1": 8}


def test_a_course_that_does_not_hold_cannot_be_reported_s3(world: World):
    leader = world.users["leader"]
    meetings = four_sessions(world)
    course = make_course(world.group, leader, status=CourseStatus.COMPLETED, meetings=meetings)
    for user in crowd(world, 3):
        for m in meetings:
            make_presence(m, user)
    with pytest.raises(ValidationError, match="minst 4"):
        services.course_report(actor=leader, course=course)


def test_a_course_under_four_study_hours_cannot_be_submitted_s3_s5(world: World):
    leader = world.users["leader"]
    short = [
        make_session_meeting(
            world.group, starts_at=at(2024, 3, 5, 18), ends_at=at(2024, 3, 5, 20, 30)
        ),
        make_session_meeting(
            world.group, starts_at=at(2024, 3, 6, 18), ends_at=at(2024, 3, 6, 19, 45)
        ),
    ]
    course = make_course(world.group, leader, meetings=short)
    with pytest.raises(ValidationError, match="3 hele studietimer"):
        services.course_submit(actor=leader, course=course)


def test_a_rejection_needs_a_reason_and_the_course_can_be_fixed_and_resubmitted(world: World):
    admin, leader = world.users["course_admin"], world.users["leader"]
    course = make_course(
        world.group, leader, status=CourseStatus.SUBMITTED, meetings=four_sessions(world)
    )
    with pytest.raises(ValidationError):
        services.course_reject(actor=admin, course=course, reason="  ")
    services.course_reject(actor=admin, course=course, reason="Samlingene mangler kapittel")
    assert course.status == CourseStatus.REJECTED
    assert course.is_editable
    services.course_submit(actor=leader, course=course)
    assert course.status == CourseStatus.SUBMITTED
    assert course.rejection_reason == ""


def test_exemption_only_for_a_group_with_fewer_than_four_representatives_s4(world: World):
    leader, admin = world.users["leader"], world.users["course_admin"]
    course = make_course(world.group, leader, meetings=four_sessions(world))
    # The world's group has 4 regular members (leader, deputy, member, faction leader).
    with pytest.raises(ValidationError, match="færre enn 4"):
        services.exemption_request(
            actor=leader, course=course, ground=ExemptionGround.FEW_REPRESENTATIVES, reason="Få"
        )
    # Issue 10: a ground not in the booklet (illness) is refused.
    with pytest.raises(ValidationError, match="grunnlaget"):
        services.exemption_request(
            actor=leader, course=course, ground=ExemptionGround.ILLNESS, reason="To er sykmeldt"
        )
    world.memberships["faction_leader"].seat = "substitute"
    world.memberships["faction_leader"].save()
    exemption = services.exemption_request(
        actor=leader, course=course, ground=ExemptionGround.FEW_REPRESENTATIVES, reason="Tre"
    )
    assert exemption.representatives == 3
    with pytest.raises(ValidationError, match="allerede"):
        services.exemption_request(
            actor=leader, course=course, ground=ExemptionGround.FEW_REPRESENTATIVES, reason="Igj"
        )
    with pytest.raises(PermissionDenied):
        services.exemption_decide(actor=leader, exemption=exemption, grant=True, note="")
    with pytest.raises(ValidationError):
        services.exemption_decide(actor=admin, exemption=exemption, grant=False, note="")
    services.exemption_decide(actor=admin, exemption=exemption, grant=True, note="")
    exemption.refresh_from_db()
    assert exemption.decision == ExemptionDecision.GRANTED
    assert exemption.decided_by == admin
    # The exemption lowers the minimum to the group's 3 representatives, never to one.
    people = crowd(world, 3)
    for user in people[:2]:
        for session in course.sessions.all():
            make_presence(session.meeting, user)
    evaluation = engine.course_evaluation(course)
    assert not evaluation.holds
    assert [r.param("min_participants") for r in evaluation.reasons if r.blocking] == [3]
    for session in course.sessions.all():
        make_presence(session.meeting, people[2])
    assert engine.course_evaluation(course).holds


def test_a_course_is_judged_by_the_policy_in_force_at_its_first_session_s15(world: World):
    StudyPolicy.objects.create(valid_from=dt.date(2025, 1, 1), min_participants=6)
    old = make_course(world.group, world.users["leader"], meetings=four_sessions(world))
    new = make_course(
        world.group, world.users["leader"], meetings=four_sessions(world, at(2025, 3, 4, 18))
    )
    assert engine.course_policy(old).min_participants == 4
    assert engine.course_policy(new).min_participants == 6
    for course in (old, new):
        for user in crowd(world, 4):
            for session in course.sessions.all():
                make_presence(session.meeting, user)
    assert engine.course_evaluation(old).holds
    evaluation = engine.course_evaluation(new)
    assert not evaluation.holds
    assert "minst 6" in evaluation.reasons[0].message


def test_disqualified_time_is_subtracted_from_presence_s16(world: World):
    meeting = make_session_meeting(
        world.group, starts_at=at(2024, 3, 5, 18), ends_at=at(2024, 3, 5, 22)
    )
    course = make_course(world.group, world.users["leader"], meetings=[meeting])
    member = world.users["member"]
    make_presence(meeting, member)
    make_disqualification(
        meeting, world.memberships["member"], at(2024, 3, 5, 19), at(2024, 3, 5, 20, 30)
    )
    result = engine.course_evaluation(course).results[member.pk]
    assert result.minutes_present == 150
    assert not result.qualifies


def test_an_open_interval_counts_until_now_or_the_meetings_end(world: World):
    meeting = make_session_meeting(world.group, starts_at=at(2024, 3, 5, 18))
    course = make_course(world.group, world.users["leader"], meetings=[meeting])
    presence = make_presence(meeting, world.users["member"])
    Presence.objects.filter(pk=presence.pk).update(ended_at=None)
    during = engine.course_evaluation(course, now=at(2024, 3, 5, 19))
    after = engine.course_evaluation(course, now=at(2024, 3, 6, 9))
    assert during.results[world.users["member"].pk].minutes_present == 60
    assert after.results[world.users["member"].pk].minutes_present == 120


def test_the_subsidy_is_hours_times_the_years_rate_never_times_participants_s7(world: World):
    leader = world.users["leader"]
    q1 = four_sessions(world, at(2024, 2, 6, 18))
    course = make_course(world.group, leader, status=CourseStatus.REPORTED, meetings=q1)
    course.reported_hours = {"2024-Q1": 6, "2024-Q2": 2}
    course.save()
    report = selectors.subsidy_report(2024, 1)
    assert report.rate_amount == Decimal("120.00")
    assert [(line.course_id, line.hours, line.amount) for line in report.lines] == [
        (course.pk, 6, Decimal("720.00"))
    ]
    # Issue 17: the course's hours split by quarter, on every line.
    assert report.lines[0].split == [(2024, 1, 6), (2024, 2, 2)]
    assert report.lines[0].course_hours == 8
    assert selectors.subsidy_report(2024, 2).total_amount == Decimal("240.00")
    assert selectors.subsidy_report(2024, 3).lines == []


def test_the_attendance_list_holds_name_birth_year_gender_postcode_hours_s12(world: World):
    meetings = four_sessions(world)
    course = make_course(world.group, world.users["leader"], meetings=meetings)
    member = world.users["member"]
    make_presence(meetings[0], member, end=meetings[0].starts_at + dt.timedelta(minutes=90))
    make_presence(meetings[1], member)
    listing = selectors.attendance_list(course)
    row = next(r.cells for r in listing.rows if r.name == member.full_name)
    assert row[1:4] == [str(member.birth_year), member.get_gender_display(), member.postcode]
    assert row[4:] == ["1,50", "2,00", "0,00", "0,00", "3,50"]
    assert len(listing.sessions) == 4


def test_the_retention_sweep_deletes_presence_five_years_after_the_course_s10(world: World):
    meetings = four_sessions(world, at(2024, 2, 6, 18))
    course = make_course(
        world.group, world.users["leader"], status=CourseStatus.REPORTED, meetings=meetings
    )
    course.reported_hours = {"2024-Q1": 8}
    course.save()
    make_presence(meetings[0], world.users["member"])
    assert services.retention_sweep(now=at(2029, 2, 26, 12)) == 0  # not yet five years
    assert Presence.objects.exists()
    assert services.retention_sweep(now=at(2029, 2, 28, 12)) == 1
    assert not Presence.objects.exists()
    assert not Consent.objects.exists()
    course.refresh_from_db()
    assert course.personal_data_deleted_at is not None
    assert course.reported_hours == {"2024-Q1": 8}  # the subsidy basis survives
    assert services.retention_sweep(now=at(2029, 3, 1, 12)) == 0  # idempotent
    entry = AuditEntry.objects.get(action="course.retention_delete")
    assert entry.data == {"presences": 1, "consents": 1, "certificates": 0}


@pytest.mark.parametrize(
    "last_end",
    [
        at(2024, 2, 29, 20),  # a leap day: due on 28 February five years on
        at(2024, 3, 31, 1, 30),  # the night the clocks go forward
        at(2025, 10, 26, 23, 59),  # the day the clocks go back
        at(2025, 12, 31, 23, 30),  # due in another year, and after midnight in UTC
        at(2026, 6, 15, 12),
    ],
)
def test_a_list_goes_on_its_retention_date_not_a_minute_before_s10(world: World, last_end):
    """S10 across dates: five years after the last session (seven when the course's policy
    says so), to the minute, whatever the course's first session or the others around it."""
    meetings = [
        make_session_meeting(world.group, starts_at=last_end - dt.timedelta(days=7, hours=2)),
        make_session_meeting(
            world.group, starts_at=last_end - dt.timedelta(hours=2), ends_at=last_end
        ),
    ]
    course = make_course(world.group, world.users["leader"], status="reported", meetings=meetings)
    seven = StudyPolicy.objects.order_by("valid_from").first()
    assert seven is not None
    seven.pk, seven.retention_years = None, 7
    seven.valid_from = dt.date(2099, 1, 1)  # pinned to the course: in force or not
    seven.save()
    longer = make_course(
        world.group,
        world.users["leader"],
        status="reported",
        policy=seven,
        meetings=[
            make_session_meeting(
                world.group, starts_at=last_end - dt.timedelta(hours=2), ends_at=last_end
            )
        ],
    )
    for held in (course, longer):
        make_presence(held.sessions.get(meeting__ends_at=last_end).meeting, world.users["member"])
    due = retention_due(last_end, 5)
    assert services.retention_sweep(now=due - dt.timedelta(minutes=1)) == 0
    assert services.retention_sweep(now=due) == 1
    assert set(Presence.objects.values_list("meeting__course_session__course", flat=True)) == {
        longer.pk
    }
    due_longer = retention_due(last_end, 7)
    assert services.retention_sweep(now=due_longer - dt.timedelta(minutes=1)) == 0
    assert services.retention_sweep(now=due_longer) == 1
    assert not Presence.objects.exists()


def test_the_retention_sweep_reads_as_much_for_300_courses_within_retention_as_for_3_s10(
    world: World,
):
    """The daily sweep (S10) reads the courses that may be due at once, not each course
    of five years' work one by one."""

    def courses(n: int) -> None:
        for i in range(n):
            meeting = make_session_meeting(
                world.group, starts_at=at(2026, 1, 5) + dt.timedelta(days=i)
            )
            make_course(world.group, world.users["leader"], status="reported", meetings=[meeting])

    def reads() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert services.retention_sweep(now=at(2029, 6, 1, 12)) == 0
        return len(ctx.captured_queries)

    courses(3)
    few = reads()
    courses(297)
    assert reads() == few


def test_a_member_sees_their_own_hours(world: World):
    meetings = four_sessions(world)
    course = make_course(world.group, world.users["leader"], meetings=meetings)
    make_presence(meetings[0], world.users["member"])
    mine = selectors.my_courses(world.users["member"])
    assert [m.course for m in mine] == [course]
    assert mine[0].result is not None
    assert mine[0].result.minutes_present == 120
    assert selectors.my_courses(make_user()) == []


def test_the_live_outlook_says_what_is_still_needed(world: World):
    meetings = four_sessions(world)
    course = make_course(world.group, world.users["leader"], meetings=meetings)
    for user in crowd(world, 2):
        make_presence(meetings[0], user)
        make_presence(meetings[1], user)
    status = selectors.course_status(course, now=at(2024, 2, 20, 18))
    assert status.outlook.more_participants_needed == 4
    assert status.outlook.possible is False
    assert any("deltakere til" in m for m in status.outlook.messages)
    assert Course.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "announced", "finished"),
    [
        (CourseStatus.DRAFT, False, False),
        (CourseStatus.SUBMITTED, False, False),
        (CourseStatus.REJECTED, False, False),
        (CourseStatus.APPROVED, True, False),
        (CourseStatus.COMPLETED, True, True),
        (CourseStatus.REPORTED, True, True),
    ],
)
def test_a_course_is_announced_once_approved_and_finished_once_held_s13(
    status: str, announced: bool, finished: bool
) -> None:
    course = Course(status=status)
    assert (course.is_announced, course.is_finished) == (announced, finished)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_a_held_course_keeps_its_verdict_after_retention_deletes_its_presences_s10(
    world: World, client, language: str
):
    """An official record: the course held, and its page says so for as long as the course
    exists, also after S10's retention has deleted the presences the verdict was computed
    from (before, the page judged the empty course again and said it did not hold)."""
    meetings = four_sessions(world, at(2024, 2, 6, 18))
    leader = world.users["leader"]
    course = make_course(world.group, leader, status=CourseStatus.REPORTED, meetings=meetings)
    course.reported_hours = {"2024-Q1": 8}
    course.save()
    people = crowd(world, 5)
    for meeting in meetings:
        for user in people[:4]:
            make_presence(meeting, user)
    make_presence(meetings[0], people[4])  # present once: under the share
    before = engine.course_evaluation(course)
    assert before.holds and len(before.qualifying) == 4

    assert services.retention_sweep(now=at(2029, 2, 28, 12)) == 1
    course.refresh_from_db()
    assert not Presence.objects.filter(meeting__in=meetings).exists()
    assert course.kept_verdict == {
        "holds": True,
        "study_hours": before.study_hours,
        "present": 5,
        "met_share": 4,
        "qualifying": 4,
        "certificates": 0,
    }
    services.retention_sweep(now=at(2029, 3, 1, 12))  # a later sweep leaves it alone
    course.refresh_from_db()
    assert course.kept_verdict["holds"] is True

    client.force_login(leader)
    client.cookies["django_language"] = language
    url = reverse("attendance:course_detail", args=[course.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    held = {"nb": "Kurset holder etter reglene.", "en": "The course holds under the rules."}
    deleted = {"nb": "ble slettet", "en": "were deleted"}
    assert held[language] in page
    assert deleted[language] in page
    assert {"nb": "4 av dem teller med.", "en": "4 of them count."}[language] in page
    for name in ("attendance:live", "attendance:attendance_list"):
        other = client.get(reverse(name, args=[course.pk]), HTTP_ACCEPT_LANGUAGE=language)
        assert deleted[language] in other.content.decode()  # and where to see the result

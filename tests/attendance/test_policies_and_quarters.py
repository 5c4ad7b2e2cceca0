"""Policies never re-judge the past (S15), closed quarters stay closed (S7), and the
smaller rules of issue 10 (S4, S12, S13, G16, G21), with the figures of issue 17 (S14)."""

from __future__ import annotations

import datetime as dt
import inspect
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from attendance import engine, rules, selectors, services
from attendance.models import (
    CourseStatus,
    ImmutableRecord,
    QuarterClosing,
    StudyPolicy,
    SubsidyRate,
)
from groups.models import AuditEntry
from tests.conftest import World
from tests.factories.attendance import (
    at,
    default_plan,
    make_course,
    make_presence,
    make_session_meeting,
)
from tests.factories.groups import make_membership, make_user


def four_sessions(world: World, start: dt.datetime):
    return [
        make_session_meeting(world.group, starts_at=start + dt.timedelta(weeks=i)) for i in range(4)
    ]


def held_course(world: World, start: dt.datetime, *, status: str = CourseStatus.SUBMITTED):
    """Four 2-hour sessions (8 study hours), four participants present throughout."""
    meetings = four_sessions(world, start)
    course = make_course(world.group, world.users["leader"], status=status, meetings=meetings)
    people = [world.users["leader"], world.users["member"], world.users["deputy"]]
    people.append(make_membership(world.group).user)
    for user in people:
        for meeting in meetings:
            make_presence(meeting, user)
    return course


# --- S15: a course is judged by the policy in force when it started, pinned on approval ---
def test_approval_pins_the_policy_and_a_back_dated_policy_never_re_judges_it_s15(world: World):
    admin = world.users["course_admin"]
    approved = held_course(world, at(2024, 2, 6, 18))
    services.course_approve(actor=admin, course=approved)
    approved.refresh_from_db()
    assert approved.policy == StudyPolicy.in_force(dt.date(2024, 2, 6))
    open_course = held_course(world, at(2024, 2, 7, 18))
    before = engine.course_evaluation(approved)
    assert before.holds and before.study_hours == 8

    # A back-dated policy that asks for 6 participants and 10 hours.
    services.policy_create(
        actor=admin,
        valid_from=dt.date(2024, 1, 1),
        min_study_hours=10,
        min_participants=6,
        min_share_numerator=3,
        min_share_denominator=4,
        min_age=14,
        leader_counts=True,
        rounding="floor_per_session",
        share_base="session_minutes",
        retention_years=5,
    )

    after = engine.course_evaluation(approved)
    assert (after.holds, after.study_hours, after.qualifying) == (
        before.holds,
        before.study_hours,
        before.qualifying,
    )
    assert engine.course_policy(approved).valid_from == approved.policy.valid_from
    # The course not yet approved is judged by the new policy.
    assert not engine.course_evaluation(open_course).holds
    page = world.client_for("leader").get(reverse("attendance:course_detail", args=[approved.pk]))
    assert "låst da kurset ble godkjent" in page.content.decode()


def _policy_data(valid_from: str, **overrides: object) -> dict[str, object]:
    return {
        "valid_from": valid_from,
        "min_study_hours": 4,
        "min_participants": 6,
        "min_share": "75",
        "min_age": 14,
        "leader_counts": "on",
        "rounding": "floor_per_session",
        "share_base": "session_minutes",
        "retention_years": 5,
    } | overrides


def test_saving_a_back_dated_policy_first_lists_the_open_courses_it_would_change_s15(
    world: World,
):
    open_course = held_course(world, at(2024, 2, 6, 18))
    pinned = held_course(world, at(2024, 2, 8, 18), status=CourseStatus.APPROVED)
    pinned.policy = engine.policy_at_start(pinned)
    pinned.save()
    client = world.client_for("course_admin")
    url = reverse("attendance:policies")

    preview = client.post(url, _policy_data("2024-01-01"))
    assert preview.status_code == 200
    body = preview.content.decode()
    assert open_course.title in body and pinned.title not in body
    assert "tilbakedatert" in body
    assert "holder ikke" in body  # 4 participants, the new policy asks for 6
    assert not StudyPolicy.objects.filter(valid_from=dt.date(2024, 1, 1)).exists()

    # A confirmation of other numbers than those previewed is a new preview, not a save.
    tampered = client.post(
        url,
        _policy_data("2024-01-01", min_participants=2)
        | {"confirm": "1", "previewed": preview.context["previewed"]},
    )
    assert tampered.status_code == 200
    assert not StudyPolicy.objects.filter(valid_from=dt.date(2024, 1, 1)).exists()

    saved = client.post(
        url,
        _policy_data("2024-01-01") | {"confirm": "1", "previewed": preview.context["previewed"]},
    )
    assert saved.status_code == 302
    assert StudyPolicy.objects.get(valid_from=dt.date(2024, 1, 1)).min_participants == 6


@pytest.mark.parametrize(
    "bad",
    [
        {"valid_from": "0001-01-01"},
        {"valid_from": "31.02.2024"},
        {"min_share": "125"},
        {"min_share": "33,3333"},
        {"min_share": "0"},
        {"min_share": "3/4"},
        {"min_share": ""},
        {"min_participants": "4,5"},
        {"min_participants": "-1"},
        {"share_base": "headcount"},
        {"retention_years": 2},
    ],
)
def test_bad_input_on_the_policy_form_keeps_the_input_and_never_saves_s15(
    world: World, bad: dict[str, object]
):
    count = StudyPolicy.objects.count()
    response = world.client_for("course_admin").post(
        reverse("attendance:policies"), _policy_data("2030-01-01") | bad
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["preview"] is None
    assert StudyPolicy.objects.count() == count


def test_a_new_policy_takes_each_number_by_name_and_nothing_else_s15(world: World):
    """What the policy form holds reaches ``policy_create`` field by field: a field the
    service does not name (here the row's id) is refused, not stored unseen."""
    params = inspect.signature(services.policy_create).parameters
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params.values())
    terms: dict[str, Any] = {
        "valid_from": dt.date(2031, 1, 1),
        "min_study_hours": 8,
        "min_participants": 3,
        "min_share_numerator": 3,
        "min_share_denominator": 4,
        "min_age": 14,
        "leader_counts": True,
        "rounding": "floor_per_session",
        "share_base": "session_minutes",
        "retention_years": 5,
    }
    admin = world.users["course_admin"]
    with pytest.raises(TypeError):
        services.policy_create(actor=admin, id=4242, **terms)  # type: ignore[call-arg]
    assert not StudyPolicy.objects.filter(pk=4242).exists()
    policy = services.policy_create(actor=admin, **terms)
    assert policy.created_by == admin


# --- S7: closed quarters stay closed -------------------------------------------------------
def _reported(world: World, start: dt.datetime, hours: dict[str, int]):
    course = make_course(
        world.group,
        world.users["leader"],
        status=CourseStatus.REPORTED,
        meetings=four_sessions(world, start),
    )
    course.reported_hours = hours
    course.save()
    return course


def test_a_closed_quarter_never_changes_and_a_correction_is_a_new_version_s7(world: World):
    admin = world.users["course_admin"]
    course = _reported(world, at(2024, 2, 6, 18), {"2024-Q1": 6, "2024-Q2": 2})
    with (
        time_machine.travel(at(2024, 3, 31, 23, 59)),
        pytest.raises(ValidationError, match="ikke over"),
    ):
        services.quarter_close(actor=admin, year=2024, quarter=1)
    with time_machine.travel(at(2024, 4, 2, 10)):
        closing = services.quarter_close(actor=admin, year=2024, quarter=1)
        with pytest.raises(ValidationError, match="allerede lukket"):
            services.quarter_close(actor=admin, year=2024, quarter=1)
    assert (closing.version, closing.total_hours, closing.total_amount) == (
        1,
        6,
        Decimal("720.00"),
    )
    assert closing.lines[0]["policy"] == "01.01.2000"
    assert AuditEntry.objects.filter(action="subsidy_quarter.close").count() == 1

    # A rate change reaches only quarters not closed.
    services.rate_set(actor=admin, year=2024, amount_per_hour=Decimal("150"))
    assert selectors.subsidy_report(2024, 1).total_amount == Decimal("720.00")
    assert selectors.subsidy_report(2024, 2).total_amount == Decimal("300.00")
    # The record itself refuses to change or go.
    closing.total_hours = 99
    with pytest.raises(ImmutableRecord):
        closing.save()
    with pytest.raises(ImmutableRecord):
        QuarterClosing.objects.get(pk=closing.pk).delete()

    # A correction is a new version, with its reason; version 1 stays as it was.
    with pytest.raises(ValidationError):
        services.quarter_correct(actor=admin, year=2024, quarter=1, note=" ")
    second = services.quarter_correct(actor=admin, year=2024, quarter=1, note="Sats rettet")
    assert (second.version, second.total_amount) == (2, Decimal("900.00"))
    assert QuarterClosing.objects.get(version=1).total_amount == Decimal("720.00")
    report = selectors.subsidy_report(2024, 1)
    assert report.closing == second and len(report.versions) == 2
    assert course.pk == report.lines[0].course_id


def test_a_course_reported_late_counts_in_the_quarter_it_is_reported_in_s7(world: World):
    admin, leader = world.users["course_admin"], world.users["leader"]
    with time_machine.travel(at(2024, 4, 2, 10)):
        services.quarter_close(actor=admin, year=2024, quarter=1)
    course = held_course(world, at(2024, 2, 6, 18), status=CourseStatus.COMPLETED)
    with time_machine.travel(at(2024, 5, 15, 12)):
        services.course_report(actor=leader, course=course)
    course.refresh_from_db()
    assert course.reported_hours == {"2024-Q2": 8}
    assert selectors.subsidy_report(2024, 1).total_hours == 0  # as closed
    assert selectors.subsidy_report(2024, 2).total_hours == 8
    page = world.client_for("course_admin").get(
        reverse("attendance:subsidy_report"), {"year": 2024, "quarter": 1}
    )
    assert "telles timene i kvartalet kurset rapporteres i" in page.content.decode()


# Many dates, the awkward ones among them: DST changes, year ends, 29 February.
DATES = [
    at(2024, 2, 29, 12),
    at(2024, 3, 31, 2, 30),
    at(2024, 3, 31, 23, 59),
    at(2024, 4, 1, 0, 0),
    at(2024, 10, 27, 2, 30),
    at(2024, 12, 31, 23, 59),
    at(2025, 1, 1, 0, 0),
    at(2025, 6, 30, 23, 59),
    at(2025, 7, 1, 0, 1),
    at(2026, 3, 29, 3, 0),
    at(2027, 9, 30, 12),
    at(2028, 2, 29, 9),
]


@pytest.mark.parametrize("now", DATES, ids=[d.isoformat() for d in DATES])
def test_late_hours_land_in_the_first_open_quarter_on_any_date_s7(now: dt.datetime, db):
    year, quarter = now.year, (now.month - 1) // 3 + 1
    previous = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    this = f"{year}-Q{quarter}"
    before = f"{previous[0]}-Q{previous[1]}"
    QuarterClosing.objects.create(
        year=previous[0],
        quarter=previous[1],
        closed_at=now,
        closed_by_name="Test",
        total_hours=0,
        total_amount=0,
    )
    with time_machine.travel(now):
        assert services.late_hours_moved({before: 3, this: 2}, now) == {this: 5}
        # A quarter can be closed only once it is over.
        bounds = selectors.quarter_bounds(year, quarter)
        assert bounds[0] <= now < bounds[1]
        assert not selectors.subsidy_report(year, quarter).ended
        assert selectors.subsidy_report(*previous).ended


def test_closing_a_quarter_is_a_confirmation_step_with_bad_input_refused_s7(world: World):
    _reported(world, at(2024, 2, 6, 18), {"2024-Q1": 6})
    client = world.client_for("course_admin")
    url = reverse("attendance:quarter_close")
    shown = client.get(url, {"year": 2024, "quarter": 1})
    assert shown.status_code == 200
    assert "Dette kan ikke angres" in shown.content.decode()
    assert not QuarterClosing.objects.exists()
    for bad in ({"year": "x", "quarter": "1"}, {"year": "2024", "quarter": "9"}):
        assert client.post(url, bad | {"confirm": "on"}).status_code == 400
    unconfirmed = client.post(url, {"year": 2024, "quarter": 1})
    assert unconfirmed.status_code == 400
    assert "confirm" in unconfirmed.context["form"].errors
    assert not QuarterClosing.objects.exists()
    done = client.post(url, {"year": 2024, "quarter": 1, "confirm": "on"})
    assert done.status_code == 302
    assert QuarterClosing.objects.get().total_hours == 6
    # Correcting needs its reason.
    again = client.post(url, {"year": 2024, "quarter": 1, "confirm": "on", "note": ""})
    assert again.status_code == 400 and "note" in again.context["form"].errors
    csv_text = client.get(
        reverse("attendance:subsidy_csv"), {"year": 2024, "quarter": 1}
    ).content.decode("utf-8-sig")
    assert "Regelsett fra" in csv_text and "Lukket, versjon 1" in csv_text


def test_the_rate_screen_previews_which_quarters_change_s7(world: World):
    _reported(world, at(2024, 2, 6, 18), {"2024-Q1": 6, "2024-Q2": 2})
    with time_machine.travel(at(2024, 4, 2, 10)):
        services.quarter_close(actor=world.users["course_admin"], year=2024, quarter=1)
    preview = services.rate_preview(2024, Decimal("200"))
    assert [(i.quarter, i.amount_after, i.closed) for i in preview] == [
        (1, Decimal("720.00"), True),
        (2, Decimal("400"), False),
    ]
    page = world.client_for("course_admin").post(
        reverse("attendance:rates"), {"year": 2024, "amount_per_hour": "200"}
    )
    assert "lukket, endres ikke" in page.content.decode()
    assert SubsidyRate.objects.get(year=2024).amount_per_hour == Decimal("120.00")


# --- S4, S13, G16, G21 -------------------------------------------------------------------------
def test_an_exemption_lowers_the_minimum_to_the_representatives_never_to_one_s4():
    start = dt.datetime(2024, 2, 6, 18, tzinfo=dt.UTC)
    sessions = [
        rules.Session(i, start + dt.timedelta(weeks=i), start + dt.timedelta(weeks=i, hours=2))
        for i in range(2)
    ]
    people = [rules.Participant(k, birth_year=1980) for k in range(2)]
    presences = [rules.Presence(p.key, s.key, s.start, s.end) for p in people for s in sessions]
    three = rules.evaluate(
        sessions, people, presences, rules.Policy(), exemption=True, exemption_minimum=3
    )
    assert not three.holds and three.reasons[0].param("min_participants") == 3
    two = rules.evaluate(
        sessions, people, presences, rules.Policy(), exemption=True, exemption_minimum=2
    )
    assert two.holds


def test_the_exemption_form_offers_only_the_booklets_ground_s4(world: World):
    course = make_course(world.group, world.users["leader"])
    page = world.client_for("leader").get(reverse("attendance:exemption_request", args=[course.pk]))
    assert "Sykdom" not in page.content.decode()
    refused = world.client_for("leader").post(
        reverse("attendance:exemption_request", args=[course.pk]),
        {"ground": "illness", "reason": "Sykmeldt"},
    )
    assert refused.status_code == 200 and "ground" in refused.context["form"].errors


def test_a_plan_approved_after_the_course_started_is_refused_with_the_reason_s13(world: World):
    plan = default_plan()
    plan.approved_on = dt.date(2024, 3, 1)
    plan.save()
    course = make_course(
        world.group, world.users["leader"], meetings=four_sessions(world, at(2024, 2, 6, 18))
    )
    with pytest.raises(ValidationError, match=r"godkjent 01\.03\.2024, etter at kurset startet"):
        services.course_submit(actor=world.users["leader"], course=course)
    plan.approved_on = dt.date(2024, 2, 1)
    plan.save()
    course.plan = plan
    services.course_submit(actor=world.users["leader"], course=course)
    assert course.status == CourseStatus.SUBMITTED


def test_a_social_gathering_cannot_be_a_course_session_g21_s13(world: World):
    course = make_course(world.group, world.users["leader"])
    social = make_session_meeting(world.group, kind="social", starts_at=at(2024, 6, 1, 18))
    with pytest.raises(ValidationError, match="sosial samling"):
        services.course_session_add(actor=world.users["leader"], course=course, meeting=social)
    form = world.client_for("leader").get(reverse("attendance:session_add", args=[course.pk]))
    assert social.title not in form.content.decode()


def test_an_independent_member_cannot_check_in_to_a_course_session_g16(world: World):
    meeting = make_session_meeting(world.group, starts_at=at(2024, 2, 6, 18))
    course = make_course(
        world.group, world.users["leader"], status=CourseStatus.APPROVED, meetings=[meeting]
    )
    membership = world.memberships["member"]
    membership.independent_from = dt.date(2024, 1, 1)
    membership.save()
    with pytest.raises(ValidationError, match="uavhengig"):
        services.presence_check_in_with_consent(
            actor=world.users["member"],
            meeting=meeting,
            consent_given=True,
            source="qr",
            now=at(2024, 2, 6, 18, 10),
        )
    assert not course.consents.exists()
    with pytest.raises(ValidationError, match="uavhengig"):
        services.presence_add(
            actor=world.users["leader"],
            meeting=meeting,
            user=world.users["member"],
            started_at=meeting.starts_at,
            ended_at=meeting.ends_at,
            reason="Var der",
        )


# --- S12, S14 and issue 17: figures that agree, and a "Nei" in words ----------------------------
def test_the_share_base_is_a_named_policy_value_s14():
    start = dt.datetime(2024, 2, 6, 18, tzinfo=dt.UTC)
    # 18:00-20:30 is 150 minutes but 2 study hours (120 minutes).
    session = rules.Session("s", start, start + dt.timedelta(minutes=150))
    person = rules.Participant("p", birth_year=1980)
    present = [rules.Presence("p", "s", start, start + dt.timedelta(minutes=100))]
    by_time = rules.evaluate([session], [person], present, rules.Policy())
    by_hours = rules.evaluate([session], [person], present, rules.Policy(share_base="study_hours"))
    assert (by_time.base_minutes, by_time.required_minutes) == (150, 113)
    assert not by_time.results["p"].qualifies
    assert by_time.results["p"].minutes_missing == 13
    assert (by_hours.base_minutes, by_hours.required_minutes) == (120, 90)
    assert by_hours.results["p"].qualifies and by_hours.results["p"].share == Fraction(100, 120)
    with pytest.raises(ValueError):
        rules.Policy(share_base="headcount")


def test_a_no_is_explained_and_the_same_minutes_read_the_same_everywhere_s12_s14(world: World):
    meetings = four_sessions(world, at(2024, 2, 6, 18))
    course = make_course(world.group, world.users["leader"], meetings=meetings)
    nameless = make_user(birth_year=None, full_name="Ukjent Alder")
    make_membership(world.group, nameless)
    for meeting in meetings:
        make_presence(meeting, world.users["leader"])
        make_presence(meeting, nameless)
    # 55 minutes of the first session only.
    make_presence(
        meetings[0], world.users["member"], end=meetings[0].starts_at + dt.timedelta(minutes=55)
    )
    leader = world.client_for("leader")
    live = leader.get(reverse("attendance:live", args=[course.pk]), headers={"HX-Request": "true"})
    text = live.content.decode()
    # 480 minutes, 360 required: 55 present, 305 missing.
    assert "Nei: mangler 305 minutter" in text
    assert "Nei: mangler fødselsår" in text
    assert "480 minutter (samlingenes tid)" in text
    detail = leader.get(reverse("attendance:course_detail", args=[course.pk])).content.decode()
    assert "Ukjent Alder: mangler fødselsår" in detail
    assert "2 deltakere har vært til stede minst 75 % av tiden" in detail
    assert "1 av dem teller med" in detail
    # The blocking reason's count matches the people present: the one left out is named.
    assert "1 til har vært til stede nok, men teller ikke med" in detail
    mine = world.client_for("member").get(reverse("attendance:my_hours")).content.decode()
    listing = leader.get(reverse("attendance:attendance_list", args=[course.pk])).content.decode()
    assert "0,91" in mine and "0,91" in listing
    assert "0,92" not in mine

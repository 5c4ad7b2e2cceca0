"""The rules engine (S3, S4, S5, S9, S12, S13, S14, S15, S16): no database, no Django."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
from collections.abc import Hashable, Sequence
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attendance.rules import (
    Participant,
    Policy,
    Presence,
    Session,
    evaluate,
    outlook,
    subtract,
)

OSLO = ZoneInfo("Europe/Oslo")
ROOT = Path(__file__).resolve().parents[2]


def at(day: int, hour: int, minute: int = 0, month: int = 3, year: int = 2024) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=OSLO)


def four_hour_course() -> list[Session]:
    """Two sessions of 2 hours each: 4 study hours, 240 minutes."""
    return [Session("s1", at(5, 18), at(5, 20)), Session("s2", at(12, 18), at(12, 20))]


def people(n: int, *, birth_year: int = 1980, leader: int | None = None) -> list[Participant]:
    return [Participant(f"p{i}", birth_year=birth_year, is_leader=(i == leader)) for i in range(n)]


def full(keys: Sequence[Hashable], sessions: list[Session]) -> list[Presence]:
    return [Presence(k, s.key, s.start, s.end) for k in keys for s in sessions]


# --- study hours, S5 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        ((18, 0), (20, 30), 2),  # the booklet's example: half hours do not count
        ((18, 0), (20, 59), 2),
        ((18, 0), (21, 0), 3),
        ((18, 0), (18, 59), 0),
        ((18, 0), (19, 0), 1),
    ],
)
def test_whole_study_hours_are_rounded_down_per_session_s5(start, end, hours):
    session = Session("s", at(5, *start), at(5, *end))
    result = evaluate([session], [], [], Policy())
    assert result.study_hours == hours
    assert result.hours_by_session["s"] == hours


def test_two_sessions_of_2h30_give_4_hours_per_session_and_5_in_total_s5_s15():
    sessions = [Session("a", at(5, 18), at(5, 20, 30)), Session("b", at(6, 18), at(6, 20, 30))]
    assert evaluate(sessions, [], [], Policy()).study_hours == 4
    assert evaluate(sessions, [], [], Policy(rounding="floor_total")).study_hours == 5


def test_3h59m_is_too_few_hours_and_4h_is_enough_s3():
    short = [Session("a", at(5, 18), at(5, 20)), Session("b", at(6, 18), at(6, 19, 59))]
    keys = [p.key for p in people(4)]
    result = evaluate(short, people(4), full(keys, short), Policy())
    assert result.study_hours == 3
    assert not result.holds
    assert result.reason_codes == ("too_few_hours",)
    assert "minst 4" in result.reasons[0].message

    enough = four_hour_course()
    result = evaluate(enough, people(4), full(keys, enough), Policy())
    assert result.study_hours == 4
    assert result.holds
    assert result.reasons == ()


def test_a_session_across_midnight_and_a_daylight_saving_change_counts_clock_time():
    # 30 March 2024 to 31 March: clocks go forward at 02:00 in Oslo, so 20:00-04:00 is 7 h.
    session = Session("night", at(30, 20), at(31, 4))
    assert evaluate([session], [], [], Policy()).minutes_total == 7 * 60


# --- the 75 % line, S14 ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "qualifies"),
    [
        (180, True),  # exactly 75 % of 240 minutes
        (179, False),  # 74.58 %
        (240, True),
        (0, False),
    ],
)
def test_the_share_is_exact_integer_arithmetic_on_minutes_s14(minutes, qualifies):
    sessions = [Session("s", at(5, 18), at(5, 22))]
    presence = Presence("p0", "s", at(5, 18), at(5, 18) + timedelta(minutes=minutes))
    result = evaluate(sessions, people(1), [presence], Policy())
    assert result.results["p0"].minutes_present == minutes
    assert result.results["p0"].qualifies is qualifies
    assert result.results["p0"].share == Fraction(minutes, 240)


def test_74_99_percent_does_not_qualify_s14():
    # 10,000 minutes total: 7,499 is 74.99 %, 7,500 is exactly 75 %.
    start = at(5, 0)
    sessions = [Session("s", start, start + timedelta(minutes=10_000))]
    almost = Presence("p0", "s", start, start + timedelta(minutes=7_499))
    exact = Presence("p1", "s", start, start + timedelta(minutes=7_500))
    result = evaluate(sessions, people(2), [almost, exact], Policy())
    assert not result.results["p0"].qualifies
    assert result.results["p1"].qualifies


def test_seconds_short_of_a_minute_do_not_round_up_s14():
    sessions = [Session("s", at(5, 18), at(5, 22))]
    presence = Presence("p0", "s", at(5, 18), at(5, 21) - timedelta(seconds=1))
    result = evaluate(sessions, people(1), [presence], Policy())
    assert result.results["p0"].minutes_present == 179
    assert not result.results["p0"].qualifies


def test_a_float_share_is_refused():
    with pytest.raises(ValueError, match="Fraction"):
        Policy(min_share=0.75)  # type: ignore[arg-type]


def test_a_different_share_from_the_policy_is_used_s15():
    sessions = [Session("s", at(5, 18), at(5, 22))]
    presence = Presence("p0", "s", at(5, 18), at(5, 20))
    assert not evaluate(sessions, people(1), [presence], Policy()).results["p0"].qualifies
    half = Policy(min_share=Fraction(1, 2))
    assert evaluate(sessions, people(1), [presence], half).results["p0"].qualifies


# --- intervals, S16 ------------------------------------------------------------------------


def test_overlapping_intervals_count_once_s16():
    sessions = [Session("s", at(5, 18), at(5, 22))]
    presences = [
        Presence("p0", "s", at(5, 18), at(5, 20)),
        Presence("p0", "s", at(5, 19), at(5, 21)),
        Presence("p0", "s", at(5, 19, 30), at(5, 19, 45)),  # inside the others
    ]
    assert evaluate(sessions, people(1), presences, Policy()).results["p0"].minutes_present == 180


def test_touching_intervals_join_and_gaps_do_not_count_s16():
    sessions = [Session("s", at(5, 18), at(5, 22))]
    presences = [
        Presence("p0", "s", at(5, 18), at(5, 19)),
        Presence("p0", "s", at(5, 19), at(5, 20)),
        # 20:00-20:30 away: declared disqualified on an agenda item (G18)
        Presence("p0", "s", at(5, 20, 30), at(5, 22)),
    ]
    result = evaluate(sessions, people(1), presences, Policy())
    assert result.results["p0"].minutes_present == 210
    assert result.results["p0"].qualifies  # 210 * 4 = 840 >= 720


def test_disqualified_time_is_subtracted_from_presence_s16():
    presences = [
        Presence("p0", "s", at(5, 18), at(5, 22)),
        Presence("p1", "s", at(5, 18), at(5, 22)),
    ]
    out = [Presence("p0", "s", at(5, 19), at(5, 19, 30)), Presence("p0", "s", at(5, 21), at(5, 23))]
    left = subtract(presences, out)
    assert [(p.participant, p.start, p.end) for p in left] == [
        ("p0", at(5, 18), at(5, 19)),
        ("p0", at(5, 19, 30), at(5, 21)),
        ("p1", at(5, 18), at(5, 22)),
    ]
    sessions = [Session("s", at(5, 18), at(5, 22))]
    result = evaluate(sessions, people(2), left, Policy())
    assert result.results["p0"].minutes_present == 150
    assert not result.results["p0"].qualifies  # 150 of 240 minutes is below 75 %


def test_presence_outside_the_session_does_not_count():
    sessions = [Session("s", at(5, 18), at(5, 20))]
    presences = [
        Presence("p0", "s", at(5, 17), at(5, 18, 30)),  # arrived early: from 18:00 counts
        Presence("p0", "s", at(5, 19, 45), at(5, 23)),  # stayed late: until 20:00 counts
        Presence("p0", "s", at(6, 18), at(6, 20)),  # another day entirely
    ]
    result = evaluate(sessions, people(1), presences, Policy())
    assert result.results["p0"].minutes_present == 45
    assert result.results["p0"].minutes_by_session == {"s": 45}


def test_presence_in_one_session_never_counts_for_another():
    sessions = four_hour_course()
    # An interval tagged with s1 but at s2's time counts for nothing.
    presence = Presence("p0", "s1", at(12, 18), at(12, 20))
    assert evaluate(sessions, people(1), [presence], Policy()).results["p0"].minutes_present == 0


# --- participants: leader, age, S12, S13 --------------------------------------------------


def test_the_leader_counts_by_default_and_not_when_the_policy_says_so_s13():
    sessions = four_hour_course()
    crowd = people(4, leader=0)
    presences = full([p.key for p in crowd], sessions)
    counted = evaluate(sessions, crowd, presences, Policy())
    assert counted.holds
    assert "p0" in counted.qualifying

    not_counted = evaluate(sessions, crowd, presences, Policy(leader_counts=False))
    assert not not_counted.holds
    assert "p0" not in not_counted.qualifying
    assert not_counted.results["p0"].qualifies  # still entitled to a certificate (S8)
    assert not not_counted.results["p0"].counts
    assert not_counted.reason_codes == ("too_few_participants",)


@pytest.mark.parametrize(
    ("birth_year", "old_enough"),
    [
        (2010, True),  # turns 14 on 31 December 2024 at the latest
        (2011, False),  # turns 13 in 2024
        (1950, True),
        (None, False),  # unknown birth year: the age cannot be checked
    ],
)
def test_age_is_checked_at_the_end_of_the_courses_year_s12(birth_year, old_enough):
    # The course runs in March 2024; someone born 31 December 2010 turns 14 that year.
    sessions = four_hour_course()
    person = Participant("young", birth_year=birth_year)
    result = evaluate(sessions, [person], full(["young"], sessions), Policy())
    assert result.results["young"].old_enough is old_enough
    assert result.results["young"].qualifies is old_enough
    if not old_enough:
        reason = next(r for r in result.reasons if r.code == "under_age")
        assert reason.participant == "young"
        assert not reason.blocking


def test_a_course_on_31_december_uses_that_year_for_age_s12():
    session = Session("s", at(31, 18, month=12, year=2024), at(31, 22, month=12, year=2024))
    person = Participant("p", birth_year=2010)
    result = evaluate([session], [person], full(["p"], [session]), Policy())
    assert result.course_year == 2024
    assert result.results["p"].old_enough


def test_under_age_participants_do_not_count_but_do_not_block_s12():
    sessions = four_hour_course()
    crowd = [*people(4), Participant("child", birth_year=2015)]
    result = evaluate(sessions, crowd, full([p.key for p in crowd], sessions), Policy())
    assert result.holds
    assert "child" not in result.qualifying
    assert result.reason_codes == ("under_age",)


# --- holding, exemption, S3, S4 -----------------------------------------------------------


def test_three_qualifying_participants_are_too_few_s3():
    sessions = four_hour_course()
    crowd = people(4)
    presences = full(["p0", "p1", "p2"], sessions)
    result = evaluate(sessions, crowd, presences, Policy())
    assert not result.holds
    assert result.qualifying == frozenset({"p0", "p1", "p2"})
    assert result.reason_codes == ("too_few_participants",)


def test_an_exemption_waives_the_four_participant_rule_but_not_the_hours_s4():
    sessions = four_hour_course()
    presences = full(["p0", "p1"], sessions)
    result = evaluate(sessions, people(2), presences, Policy(), exemption=True)
    assert result.holds
    short = [Session("s", at(5, 18), at(5, 21))]
    result = evaluate(short, people(2), full(["p0", "p1"], short), Policy(), exemption=True)
    assert result.reason_codes == ("too_few_hours",)


def test_an_exemption_still_needs_one_participant_s4():
    sessions = four_hour_course()
    result = evaluate(sessions, people(2), [], Policy(), exemption=True)
    assert result.reason_codes == ("too_few_participants",)
    assert "minst én" in result.reasons[0].message


def test_every_reason_is_listed_not_just_the_first():
    sessions = [
        Session("ok", at(5, 18), at(5, 20)),
        Session("board", at(6, 18), at(6, 20), decision_meeting=True),
        Session("teams", at(7, 18), at(7, 20), digital=True),
    ]
    result = evaluate(sessions, people(2), [], Policy(), digital_allowed=False)
    assert set(result.reason_codes) == {
        "decision_meeting",
        "digital_not_allowed",
        "too_few_hours",
        "too_few_participants",
    }
    assert result.study_hours == 2  # only the valid session counts
    assert all(r.message for r in result.reasons)


def test_a_decision_meeting_is_never_study_work_s13():
    sessions = [*four_hour_course(), Session("board", at(20, 18), at(20, 22), True, True)]
    crowd = people(4)
    result = evaluate(sessions, crowd, full([p.key for p in crowd], sessions), Policy())
    assert not result.holds
    assert result.reason_codes == ("decision_meeting",)
    assert result.reasons[0].session == "board"
    assert "beslutningsmøte" in result.reasons[0].message


def test_digital_sessions_are_fine_when_the_plan_allows_them_s9():
    sessions = [Session("a", at(5, 18), at(5, 22), digital=True)]
    crowd = people(4)
    assert evaluate(sessions, crowd, full([p.key for p in crowd], sessions), Policy()).holds
    refused = evaluate(
        sessions, crowd, full([p.key for p in crowd], sessions), Policy(), digital_allowed=False
    )
    assert "digital_not_allowed" in refused.reason_codes


# --- bad input: a reason or a ValueError, never a wrong answer ----------------------------


def test_a_session_ending_before_it_starts_is_a_reason():
    sessions = [Session("bad", at(5, 20), at(5, 18)), *four_hour_course()]
    crowd = people(4)
    result = evaluate(sessions, crowd, full(["p0", "p1", "p2", "p3"], sessions[1:]), Policy())
    assert result.reason_codes == ("invalid_session",)
    assert not result.holds


def test_overlapping_sessions_are_a_reason():
    sessions = [Session("a", at(5, 18), at(5, 21)), Session("b", at(5, 20), at(5, 23))]
    result = evaluate(sessions, [], [], Policy())
    assert "invalid_session" in result.reason_codes
    assert "overlapper" in result.reasons[0].message


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        Session("s", datetime(2024, 3, 5, 18), datetime(2024, 3, 5, 20, tzinfo=OSLO))  # noqa: DTZ001
    with pytest.raises(ValueError, match="naive"):
        Presence("p", "s", datetime(2024, 3, 5, 18), at(5, 19))  # noqa: DTZ001
    with pytest.raises(ValueError, match="naive"):
        outlook([], [], [], Policy(), now=datetime(2024, 3, 5))  # noqa: DTZ001


def test_a_presence_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        Presence("p", "s", at(5, 20), at(5, 19))


def test_unknown_and_duplicate_keys_are_refused():
    sessions = four_hour_course()
    with pytest.raises(ValueError, match="unknown participant"):
        evaluate(sessions, people(1), [Presence("ghost", "s1", at(5, 18), at(5, 19))], Policy())
    with pytest.raises(ValueError, match="unknown session"):
        evaluate(sessions, people(1), [Presence("p0", "nope", at(5, 18), at(5, 19))], Policy())
    with pytest.raises(ValueError, match="twice"):
        evaluate([*sessions, sessions[0]], [], [], Policy())
    with pytest.raises(ValueError, match="twice"):
        evaluate(sessions, [*people(1), *people(1)], [], Policy())


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rounding": "nearest"},
        {"min_share": Fraction(0)},
        {"min_share": Fraction(5, 4)},
        {"min_age": -1},
        {"min_participants": 2.5},
    ],
)
def test_a_bad_policy_is_refused(kwargs):
    with pytest.raises(ValueError):
        Policy(**kwargs)


def test_an_empty_course_does_not_hold_and_says_why():
    result = evaluate([], [], [], Policy())
    assert not result.holds
    assert result.reason_codes == ("too_few_hours", "too_few_participants")


def test_times_in_different_zones_compare_as_instants():
    utc_session = Session(
        "s", datetime(2024, 3, 5, 17, tzinfo=UTC), datetime(2024, 3, 5, 21, tzinfo=UTC)
    )
    presence = Presence("p0", "s", at(5, 18), at(5, 21))  # Oslo is UTC+1 in March
    result = evaluate([utc_session], people(1), [presence], Policy())
    assert result.results["p0"].minutes_present == 180


# --- the outlook for the live view --------------------------------------------------------


def test_the_outlook_says_how_many_more_must_attend_how_long():
    # Four sessions of 2 h (480 min; 360 needed). At the start of session 3, two people
    # have attended both sessions (240 min, need 120 more), two have attended none.
    sessions = [Session(f"s{i}", at(5 + 7 * i, 18), at(5 + 7 * i, 20)) for i in range(4)]
    crowd = people(4)
    presences = full(["p0", "p1"], sessions[:2])
    view = outlook(sessions, crowd, presences, Policy(), now=at(19, 18))
    assert view.minutes_remaining == 240
    assert view.required_minutes == 360
    assert view.more_participants_needed == 4
    # p0 and p1 need 2 h more each; p2, p3 would need 6 h: impossible. Newcomers too.
    assert not view.possible
    assert view.participants["p0"].minutes_needed == 120
    assert not view.participants["p2"].can_still_qualify

    later = outlook(sessions, crowd, full(["p0", "p1"], sessions), Policy(), now=at(30, 0))
    assert later.more_participants_needed == 2
    assert not later.possible
    assert "2 deltakere til" in later.messages[0]


def test_the_outlook_counts_newcomers_when_enough_time_is_left():
    sessions = [Session(f"s{i}", at(5 + i, 18), at(5 + i, 20)) for i in range(4)]
    view = outlook(sessions, people(2), full(["p0", "p1"], sessions[:1]), Policy(), now=at(6, 18))
    # 480 total, 360 needed, 360 remaining: p0/p1 need 240, newcomers need 360.
    assert view.more_participants_needed == 4
    assert view.possible
    assert view.minutes_each == 360
    assert view.messages == ("4 deltakere til må delta 6 timer av den gjenstående tiden.",)


def test_the_outlook_of_a_course_that_already_holds():
    sessions = four_hour_course()
    crowd = people(4)
    view = outlook(sessions, crowd, full([p.key for p in crowd], sessions), Policy(), now=at(20, 0))
    assert view.more_participants_needed == 0
    assert view.possible
    assert view.qualified_so_far == frozenset(p.key for p in crowd)


def test_the_outlook_ignores_presence_recorded_beyond_now():
    sessions = [Session("s", at(5, 18), at(5, 22))]
    view = outlook(sessions, people(1), full(["p0"], sessions), Policy(), now=at(5, 19))
    assert view.participants["p0"].minutes_so_far == 60


# --- properties -----------------------------------------------------------------------------

BASE = datetime(2024, 3, 4, 12, tzinfo=OSLO)

session_lists = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 300)), min_size=1, max_size=5
).map(
    lambda spans: [
        Session(
            f"s{i}",
            BASE + timedelta(days=i, minutes=off),
            BASE + timedelta(days=i, minutes=off + length),
        )
        for i, (off, length) in enumerate(spans)
    ]
)


@st.composite
def courses(draw: st.DrawFn) -> tuple[list[Session], list[Participant], list[Presence]]:
    sessions = draw(session_lists)
    crowd = [
        Participant(
            f"p{i}", birth_year=draw(st.sampled_from([None, 1970, 2010, 2012])), is_leader=i == 0
        )
        for i in range(draw(st.integers(0, 6)))
    ]
    presences: list[Presence] = []
    if crowd:
        for _ in range(draw(st.integers(0, 20))):
            person = draw(st.sampled_from(crowd))
            session = draw(st.sampled_from(sessions))
            start = session.start + timedelta(minutes=draw(st.integers(-30, 330)))
            presences.append(
                Presence(
                    person.key,
                    session.key,
                    start,
                    start + timedelta(minutes=draw(st.integers(0, 200))),
                )
            )
    return sessions, crowd, presences


policies = st.builds(
    Policy,
    min_study_hours=st.integers(0, 6),
    min_participants=st.integers(0, 5),
    min_share=st.fractions(min_value=Fraction(1, 100), max_value=1),
    leader_counts=st.booleans(),
    rounding=st.sampled_from(["floor_per_session", "floor_total"]),
)


@settings(max_examples=200, deadline=None)
@given(course=courses(), policy=policies, extra=st.data())
def test_adding_presence_never_lowers_a_share(course, policy, extra):
    sessions, crowd, presences = course
    before = evaluate(sessions, crowd, presences, policy)
    if not crowd:
        return
    person = extra.draw(st.sampled_from(crowd))
    session = extra.draw(st.sampled_from(sessions))
    start = session.start + timedelta(minutes=extra.draw(st.integers(-60, 300)))
    more = Presence(
        person.key, session.key, start, start + timedelta(minutes=extra.draw(st.integers(0, 300)))
    )
    after = evaluate(sessions, crowd, [*presences, more], policy)
    for key in before.results:
        assert after.results[key].minutes_present >= before.results[key].minutes_present
        assert after.results[key].share >= before.results[key].share
        assert after.results[key].qualifies >= before.results[key].qualifies
    assert before.qualifying <= after.qualifying
    assert after.holds >= before.holds


@settings(max_examples=200, deadline=None)
@given(course=courses(), policy=policies, seed=st.randoms(use_true_random=False))
def test_the_order_of_input_never_matters(course, policy, seed):
    sessions, crowd, presences = course
    first = evaluate(sessions, crowd, presences, policy)
    for items in (sessions, crowd, presences):
        seed.shuffle(items)
    second = evaluate(sessions, crowd, presences, policy)
    assert first == second


@settings(max_examples=200, deadline=None)
@given(course=courses(), policy=policies)
def test_the_verdict_agrees_with_its_parts(course, policy):
    sessions, crowd, presences = course
    result = evaluate(sessions, crowd, presences, policy)
    assert result.holds == all(r.participant is not None for r in result.reasons)
    for key, r in result.results.items():
        assert 0 <= r.minutes_present <= result.minutes_total
        share = policy.min_share
        meets = result.minutes_total > 0 and r.minutes_present * share.denominator >= (
            result.minutes_total * share.numerator
        )
        assert r.qualifies == (meets and r.old_enough)
        assert (key in result.qualifying) == r.counts
    if result.holds:
        assert result.study_hours >= policy.min_study_hours
        assert len(result.qualifying) >= policy.min_participants


# --- differential: the engine against a slow, obviously correct reference -------------------


def reference(
    sessions, crowd, presences, policy, *, exemption=False, digital_allowed=True, until=None
):
    """The contract, read literally, with no care for speed: datetimes, Fractions, and the
    union of intervals measured over the elementary segments between their endpoints."""

    def overlap(s, t):
        return s.start < t.end and t.start < s.end

    timed = [s for s in sessions if s.end > s.start]
    counted = {
        s.key: s
        for s in timed
        if not s.decision_meeting
        and not (s.digital and not digital_allowed)
        and not any(t is not s and overlap(s, t) for t in timed)
    }
    minutes_by_session = {k: (s.end - s.start) // timedelta(minutes=1) for k, s in counted.items()}
    minutes_total = sum(minutes_by_session.values())
    if policy.rounding == "floor_per_session":
        study_hours = sum(m // 60 for m in minutes_by_session.values())
    else:
        study_hours = minutes_total // 60
    course_year = min(sessions, key=lambda s: s.start).local_year if sessions else None
    by_pair: dict[tuple[Hashable, Hashable], list[Presence]] = {}
    for pr in presences:
        by_pair.setdefault((pr.participant, pr.session), []).append(pr)
    people = {}
    for person in crowd:
        per_session = {}
        for key, s in counted.items():
            end = s.end if until is None else min(s.end, until)
            pieces = [
                (max(pr.start, s.start), min(pr.end, end))
                for pr in by_pair.get((person.key, key), [])
            ]
            pieces = [(a, b) for a, b in pieces if b > a]
            if not pieces:
                continue
            points = sorted({t for piece in pieces for t in piece})
            covered = sum(
                (b - a for a, b in pairwise(points) if any(x <= a and b <= y for x, y in pieces)),
                timedelta(0),
            )
            per_session[key] = covered // timedelta(minutes=1)
        got = sum(per_session.values())
        share = Fraction(got, minutes_total) if minutes_total else Fraction(0)
        old_enough = (
            person.birth_year is not None
            and course_year is not None
            and course_year - person.birth_year >= policy.min_age
        )
        qualifies = minutes_total > 0 and share >= policy.min_share and old_enough
        counts = qualifies and (policy.leader_counts or not person.is_leader)
        people[person.key] = (got, share, old_enough, qualifies, counts, per_session)
    qualifying = {k for k, r in people.items() if r[4]}
    needed = min(policy.min_participants, 1) if exemption else policy.min_participants
    holds = (
        len(counted) == len(sessions)
        and study_hours >= policy.min_study_hours
        and len(qualifying) >= needed
    )
    return minutes_total, study_hours, minutes_by_session, people, qualifying, holds


@st.composite
def messy_courses(draw: st.DrawFn):
    """Sessions that may overlap, touch, be empty, digital or decision meetings, in two
    zones; presence with seconds and microseconds, often several per pair, in any order."""
    sessions = []
    for i in range(draw(st.integers(0, 5))):
        start = BASE + timedelta(
            minutes=draw(st.integers(0, 6 * 24 * 60)), microseconds=draw(st.integers(0, 10**6))
        )
        end = start + timedelta(seconds=draw(st.integers(-600, 5 * 3600)))
        zone = draw(st.sampled_from([OSLO, UTC]))
        sessions.append(
            Session(
                i if draw(st.booleans()) else f"s{i}",
                start.astimezone(zone),
                end.astimezone(zone),
                digital=draw(st.integers(0, 4)) == 0,
                decision_meeting=draw(st.integers(0, 6)) == 0,
            )
        )
        if draw(st.integers(0, 3)) == 0:  # the next one starts when this one ends
            nxt = end + timedelta(seconds=draw(st.integers(0, 3600)))
            sessions.append(Session(f"t{i}", nxt, nxt + timedelta(minutes=90)))
    crowd = [
        Participant(
            i if i % 2 else f"p{i}",
            birth_year=draw(st.sampled_from([None, 1970, 2010, 2012])),
            is_leader=i == 0,
        )
        for i in range(draw(st.integers(0, 6)))
    ]
    presences: list[Presence] = []
    if crowd and sessions:
        for _ in range(draw(st.integers(0, 30))):
            if presences and draw(st.integers(0, 3)) == 0:  # another interval, same pair
                person_key, session_key = presences[-1].participant, presences[-1].session
                session = next(s for s in sessions if s.key == session_key)
            else:
                person_key = draw(st.sampled_from(crowd)).key
                session = draw(st.sampled_from(sessions))
                session_key = session.key
            start = session.start + timedelta(
                seconds=draw(st.integers(-3600, 6 * 3600)), microseconds=draw(st.integers(0, 10**6))
            )
            length = timedelta(seconds=draw(st.integers(0, 4 * 3600)))
            presences.append(Presence(person_key, session_key, start, start + length))
    order = draw(st.sampled_from(["drawn", "shuffled", "by_session", "reversed"]))
    if order == "shuffled":
        presences = draw(st.permutations(presences))
    elif order == "by_session":
        presences.sort(key=lambda pr: repr(pr.session))
    elif order == "reversed":
        presences.reverse()
    return sessions, crowd, presences


def assert_agrees(result, expected):
    minutes_total, study_hours, minutes_by_session, people, qualifying, holds = expected
    assert result.minutes_total == minutes_total
    assert result.study_hours == study_hours
    assert dict(result.minutes_by_session) == minutes_by_session
    assert result.results.keys() == people.keys()
    for key, (got, share, old_enough, qualifies, counts, per_session) in people.items():
        r = result.results[key]
        assert r.key == key
        assert r.minutes_present == got
        assert r.share == share
        assert (r.old_enough, r.qualifies, r.counts) == (old_enough, qualifies, counts)
        assert dict(r.minutes_by_session) == per_session
    assert result.qualifying == qualifying
    assert result.holds == holds


@settings(max_examples=400, deadline=None)
@given(
    course=messy_courses(),
    policy=policies,
    exemption=st.booleans(),
    digital_allowed=st.booleans(),
)
def test_the_engine_agrees_with_a_slow_reference(course, policy, exemption, digital_allowed):
    sessions, crowd, presences = course
    options = {"exemption": exemption, "digital_allowed": digital_allowed}
    result = evaluate(sessions, crowd, presences, policy, **options)
    assert_agrees(result, reference(sessions, crowd, presences, policy, **options))
    # Any iterable will do, not only a list.
    assert evaluate(sessions, crowd, iter(presences), policy, **options) == result


@settings(max_examples=200, deadline=None)
@given(course=messy_courses(), policy=policies, minutes=st.integers(-60, 7 * 24 * 60))
def test_the_outlook_agrees_with_the_slow_reference(course, policy, minutes):
    sessions, crowd, presences = course
    now = BASE + timedelta(minutes=minutes)
    view = outlook(sessions, crowd, presences, policy, now=now)
    people = reference(sessions, crowd, presences, policy, until=now)[3]
    assert {k: p.minutes_so_far for k, p in view.participants.items()} == {
        k: r[0] for k, r in people.items()
    }


@pytest.mark.parametrize("order", ["grouped", "by_session", "shuffled"])
def test_a_large_course_agrees_with_the_reference_in_any_order(order):
    # Double scans next to each other and far apart, pieces outside the session, empty ones.
    rng = random.Random(order)
    sessions = [
        Session(s, BASE + timedelta(days=s), BASE + timedelta(days=s, hours=2)) for s in range(8)
    ]
    crowd = [Participant(p, birth_year=1990) for p in range(60)]
    presences = []
    for p in range(60):
        for s in sessions:
            for _ in range(rng.choice([0, 1, 1, 1, 2, 3])):
                start = s.start + timedelta(seconds=rng.randint(-1800, 7800))
                presences.append(
                    Presence(p, s.key, start, start + timedelta(seconds=rng.randint(0, 5400)))
                )
    if order == "by_session":
        presences.sort(key=lambda pr: str(pr.session))
    elif order == "shuffled":
        rng.shuffle(presences)
    result = evaluate(sessions, crowd, presences, Policy())
    assert_agrees(result, reference(sessions, crowd, presences, Policy()))


# --- no Django ------------------------------------------------------------------------------


def test_the_engine_imports_and_runs_without_django():
    script = textwrap.dedent(
        """
        import sys

        class BlockDjango:
            def find_spec(self, name, path=None, target=None):
                if name == "django" or name.startswith("django."):
                    raise ImportError("django is blocked in this test")
                return None

        sys.meta_path.insert(0, BlockDjango())
        for name in [m for m in sys.modules if m == "django" or m.startswith("django.")]:
            del sys.modules[name]
        from datetime import datetime, timezone
        import attendance.rules as rules
        s = rules.Session("s", datetime(2024, 1, 1, 18, tzinfo=timezone.utc),
                          datetime(2024, 1, 1, 22, tzinfo=timezone.utc))
        result = rules.evaluate([s], [], [], rules.Policy())
        assert result.study_hours == 4, result
        assert not any(m == "django" or m.startswith("django.") for m in sys.modules)
        print("ok")
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    # attendance/__init__.py must not pull in Django either: the engine is importable alone.
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"

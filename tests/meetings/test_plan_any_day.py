"""The half-year plan generator judged on every day of a half-year (G7, G6, G11, G14, G5).

Pure: the generator takes the moment of generation, so these tests need no database and no
clock travel. For each day of a half-year, the plan made that day:
- schedules no meeting in the past;
- puts each ordinary group meeting ahead of its council round, on a rules weekday, less
  than two weeks early and after the previous council meeting;
- never gives a faction meeting the slot the group meeting would have had;
- plans faction meetings only for committees that have a faction.
"""

from __future__ import annotations

import datetime as dt

import pytest

from meetings import plan as planner

OSLO = planner.OSLO
RULES = planner.Rules(place="Rådhuset", weekdays=(1, 3), start=dt.time(18), end=dt.time(20, 30))


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=OSLO)


def _calendar(year: int, half: int) -> list[planner.CouncilDate]:
    """A council meeting every fifth week, each with two committee meetings in the week
    before it: one committee with a faction, one where the group has a single member."""
    start, end = planner.half_year_bounds(year, half)
    day = start.date() + dt.timedelta(days=9)
    dates: list[planner.CouncilDate] = []
    n = 1
    while day < end.date():
        dates.append(planner.CouncilDate(n, _at(day, 10), _at(day, 15), None, place="Salen"))
        dates.append(
            planner.CouncilDate(
                n + 1,
                _at(day - dt.timedelta(days=6), 9),
                _at(day - dt.timedelta(days=6), 12),
                7,
                has_faction=True,
            )
        )
        dates.append(
            planner.CouncilDate(
                n + 2,
                _at(day - dt.timedelta(days=5), 9),
                _at(day - dt.timedelta(days=5), 12),
                8,
                has_faction=False,
            )
        )
        n += 3
        day += dt.timedelta(weeks=5)
    return dates


def _days(year: int, half: int) -> list[dt.date]:
    start, end = planner.half_year_bounds(year, half)
    day, out = start.date(), []
    while day < end.date():
        out.append(day)
        day += dt.timedelta(days=1)
    return out


@pytest.mark.parametrize(("year", "half"), [(2027, 1), (2027, 2), (2028, 1)])
def test_a_plan_made_on_any_day_of_the_half_year_keeps_the_rules_G7_G6_G11_G14(
    year: int, half: int
) -> None:
    dates = _calendar(year, half)
    councils = [c for c in dates if c.committee_id is None]
    for today in _days(year, half):
        now = _at(today, 12)
        outcome = planner.propose(RULES, dates, [], set(), now)
        assert all(p.starts_at >= now for p in outcome.proposals), today
        ordinary = {
            p.council_meeting_id: p
            for p in outcome.proposals
            if p.kind == "group" and not p.council_slot
        }
        previous_end = None
        for c in councils:
            round_start = min(
                [c.starts_at]
                + [
                    o.starts_at
                    for o in dates
                    if o.committee_id
                    and o.starts_at < c.starts_at
                    and (previous_end is None or o.starts_at > previous_end)
                ]
            )
            p = ordinary.get(c.id)
            if c.starts_at >= now and round_start - dt.timedelta(days=1) > now + dt.timedelta(
                days=1
            ):
                assert p is not None or (c.id, "group", "") in outcome.unplaced, (today, c)
            if p is not None:
                assert p.starts_at < round_start
                assert round_start.date() - p.starts_at.date() < dt.timedelta(days=14)
                assert p.starts_at.weekday() in RULES.weekdays
                assert previous_end is None or p.starts_at > previous_end
            previous_end = c.ends_at
        assert not any(p.committee_id == 8 for p in outcome.proposals), "no faction of one"


def test_the_group_meeting_keeps_its_slot_when_a_faction_wants_it_too_G5_G6() -> None:
    # council Thursday 11 March 2027; committee with a faction on Wednesday 10 March; the rules
    # meet on Tuesdays only: both want Tuesday 9 March, the group meeting gets it
    rules = planner.Rules(place="R", weekdays=(1,), start=dt.time(18), end=dt.time(20))
    council = planner.CouncilDate(
        1, _at(dt.date(2027, 3, 11), 10), _at(dt.date(2027, 3, 11), 15), None
    )
    committee = planner.CouncilDate(
        2, _at(dt.date(2027, 3, 10), 9), _at(dt.date(2027, 3, 10), 12), 5, has_faction=True
    )
    out = planner.propose(rules, [committee, council], [], set(), _at(dt.date(2027, 2, 1), 12))
    by_kind = {(p.kind, p.council_slot): p.starts_at.date() for p in out.proposals}
    assert by_kind[("group", "")] == dt.date(2027, 3, 9)
    assert by_kind[("faction", "")] == dt.date(2027, 3, 2)


def test_a_plan_made_late_leaves_out_the_past_and_names_what_found_no_time_G7() -> None:
    rules = planner.Rules(place="R", weekdays=(1,), start=dt.time(18), end=dt.time(20))
    council = planner.CouncilDate(
        1, _at(dt.date(2027, 3, 11), 10), _at(dt.date(2027, 3, 11), 15), None
    )
    # made on Wednesday 10 March: the Tuesday before the round has passed
    out = planner.propose(rules, [council], [], set(), _at(dt.date(2027, 3, 10), 12))
    assert [(p.council_slot, p.starts_at.date()) for p in out.proposals] == [
        ("before", dt.date(2027, 3, 11)),
        ("after", dt.date(2027, 3, 11)),
    ]
    assert out.unplaced == [(1, "group", "")]

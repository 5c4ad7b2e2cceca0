"""The year's cycle's pure rules (meetings/cycle.py, G27): dates, states and which reminder
applies, on many dates, leap years included. No Django."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "meetings" / "cycle.py"
_spec = importlib.util.spec_from_file_location("cycle_rules_alone", _PATH)
assert _spec and _spec.loader
rules = importlib.util.module_from_spec(_spec)
sys.modules["cycle_rules_alone"] = rules
_spec.loader.exec_module(rules)


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def test_the_rules_module_loads_without_django_G27() -> None:
    source = _PATH.read_text()
    assert "django" not in source


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2027, 1, 31), 1, dt.date(2027, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),  # leap year
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
        (dt.date(2028, 2, 29), 48, dt.date(2032, 2, 29)),
        (dt.date(2027, 10, 1), 11, dt.date(2028, 9, 1)),
        (dt.date(2031, 10, 1), -3, dt.date(2031, 7, 1)),
        (dt.date(2027, 3, 31), -1, dt.date(2027, 2, 28)),
        (dt.date(2027, 12, 15), 1, dt.date(2028, 1, 15)),
    ],
)
def test_months_are_calendar_months_clamped_to_the_months_end_G27(
    day: dt.date, months: int, expected: dt.date
) -> None:
    assert rules.add_months(day, months) == expected


def test_29_february_is_the_28th_in_a_common_year_G27() -> None:
    assert rules.on_month_day(2028, 2, 29) == dt.date(2028, 2, 29)
    for year in (2027, 2029, 2030, 2031, 2100):
        assert rules.on_month_day(year, 2, 29) == dt.date(year, 2, 28)


def test_the_state_on_every_day_around_a_deadline_G27() -> None:
    due = dt.date(2028, 3, 1)  # the day after a leap day
    for today in _days(dt.date(2027, 12, 1), dt.date(2028, 6, 1)):
        left = (due - today).days
        expected = "late" if left < 0 else "due" if left <= 14 else "upcoming"
        assert rules.state(due, today, done=False) == expected, today
        assert rules.state(due, today, done=True) == "done"
    assert rules.state(due, dt.date(2028, 2, 16), done=False) == "due"  # 14 days, Feb has 29
    assert rules.state(due, dt.date(2028, 2, 15), done=False) == "upcoming"


def test_one_reminder_applies_per_day_the_nearest_lead_G27() -> None:
    due = dt.date(2027, 11, 8)
    seen: dict[dt.date, int | None] = {
        today: rules.reminder_lead(due, today)
        for today in _days(dt.date(2027, 10, 1), dt.date(2027, 11, 20))
    }
    assert {d for d, lead in seen.items() if lead == 14} == set(
        _days(dt.date(2027, 10, 25), dt.date(2027, 11, 4))
    )
    assert {d for d, lead in seen.items() if lead == 3} == set(
        _days(dt.date(2027, 11, 5), dt.date(2027, 11, 8))
    )
    assert all(lead is None for d, lead in seen.items() if d < dt.date(2027, 10, 25) or d > due)


def test_the_hearing_closes_at_least_a_month_before_the_council_G27() -> None:
    treated = dt.date(2028, 3, 31)
    assert rules.hearing_long_enough(dt.date(2028, 2, 29), treated)  # leap year: 31 → 29
    assert not rules.hearing_long_enough(dt.date(2028, 3, 1), treated)
    treated = dt.date(2027, 3, 31)
    assert rules.hearing_long_enough(dt.date(2027, 2, 28), treated)
    assert not rules.hearing_long_enough(dt.date(2027, 3, 1), treated)
    # six weeks before (the default) is always long enough
    for treated in _days(dt.date(2027, 1, 1), dt.date(2029, 12, 31)):
        assert rules.hearing_long_enough(treated - dt.timedelta(days=42), treated)


def test_default_dues_by_rule_G27() -> None:
    start, end = dt.date(2027, 10, 1), dt.date(2031, 10, 1)
    kw = {"period_start": start, "period_end": end}
    assert rules.default_due(rules.Rule("month_day", month=6, day=15), year=2029, **kw) == (
        dt.date(2029, 6, 15)
    )
    assert rules.default_due(rules.Rule("period_start", months=11), year=2027, **kw) == (
        dt.date(2028, 9, 1)
    )
    assert rules.default_due(rules.Rule("period_end", months=-3), year=2031, **kw) == (
        dt.date(2031, 7, 1)
    )
    budget = rules.Rule("council", month=11, day=15, days=7)
    assert rules.default_due(budget, year=2028, **kw) == dt.date(2028, 11, 15)
    council = (dt.date(2028, 6, 20), dt.date(2028, 12, 14), dt.date(2028, 11, 2))
    assert rules.default_due(budget, year=2028, council_dates=council, **kw) == (
        dt.date(2028, 12, 7)
    )
    before = rules.Rule("before", of="plan_strategy", days=42)
    assert rules.default_due(
        before, year=2028, others={"plan_strategy": dt.date(2028, 9, 1)}, **kw
    ) == dt.date(2028, 7, 21)
    with pytest.raises(ValueError, match="plan_strategy"):
        rules.default_due(before, year=2028, **kw)


def test_period_years_and_boundary_G27() -> None:
    assert list(rules.period_years(dt.date(2027, 10, 1), dt.date(2031, 10, 1))) == [
        2027,
        2028,
        2029,
        2030,
        2031,
    ]
    assert list(rules.period_years(dt.date(2027, 10, 1), dt.date(2031, 1, 1))) == [
        2027,
        2028,
        2029,
        2030,
    ]
    assert rules.in_period(dt.date(2031, 9, 30), dt.date(2027, 10, 1), dt.date(2031, 10, 1))
    assert not rules.in_period(dt.date(2031, 10, 1), dt.date(2027, 10, 1), dt.date(2031, 10, 1))

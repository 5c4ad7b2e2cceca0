"""`make run` loads the demo on a fresh database: it must work on every day of the year
(G7, G6, G11, G24, S3), and loading it twice adds nothing.

The dates cover a whole four-year period: every 23rd day (so the weekday walks through the
week) plus the days where calendars break: the DST changes, New Year, 29 February, and the
first and last day of each half-year. The hour of the day walks as well.
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command

from groups import demo as groups_demo
from meetings.models import Meeting, MeetingPlan
from tests.authz.whistleblowing import FAST_KDF
from tests.factories.attendance import ensure_seed

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
FIRST, LAST = dt.date(2026, 12, 1), dt.date(2030, 11, 30)


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def _dates() -> list[dt.date]:
    days = {FIRST + dt.timedelta(days=23 * n) for n in range((LAST - FIRST).days // 23 + 1)}
    for year in range(FIRST.year, LAST.year + 1):
        days |= {_last_sunday(year, 3), _last_sunday(year, 10)}  # DST changes in Oslo
        days |= {dt.date(year, 1, 1), dt.date(year, 6, 30), dt.date(year, 7, 1)}
        days |= {dt.date(year, 12, 31)}
    days.add(dt.date(2028, 2, 29))
    return sorted(d for d in days if FIRST - dt.timedelta(days=31) <= d <= LAST)


DATES = _dates()


@pytest.fixture(autouse=True)
def _cheap_argon2(settings: Any) -> None:
    """The demo's whistleblowing case derives its keys with cheap Argon2id, as the
    whistleblowing tests do: the real cost was half of every load here, and it is measured
    by the benchmark; `make run` (tests/test_make_run.py) loads the demo with it."""
    settings.WHISTLEBLOWING_KDF = FAST_KDF


def _counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in ("groups", "meetings", "attendance", "whistleblowing")
    }


def test_the_dates_cover_a_four_year_period_and_its_awkward_days() -> None:
    assert len(DATES) >= 80
    assert dt.date(2028, 2, 29) in DATES
    assert dt.date(2027, 3, 28) in DATES and dt.date(2027, 10, 31) in DATES  # DST
    assert {dt.date(2028, 12, 31), dt.date(2029, 1, 1)} <= set(DATES)
    assert {d.weekday() for d in DATES} == set(range(7))


@pytest.mark.django_db
@pytest.mark.parametrize("today", DATES, ids=str)
def test_the_demo_loads_on_any_day_and_twice_adds_nothing_G7(today: dt.date) -> None:
    ensure_seed()
    # the hour walks through the day too (08–21), so evenings after a day's meeting count
    moment = dt.datetime.combine(today, dt.time(8 + today.toordinal() % 14), tzinfo=OSLO)
    with time_machine.travel(moment, tick=False):
        call_command("demo", stdout=io.StringIO())
        counts = _counts()
        call_command("demo", stdout=io.StringIO())
        assert _counts() == counts
    plan = MeetingPlan.objects.get()
    generated = Meeting.objects.filter(plan=plan)
    assert generated.exists()
    assert not generated.filter(starts_at__lt=moment).exists(), "plan meeting in the past"
    start = groups_demo.period_start(today)
    assert start <= today - dt.timedelta(days=groups_demo.DEMO_SETTLE_DAYS)
    # G9: the next group meeting shows items members have sent in, also late in a half-year
    # when the plan holds only the meetings around its last council meeting (the meeting
    # page benchmark reads them)
    assert generated.filter(agenda_items__title="Gatelys i sentrum").exists(), today


@pytest.mark.django_db
@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 12, 1, 20, tzinfo=OSLO),
        dt.datetime(2027, 6, 8, 21, tzinfo=OSLO),
        dt.datetime(2029, 12, 4, 19, 30, tzinfo=OSLO),
    ],
    ids=str,
)
def test_late_in_a_half_year_the_sent_in_items_go_to_the_next_group_meeting_G9(
    moment: dt.datetime,
) -> None:
    """An evening after the half-year's last ordinary group meeting: the items members send
    in go to the meeting before the last council meeting instead of being left out."""
    ensure_seed()
    with time_machine.travel(moment, tick=False):
        call_command("demo", stdout=io.StringIO())
    meeting = Meeting.objects.get(agenda_items__title="Gatelys i sentrum")
    assert meeting.starts_at > moment

"""Dates read as Norwegian and as English (issue 18): one format per purpose, through
config/dates.py, checked on every day of a year in both languages."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from config.dates import day, when

OSLO = ZoneInfo("Europe/Oslo")
NB_MONTHS = [
    "jan.",
    "feb.",
    "mar.",
    "apr.",
    "mai",
    "jun.",
    "jul.",
    "aug.",
    "sep.",
    "okt.",
    "nov.",
    "des.",
]
NB_DAYS = ["man.", "tir.", "ons.", "tor.", "fre.", "lør.", "søn."]


@pytest.mark.parametrize(
    ("lang", "purpose", "expected"),
    [
        ("nb", "list", "tir. 1. des. 2026 kl. 18:00"),
        ("nb", "heading", "tirsdag 1. desember 2026 kl. 18:00"),
        ("nb", "document", "1. desember 2026 kl. 18:00"),
        ("en", "list", "Tue 1 Dec 2026, 18:00"),
        ("en", "heading", "Tuesday 1 December 2026, 18:00"),
        ("en", "document", "1 December 2026, 18:00"),
    ],
)
def test_each_purpose_in_each_language(lang: str, purpose: str, expected: str) -> None:
    # 17:00 UTC is 18:00 in Oslo in winter: the time is shown where the users are.
    value = dt.datetime(2026, 12, 1, 17, 0, tzinfo=dt.UTC)
    with translation.override(lang):
        assert when(value, purpose) == expected
        assert day(value, purpose) == expected.rsplit(" kl. ", 1)[0].rsplit(", ", 1)[0]


def test_every_day_of_a_year_is_lower_case_norwegian_and_plain_english() -> None:
    start = dt.date(2028, 1, 1)  # a leap year, with both DST changes
    for offset in range(366):
        date = start + dt.timedelta(days=offset)
        with translation.override("nb"):
            listed = day(date, "list")
            weekday, number, month, year = listed.split(" ")
            assert weekday == NB_DAYS[date.weekday()]
            assert (number, month, year) == (f"{date.day}.", NB_MONTHS[date.month - 1], "2028")
            for purpose in ("heading", "document"):
                assert day(date, purpose) == day(date, purpose).lower(), purpose
        with translation.override("en"):
            assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} 2028", day(date, "list"))
            assert "." not in day(date, "document")


def test_the_clock_follows_oslo_across_the_dst_change() -> None:
    before = dt.datetime(2028, 3, 26, 0, 30, tzinfo=dt.UTC)  # 01:30 CET
    after = dt.datetime(2028, 3, 26, 1, 30, tzinfo=dt.UTC)  # 03:30 CEST
    with translation.override("nb"):
        assert when(before, "list").endswith("kl. 01:30")
        assert when(after, "list").endswith("kl. 03:30")
        assert when(dt.datetime(2028, 3, 26, 3, 30, tzinfo=OSLO), "document") == (
            "26. mars 2028 kl. 03:30"
        )


def test_the_filters_are_built_in_and_empty_values_stay_empty() -> None:
    template = Template('{{ d|day:"document" }}|{{ t|when:"list" }}|{{ none|when }}')
    with translation.override("nb"):
        rendered = template.render(
            Context({"d": dt.date(2027, 5, 17), "t": dt.datetime(2027, 5, 17, 12, 0, tzinfo=OSLO)})
        )
    assert rendered == "17. mai 2027|man. 17. mai 2027 kl. 12:00|"


def test_an_unknown_purpose_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown date purpose"):
        day(dt.date(2027, 1, 1), "poster")

"""The meetings demo loads, shows every part of the feature, and a second run adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from groups import demo as groups_demo
from meetings import demo as meetings_demo
from meetings.models import (
    AgendaItem,
    Meeting,
    MeetingKind,
    MeetingPlan,
    MinutesVersion,
    ProgrammeIssue,
)


@pytest.mark.django_db
@pytest.mark.parametrize("today", ["2025-01-03", "2025-06-25", "2025-12-27", "2026-03-11"])
def test_the_demo_loads_and_loading_twice_adds_nothing(today: str) -> None:
    with time_machine.travel(dt.datetime.fromisoformat(f"{today}T12:00+01:00"), tick=False):
        _load_twice()


def _load_twice() -> None:
    ctx = groups_demo.load()
    meetings_demo.load(ctx)
    assert MeetingPlan.objects.filter(group=ctx.group).count() == 1
    assert Meeting.objects.filter(kind=MeetingKind.FACTION).exists()
    assert Meeting.objects.filter(kind=MeetingKind.BOARD).exists()
    # three group meetings and the members' meeting (G26), whose minutes say advisory
    assert MinutesVersion.objects.count() == 4
    members = MinutesVersion.objects.get(minutes__meeting__kind=MeetingKind.MEMBERS)
    assert members.content["advisory"] is True
    assert AgendaItem.objects.filter(
        members_item__meeting__kind=MeetingKind.MEMBERS, needs_chapter_briefing=True
    ).exists()
    assert AgendaItem.objects.filter(status="proposed").exists()
    assert ProgrammeIssue.objects.count() == 3
    counts = (Meeting.objects.count(), AgendaItem.objects.count())
    meetings_demo.load(groups_demo.load())
    assert (Meeting.objects.count(), AgendaItem.objects.count()) == counts

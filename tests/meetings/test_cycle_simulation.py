"""A year of the year's cycle (G27) with the beat's sweep run as the worker would, twice a
day (06:30, before the reminder hour, and 12:00), from June 2027 to July 2028: across the
period boundary of 1 October 2027 (the old period closes, the new one loads its cycle),
both DST changes and 29 February 2028. Along the way the leader moves a deadline after its
first reminder, a social gathering is held before its deadline, the leader marks work done,
and a programme issue is due.

Invariants: every reminder is sent exactly once per entry, person, lead and deadline, on the
day its lead begins (or the day it was moved into reach), at the first sweep from 07:00
Oslo time, to the responsible person in their language; each e-mail has its own Message-ID;
nothing for work that is done, and nothing for the closed period."""

from __future__ import annotations

import datetime as dt
import importlib
from collections import Counter

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from config.celery import app
from groups.models import Membership, Seat
from meetings import cycle as rules
from meetings import services
from meetings.models import (
    CycleEntry,
    CycleKey,
    CycleReminder,
    MeetingKind,
    ProgrammeIssue,
)
from tests.conftest import World
from tests.factories.attendance import at
from tests.factories.groups import make_new_period
from tests.factories.meetings import make_meeting

pytestmark = pytest.mark.django_db

START = dt.date(2027, 6, 1)
END = dt.date(2028, 7, 1)


def _beat(moment: dt.datetime) -> None:
    importlib.import_module("meetings.tasks")
    with time_machine.travel(moment, tick=False):
        app.tasks["meetings.tasks.send_cycle_reminders"]()


def test_a_year_of_reminders_each_once_across_a_period_boundary_G27_G24_E2(world: World) -> None:
    old = world.group  # 1 October 2023 – 30 September 2027
    with time_machine.travel(at(2027, 5, 1, 12), tick=False):
        new = make_new_period(old)  # from 1 October 2027; closes the old one then
    chapter = Membership.objects.get(group=new, seat=Seat.CHAPTER_LEADER)
    chapter.user.language = "en"
    chapter.user.save()
    leader = world.users["leader"]
    new_leader = Membership.objects.create(
        group=new, user=leader, seat="regular", board_role="leader", joined_on=new.period_start
    )
    issue = ProgrammeIssue.objects.create(
        group=new,
        title="Ny flerbrukshall",
        sector="culture",
        assignee=new_leader,
        start_on=dt.date(2027, 10, 1),
        present_by=dt.date(2028, 2, 29),
        updated_at=timezone.now(),
    )
    moved: dict[int, tuple[dt.date, dt.date]] = {}  # entry id -> (day moved, new deadline)
    done: dict[int, dt.date] = {}  # entry id -> the day the leader marked it done

    def event(day: dt.date) -> None:
        if day == dt.date(2027, 11, 5):  # after the budget's 14-day reminder (1 November)
            budget = CycleEntry.objects.get(group=new, key=CycleKey.BUDGET, year=2027)
            with time_machine.travel(at(2027, 11, 5, 10), tick=False):
                services.cycle_entry_update(
                    actor=leader,
                    entry=budget,
                    due_on=dt.date(2027, 12, 2),
                    responsible_role=budget.responsible_role,
                    responsible=None,
                    meeting=None,
                    done=False,
                )
            moved[budget.pk] = (day, dt.date(2027, 12, 2))
        if day == dt.date(2028, 5, 25):  # the autumn plan, due 1 June, marked done: no 3-day
            plan = CycleEntry.objects.get(group=new, key=CycleKey.MEETING_PLAN, year=2028, seq=1)
            with time_machine.travel(at(2028, 5, 25, 10), tick=False):
                services.cycle_entry_update(
                    actor=leader,
                    entry=plan,
                    due_on=None,
                    responsible_role=plan.responsible_role,
                    responsible=None,
                    meeting=None,
                    done=True,
                )
            done[plan.pk] = day
        if day == dt.date(2028, 6, 5):  # a gathering before 15 June: the 3-day one is not sent
            make_meeting(new, kind=MeetingKind.SOCIAL, starts_at=at(2028, 6, 5, 18))

    mail.outbox.clear()
    day = START
    while day < END:
        event(day)
        before = len(mail.outbox)
        _beat(at(day.year, day.month, day.day, 6, 30))
        assert len(mail.outbox) == before, f"sent before 07:00 on {day}"
        _beat(at(day.year, day.month, day.day, 12))
        day += dt.timedelta(days=1)

    sent = list(CycleReminder.objects.select_related("entry", "issue", "user"))
    ours = [
        r for r in sent if (r.entry.group_id if r.entry else r.issue.group_id) in (old.pk, new.pk)
    ]
    # each reminder once (the constraints), and one e-mail each with its own Message-ID
    keys = Counter((r.entry_id, r.issue_id, r.user_id, r.lead_days, r.due_on) for r in sent)
    assert max(keys.values()) == 1
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(ids) == len(set(ids)) == len(sent)
    # sent on the day its lead begins (or the day the deadline was moved into reach), at noon
    for r in sent:
        local = timezone.localtime(r.sent_at)
        assert local.time() == dt.time(12, 0)
        starts = r.due_on - dt.timedelta(days=r.lead_days)
        expected = max(starts, START)
        if r.entry_id in moved and moved[r.entry_id][1] == r.due_on:
            expected = max(expected, moved[r.entry_id][0])
        assert local.date() == expected, (r.entry or r.issue, r.lead_days, r.due_on)
        if r.entry_id in done:
            assert local.date() < done[r.entry_id]
    # nothing for the old period once it is closed
    for r in ours:
        group_id = r.entry.group_id if r.entry else r.issue.group_id
        if group_id == old.pk:
            assert timezone.localdate(r.sent_at) < dt.date(2027, 10, 1)
    # every deadline in reach of the simulation that is not done got both reminders
    with time_machine.travel(at(2028, 6, 30, 12), tick=False):
        for group in (old, new):
            for occ in services.occurrences(group):
                if not (START + dt.timedelta(days=14) <= occ.due < END):
                    continue
                if group == old and occ.due >= dt.date(2027, 10, 1):
                    continue
                got = sorted(
                    r.lead_days
                    for r in ours
                    if (r.entry_id, r.issue_id)
                    == ((occ.entry.pk, None) if occ.entry else (None, occ.issue.pk))
                    and r.due_on == occ.due
                )
                if occ.state == rules.DONE:
                    assert got in ([], [14]), (occ.title, got)  # done before the 3-day one
                    continue
                if group == old and occ.due - dt.timedelta(days=3) >= dt.date(2027, 10, 1):
                    continue
                assert got == [3, 14], (occ.title, occ.due, got)
    # what the year looked like, spelled out for a few deadlines
    budget = CycleEntry.objects.get(group=new, key=CycleKey.BUDGET, year=2027)
    assert sorted(
        (r.lead_days, r.due_on, timezone.localdate(r.sent_at))
        for r in sent
        if r.entry_id == budget.pk
    ) == [
        (3, dt.date(2027, 12, 2), dt.date(2027, 11, 29)),
        (14, dt.date(2027, 11, 15), dt.date(2027, 11, 1)),
        (14, dt.date(2027, 12, 2), dt.date(2027, 11, 18)),
    ]
    assert sorted(
        (r.lead_days, timezone.localdate(r.sent_at), r.user_id)
        for r in sent
        if r.issue_id == issue.pk
    ) == [(3, dt.date(2028, 2, 26), leader.pk), (14, dt.date(2028, 2, 15), leader.pk)]
    social = CycleEntry.objects.get(group=new, key=CycleKey.SOCIAL, year=2028, seq=1)
    assert [r.lead_days for r in sent if r.entry_id == social.pk] == [14]
    plan = CycleEntry.objects.get(group=new, key=CycleKey.MEETING_PLAN, year=2028, seq=1)
    assert [r.lead_days for r in sent if r.entry_id == plan.pk] == [14]
    testament = CycleEntry.objects.get(group=old, key=CycleKey.TESTAMENT, year=2027)
    assert sorted(r.lead_days for r in sent if r.entry_id == testament.pk) == [3, 14]
    # the members' meetings go to the chapter leader, in English
    members = [m for m in mail.outbox if m.to == [chapter.user.email]]
    assert members and all(m.subject.startswith("Deadline in ") for m in members)
    assert all("Members' meeting" in m.subject for m in members)

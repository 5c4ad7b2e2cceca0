"""The year's cycle (årshjul, G27): defaults loaded per period, states from the portal's
data, the leader's changes and their refusals, reminders once, and the ICS feed."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groups.models import BoardRole, RulesDispatch, RulesDispatchKind, Seat
from meetings import cycle as rules
from meetings import services
from meetings.models import (
    CycleEntry,
    CycleKey,
    CycleReminder,
    CycleRole,
    MeetingKind,
    MeetingPlan,
    MeetingStatus,
    PlanStatus,
    ProgrammeIssue,
    ProgrammeStatus,
)
from tests.conftest import World
from tests.factories.attendance import at
from tests.factories.groups import make_membership, make_new_period, make_user
from tests.factories.meetings import make_council_meeting, make_meeting

pytestmark = pytest.mark.django_db


def _entry(world: World, key: str, year: int, seq: int = 1) -> CycleEntry:
    services.cycle_load(world.group)
    return CycleEntry.objects.get(group=world.group, key=key, year=year, seq=seq)


def _occ(world: World, entry: CycleEntry, now: dt.datetime | None = None) -> Any:
    return next(
        o for o in services.occurrences(world.group, now=now) if o.entry and o.entry.pk == entry.pk
    )


def _update(world: World, entry: CycleEntry, **changes: Any) -> CycleEntry:
    values: dict[str, Any] = {
        "due_on": entry.due_on,
        "responsible_role": entry.responsible_role,
        "responsible": entry.responsible,
        "meeting": entry.meeting,
        "done": entry.done_at is not None,
    }
    values.update(changes)
    return services.cycle_entry_update(actor=world.users["leader"], entry=entry, **values)


# --- defaults ----------------------------------------------------------------------------
def test_the_booklets_cycle_is_loaded_once_for_each_year_of_the_period_G27(world: World) -> None:
    group = world.group  # 1 October 2023 – 30 September 2027
    created = services.cycle_load(group)
    assert created > 0
    assert services.cycle_load(group) == 0  # idempotent
    keys = set(CycleEntry.objects.filter(group=group).values_list("key", "year", "seq"))
    # once: the rules, the planning strategy and its hearing first, the testament last
    assert ("rules", 2023, 1) in keys and ("plan_strategy", 2023, 1) in keys
    assert ("plan_hearing", 2023, 1) in keys and ("testament", 2027, 1) in keys
    assert not any(k == "testament" and y != 2027 for k, y, _s in keys)
    # yearly, where the default date is inside the period
    for year in (2024, 2025, 2026):
        for key, seq in [
            ("budget", 1),
            ("action_plan", 1),
            ("meeting_plan", 1),
            ("meeting_plan", 2),
            ("social", 1),
            ("social", 2),
            ("members", 1),
            ("members", 2),
        ]:
            assert (key, year, seq) in keys
    assert ("budget", 2023, 1) in keys  # 15 November 2023: in the period
    assert ("social", 2023, 1) not in keys  # 15 June 2023: before it
    assert ("budget", 2027, 1) not in keys  # November 2027: the next period's
    assert ("social", 2027, 1) in keys


def test_a_new_period_starts_from_the_defaults_with_the_last_periods_dates_and_roles_G27(
    world: World,
) -> None:
    budget = _entry(world, CycleKey.BUDGET, 2026)
    _update(world, budget, due_on=dt.date(2026, 12, 2), responsible_role=CycleRole.DEPUTY)
    new = make_new_period(world.group)
    services.cycle_load(new)
    carried = CycleEntry.objects.get(group=new, key=CycleKey.BUDGET, year=2028)
    assert carried.due_on == dt.date(2028, 12, 2)
    assert carried.responsible_role == CycleRole.DEPUTY
    # the old period's entries are its own, unchanged
    assert CycleEntry.objects.get(pk=budget.pk).due_on == dt.date(2026, 12, 2)
    social = CycleEntry.objects.get(group=new, key=CycleKey.SOCIAL, year=2028, seq=1)
    assert social.due_on is None and social.responsible_role == CycleRole.LEADER


def test_the_budget_falls_a_week_before_the_councils_last_autumn_meeting_G27(
    world: World,
) -> None:
    budget = _entry(world, CycleKey.BUDGET, 2025)
    assert _occ(world, budget).due == dt.date(2025, 11, 15)
    make_council_meeting(world.group, at(2025, 12, 11, 10))
    make_council_meeting(world.group, at(2025, 6, 11, 10))
    make_council_meeting(world.group, at(2025, 12, 11, 10), committee=world.committee)
    assert _occ(world, budget).due == dt.date(2025, 12, 4)


# --- state from the portal's data ------------------------------------------------------------
def test_states_come_from_the_portals_data_G7_G21_G23_G26_E2(world: World) -> None:
    group = world.group
    now = at(2026, 12, 20, 12)
    plan = _entry(world, CycleKey.MEETING_PLAN, 2026, 2)  # plan for spring 2027, due 1 Dec
    social1 = _entry(world, CycleKey.SOCIAL, 2026, 1)
    social2 = _entry(world, CycleKey.SOCIAL, 2026, 2)
    members = _entry(world, CycleKey.MEMBERS, 2026, 1)
    rules_entry = _entry(world, CycleKey.RULES, 2023)
    assert _occ(world, plan, now).state == rules.LATE
    MeetingPlan.objects.create(group=group, year=2027, half=1, status=PlanStatus.ADOPTED)
    assert _occ(world, plan, now).state == rules.DONE and _occ(world, plan, now).by_portal

    make_meeting(group, kind=MeetingKind.SOCIAL, starts_at=at(2026, 5, 2, 18))
    make_meeting(
        group,
        kind=MeetingKind.SOCIAL,
        starts_at=at(2026, 9, 2, 18),
        status=MeetingStatus.CANCELLED,
    )
    make_meeting(group, kind=MeetingKind.SOCIAL, starts_at=at(2026, 12, 28, 18))  # not yet
    assert _occ(world, social1, now).state == rules.DONE
    assert _occ(world, social2, now).state == rules.LATE
    assert _occ(world, social2, at(2026, 12, 29, 12)).state == rules.DONE

    assert _occ(world, members, now).state == rules.LATE
    make_meeting(group, kind=MeetingKind.MEMBERS, starts_at=at(2026, 3, 3, 18))
    assert _occ(world, members, now).state == rules.DONE

    assert _occ(world, rules_entry, now).state == rules.LATE
    RulesDispatch.objects.create(
        group=group,
        ruleset=world.ruleset,
        kind=RulesDispatchKind.SEND,
        token=uuid.uuid4(),
        created_at=at(2023, 10, 20, 12),
    )
    assert _occ(world, rules_entry, now).state == rules.DONE

    issue = ProgrammeIssue.objects.create(
        group=group,
        title="Ny barnehage",
        sector="school",
        assignee=world.memberships["member"],
        start_on=dt.date(2024, 1, 1),
        present_by=dt.date(2026, 12, 30),
        updated_at=now,
    )
    found = [o for o in services.occurrences(group, now=now, year=2026) if o.issue]
    assert [(o.issue.pk, o.state, o.responsible) for o in found] == [
        (issue.pk, rules.DUE, world.memberships["member"])
    ]
    issue.status = ProgrammeStatus.PRESENTED
    issue.save()
    found = [o for o in services.occurrences(group, now=now, year=2026) if o.issue]
    assert found[0].state == rules.DONE


def test_the_budget_is_done_when_its_group_meeting_is_held_or_the_leader_marks_it_G27(
    world: World,
) -> None:
    budget = _entry(world, CycleKey.BUDGET, 2026)
    meeting = make_meeting(world.group, title="Budsjettmøte", starts_at=at(2026, 11, 10, 18))
    _update(world, budget, meeting=meeting)
    assert _occ(world, budget, at(2026, 11, 9, 12)).state == rules.DUE
    assert _occ(world, budget, at(2026, 11, 10, 19)).state == rules.DONE
    meeting.status = MeetingStatus.CANCELLED
    meeting.save()
    assert _occ(world, budget, at(2026, 11, 16, 12)).state == rules.LATE
    testament = _entry(world, CycleKey.TESTAMENT, 2027)
    marked = _update(world, testament, done=True)
    assert marked.done_at is not None and marked.done_by == world.users["leader"]
    occ = _occ(world, testament)
    assert occ.state == rules.DONE and not occ.by_portal
    assert _update(world, marked, done=False).done_at is None


def test_states_and_the_year_view_on_many_dates_across_leap_years_and_dst_G27(
    world: World,
) -> None:
    group = world.group
    client = world.client_for("anonymous")
    services.cycle_load(group)
    days = [dt.date(2023, 10, 1) + dt.timedelta(days=n) for n in range(0, 1461, 13)]
    days += [
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 31),  # summer time begins
        dt.date(2024, 10, 27),  # and ends
        dt.date(2027, 9, 30),  # the period's last day
    ]
    for day in days:
        for hour in (0, 23):
            moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30)))
            with time_machine.travel(moment, tick=False):
                today = timezone.localdate()
                for occ in services.occurrences(group):
                    done = occ.by_portal or (occ.entry is not None and occ.entry.done_at)
                    assert occ.state == rules.state(occ.due, today, done=bool(done))
                    assert rules.in_period(occ.due, group.period_start, group.period_end)
        if day.day % 4 == 0:
            with time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(9)))):
                client.force_login(world.users["member"])
                response = client.get(reverse("meetings:cycle", kwargs={"group_pk": group.pk}))
                assert response.status_code == 200
                assert f"Årshjul {day.year}" in response.text


# --- the leader's changes ------------------------------------------------------------------
def test_the_leader_moves_a_date_and_names_who_is_responsible_G27(world: World) -> None:
    budget = _entry(world, CycleKey.BUDGET, 2026)
    saved = _update(
        world,
        budget,
        due_on=dt.date(2026, 12, 3),
        responsible=world.memberships["member"],
    )
    assert saved.due_on == dt.date(2026, 12, 3)
    occ = _occ(world, saved)
    assert occ.due == dt.date(2026, 12, 3) and occ.responsible == world.memberships["member"]
    # back to the default
    assert _occ(world, _update(world, saved, due_on=None)).due == dt.date(2026, 11, 15)


@pytest.mark.parametrize(
    ("key", "year", "changes", "field", "message"),
    [
        (
            CycleKey.BUDGET,
            2026,
            {"due_on": dt.date(2027, 1, 5)},
            "due_on",
            "Fristen må ligge i 2026.",
        ),
        (
            CycleKey.SOCIAL,
            2027,
            {"due_on": dt.date(2027, 11, 1)},
            "due_on",
            "Fristen må ligge i perioden (1. oktober 2023–30. september 2027).",
        ),
        (
            CycleKey.PLAN_HEARING,
            2023,
            {"due_on": dt.date(2024, 8, 15)},
            "due_on",
            "Høringsfristen må være minst en måned før kommunestyret behandler planstrategien (1. september 2024).",
        ),
        (
            CycleKey.BUDGET,
            2026,
            {"responsible_role": "mayor"},
            "responsible_role",
            "Velg et gyldig verv.",
        ),
    ],
)
def test_bad_dates_and_roles_are_refused_in_norwegian_and_nothing_changes_G27(
    world: World, key: str, year: int, changes: dict[str, Any], field: str, message: str
) -> None:
    from django.core.exceptions import ValidationError

    entry = _entry(world, key, year)
    with pytest.raises(ValidationError) as refused:
        _update(world, entry, **changes)
    assert refused.value.message_dict[field] == [message]
    fresh = CycleEntry.objects.get(pk=entry.pk)
    assert (fresh.due_on, fresh.responsible_role) == (None, entry.responsible_role)


def test_the_strategy_cannot_move_closer_than_a_month_to_a_set_hearing_G27(world: World) -> None:
    from django.core.exceptions import ValidationError

    hearing = _entry(world, CycleKey.PLAN_HEARING, 2023)
    strategy = _entry(world, CycleKey.PLAN_STRATEGY, 2023)
    _update(world, hearing, due_on=dt.date(2024, 6, 14))
    with pytest.raises(ValidationError) as refused:
        _update(world, strategy, due_on=dt.date(2024, 7, 1))
    assert "tidligst en måned etter høringsfristen (14. juni 2024)" in str(refused.value)
    _update(world, strategy, due_on=dt.date(2024, 7, 14))
    # a hearing left at its default follows the strategy: six weeks before
    _update(world, hearing, due_on=None)
    assert _occ(world, hearing).due == dt.date(2024, 6, 2)


def test_a_member_of_another_group_or_its_meeting_is_refused_G27(world: World) -> None:
    from django.core.exceptions import ValidationError

    entry = _entry(world, CycleKey.BUDGET, 2026)
    with pytest.raises(ValidationError, match="Den ansvarlige må være med i gruppa"):
        _update(world, entry, responsible=world.memberships["outsider"])
    with pytest.raises(ValidationError, match="Velg et av gruppas møter"):
        _update(world, entry, meeting=make_meeting(world.other_group))
    social = _entry(world, CycleKey.SOCIAL, 2026)  # its state is the gatherings held
    with pytest.raises(ValidationError, match="Velg et av gruppas møter"):
        _update(world, social, meeting=make_meeting(world.group))


def test_the_form_refuses_bad_input_with_the_input_kept_G27(world: World) -> None:
    entry = _entry(world, CycleKey.BUDGET, 2026)
    client = world.client_for("leader")
    url = reverse("meetings:cycle_edit", kwargs={"pk": entry.pk})
    for due, message in [
        ("2027-01-05", "Fristen må ligge i 2026."),
        ("31.02.2026", "Skriv datoen som dd.mm.åååå"),
        ("x" * 300, "Skriv datoen som dd.mm.åååå"),
    ]:
        response = client.post(url, {"due_on": due, "responsible_role": "leader"})
        assert response.status_code == 200
        assert message in response.text
        assert 'aria-invalid="true"' in response.text
        assert f'value="{due}"' in response.text
    response = client.post(url, {"due_on": "2026-11-20", "responsible_role": "ghost"})
    assert "Velg et gyldig valg" in response.text
    assert CycleEntry.objects.get(pk=entry.pk).due_on is None
    response = client.post(url, {"due_on": "2026-11-20", "responsible_role": "deputy"})
    assert response.status_code == 302
    assert CycleEntry.objects.get(pk=entry.pk).due_on == dt.date(2026, 11, 20)


def test_a_closed_period_is_read_only_G24_G27(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    entry = _entry(world, CycleKey.SOCIAL, 2026, 2)
    world.group.closed_from = dt.date(2026, 10, 1)
    world.group.save()
    entry.refresh_from_db()
    with pytest.raises(PermissionDenied):
        _update(world, entry, due_on=dt.date(2026, 12, 1))
    client = world.client_for("leader")
    assert client.get(reverse("meetings:cycle_edit", kwargs={"pk": entry.pk})).status_code == 403
    page = client.get(reverse("meetings:cycle", kwargs={"group_pk": world.group.pk}))
    assert page.status_code == 200 and "Endre frist" not in page.text


# --- reminders -----------------------------------------------------------------------------
def ours(message: Any) -> bool:
    """An e-mail about group A's cycle (group B's leader gets B's)."""
    return "Grønnbygd" in message.body


def _sweep(moment: dt.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return services.cycle_reminders_send_due()


def test_reminders_go_14_and_3_days_before_once_each_to_the_responsible_G27(
    world: World,
) -> None:
    budget = _entry(world, CycleKey.BUDGET, 2026)  # 15 November 2026
    _update(world, budget, responsible=world.memberships["member"])
    mail.outbox.clear()
    _sweep(at(2026, 10, 31, 12))  # 15 days before: nothing for the budget yet
    assert not [m for m in mail.outbox if "Budsjett for 2027" in m.subject]
    _sweep(at(2026, 11, 1, 12))
    _sweep(at(2026, 11, 1, 13))
    _sweep(at(2026, 11, 2, 12))
    budget_mail = [m for m in mail.outbox if "Budsjett for 2027" in m.subject and ours(m)]
    assert [(m.to, m.subject) for m in budget_mail] == [
        (["medlem@example.org"], "Frist om 14 dager: Budsjett for 2027")
    ]
    assert "søndag 15. november 2026" in budget_mail[0].body
    mail.outbox.clear()
    for day in range(3, 16):
        _sweep(at(2026, 11, day, 12))
    budget_mail = [m for m in mail.outbox if "Budsjett for 2027" in m.subject and ours(m)]
    assert [m.subject for m in budget_mail] == ["Frist om 3 dager: Budsjett for 2027"]
    assert CycleReminder.objects.filter(entry=budget).count() == 2


def test_no_reminder_for_done_work_before_seven_or_after_the_deadline_G27(world: World) -> None:
    social = _entry(world, CycleKey.SOCIAL, 2026, 2)  # 10 December 2026
    mail.outbox.clear()
    assert _sweep(at(2026, 11, 26, 6, 59)) == 0  # before 07:00 Oslo time
    make_meeting(world.group, kind=MeetingKind.SOCIAL, starts_at=at(2026, 3, 1, 18))
    make_meeting(world.group, kind=MeetingKind.SOCIAL, starts_at=at(2026, 11, 20, 18))
    _sweep(at(2026, 11, 26, 12))
    assert not CycleReminder.objects.filter(entry=social).exists()
    late = _entry(world, CycleKey.ACTION_PLAN, 2026)  # 15 October 2026, never reminded
    _sweep(at(2026, 10, 20, 12))
    assert not CycleReminder.objects.filter(entry=late).exists()


def test_the_reminder_hour_is_oslo_time_across_the_dst_change_G27(world: World) -> None:
    members = _entry(world, CycleKey.MEMBERS, 2027, 1)  # 15 April 2027: 14 days = 1 April
    _update(world, members, due_on=dt.date(2027, 4, 11))  # 14 days before: 28 March, DST day
    chapter = make_membership(
        world.group,
        make_user(full_name="Lars Lokallag", email="lokallag@example.org"),
        seat=Seat.CHAPTER_LEADER,
    )
    mail.outbox.clear()
    # 28 March 2027: clocks go 02:00 → 03:00; 04:30 UTC is 06:30 local, 05:00 UTC is 07:00
    assert _sweep(dt.datetime(2027, 3, 28, 4, 30, tzinfo=dt.UTC)) == 0
    _sweep(dt.datetime(2027, 3, 28, 5, 0, tzinfo=dt.UTC))
    sent = CycleReminder.objects.get(entry=members)
    assert (sent.user, sent.lead_days, sent.due_on) == (chapter.user, 14, dt.date(2027, 4, 11))
    assert any(m.to == ["lokallag@example.org"] for m in mail.outbox)


def test_a_moved_deadline_is_a_new_deadline_with_its_own_reminders_G27(world: World) -> None:
    plan = _entry(world, CycleKey.MEETING_PLAN, 2026, 1)  # 1 June 2026
    mail.outbox.clear()
    _sweep(at(2026, 5, 20, 12))
    assert CycleReminder.objects.filter(entry=plan, lead_days=14).count() == 1
    with time_machine.travel(at(2026, 5, 21, 12), tick=False):
        _update(world, plan, due_on=dt.date(2026, 6, 12))
    for day in range(21, 32):
        _sweep(at(2026, 5, day, 12))
    for day in range(1, 13):
        _sweep(at(2026, 6, day, 12))
    sent = sorted(CycleReminder.objects.filter(entry=plan).values_list("lead_days", "due_on"))
    assert sent == [
        (3, dt.date(2026, 6, 12)),
        (14, dt.date(2026, 6, 1)),
        (14, dt.date(2026, 6, 12)),
    ]


def test_reminders_are_written_in_the_recipients_language_G27(world: World) -> None:
    leader = world.users["leader"]
    leader.language = "en"
    leader.save()
    mail.outbox.clear()
    _sweep(at(2026, 11, 1, 12))  # the budget, 15 November: the leader's
    budget = [m for m in mail.outbox if m.to == [leader.email] and "2027" in m.subject]
    assert [m.subject for m in budget] == ["Deadline in 14 days: Budget for 2027"]
    assert "Sunday 15 November 2026" in budget[0].body
    assert "Hei" not in budget[0].body


def test_no_reminders_for_a_closed_period_G24_G27(world: World) -> None:
    world.group.closed_from = dt.date(2026, 10, 1)
    world.group.save()
    mail.outbox.clear()
    _sweep(at(2026, 11, 1, 12))
    assert not [m for m in mail.outbox if ours(m)]
    assert not CycleReminder.objects.filter(entry__group=world.group).exists()


def test_programme_deadlines_are_reminded_to_the_assignee_E2_G27(world: World) -> None:
    issue = ProgrammeIssue.objects.create(
        group=world.group,
        title="Gang- og sykkelvei",
        sector="transport",
        assignee=world.memberships["faction_leader"],
        start_on=dt.date(2024, 1, 1),
        present_by=dt.date(2026, 9, 10),
        updated_at=timezone.now(),
    )
    mail.outbox.clear()
    for day in range(25, 32):
        _sweep(at(2026, 8, day, 12))
    for day in range(1, 12):
        _sweep(at(2026, 9, day, 12))
    sent = [m for m in mail.outbox if "Gang- og sykkelvei" in m.subject]
    assert [(m.to, m.subject) for m in sent] == [
        (
            ["fraksjon@example.org"],
            "Frist om 14 dager: Programpunkt legges fram: Gang- og sykkelvei",
        ),
        (
            ["fraksjon@example.org"],
            "Frist om 3 dager: Programpunkt legges fram: Gang- og sykkelvei",
        ),
    ]
    assert len({m.extra_headers["Message-ID"] for m in sent}) == 2
    assert CycleReminder.objects.filter(issue=issue).count() == 2


def test_the_deputy_or_the_leader_gets_it_when_the_role_is_empty_G27(world: World) -> None:
    entry = _entry(world, CycleKey.ACTION_PLAN, 2026)
    _update(world, entry, responsible_role=CycleRole.BOARD)  # no board member in this group
    stand_in = _occ(world, entry)
    assert stand_in.responsible == world.memberships["leader"]
    assert stand_in.role_label == "gruppeleder, i stedet for gruppestyremedlem"
    board = make_membership(world.group, board_role=BoardRole.MEMBER)
    assert _occ(world, entry).responsible == board


# --- ICS -------------------------------------------------------------------------------------
def test_the_year_view_as_a_calendar_feed_with_etag_G27(world: World) -> None:
    member = world.users["member"]
    token = services.calendar_feed_create(actor=member)
    client = world.client_for("anonymous")
    url = reverse("meetings:cycle_feed", kwargs={"token": token})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body and "DTSTART;VALUE=DATE:20261115" in body
    assert "Budsjett for 2027" in body and "Årshjul" in body
    assert f"UID:cycle-{world.group.pk}-budget-2026-1@" in body
    budget = _entry(world, CycleKey.BUDGET, 2026)
    # the same event once the entry is stored
    response = client.get(url)
    assert f"UID:cycle-{world.group.pk}-budget-2026-1@" in response.text
    etag = response["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    _update(world, budget, due_on=dt.date(2026, 11, 27))
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and "DTSTART;VALUE=DATE:20261127" in changed.text
    # the outsider's group is not in the member's feed
    assert "Nabobygd" not in changed.text
    assert client.get(reverse("meetings:cycle_feed", kwargs={"token": "x" * 43})).status_code == (
        404
    )
    download = world.client_for("member").get(
        reverse("meetings:cycle_ics", kwargs={"group_pk": world.group.pk})
    )
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]


def test_a_year_outside_the_period_shows_the_nearest_with_a_message_G27(world: World) -> None:
    client = world.client_for("member")
    url = reverse("meetings:cycle", kwargs={"group_pk": world.group.pk})
    for bad in ("1999", "abc", "٢٠٢٥", "-1", "9" * 40):
        response = client.get(url, {"ar": bad})
        assert response.status_code == 200
        assert "Året finnes ikke i perioden 2023–2027." in response.text
    assert "Årshjul 2024" in client.get(url, {"ar": "2024"}).text


def test_a_reminder_subject_keeps_the_title_as_typed_G27(world: World) -> None:
    """The subject is rendered from a template (config.mail.send): never HTML-escaped."""
    ProgrammeIssue.objects.create(
        group=world.group,
        title='Vei & bro "nå"',
        sector="transport",
        assignee=world.memberships["faction_leader"],
        start_on=dt.date(2024, 1, 1),
        present_by=dt.date(2026, 9, 10),
        updated_at=timezone.now(),
    )
    mail.outbox.clear()
    _sweep(at(2026, 8, 27, 12))
    assert [m.subject for m in mail.outbox if "Vei" in m.subject] == [
        'Frist om 14 dager: Programpunkt legges fram: Vei & bro "nå"'
    ]
    assert all(m.extra_headers["Message-ID"] for m in mail.outbox)


# --- reads that do not write ----------------------------------------------------------------
def _rows() -> tuple[int, int]:
    from groups.models import AuditEntry

    return CycleEntry.objects.count(), AuditEntry.objects.count()


def test_the_year_view_and_the_feed_write_nothing_and_show_the_defaults_G27(
    world: World,
) -> None:
    """A period whose entries are not stored (made before they were made with it) is shown
    from the defaults; neither the page, the download nor the feed stores them."""
    assert not CycleEntry.objects.filter(group=world.group).exists()
    before = _rows()
    page = world.client_for("leader").get(
        reverse("meetings:cycle", kwargs={"group_pk": world.group.pk}) + "?ar=2026"
    )
    assert page.status_code == 200
    assert "Budsjett for 2027" in page.text
    # not stored yet, so no link to a form that edits it
    assert "Endre frist og ansvarlig" not in page.text
    token = services.calendar_feed_create(actor=world.users["member"])
    before = _rows()  # the feed's token is a write of its own
    feed = world.client_for("anonymous").get(reverse("meetings:cycle_feed", args=[token]))
    assert feed.status_code == 200 and "Budsjett for 2027" in feed.text
    download = world.client_for("member").get(
        reverse("meetings:cycle_ics", kwargs={"group_pk": world.group.pk})
    )
    assert download.status_code == 200
    assert _rows() == before


def test_a_new_group_and_a_new_period_get_their_cycle_when_created_G24_G27(
    world: World,
) -> None:
    from groups import services as group_services

    with time_machine.travel(at(2027, 9, 20, 12), tick=False):
        group = group_services.group_create(
            actor=world.users["site_admin"],
            area_name="Fjordvik",
            kind=world.group.kind,
            period_start=dt.date(2027, 10, 1),
            leader_email="ny-leder@example.org",
            leader_name="Ny Leder",
        )
        assert CycleEntry.objects.filter(group=group, key=CycleKey.BUDGET).exists()
        assert services.cycle_load(group) == 0
        budget = _entry(world, CycleKey.BUDGET, 2026)
        _update(world, budget, due_on=dt.date(2026, 11, 27))
        new = group_services.period_open(
            actor=world.users["site_admin"],
            group=world.group,
            period_start=dt.date(2027, 10, 1),
            convener_name="Siv Strand",
            convener_email="siv@example.org",
        )
    carried = CycleEntry.objects.get(group=new, key=CycleKey.BUDGET, year=2028)
    assert carried.due_on == dt.date(2028, 11, 27)  # the adjusted day carries over
    assert services.cycle_load(new) == 0


def test_the_migration_stores_the_cycle_of_the_periods_from_before_G27(world: World) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "meetings.migrations.0010_cycle_entries_for_existing_periods"
    )
    assert not CycleEntry.objects.filter(group=world.group).exists()
    migration.load(apps, None)
    stored = CycleEntry.objects.filter(group=world.group).count()
    assert stored > 0
    assert services.cycle_load(world.group) == 0
    migration.load(apps, None)  # twice is once
    assert CycleEntry.objects.filter(group=world.group).count() == stored

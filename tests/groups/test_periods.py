"""A group's new period (G24, G4), closed periods, and sending the rules (G23); issue 11,
and issue 17's "Fjellbygd, 2027–2031 twice, and a period starting in 1800"."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from groups import services
from groups.models import (
    AuditEntry,
    BoardRole,
    CouncilGroup,
    Election,
    GroupKind,
    Membership,
    PeriodConstitution,
    RulesDelivery,
    RuleSetStatus,
    Seat,
    SeatDecision,
    SeatTransition,
)
from groups.permissions import can_constitute, can_manage, get_group_for_user
from tests.conftest import World
from tests.factories.attendance import make_course
from tests.factories.groups import make_ethics, make_membership
from tests.factories.meetings import at, make_meeting

pytestmark = pytest.mark.django_db

AFTER_ELECTION = at(2027, 9, 20, 12)  # the September 2027 election is over
START = dt.date(2027, 10, 1)  # world.group's period ends and the next one starts


def _open(world: World, **overrides: Any) -> CouncilGroup:
    values: dict[str, Any] = {
        "actor": world.users["site_admin"],
        "group": world.group,
        "period_start": START,
        "convener_name": "Siv Strand",
        "convener_email": "siv@example.org",
    } | overrides
    return services.period_open(**values)


def _carry_all(new: CouncilGroup) -> None:
    convener = PeriodConstitution.objects.get(group=new).convener
    assert convener is not None
    decisions = {m.pk: str(SeatDecision.CARRY) for m in services.pending_seats(new)}
    services.constitution_seats(actor=convener, group=new, decisions=decisions)


def _convener(new: CouncilGroup) -> Any:
    return PeriodConstitution.objects.get(group=new).convener


def _new_membership(new: CouncilGroup, user: Any) -> Membership:
    return Membership.objects.get(group=new, user=user)


# --- opening a period -----------------------------------------------------------------------
@time_machine.travel(AFTER_ELECTION, tick=False)
def test_g24_site_admin_opens_the_next_four_year_period_and_names_the_convener(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        new = _open(world)
    assert (new.period_start, new.period_end) == (START, dt.date(2031, 10, 1))
    assert new.previous_period == world.group and new.area_name == world.group.area_name
    world.group.refresh_from_db()
    assert world.group.closed_from == START
    constitution = PeriodConstitution.objects.get(group=new)
    assert constitution.convener is not None
    assert constitution.convener.email == "siv@example.org"
    seat = _new_membership(new, constitution.convener)
    assert seat.seat == Seat.CHAPTER_LEADER and seat.board_role == BoardRole.NONE
    # The rules in force are the new group's first proposal: the group adopts its own (G22).
    proposal = new.rulesets.get()
    assert proposal.status == RuleSetStatus.PROPOSED and proposal.version == 1
    assert proposal.meeting_place == world.ruleset.meeting_place
    assert AuditEntry.objects.filter(action="period.open", group=new).exists()
    assert [m.to for m in mail.outbox] == [["siv@example.org"]]  # the convener's invitation


@time_machine.travel(AFTER_ELECTION, tick=False)
def test_g24_only_a_site_admin_opens_a_period_and_only_once(world: World) -> None:
    with pytest.raises(PermissionDenied):
        _open(world, actor=world.users["leader"])
    _open(world)
    with pytest.raises(ValidationError) as refused:
        _open(world, period_start=dt.date(2031, 10, 1))
    assert "allerede fått ny periode" in refused.value.message_dict["period_start"][0]


@time_machine.travel(AFTER_ELECTION, tick=False)
def test_g24_a_new_period_may_not_overlap_the_last(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        _open(world, period_start=dt.date(2027, 6, 1))
    message = refused.value.message_dict["period_start"][0]
    assert "overlapper" in message and "tidligst starte 1. oktober 2027" in message
    assert not CouncilGroup.objects.filter(previous_period=world.group).exists()


# --- issue 17: duplicates and absurd years --------------------------------------------------
def _create(world: World, area: str, start: dt.date, kind: str = GroupKind.MUNICIPAL) -> Any:
    return services.group_create(
        actor=world.users["site_admin"],
        area_name=area,
        kind=kind,
        period_start=start,
        leader_email=f"leder-{uuid.uuid4().hex[:6]}@example.org",
        leader_name="Ny Leder",
    )


@time_machine.travel(AFTER_ELECTION, tick=False)
def test_issue17_fjellbygd_2027_2031_cannot_be_created_twice(world: World) -> None:
    _create(world, "Fjellbygd", START)
    for spelling in ("Fjellbygd", "  fjellbygd ", "FJELLBYGD"):
        with pytest.raises(ValidationError) as refused:
            _create(world, spelling, START)
        assert refused.value.message_dict["period_start"] == [
            "Fjellbygd har allerede perioden 2027–2031."
        ]
    with pytest.raises(ValidationError):  # a later start in the same period overlaps too
        _create(world, "Fjellbygd", dt.date(2028, 1, 1))
    _create(world, "Fjellbygd", START, kind=GroupKind.COUNTY)  # the county group is another
    assert CouncilGroup.objects.filter(area_name__iexact="fjellbygd").count() == 2


@pytest.mark.parametrize(
    "start", [dt.date(1800, 1, 1), dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(2029, 1, 1)]
)
@time_machine.travel(AFTER_ELECTION, tick=False)
def test_issue17_absurd_years_are_refused_on_the_field(world: World, start: dt.date) -> None:
    with pytest.raises(ValidationError) as refused:
        _create(world, "Fjellbygd", start)
    assert list(refused.value.message_dict) == ["period_start"]
    assert not CouncilGroup.objects.filter(area_name="Fjellbygd").exists()


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@pytest.mark.parametrize(
    "today",
    [
        dt.date(2026, 1, 1),
        dt.date(2027, 2, 28),
        dt.date(2027, 9, 30),
        dt.date(2028, 2, 29),
        dt.date(2029, 12, 31),
        dt.date(2031, 7, 15),
    ],
)
def test_issue17_a_period_must_be_running_or_start_within_a_year_on_any_day(
    db: None, today: dt.date
) -> None:
    def check(start: dt.date) -> None:
        services.period_check(
            area_name="Fjellbygd", kind=GroupKind.MUNICIPAL, period_start=start, today=today
        )

    with time_machine.travel(dt.datetime.combine(today, dt.time(12), dt.UTC), tick=False):
        check(today + dt.timedelta(days=366))
        with pytest.raises(ValidationError):
            check(today + dt.timedelta(days=367))
        ended_today = _years_before(today, 4)
        if CouncilGroup.period_end_for(ended_today) <= today:
            with pytest.raises(ValidationError):
                check(ended_today)
        check(ended_today + dt.timedelta(days=1))


# --- a closed period is readable, not editable -------------------------------------------------
def test_g24_the_last_periods_records_cannot_be_edited_once_the_new_period_starts(
    world: World,
) -> None:
    from attendance import services as attendance_services
    from meetings import services as meeting_services

    with time_machine.travel(AFTER_ELECTION, tick=False):
        _open(world)
    meeting = make_meeting(world.group, starts_at=at(2027, 9, 25, 18))
    course = make_course(world.group, world.users["leader"])
    leader, member = world.users["leader"], world.users["member"]
    with time_machine.travel(at(2027, 9, 30, 23, 50), tick=False):  # the old period's last day
        meeting_services.meeting_update(actor=leader, meeting=meeting, place="Kulturhuset")
        assert can_manage(leader, world.group)
    with time_machine.travel(at(2027, 10, 1, 0, 5), tick=False):
        world.group.refresh_from_db()
        edits = [
            lambda: services.membership_update(
                actor=leader,
                membership=world.memberships["member"],
                seat=Seat.SUBSTITUTE,
                board_role="",
            ),
            lambda: meeting_services.meeting_update(actor=leader, meeting=meeting, place="Skolen"),
            lambda: meeting_services.minutes_save(actor=leader, meeting=meeting, notes="Endret"),
            lambda: meeting_services.agenda_item_submit(actor=member, meeting=meeting, title="Ny"),
            lambda: attendance_services.course_update(
                actor=leader,
                course=course,
                plan=course.plan,
                title="Nytt navn",
                course_leader=leader,
            ),
            lambda: services.ruleset_propose(
                actor=leader,
                group=world.group,
                fields=services.RuleFields("Skolen", [2], dt.time(18), dt.time(20), 0, ""),
                change_summary="",
            ),
            lambda: get_group_for_user(world.users["site_admin"], world.group.pk, "manage"),
        ]
        for edit in edits:
            with pytest.raises(PermissionDenied, match="Perioden 2023–2027 er avsluttet"):
                edit()
        assert not can_manage(leader, world.group)
        assert get_group_for_user(member, world.group.pk, "view") == world.group
    meeting.refresh_from_db()
    course.refresh_from_db()
    assert meeting.place == "Kulturhuset" and course.title != "Nytt navn"
    assert world.memberships["member"].seat == Seat.REGULAR


def test_g24_a_refused_edit_of_a_closed_period_shows_the_reason(world: World) -> None:
    with time_machine.travel(AFTER_ELECTION, tick=False):
        _open(world)
    with time_machine.travel(at(2027, 10, 2, 12), tick=False):
        client = world.client_for("leader")
        url = f"/grupper/{world.group.pk}/medlemmer/{world.memberships['member'].pk}/"
        response = client.post(url, {"seat": Seat.SUBSTITUTE, "board_role": ""})
        assert response.status_code == 403
        assert "Perioden 2023–2027 er avsluttet" in response.content.decode()
        page = client.get(f"/grupper/{world.group.pk}/").content.decode()
        assert "kan leses, men ikke endres" in page and "Legg til person" not in page


# --- seat by seat ---------------------------------------------------------------------------
@time_machine.travel(AFTER_ELECTION, tick=False)
def test_g24_each_seat_is_carried_over_or_ended(world: World) -> None:
    new = _open(world)
    convener = _convener(new)
    seats = services.pending_seats(new)
    assert {m.pk for m in seats} == {
        world.memberships[k].pk for k in ("leader", "deputy", "member", "faction_leader")
    } | {world.memberships["substitute"].pk}
    with pytest.raises(ValidationError) as refused:
        services.constitution_seats(
            actor=convener, group=new, decisions={seats[0].pk: SeatDecision.CARRY}
        )
    assert set(refused.value.message_dict) == {f"seat_{m.pk}" for m in seats[1:]}
    with pytest.raises(PermissionDenied):
        services.constitution_seats(actor=world.users["leader"], group=new, decisions={})
    _carry_all(new)
    assert not services.pending_seats(new)
    carried = _new_membership(new, world.users["leader"])
    assert carried.seat == Seat.REGULAR and carried.board_role == BoardRole.NONE
    assert _new_membership(new, world.memberships["substitute"].user).seat == Seat.SUBSTITUTE
    assert SeatTransition.objects.filter(period=new).count() == 5
    # The old period's record is left as it was.
    world.memberships["leader"].refresh_from_db()
    assert world.memberships["leader"].board_role == BoardRole.LEADER
    with pytest.raises(ValidationError, match="allerede behandlet"):
        services.constitution_seats(actor=convener, group=new, decisions={})


@time_machine.travel(AFTER_ELECTION, tick=False)
def test_g24_an_ended_seat_is_not_in_the_new_group(world: World) -> None:
    new = _open(world)
    ended = world.memberships["faction_leader"]
    decisions = {m.pk: str(SeatDecision.CARRY) for m in services.pending_seats(new)}
    decisions[ended.pk] = SeatDecision.END
    services.constitution_seats(actor=_convener(new), group=new, decisions=decisions)
    assert not Membership.objects.filter(group=new, user=ended.user).exists()
    transition = SeatTransition.objects.get(previous=ended)
    assert transition.decision == SeatDecision.END and transition.membership is None
    assert AuditEntry.objects.filter(action="period.seat_end", subject_user=ended.user).exists()


# --- the constituting meeting and the election -------------------------------------------------
def _convened(world: World, django_capture_on_commit_callbacks: Any) -> CouncilGroup:
    with time_machine.travel(AFTER_ELECTION, tick=False):
        new = _open(world)
        _carry_all(new)
        with django_capture_on_commit_callbacks(execute=True):
            services.constitution_convene(
                actor=_convener(new), group=new, meeting_at=at(2027, 10, 5, 18), place="Rådhuset"
            )
    return new


@time_machine.travel(AFTER_ELECTION, tick=False)
def test_g24_the_chapter_leader_convenes_and_each_member_gets_one_summons(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    new = _open(world)
    convener = _convener(new)
    with pytest.raises(ValidationError, match="Før over plassene"):
        services.constitution_convene(
            actor=convener, group=new, meeting_at=at(2027, 10, 5, 18), place="Rådhuset"
        )
    _carry_all(new)
    for when, place, field in (
        (at(2027, 9, 20, 11), "Rådhuset", "meeting_at"),  # in the past
        (at(2028, 9, 1, 18), "Rådhuset", "meeting_at"),  # long after the start
        (at(2027, 10, 5, 18), "  ", "place"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.constitution_convene(actor=convener, group=new, meeting_at=when, place=place)
        assert list(refused.value.message_dict) == [field]
    mail.outbox.clear()
    for _ in range(2):  # a double click sends nothing twice
        with django_capture_on_commit_callbacks(execute=True):
            services.constitution_convene(
                actor=convener, group=new, meeting_at=at(2027, 10, 5, 18), place="Rådhuset"
            )
    assert len(mail.outbox) == 5
    assert {m.subject for m in mail.outbox} == {"Innkalling til konstituerende møte"}
    assert "5. oktober 2027 kl. 18:00, Rådhuset" in mail.outbox[0].body
    with pytest.raises(PermissionDenied):
        services.constitution_convene(
            actor=world.users["leader"], group=new, meeting_at=at(2027, 10, 6, 18), place="X"
        )


def test_g24_the_group_elects_its_leader_and_deputy_and_the_election_is_recorded(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    make_ethics()
    new = _convened(world, django_capture_on_commit_callbacks)
    convener = _convener(new)
    leader = _new_membership(new, world.users["member"])
    deputy = _new_membership(new, world.users["deputy"])
    substitute = _new_membership(new, world.memberships["substitute"].user)

    def elect(**overrides: Any) -> list[Election]:
        values: dict[str, Any] = {
            "actor": convener,
            "group": new,
            "leader": leader,
            "deputy": deputy,
            "leader_votes_for": 3,
            "leader_votes_against": 1,
            "deputy_votes_for": 4,
            "deputy_votes_against": 0,
        } | overrides
        return services.constitution_elect(**values)

    with (
        time_machine.travel(at(2027, 10, 5, 17, 30), tick=False),
        pytest.raises(ValidationError, match="har begynt"),
    ):
        elect()
    with time_machine.travel(at(2027, 10, 5, 19), tick=False):
        for overrides, field in (
            ({"deputy": leader}, "deputy"),
            ({"leader": substitute}, "leader"),
            ({"leader_votes_for": 4, "leader_votes_against": 1}, "leader_votes_for"),
            ({"deputy_votes_for": 2, "deputy_votes_against": 2}, "deputy_votes_for"),
        ):
            with pytest.raises(ValidationError) as refused:
                elect(**overrides)
            assert list(refused.value.message_dict) == [field]
        assert not Election.objects.exists()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            elect(note="Valgt ved akklamasjon")
        leader.refresh_from_db()
        deputy.refresh_from_db()
        assert (leader.board_role, deputy.board_role) == (BoardRole.LEADER, BoardRole.DEPUTY)
        assert can_manage(world.users["member"], new)
        recorded = {
            e.role: (e.elected_id, e.votes_for, e.votes_against) for e in new.elections.all()
        }
        assert recorded == {"leader": (leader.pk, 3, 1), "deputy": (deputy.pk, 4, 0)}
        assert AuditEntry.objects.filter(action="period.elect", group=new).exists()
        assert not can_constitute(convener, new)
        # Everyone newly elected is asked to acknowledge the ethical guidelines...
        asked = sorted(m.to[0] for m in mail.outbox)
        assert len(asked) == 6 and "medlem@example.org" in asked
        assert {m.subject for m in mail.outbox} == {"Nye etiske retningslinjer: les og bekreft"}
        # ...and the rules, once the new group has adopted them (the copy is a proposal).
        assert not RulesDelivery.objects.exists()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.ruleset_decide(
                actor=world.users["member"],
                ruleset=new.rulesets.get(),
                votes_for=3,
                votes_against=0,
            )
        assert RulesDelivery.objects.filter(ruleset__group=new).count() == 6
        assert {m.subject for m in mail.outbox} == {"Gruppas reglement, versjon 1"}
        with pytest.raises(PermissionDenied):
            elect()


# --- sending the rules (G23) --------------------------------------------------------------------
def _send(world: World, kind: str = "send", token: uuid.UUID | None = None, **kw: Any) -> Any:
    return services.rules_send(
        actor=kw.pop("actor", world.users["leader"]),
        group=world.group,
        kind=kind,
        token=token or uuid.uuid4(),
    )


def test_g23_the_leader_sends_the_rules_to_every_member_and_observer_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    make_membership(world.group, seat=Seat.PARTY_MEMBER)  # not a member of the group itself
    token = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        first = _send(world, token=token)
    assert len(mail.outbox) == 5
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert {m.subject for m in mail.outbox} == {"Gruppas reglement, versjon 1"}
    assert f"/grupper/{world.group.pk}/reglement/1/" in mail.outbox[0].body
    assert all(d.sent_at is not None for d in first.deliveries.all())
    with django_capture_on_commit_callbacks(execute=True):  # the double click
        again = _send(world, token=token)
    assert again.pk == first.pk and len(mail.outbox) == 5
    with pytest.raises(ValidationError, match="allerede fått versjon 1"):
        _send(world)
    newcomer = make_membership(world.group)
    with django_capture_on_commit_callbacks(execute=True):
        _send(world)
    assert len(mail.outbox) == 6 and mail.outbox[-1].to == [newcomer.user.email]


def test_g23_a_reminder_goes_to_those_who_have_not_acknowledged(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    services.rules_acknowledge(actor=world.users["member"], ruleset=world.ruleset)
    token = uuid.uuid4()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            _send(world, "remind", token)
    assert len(mail.outbox) == 4
    assert "medlem@example.org" not in {m.to[0] for m in mail.outbox}
    assert all(m.subject.startswith("Påminnelse") for m in mail.outbox)
    for key in ("leader", "deputy", "faction_leader", "substitute"):
        services.rules_acknowledge(actor=world.memberships[key].user, ruleset=world.ruleset)
    with pytest.raises(ValidationError, match="Ingen trenger påminnelse"):
        _send(world, "remind")


def test_g23_a_delivery_task_run_twice_sends_one_email(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        dispatch = _send(world)
    delivery = dispatch.deliveries.first()
    assert mail.outbox == [] and delivery.sent_at is None
    assert services.rules_delivery_send(delivery_id=delivery.pk) is True
    assert services.rules_delivery_send(delivery_id=delivery.pk) is False
    assert len(mail.outbox) == 1


def test_g23_only_the_leaders_send_and_not_in_a_closed_period(world: World) -> None:
    with pytest.raises(PermissionDenied):
        _send(world, actor=world.users["member"])
    with pytest.raises(ValidationError):
        _send(world, kind="everyone")
    world.group.closed_from = dt.date(2027, 10, 1)
    world.group.save()
    with (
        time_machine.travel(at(2027, 10, 2, 12), tick=False),
        pytest.raises(PermissionDenied, match="avsluttet"),
    ):
        _send(world)
    assert not RulesDelivery.objects.exists()


# --- the pages: bad input keeps what was typed, errors on the field -------------------------------
@time_machine.travel(AFTER_ELECTION, tick=False)
def test_g24_period_form_refuses_1800_on_the_field_and_keeps_the_input(world: World) -> None:
    client = world.client_for("site_admin")
    url = f"/grupper/{world.group.pk}/ny-periode/"
    page = client.get(url).content.decode()
    assert 'value="01.10.2027"' in page  # the old period's end is the proposed start
    for start in ("1800-01-01", "ikke en dato", "9999-12-31"):
        response = client.post(
            url,
            {"period_start": start, "convener_name": "Siv Strand", "convener_email": "siv@x.no"},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["period_start"]
        assert 'value="Siv Strand"' in response.content.decode()
    response = client.post(
        url, {"period_start": "2027-10-01", "convener_name": "", "convener_email": "x"}
    )
    assert set(response.context["form"].errors) == {"convener_name", "convener_email"}
    assert not CouncilGroup.objects.filter(previous_period=world.group).exists()
    response = client.post(
        url,
        {"period_start": "2027-10-01", "convener_name": "Siv Strand", "convener_email": "siv@x.no"},
    )
    new = CouncilGroup.objects.get(previous_period=world.group)
    assert (
        response.status_code == 302 and response["Location"] == f"/grupper/{new.pk}/konstituering/"
    )


@time_machine.travel(AFTER_ELECTION, tick=False)
def test_g24_convene_seats_and_election_forms_refuse_bad_input(world: World) -> None:
    from django.test import Client

    new = _open(world)
    client = Client()
    client.force_login(_convener(new))
    base = f"/grupper/{new.pk}/konstituering/"
    # seats: none chosen -> an error on every seat, nothing saved
    response = client.post(base + "plasser/", {"seats": "1"})
    assert response.status_code == 200
    assert len(response.context["form"].errors) == 5
    assert not SeatTransition.objects.exists()
    # a newly elected person: bad e-mail kept on the form
    response = client.post(
        base + "plasser/",
        {
            "add_member": "1",
            "new-full_name": "Ny Nyvalgt",
            "new-email": "ikke-epost",
            "new-seat": "regular",
        },
    )
    assert response.context["new_form"].errors["email"]
    assert 'value="Ny Nyvalgt"' in response.content.decode()
    response = client.post(
        base + "plasser/",
        {
            "add_member": "1",
            "new-full_name": "Ny Nyvalgt",
            "new-email": "ny@x.no",
            "new-seat": "regular",
        },
    )
    assert (
        response.status_code == 302
        and Membership.objects.filter(group=new, user__email="ny@x.no").exists()
    )
    data = {f"seat_{m.pk}": "carry" for m in services.pending_seats(new)}
    assert client.post(base + "plasser/", data).status_code == 302
    # convene: a time in the past, on the field
    response = client.post(base, {"meeting_at": "2027-09-01T18:00", "place": "Rådhuset"})
    assert response.status_code == 200 and response.context["form"].errors["meeting_at"]
    assert 'value="Rådhuset"' in response.content.decode()
    assert (
        client.post(base, {"meeting_at": "2027-10-05T18:00", "place": "Rådhuset"}).status_code
        == 302
    )
    with time_machine.travel(at(2027, 10, 5, 19), tick=False):
        client.force_login(_convener(new))  # a new session on the evening of the meeting
        leader = _new_membership(new, world.users["leader"])
        deputy = _new_membership(new, world.users["deputy"])
        values = {
            "leader": leader.pk,
            "leader_votes_for": "2",
            "leader_votes_against": "3",
            "deputy": deputy.pk,
            "deputy_votes_for": "5",
            "deputy_votes_against": "0",
        }
        response = client.post(base + "valg/", values)
        assert response.status_code == 200
        assert "fikk ikke flertall" in response.context["form"].errors["leader_votes_for"][0]
        page = response.content.decode()
        assert 'value="2"' in page and 'value="3"' in page
        response = client.post(base + "valg/", values | {"deputy": leader.pk})
        assert response.context["form"].errors["deputy"]
        response = client.post(base + "valg/", values | {"leader_votes_for": "-1", "leader": "x"})
        assert set(response.context["form"].errors) >= {"leader", "leader_votes_for"}
        assert not Election.objects.exists()
        response = client.post(
            base + "valg/", values | {"leader_votes_for": "4", "leader_votes_against": "1"}
        )
        assert response.status_code == 302
        leader.refresh_from_db()
        assert leader.board_role == BoardRole.LEADER
        assert "Gruppeleder: Liv Leder" in client.get(f"/grupper/{new.pk}/").content.decode()


def test_g23_a_double_click_on_send_sends_one_email_each_and_the_page_shows_who_got_what(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = world.client_for("leader")
    url = f"/grupper/{world.group.pk}/reglement/send/"
    page = client.get(url)
    token = str(page.context["token"])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"token": token, "kind": "send"})
        second = client.post(url, {"token": token, "kind": "send"})
    assert first.status_code == second.status_code == 302
    assert len(mail.outbox) == 5
    assert RulesDelivery.objects.count() == 5
    html = client.get(url).content.decode()
    assert "Marit Medlem" in html and "Reglementet sendt" in html
    assert "Alle medlemmer og observatører har fått denne versjonen." in html
    response = client.post(url, {"token": "ikke-en-token", "kind": "send"}, follow=True)
    assert "Skjemaet er utløpt" in response.content.decode()
    assert len(mail.outbox) == 5


@time_machine.travel(at(2027, 9, 20, 12), tick=False)
def test_g24_the_demo_loads_again_after_its_group_got_a_new_period(db: None) -> None:
    from groups import demo
    from tests.factories.groups import make_user

    ctx = demo.load()
    admin = make_user(is_superuser=True, is_staff=True)
    services.period_open(
        actor=admin,
        group=ctx.group,
        period_start=ctx.group.period_end,
        convener_name="Siv Strand",
        convener_email="chapter-leader@demo.gruppeportalen.no",
    )
    again = demo.load()
    assert again.group == ctx.group
    assert CouncilGroup.objects.filter(area_name="Grønnbygd").count() == 2

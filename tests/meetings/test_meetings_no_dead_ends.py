"""Issue 17 in the meetings app: the faction leader calls faction meetings (G5); plans are
adopted after a confirmation that lists their meetings (G7); meetings keep to a sane span;
the request and agenda pages say what really happened."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from meetings import services
from meetings.models import (
    AgendaItem,
    AgendaStatus,
    CouncilMeeting,
    Meeting,
    MeetingKind,
    MeetingPlan,
    MeetingRequest,
    PlanStatus,
    RequestKind,
)
from tests.conftest import World
from tests.factories.groups import make_committee
from tests.factories.meetings import at, make_meeting

pytestmark = pytest.mark.django_db
NOW = at(2026, 3, 2, 12)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _form(**values: Any) -> dict[str, Any]:
    data = {
        "kind": MeetingKind.GROUP,
        "title": "Møte",
        "starts_at": "2026-03-10T18:00",
        "ends_at": "2026-03-10T20:00",
        "mode": "physical",
    }
    data.update(values)
    return data


# --- G5: the faction leader calls faction meetings ---------------------------------------
def test_the_faction_leader_sets_up_a_faction_meeting_and_summons_to_it_G5(
    world: World,
) -> None:
    client = world.client_for("faction_leader")
    url = reverse("meetings:create", args=[world.group.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'value="faction"' in body
    assert 'value="group"' not in body  # only faction meetings are offered

    response = client.post(
        url,
        _form(kind=MeetingKind.FACTION, committee=world.committee.pk, title="Fraksjonsmøte"),
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Fraksjonsmøte")
    assert meeting.committee == world.committee
    assert meeting.created_by == world.users["faction_leader"]

    summoned = client.post(
        reverse("meetings:summon", args=[meeting.pk]),
        {"memberships": [world.memberships["member"].pk, world.memberships["substitute"].pk]},
    )
    assert summoned.status_code == 302
    assert set(meeting.summoned.all()) == {
        world.memberships["member"],
        world.memberships["substitute"],
    }


def test_the_faction_leader_sets_up_no_other_meetings(world: World) -> None:
    client = world.client_for("faction_leader")
    url = reverse("meetings:create", args=[world.group.pk])
    other = make_committee(world.group, name="Formannskapet")
    group_meeting = client.post(url, _form(title="Gruppemøte"))
    assert group_meeting.status_code == 200  # the kind is not on offer: the form says so
    not_led = client.post(
        url, _form(kind=MeetingKind.FACTION, committee=other.pk, title="Annen fraksjon")
    )
    assert not_led.status_code == 200
    assert not Meeting.objects.filter(title__in=["Gruppemøte", "Annen fraksjon"]).exists()
    # a member who leads no faction is refused, with a reason
    refused = world.client_for("member").get(url)
    assert refused.status_code == 403


def test_the_faction_leader_cannot_turn_their_meeting_into_a_group_meeting(
    world: World,
) -> None:
    meeting = make_meeting(
        world.group,
        kind=MeetingKind.FACTION,
        committee=world.committee,
        starts_at=at(2026, 3, 12, 17),
    )
    with pytest.raises(PermissionDenied):
        services.meeting_update(
            actor=world.users["faction_leader"],
            meeting=meeting,
            kind=MeetingKind.GROUP,
            committee=None,
        )
    edit = world.client_for("faction_leader").get(reverse("meetings:edit", args=[meeting.pk]))
    assert edit.status_code == 200
    assert 'value="group"' not in edit.content.decode()


def test_the_plan_page_offers_the_faction_leader_a_new_faction_meeting(world: World) -> None:
    body = world.client_for("faction_leader").get(reverse("meetings:plan", args=[world.group.pk]))
    assert "Nytt fraksjonsmøte" in body.content.decode()
    assert reverse("meetings:create", args=[world.group.pk]) in body.content.decode()


# --- G7: adopting a plan asks first -----------------------------------------------------
def test_adopting_a_plan_lists_its_meetings_and_needs_a_yes_G7(world: World) -> None:
    plan = MeetingPlan.objects.create(group=world.group, year=2026, half=1)
    make_meeting(
        world.group, plan=plan, title="Gruppemøte før budsjettet", starts_at=at(2026, 4, 7)
    )
    leader = world.client_for("leader")
    url = reverse("meetings:plan_adopt", args=[plan.pk])

    page = leader.get(url).content.decode()
    assert "Gruppemøte før budsjettet" in page
    assert "Planen har 1 møte" in page

    assert leader.post(url, {}).status_code == 200
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT

    assert leader.post(url, {"confirm": "on"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ADOPTED
    again = leader.get(url).content.decode()
    assert "Møteplanen er allerede vedtatt." in again
    assert 'name="confirm"' not in again


def test_an_empty_plan_cannot_be_adopted_and_the_page_says_so(world: World) -> None:
    plan = MeetingPlan.objects.create(group=world.group, year=2026, half=2)
    page = world.client_for("leader").get(reverse("meetings:plan_adopt", args=[plan.pk]))
    assert "Møteplanen har ingen møter." in page.content.decode()


# --- sane spans (issue 17, Smaller) ------------------------------------------------------
@pytest.mark.parametrize(
    ("starts_at", "ends_at", "field", "words"),
    [
        (at(1, 1, 1, 18), at(1, 1, 1, 20), "starts_at", "for tidlig"),
        (at(9999, 12, 30, 18), at(9999, 12, 30, 20), "starts_at", "for langt fram"),
        (at(2026, 3, 10, 18), at(2026, 4, 10, 18), "ends_at", "høyst 24 timer"),
        (at(2026, 3, 10, 18), at(2026, 3, 11, 18, 1), "ends_at", "høyst 24 timer"),
        (at(2022, 9, 30, 18), at(2022, 9, 30, 20), "starts_at", "for tidlig"),
        (at(2031, 3, 2, 18), at(2031, 3, 2, 20), "starts_at", "for langt fram"),
    ],
)
def test_meetings_outside_a_sane_span_are_refused(
    world: World, starts_at: dt.datetime, ends_at: dt.datetime, field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.meeting_schedule(
            actor=world.users["leader"],
            group=world.group,
            kind=MeetingKind.GROUP,
            title="Møte",
            starts_at=starts_at,
            ends_at=ends_at,
        )
    assert words in " ".join(refused.value.message_dict[field])
    with pytest.raises(ValidationError):
        services.council_meeting_create(
            actor=world.users["leader"], group=world.group, starts_at=starts_at, ends_at=ends_at
        )


def test_the_edges_of_the_span_are_accepted(world: World) -> None:
    # the group's period starts 1 October 2023: a year before is the first allowed day
    for n, (starts_at, ends_at) in enumerate(
        [
            (at(2022, 10, 1, 18), at(2022, 10, 1, 20)),
            (at(2026, 3, 10, 18), at(2026, 3, 11, 18)),  # exactly 24 hours
            (at(2031, 3, 1, 18), at(2031, 3, 1, 20)),  # just under five years ahead
        ]
    ):
        services.meeting_schedule(
            actor=world.users["leader"],
            group=world.group,
            kind=MeetingKind.GROUP,
            title=f"Møte {n}",
            starts_at=starts_at,
            ends_at=ends_at,
        )
    assert Meeting.objects.filter(title__startswith="Møte ").count() == 3


@pytest.mark.parametrize("start", ["0001-01-01T00:10", "0001-01-01T18:00", "9999-12-31T23:30"])
def test_the_form_refuses_absurd_years_with_a_message_and_keeps_the_input(
    world: World, start: str
) -> None:
    end = start[:11] + "23:59"
    response = world.client_for("leader").post(
        reverse("meetings:create", args=[world.group.pk]),
        _form(starts_at=start, ends_at=end, title="Tidsreise"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Datoen er for" in body
    assert f'value="{start}"' in body
    assert not Meeting.objects.filter(title="Tidsreise").exists()


def test_a_month_long_meeting_is_refused_in_the_form(world: World) -> None:
    response = world.client_for("leader").post(
        reverse("meetings:create", args=[world.group.pk]),
        _form(ends_at="2026-04-10T20:00", title="Langt møte"),
    )
    assert response.status_code == 200
    assert "Et møte kan vare høyst 24 timer." in response.content.decode()
    council = world.client_for("leader").post(
        reverse("meetings:council_meeting_create", args=[world.group.pk]),
        {"starts_at": "2026-03-10T10:00", "ends_at": "2026-04-10T10:00"},
    )
    assert council.status_code == 200
    assert not CouncilMeeting.objects.exists()


# --- what the pages say ------------------------------------------------------------------
def test_signing_a_request_is_not_offered_again_to_who_signed_it(world: World) -> None:
    request = services.request_create(
        actor=world.users["member"], group=world.group, kind=RequestKind.GROUP, reason="Skole"
    )
    assert MeetingRequest.objects.get(pk=request.pk).signatures.count() == 1
    url = reverse("meetings:requests", args=[world.group.pk])
    sign = reverse("meetings:request_sign", args=[request.pk])
    signer = world.client_for("member").get(url).content.decode()
    assert sign not in signer
    assert "Du har signert kravet." in signer
    assert sign in world.client_for("faction_leader").get(url).content.decode()


def test_the_leader_is_told_an_own_item_is_on_the_agenda(world: World) -> None:
    meeting = make_meeting(world.group, starts_at=at(2026, 3, 20))
    url = reverse("meetings:item_submit", args=[meeting.pk])
    leader = world.client_for("leader")
    from meetings.forms import new_submit_key

    response = leader.post(
        url, {"submit-title": "Skolemat", "submit-submit_key": new_submit_key()}, follow=True
    )
    body = response.content.decode()
    assert "Saken er satt på saklista." in body
    assert "meldt inn til gruppeleder" not in body
    assert AgendaItem.objects.get(title="Skolemat").status == AgendaStatus.ACCEPTED

    member = world.client_for("member").post(
        url, {"submit-title": "Gatelys", "submit-submit_key": new_submit_key()}, follow=True
    )
    assert "Saken er meldt inn til gruppeleder." in member.content.decode()

"""The leader's screen during the meeting (issue 19, G2, G9, G13, G18, G25): the agenda, the
item in progress, who is present (check-in, absence, substitutes) and each item's actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from meetings.models import (
    ConflictDecision,
    ConflictOfInterest,
    MeetingReply,
    SubstituteCall,
)
from tests.conftest import World
from tests.factories.attendance import make_course, make_presence
from tests.factories.meetings import at, make_item, make_meeting

START = at(2025, 2, 3, 18)
NOW = START + dt.timedelta(minutes=20)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _meeting(world: World, items: int = 3) -> Any:
    meeting = make_meeting(world.group, title="Gruppemøte februar", starts_at=START)
    for n in range(1, items + 1):
        make_item(meeting, title=f"Sak nummer {n}", order=n, duration_minutes=10)
    return meeting


def _url(meeting: Any, name: str = "meetings:leader") -> str:
    return reverse(name, kwargs={"pk": meeting.pk})


def test_the_screen_shows_agenda_current_item_presence_and_actions_G2_G13_G18(
    world: World,
) -> None:
    meeting = _meeting(world)
    first = meeting.agenda_items.get(order=1)
    first.started_at = START + dt.timedelta(minutes=5)
    first.save()
    ConflictOfInterest.objects.create(
        agenda_item=first,
        membership=world.memberships["faction_leader"],
        reason="Styremedlem i laget",
        declared_at=NOW,
        decision=ConflictDecision.PENDING,
    )
    MeetingReply.objects.create(
        meeting=meeting,
        membership=world.memberships["member"],
        attending=False,
        reason="Syk",
        replied_at=NOW,
    )
    SubstituteCall.objects.create(
        meeting=meeting,
        substitute=world.memberships["substitute"],
        replaces=world.memberships["member"],
        called_at=NOW,
    )
    make_course(world.group, world.users["leader"], meetings=[meeting])
    make_presence(meeting, world.users["deputy"])

    response = world.client_for("leader").get(_url(meeting))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<main id="main"' in html
    assert "Møteledervisning: Gruppemøte februar" in html
    # the current item, with its close button that comes back here
    now_part = html[html.index('id="na"') : html.index('id="tilstede"')]
    assert "1. Sak nummer 1" in now_part and "Pågår" in now_part
    assert 'name="tilbake" value="moteleder"' in now_part
    # one item at a time: no "take up" while another is in progress
    assert reverse("meetings:item_start", args=[first.pk]) not in html
    assert "Marker «Sak nummer 1» som ferdigbehandlet" in html
    # presence: checked in, absence with the substitute called, not checked in yet
    presence = html[html.index('id="tilstede"') : html.index('id="saksliste"')]
    assert "Sjekket inn (1)" in presence and "Nils Nestleder" in presence
    assert "Forfall (1)" in presence and "Marit Medlem – Syk" in presence
    assert "møter som vara" in presence
    assert 'hx-trigger="every 30s"' in presence
    # each item's actions: the minutes, dissent and conflict forms load with the way back
    assert reverse("meetings:item_form", args=[first.pk, "referat"]) + "?tilbake=moteleder" in html
    assert (
        reverse("meetings:item_form", args=[first.pk, "protokolltilforsel"]) + "?tilbake=moteleder"
        in html
    )
    assert reverse("meetings:item_form", args=[first.pk, "habilitet"]) in html
    conflict = ConflictOfInterest.objects.get()
    assert reverse("meetings:conflict_vote", args=[conflict.pk]) in html
    assert f"?habilitet={conflict.pk}" in html
    assert reverse("meetings:vote_open", args=[world.group.pk]) in html
    # the meeting page links here for those who run it, not for members
    detail = world.client_for("leader").get(reverse("meetings:detail", args=[meeting.pk]))
    assert _url(meeting) in detail.content.decode()
    member_detail = world.client_for("member").get(reverse("meetings:detail", args=[meeting.pk]))
    assert _url(meeting) not in member_detail.content.decode()


def test_take_up_and_close_from_the_screen_come_back_to_it_G13(world: World) -> None:
    meeting = _meeting(world)
    item = meeting.agenda_items.get(order=2)
    client = world.client_for("leader")
    html = client.get(_url(meeting)).content.decode()
    assert reverse("meetings:item_start", args=[item.pk]) in html
    response = client.post(reverse("meetings:item_start", args=[item.pk]), {"tilbake": "moteleder"})
    assert response.status_code == 302
    assert response["Location"] == f"{_url(meeting)}#sak-{item.pk}"
    item.refresh_from_db()
    assert item.started_at == NOW
    response = client.post(reverse("meetings:item_close", args=[item.pk]), {"tilbake": "moteleder"})
    assert response["Location"] == f"{_url(meeting)}#sak-{item.pk}"
    item.refresh_from_db()
    assert item.is_closed
    # without the field, the meeting page as before
    other = meeting.agenda_items.get(order=3)
    response = client.post(reverse("meetings:item_start", args=[other.pk]))
    assert (
        response["Location"] == reverse("meetings:detail", args=[meeting.pk]) + f"#sak-{other.pk}"
    )


def test_a_refused_form_from_the_screen_comes_back_to_it_with_the_error_G13(
    world: World,
) -> None:
    meeting = _meeting(world, items=1)
    item = meeting.agenda_items.get()
    response = world.client_for("leader").post(
        reverse("meetings:item_minutes", args=[item.pk]),
        {
            "tilbake": "moteleder",
            f"minutes-{item.pk}-disagrees_with_recommendation": "on",
            f"minutes-{item.pk}-conclusion": "",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Møteledervisning" in html
    assert 'class="errorlist' in html or "field-error" in html


def test_a_member_cannot_reach_the_screen_through_the_hidden_field(world: World) -> None:
    """A member's dissent with a forged ``tilbake`` gets the meeting page, not the screen."""
    meeting = _meeting(world, items=1)
    item = meeting.agenda_items.get()
    response = world.client_for("member").post(
        reverse("meetings:dissent_add", args=[item.pk]),
        {"tilbake": "moteleder", f"dissent-{item.pk}-text": ""},
    )
    assert response.status_code == 200
    assert "Møteledervisning" not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("outsider", 404), ("member", 403), ("leader", 200), ("deputy", 200)],
)
def test_only_those_who_run_the_meeting_open_the_screen(
    world: World, role: str, status: int
) -> None:
    meeting = _meeting(world, items=1)
    for name in ("meetings:leader", "meetings:leader_presence"):
        assert world.client_for(role).get(_url(meeting, name)).status_code == status


def test_the_presence_part_alone_for_htmx(world: World) -> None:
    meeting = _meeting(world, items=1)
    response = world.client_for("leader").get(
        _url(meeting, "meetings:leader_presence"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="tilstede"')
    assert "<main" not in html
    assert "no-cache" in response["Cache-Control"]


def test_the_screen_takes_no_more_queries_for_30_items_than_for_10(
    world: World, django_assert_max_num_queries: Any
) -> None:
    meeting = _meeting(world, items=10)
    for item in meeting.agenda_items.all()[:3]:
        ConflictOfInterest.objects.create(
            agenda_item=item,
            membership=world.memberships["member"],
            reason="Nabo",
            declared_at=NOW,
            decision=ConflictDecision.DISQUALIFIED,
        )
    client = world.client_for("leader")
    client.get(_url(meeting))  # warm the session and the caches
    with django_assert_max_num_queries(40) as ten:
        response = client.get(_url(meeting))
    assert response.content.decode().count('class="card agenda-item') == 10
    for n in range(11, 31):
        item = make_item(meeting, title=f"Sak nummer {n}", order=n, duration_minutes=5)
        ConflictOfInterest.objects.create(
            agenda_item=item,
            membership=world.memberships["faction_leader"],
            reason="Eier tomta",
            declared_at=NOW,
        )
    with django_assert_max_num_queries(len(ten)):
        response = client.get(_url(meeting))
    assert response.content.decode().count('class="card agenda-item') == 30


def test_the_vote_link_of_a_pending_conflict_fills_in_the_question_G18(world: World) -> None:
    meeting = _meeting(world, items=1)
    conflict = ConflictOfInterest.objects.create(
        agenda_item=meeting.agenda_items.get(),
        membership=world.memberships["member"],
        reason="Nabo",
        declared_at=NOW,
    )
    url = reverse("meetings:vote_open", args=[world.group.pk])
    html = world.client_for("leader").get(f"{url}?habilitet={conflict.pk}").content.decode()
    assert f'<option value="{conflict.pk}" selected>' in html
    assert '<option value="conflict" selected>' in html
    # any other value is ignored, the form stays empty
    plain = world.client_for("leader").get(f"{url}?habilitet=x9").content.decode()
    assert f'<option value="{conflict.pk}" selected>' not in plain

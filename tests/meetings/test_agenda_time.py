"""The agenda with time (issue 19; G9, G13, G20): planned length and presenter, planned
start times, reordering with the media item fixed, the item in progress, and the minutes
taking the order and the times."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import AgendaItem, Meeting
from meetings.services.scheduling import MEDIA_ITEM_ORDER
from tests.conftest import World
from tests.factories.meetings import at, make_item, make_meeting


def _agenda(world: World) -> tuple[Meeting, list[AgendaItem]]:
    meeting = make_meeting(world.group, starts_at=at(2030, 3, 5, 18))
    items = [make_item(meeting, title=t, order=n) for n, t in enumerate(("A", "B", "C"), 1)]
    media = make_item(
        meeting, title="Mediestrategi", order=MEDIA_ITEM_ORDER, is_media_strategy=True
    )
    return meeting, [*items, media]


def _titles(meeting: Meeting) -> list[str]:
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("order", "id")
        .values_list("title", flat=True)
    )


def test_planned_start_times_follow_the_lengths_and_the_summons_carries_them_G9(
    world: World,
) -> None:
    meeting, (a, b, c, media) = _agenda(world)
    leader = world.users["leader"]
    services.agenda_item_plan(
        actor=leader, item=a, duration_minutes=20, presenter=world.memberships["member"]
    )
    services.agenda_item_plan(actor=leader, item=b, duration_minutes=45, presenter=None)
    starts = services.planned_starts(meeting.starts_at, [a, b, c, media])
    local = {pk: timezone.localtime(t).strftime("%H:%M") if t else None for pk, t in starts.items()}
    assert [local[i.pk] for i in (a, b, c, media)] == ["18:00", "18:20", "19:05", None]
    content = services.summons.summons_content(meeting)
    assert content["agenda"][0]["responsible_id"] == world.memberships["member"].pk
    assert [i["planned"] for i in content["agenda"]] == ["18:00", "18:20", "19:05", ""]


def test_items_are_reordered_and_the_media_item_keeps_its_place_G20(world: World) -> None:
    meeting, (a, b, c, media) = _agenda(world)
    leader = world.users["leader"]
    services.agenda_item_move(actor=leader, item=c, direction="up")
    assert _titles(meeting) == ["A", "C", "B", "Mediestrategi"]
    services.agenda_item_move(actor=leader, item=a, direction="down")
    assert _titles(meeting) == ["C", "A", "B", "Mediestrategi"]
    with pytest.raises(ValidationError, match="først eller sist"):
        services.agenda_item_move(actor=leader, item=b, direction="down")  # not past media
    with pytest.raises(ValidationError, match="fast plass"):
        services.agenda_item_move(actor=leader, item=media, direction="up")
    with pytest.raises(ValidationError):
        services.agenda_item_move(actor=leader, item=a, direction="sideways")
    media.refresh_from_db()
    assert media.order == MEDIA_ITEM_ORDER


def test_the_leader_marks_the_item_in_progress_one_at_a_time_and_the_minutes_take_the_times_G13(
    world: World,
) -> None:
    meeting, (a, b, _c, _media) = _agenda(world)
    leader = world.users["leader"]
    with pytest.raises(ValidationError, match="ikke begynt"):
        services.agenda_item_start(actor=leader, item=a)
    with time_machine.travel(at(2030, 3, 5, 18, 5)):
        services.agenda_item_start(actor=leader, item=a)
        with pytest.raises(ValidationError, match="pågår"):
            services.agenda_item_start(actor=leader, item=b)
    with time_machine.travel(at(2030, 3, 5, 18, 30)):
        services.agenda_item_close(actor=leader, item=a)
        services.agenda_item_start(actor=leader, item=b)
    record = services.minutes_snapshot(meeting)
    first = record["items"][0]
    assert (first["title"], first["started_at"], first["closed_at"]) == ("A", "18:05", "18:30")
    assert record["items"][1]["started_at"] == "18:30"


def test_bad_lengths_and_presenters_from_another_group_are_refused_G9(world: World) -> None:
    _meeting, (a, *_rest) = _agenda(world)
    leader = world.users["leader"]
    for minutes in (0, 481):
        with pytest.raises(ValidationError) as err:
            services.agenda_item_plan(
                actor=leader, item=a, duration_minutes=minutes, presenter=None
            )
        assert "duration_minutes" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.agenda_item_plan(
            actor=leader, item=a, duration_minutes=10, presenter=world.memberships["outsider"]
        )
    assert "presenter" in err.value.message_dict


def test_the_plan_form_keeps_the_input_and_the_page_shows_the_times(world: World) -> None:
    meeting = make_meeting(world.group, starts_at=timezone.now() + dt.timedelta(days=3))
    item = make_item(meeting, title="Budsjett")
    client = world.client_for("leader")
    url = reverse("meetings:item_plan", kwargs={"pk": item.pk})
    bad = client.post(url, {f"plan-{item.pk}-duration_minutes": "9999"})
    assert bad.status_code == 200
    assert 'value="9999"' in bad.content.decode()
    assert client.post(url, {f"plan-{item.pk}-duration_minutes": "25"}).status_code == 302
    page = client.get(reverse("meetings:detail", kwargs={"pk": meeting.pk})).content.decode()
    assert "25 min" in page
    assert "Flytt opp" not in page  # a single item: nowhere to move

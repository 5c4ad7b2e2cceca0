"""Issue 15 item 14: sending the same agenda-item form twice, even at the same moment, gives
one item (G9). Each rendering of the form carries its own key; the database holds one item
per key and meeting."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import AgendaItem, Meeting
from tests.conftest import World
from tests.factories.meetings import make_item, make_meeting


def _meeting(world: World) -> Meeting:
    return make_meeting(world.group, starts_at=timezone.now() + dt.timedelta(days=7))


def _rendered_key(client: Client, meeting: Meeting) -> str:
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    key = page.context["submit_form"]["submit_key"].value()
    assert key and key in page.content.decode()  # it travels in the form as a hidden field
    return str(key)


def _send(client: Client, meeting: Meeting, key: str | None, title: str = "Skolevei") -> object:
    data = {"submit-title": title, "submit-description": "Trafikksikkerhet"}
    if key is not None:
        data["submit-submit_key"] = key
    return client.post(reverse("meetings:item_submit", args=[meeting.pk]), data)


def _items(meeting: Meeting, title: str = "Skolevei") -> int:
    return AgendaItem.objects.filter(meeting=meeting, title=title).count()


def test_the_same_form_sent_twice_gives_one_item(world: World) -> None:
    meeting = _meeting(world)
    client = world.client_for("member")
    key = _rendered_key(client, meeting)

    first, second = _send(client, meeting, key), _send(client, meeting, key)

    assert first.status_code == second.status_code == 302  # type: ignore[attr-defined]
    assert _items(meeting) == 1


def test_two_renderings_of_the_form_give_two_items(world: World) -> None:
    meeting = _meeting(world)
    client = world.client_for("member")
    keys = [_rendered_key(client, meeting), _rendered_key(client, meeting)]
    assert keys[0] != keys[1]

    for key in keys:
        _send(client, meeting, key)

    assert _items(meeting) == 2


@pytest.mark.parametrize("key", [None, "", "kort", "x" * 200, "ikke gyldig nøkkel 1234567890"])
def test_a_form_without_a_good_key_is_refused_keeping_the_input_with_a_fresh_key(
    world: World, key: str | None
) -> None:
    meeting = _meeting(world)
    response = _send(world.client_for("member"), meeting, key)

    assert response.status_code == 200  # type: ignore[attr-defined]
    body = response.content.decode()  # type: ignore[attr-defined]
    assert "Skjemaet var ufullstendig eller for gammelt" in body
    form = response.context["submit_form"]  # type: ignore[attr-defined]
    assert form["title"].value() == "Skolevei"
    fresh = form["submit_key"].value()
    assert fresh and fresh != key and fresh in body
    assert _items(meeting) == 0
    # sending the form as shown again works
    assert _send(world.client_for("member"), meeting, fresh).status_code == 302  # type: ignore[attr-defined]
    assert _items(meeting) == 1


def test_the_database_holds_one_item_per_key_and_meeting(world: World) -> None:
    meeting = _meeting(world)
    make_item(meeting, submit_key="k" * 32)
    make_item(meeting, submit_key="")  # items without a key (the leader's own, the seed)
    make_item(meeting, submit_key="")
    make_item(_meeting(world), submit_key="k" * 32)  # the same key at another meeting
    with pytest.raises(IntegrityError), transaction.atomic():
        make_item(meeting, submit_key="k" * 32)


@pytest.mark.django_db(transaction=True)
def test_parallel_sends_of_the_same_form_give_one_item(world: World) -> None:
    """Six requests at once with one key: one item, the same one for all. Runs on SQLite
    by default and on PostgreSQL when DATABASE_URL points there (CI)."""
    meeting = _meeting(world)
    member = world.users["member"]
    barrier = threading.Barrier(6)
    got: list[int] = []
    errors: list[BaseException] = []

    def attempt() -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            item = services.agenda_item_submit(
                actor=member, meeting=meeting, title="Skolevei", submit_key="p" * 32
            )
            got.append(item.pk)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(got) == 6 and len(set(got)) == 1
    assert _items(meeting) == 1
    print(f"parallel submit test ran on {connection.vendor}")


def test_losing_the_race_to_the_constraint_returns_the_winners_item(world: World) -> None:
    """The other request committed between our look-up and our insert."""
    from unittest import mock

    from meetings.services import agenda

    meeting = _meeting(world)
    winner = make_item(meeting, title="Skolevei", submit_key="r" * 32)
    real = agenda._submitted_before
    calls = iter([None])  # the first look-up misses the winner, as in the race

    def look_up(m: Meeting, key: str) -> AgendaItem | None:
        return next(calls, real(m, key))

    with mock.patch.object(agenda, "_submitted_before", side_effect=look_up):
        item = services.agenda_item_submit(
            actor=world.users["member"], meeting=meeting, title="Skolevei", submit_key="r" * 32
        )

    assert item.pk == winner.pk
    assert _items(meeting) == 1

"""The pages of issue 19 refuse bad input with the input kept and the error on the field,
never a 500; the language a member chooses is kept for their e-mails."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groups.models import User
from meetings.models import MeetingReply, SubstituteCall, Vote
from tests.conftest import World
from tests.factories.meetings import make_meeting

Capture = Callable[..., Any]


def _meeting(world: World) -> Any:
    return make_meeting(world.group, starts_at=timezone.now() + dt.timedelta(days=5))


def test_sending_the_same_summons_twice_from_the_page_sends_it_once_G6(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    meeting = _meeting(world)
    client = world.client_for("leader")
    url = reverse("meetings:summons_send", kwargs={"pk": meeting.pk})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url)
    assert again.status_code == 200
    assert "Ingenting er endret siden forrige innkalling" in again.content.decode()
    assert len(mail.outbox) == 5
    page = client.get(reverse("meetings:detail", kwargs={"pk": meeting.pk})).content.decode()
    assert "Siste utsending: innkalling" in page
    assert "Send innkalling" not in page


def test_the_vote_form_keeps_the_input_and_puts_the_error_on_the_field(world: World) -> None:
    client = world.client_for("leader")
    url = reverse("meetings:vote_open", kwargs={"group_pk": world.group.pk})
    response = client.post(
        url, {"subject": "proposal", "title": "Uttalelse om ferja", "method": "portal"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Uttalelse om ferja"' in body
    assert "Sett en frist for avstemningen." in body
    past = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {"subject": "proposal", "title": "Uttalelse", "method": "portal", "deadline": past},
    )
    assert response.status_code == 200
    assert 'id="id_deadline_error"' in response.content.decode()
    assert "Fristen må være fram i tid." in response.content.decode()
    hands = client.post(url, {"subject": "proposal", "title": "Uttalelse", "method": "hands"})
    assert 'id="id_votes_for_error"' in hands.content.decode()
    assert not Vote.objects.exists()


def test_a_ballot_with_no_or_an_unknown_choice_is_refused_on_the_page(world: World) -> None:
    now = timezone.now()
    vote = Vote.objects.create(
        group=world.group,
        subject="proposal",
        title="Uttalelse",
        opened_at=now,
        deadline=now + dt.timedelta(days=1),
        eligible=4,
    )
    client = world.client_for("member")
    url = reverse("meetings:vote_cast", kwargs={"pk": vote.pk})
    for data in ({}, {"choice": "kanskje"}):
        response = client.post(url, data)
        assert response.status_code == 200
        assert 'id="id_choice_error"' in response.content.decode()
    assert not vote.ballots.exists()


def test_the_substitute_offer_refuses_ids_from_another_group_G2(world: World) -> None:
    meeting = _meeting(world)
    MeetingReply.objects.create(
        meeting=meeting,
        membership=world.memberships["member"],
        attending=False,
        replied_at=timezone.now(),
    )
    client = world.client_for("leader")
    url = reverse("meetings:substitute_call", kwargs={"pk": meeting.pk})
    response = client.post(
        url,
        {
            "replaces": world.memberships["member"].pk,
            "substitute": world.memberships["outsider"].pk,
        },
    )
    assert response.status_code == 302
    assert not SubstituteCall.objects.exists()


def test_the_chosen_language_is_kept_on_the_account_for_e_mails(world: World) -> None:
    client = world.client_for("member")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert User.objects.get(pk=world.users["member"].pk).language == "en"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert User.objects.get(pk=world.users["member"].pk).language == "en"

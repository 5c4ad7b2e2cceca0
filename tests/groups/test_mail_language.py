"""E-mails in the recipient's language (issue 17, the language switch sets User.language):
the ethics request (E1), the rules (G23) and the summons to the constituting meeting (G24)
are written in English to a person who reads the portal in English, in Norwegian to one who
reads it in Norwegian or has chosen nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from config import mail as config_mail
from config.mail import language_of
from groups import services
from groups.models import EthicsRequest, User
from groups.tasks import send_ethics_requests
from meetings import notify
from tests.conftest import World
from tests.factories.groups import make_ethics, make_user
from tests.factories.meetings import at
from tests.groups.test_periods import AFTER_ELECTION, _carry_all, _convener, _open

pytestmark = pytest.mark.django_db


def _speaks(user: User, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def _by_recipient() -> dict[str, Any]:
    return {m.to[0]: m for m in mail.outbox}


def test_language_of_is_shared_and_falls_back_to_norwegian() -> None:
    assert notify.mail is config_mail  # one helper, not a copy in meetings
    assert language_of(User(language="en")) == "en"
    assert language_of(User(language="nb")) == "nb"
    assert language_of(User(language="")) == "nb"
    assert language_of(User(language="xx")) == "nb"


def test_e1_the_ethics_request_is_in_the_recipients_language() -> None:
    guidelines = make_ethics()
    english, norwegian, unset = (
        make_user(language="en"),
        make_user(language="nb"),
        make_user(),
    )
    for user in (english, norwegian, unset):
        EthicsRequest.objects.create(guidelines=guidelines, user=user, requested_at=timezone.now())
    assert send_ethics_requests(guidelines.pk) == 3
    sent = _by_recipient()
    assert sent[english.email].subject == "New ethical guidelines: read and acknowledge"
    assert "The secretariat has published version" in sent[english.email].body
    assert "Regards, Gruppeportalen" in sent[english.email].body
    for user in (norwegian, unset):
        assert sent[user.email].subject == "Nye etiske retningslinjer: les og bekreft"
        assert "Sekretariatet har publisert versjon" in sent[user.email].body


def test_g23_the_rules_are_sent_in_each_members_language(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _speaks(world.users["member"], "en")
    _speaks(world.users["deputy"], "nb")
    with django_capture_on_commit_callbacks(execute=True):
        services.rules_send(
            actor=world.users["leader"], group=world.group, kind="send", token=uuid.uuid4()
        )
    sent = _by_recipient()
    version = world.ruleset.version
    english = sent[world.users["member"].email]
    assert english.subject == f"The group's rules, version {version}"
    assert "The group's members and observers commit to reading" in english.body
    for key in ("deputy", "leader"):  # "nb", and nothing chosen
        norwegian = sent[world.users[key].email]
        assert norwegian.subject == f"Gruppas reglement, versjon {version}"
        assert "Medlemmer og observatører i gruppa forplikter seg" in norwegian.body


@time_machine.travel(AFTER_ELECTION, tick=False)
def test_g24_the_constituting_summons_is_in_each_members_language(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _speaks(world.users["member"], "en")
    _speaks(world.users["deputy"], "nb")
    new = _open(world)
    _carry_all(new)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.constitution_convene(
            actor=_convener(new), group=new, meeting_at=at(2027, 10, 5, 18), place="Rådhuset"
        )
    sent = _by_recipient()
    english = sent[world.users["member"].email]
    assert english.subject == "Notice of the constituting meeting"
    assert "At the meeting the group elects its leader and deputy leader." in english.body
    for key in ("deputy", "leader"):
        norwegian = sent[world.users[key].email]
        assert norwegian.subject == "Innkalling til konstituerende møte"
        assert "På møtet velger gruppa gruppeleder og nestleder." in norwegian.body

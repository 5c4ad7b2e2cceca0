"""Members vote themselves (issue 19; G1, G18, G22, G6): one ballot per member and vote,
secret votes that store no choice, the outcome recorded through the owning service and sent
once, the sweep that closes votes at the deadline once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from groups.models import Membership, RuleSet, RuleSetStatus, User
from meetings import services, tasks
from meetings.models import (
    Ballot,
    ConflictDecision,
    ConflictOfInterest,
    Vote,
    VoteMethod,
    VoteStatus,
    VoteSubject,
)
from tests.conftest import World
from tests.factories.groups import make_ruleset
from tests.factories.meetings import make_item, make_meeting

Capture = Callable[..., Any]
VOTERS = ("leader", "deputy", "member", "faction_leader")  # G1: the regular members


def _proposal(world: World) -> RuleSet:
    return make_ruleset(
        world.group, status=RuleSetStatus.PROPOSED, decided_at=None, change_summary="Ny møtedag"
    )


def _open(world: World, capture: Capture, **kw: Any) -> Vote:
    kw.setdefault("subject", VoteSubject.RULES)
    kw.setdefault("title", "Endring i reglementet")
    kw.setdefault("deadline", timezone.now() + dt.timedelta(days=2))
    if kw["subject"] == VoteSubject.RULES:
        kw.setdefault("ruleset", _proposal(world))
    with capture(execute=True):
        return services.vote_open(actor=world.users["leader"], group=world.group, **kw)


def _cast(world: World, role: str, vote: Vote, choice: str) -> None:
    services.vote_cast(actor=world.users[role], vote=vote, choice=choice)


def test_the_members_with_the_vote_vote_once_and_a_rules_change_is_adopted_G1_G22(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    vote = _open(world, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(world.users[r].email for r in VOTERS)
    assert vote.eligible == 4
    mail.outbox.clear()
    _cast(world, "leader", vote, "for")
    _cast(world, "member", vote, "for")
    _cast(world, "deputy", vote, "against")
    with pytest.raises(ValidationError, match="allerede stemt"):
        _cast(world, "member", vote, "against")
    with pytest.raises(ValidationError, match="stemmerett"):  # a substitute has no vote
        services.vote_cast(actor=world.memberships["substitute"].user, vote=vote, choice="for")
    with django_capture_on_commit_callbacks(execute=True):
        closed = services.vote_close(actor=world.users["leader"], vote=vote)
    assert (closed.votes_for, closed.votes_against, closed.adopted) == (2, 1, True)
    ruleset = RuleSet.objects.get(pk=vote.ruleset.pk if vote.ruleset else 0)
    assert ruleset.status == RuleSetStatus.ADOPTED
    assert (ruleset.votes_for, ruleset.votes_against) == (2, 1)
    assert "Avstemning i portalen" in ruleset.decision_note
    assert ruleset.adopted_document  # recorded through ruleset_decide, not a copy of it
    # the outcome notice goes to every member with member rights, once
    everyone = Membership.objects.filter(group=world.group, status="active").count()
    assert len(mail.outbox) == everyone
    assert tasks.notify_vote_outcome(vote.pk) == 0
    assert len(mail.outbox) == everyone
    with pytest.raises(ValidationError):
        services.vote_close(actor=world.users["leader"], vote=vote)
    with pytest.raises(ValidationError, match="avsluttet"):
        _cast(world, "faction_leader", vote, "for")


def test_the_database_allows_one_ballot_per_member_and_vote_G18(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    vote = _open(world, django_capture_on_commit_callbacks)
    m = world.memberships["member"]
    Ballot.objects.create(vote=vote, membership=m, choice="for")
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(vote=vote, membership=m, choice="against")


def _rows_naming(model: type[models.Model], membership: Membership, user: User) -> list[dict]:
    fks = [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model in (Membership, User)
    ]
    rows = []
    for f in fks:
        target = membership.pk if f.related_model is Membership else user.pk
        rows += list(model.objects.filter(**{f.attname: target}).values())
    return rows


def test_a_secret_vote_stores_that_a_member_voted_and_the_tally_and_nothing_links_a_member_to_a_choice_G18(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    vote = _open(world, django_capture_on_commit_callbacks, secret=True)
    _cast(world, "member", vote, "against")
    _cast(world, "leader", vote, "for")
    _cast(world, "deputy", vote, "blank")
    vote.refresh_from_db()
    assert (vote.votes_for, vote.votes_against, vote.votes_blank) == (1, 1, 1)
    assert set(Ballot.objects.filter(vote=vote).values_list("choice", flat=True)) == {""}
    # No row anywhere that refers to the member holds a choice
    choices = {"for", "against", "blank"}
    for role in ("member", "leader", "deputy"):
        membership, user = world.memberships[role], world.users[role]
        for model in apps.get_models():
            for row in _rows_naming(model, membership, user):
                for value in row.values():
                    if isinstance(value, (dict, list)):
                        assert not (choices & set(map(str, _flatten(value)))), (model, row)
                    else:
                        assert value not in choices, (model, row)
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_close(actor=world.users["leader"], vote=vote)
    vote.refresh_from_db()
    assert vote.adopted is False  # 1 for, 1 against: no majority


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [*value.keys(), *(x for v in value.values() for x in _flatten(v))]
    if isinstance(value, list):
        return [x for v in value for x in _flatten(v)]
    return [value]


def test_on_a_conflict_of_interest_the_member_concerned_does_not_vote_G18(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    meeting = make_meeting(world.group, starts_at=timezone.now() + dt.timedelta(days=3))
    item = make_item(meeting)
    conflict = ConflictOfInterest.objects.create(
        agenda_item=item,
        membership=world.memberships["member"],
        reason="Nabo til tomta",
        declared_at=timezone.now(),
    )
    vote = _open(
        world,
        django_capture_on_commit_callbacks,
        subject=VoteSubject.CONFLICT,
        title="Habilitet",
        conflict=conflict,
    )
    assert vote.eligible == 3
    assert vote.meeting == meeting
    with pytest.raises(ValidationError, match="stemmerett"):
        _cast(world, "member", vote, "against")
    _cast(world, "leader", vote, "for")
    _cast(world, "deputy", vote, "for")
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_close(actor=world.users["leader"], vote=vote)
    conflict.refresh_from_db()
    assert conflict.decision == ConflictDecision.DISQUALIFIED
    assert (conflict.votes_for, conflict.votes_against) == (2, 0)
    record = services.minutes_snapshot(meeting)
    assert record["votes"][0]["adopted"] is True


def test_a_proposal_between_meetings_closes_at_the_deadline_exactly_once_G6(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    deadline = timezone.now() + dt.timedelta(hours=5)
    vote = _open(
        world,
        django_capture_on_commit_callbacks,
        subject=VoteSubject.PROPOSAL,
        title="Uttalelse om sykehuset",
        text="Gruppa støtter lokalsykehuset.",
        deadline=deadline,
    )
    _cast(world, "member", vote, "for")
    mail.outbox.clear()
    assert services.votes_close_due() == 0  # not yet
    with time_machine.travel(deadline + dt.timedelta(minutes=1)):
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.close_due_votes() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.close_due_votes() == 0
    vote.refresh_from_db()
    assert vote.status == VoteStatus.CLOSED and vote.adopted is True
    everyone = Membership.objects.filter(group=world.group, status="active").count()
    assert len(mail.outbox) == everyone
    assert "1 for, 0 mot, 0 blanke." in mail.outbox[0].body


def test_a_show_of_hands_is_recorded_as_typed_counts_and_marked_as_such_G22(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    ruleset = _proposal(world)
    with django_capture_on_commit_callbacks(execute=True):
        vote = services.vote_record_hands(
            actor=world.users["leader"],
            group=world.group,
            subject=VoteSubject.RULES,
            title="Reglement",
            ruleset=ruleset,
            votes_for=3,
            votes_against=1,
        )
    assert vote.method == VoteMethod.HANDS and vote.status == VoteStatus.CLOSED
    ruleset.refresh_from_db()
    assert ruleset.status == RuleSetStatus.ADOPTED
    assert ruleset.decision_note.startswith("Håndsopprekning i møtet")
    with pytest.raises(ValidationError):  # more hands than voters
        services.vote_record_hands(
            actor=world.users["leader"],
            group=world.group,
            subject=VoteSubject.PROPOSAL,
            title="Forslag",
            votes_for=9,
            votes_against=0,
        )


def test_only_the_leaders_open_and_close_votes_and_bad_input_is_refused(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    with pytest.raises(PermissionDenied):
        services.vote_open(
            actor=world.users["member"],
            group=world.group,
            subject=VoteSubject.PROPOSAL,
            title="X",
            deadline=timezone.now() + dt.timedelta(days=1),
        )
    lead: dict[str, Any] = {"actor": world.users["leader"], "group": world.group}
    with pytest.raises(ValidationError) as err:
        services.vote_open(**lead, subject=VoteSubject.PROPOSAL, title="X", deadline=timezone.now())
    assert "deadline" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.vote_open(
            **lead,
            subject=VoteSubject.PROPOSAL,
            title="X",
            deadline=timezone.now() + dt.timedelta(days=400),
        )
    assert "deadline" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.vote_open(
            **lead,
            subject=VoteSubject.RULES,
            title="X",
            deadline=timezone.now() + dt.timedelta(days=1),
            ruleset=world.ruleset,  # already adopted
        )
    assert "ruleset" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.vote_open(
            **lead,
            subject="nonsense",
            title="X",
            deadline=timezone.now() + dt.timedelta(days=1),
        )
    assert "subject" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.vote_open(
            **lead,
            subject=VoteSubject.PROPOSAL,
            title="To\nlinjer",
            deadline=timezone.now() + dt.timedelta(days=1),
        )
    vote = _open(world, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        _open(world, django_capture_on_commit_callbacks, ruleset=vote.ruleset)  # twice
    with pytest.raises(ValidationError):
        _cast(world, "member", vote, "maybe")
    with pytest.raises(PermissionDenied):
        services.vote_close(actor=world.users["member"], vote=vote)

"""The group and its rules: G1–G5, G15, G16, G22–G24, E1."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from groups import services
from groups.models import (
    AuditEntry,
    BoardRole,
    CommitteeRole,
    GroupKind,
    MembershipStatus,
    RuleSetStatus,
    Seat,
)
from groups.permissions import get_group_for_user
from tests.conftest import World
from tests.factories.groups import add_committee_seat, make_ethics, make_group, make_membership

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 29)


def _fields(**overrides: object) -> services.RuleFields:
    values: dict[str, object] = {
        "meeting_place": "Rådhuset",
        "meeting_weekdays": [1],
        "meeting_start": dt.time(18),
        "meeting_end": dt.time(20),
        "quarantine_months": 6,
        "cooperation": "",
    }
    values.update(overrides)
    return services.RuleFields(**values)  # type: ignore[arg-type]


def test_g1_regular_members_may_vote_speak_and_propose(world: World) -> None:
    member = world.memberships["member"]
    assert member.can_vote(TODAY) and member.can_speak(TODAY) and member.can_propose(TODAY)


@pytest.mark.parametrize(
    "seat", [Seat.SUBSTITUTE, Seat.OTHER_BODY, Seat.CHAPTER_LEADER, Seat.PARTY_MEMBER]
)
def test_g2_other_seats_speak_and_propose_but_do_not_vote(world: World, seat: str) -> None:
    membership = make_membership(world.group, seat=seat)
    assert not membership.can_vote(TODAY)
    assert membership.can_speak(TODAY) and membership.can_propose(TODAY)


def test_g2_party_members_are_not_summoned_but_substitutes_are(world: World) -> None:
    assert not make_membership(world.group, seat=Seat.PARTY_MEMBER).is_summoned(TODAY)
    assert make_membership(world.group, seat=Seat.SUBSTITUTE).is_summoned(TODAY)


def test_g2_party_member_seat_is_refused_in_a_county_group(world: World) -> None:
    county = make_group(kind=GroupKind.COUNTY)
    make_membership(county, world.users["leader"], board_role=BoardRole.LEADER)
    with pytest.raises(ValidationError) as exc:
        services.member_add(
            actor=world.users["leader"],
            group=county,
            email="ny@example.org",
            full_name="Ny Person",
            seat=Seat.PARTY_MEMBER,
        )
    assert "kommunestyregrupper" in str(exc.value)
    assert not county.memberships.filter(user__email="ny@example.org").exists()


def test_member_add_invites_a_new_person_and_gives_them_access(world: World) -> None:
    membership = services.member_add(
        actor=world.users["leader"],
        group=world.group,
        email="Ny.Person@Example.org",
        full_name="Ny Person",
        seat=Seat.SUBSTITUTE,
    )
    assert membership.user.email == "ny.person@example.org"
    assert not membership.user.has_usable_password()
    assert get_group_for_user(membership.user, world.group.pk) == world.group
    entry = AuditEntry.objects.get(action="membership.add")
    assert entry.actor == world.users["leader"] and entry.subject_user == membership.user
    assert "Ny Person" not in str(entry.data)


def test_only_leader_and_deputy_manage_the_group(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.member_add(
            actor=world.users["member"],
            group=world.group,
            email="x@example.org",
            full_name="X",
            seat=Seat.REGULAR,
        )
    services.member_add(
        actor=world.users["deputy"],
        group=world.group,
        email="y@example.org",
        full_name="Y",
        seat=Seat.REGULAR,
    )


def test_adding_someone_twice_is_refused_with_a_message(world: World) -> None:
    with pytest.raises(ValidationError, match="allerede med"):
        services.member_add(
            actor=world.users["leader"],
            group=world.group,
            email=world.users["member"].email,
            full_name="Marit",
            seat=Seat.REGULAR,
        )


def test_g3_board_has_one_leader_one_deputy_one_member(world: World) -> None:
    with pytest.raises(ValidationError, match="allerede"):
        services.membership_update(
            actor=world.users["leader"],
            membership=world.memberships["member"],
            seat=Seat.REGULAR,
            board_role=BoardRole.DEPUTY,
        )
    services.membership_update(
        actor=world.users["leader"],
        membership=world.memberships["member"],
        seat=Seat.REGULAR,
        board_role=BoardRole.MEMBER,
    )
    world.memberships["member"].refresh_from_db()
    assert world.memberships["member"].on_board


def test_g3_board_is_elected_among_regular_members(world: World) -> None:
    with pytest.raises(ValidationError, match="faste medlemmer"):
        services.membership_update(
            actor=world.users["leader"],
            membership=world.memberships["substitute"],
            seat=Seat.SUBSTITUTE,
            board_role=BoardRole.MEMBER,
        )


def test_g3_mayor_is_an_observer_on_the_board_without_manage_rights(world: World) -> None:
    mayor = make_membership(world.group, board_role=BoardRole.OBSERVER)
    assert mayor.on_board and not mayor.manages_group


def test_g4_deputy_manages_the_group_as_the_leaders_substitute(world: World) -> None:
    assert world.memberships["deputy"].manages_group
    assert get_group_for_user(world.users["deputy"], world.group.pk, "manage") == world.group


def test_g5_faction_leader_needs_several_members_on_the_committee(world: World) -> None:
    committee = services.committee_create(
        actor=world.users["leader"], group=world.group, name="Formannskapet", kind="executive"
    )
    add_committee_seat(committee, world.memberships["leader"])
    with pytest.raises(ValidationError, match="flere faste"):
        services.faction_leader_elect(
            actor=world.users["leader"], committee=committee, membership=world.memberships["leader"]
        )
    add_committee_seat(committee, world.memberships["deputy"])
    services.faction_leader_elect(
        actor=world.users["leader"], committee=committee, membership=world.memberships["deputy"]
    )
    assert committee.faction_leader == world.memberships["deputy"]


def test_g5_faction_is_regular_members_plus_one_first_substitute(world: World) -> None:
    committee = world.committee
    services.committee_seat_add(
        actor=world.users["leader"],
        committee=committee,
        membership=world.memberships["substitute"],
        role=CommitteeRole.FIRST_SUBSTITUTE,
    )
    with pytest.raises(ValidationError, match=r"1\. vara"):
        services.committee_seat_add(
            actor=world.users["leader"],
            committee=committee,
            membership=world.memberships["deputy"],
            role=CommitteeRole.FIRST_SUBSTITUTE,
        )
    assert set(services.faction_members(committee)) == {
        world.memberships["faction_leader"],
        world.memberships["member"],
        world.memberships["substitute"],
    }


def test_g5_faction_leader_must_be_in_the_faction(world: World) -> None:
    with pytest.raises(ValidationError, match="med i fraksjonen"):
        services.faction_leader_elect(
            actor=world.users["leader"],
            committee=world.committee,
            membership=world.memberships["deputy"],
        )


@time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False)
def test_g15_transfer_gives_no_rights_until_board_approves_and_quarantine_ends(
    world: World,
) -> None:
    world.ruleset.quarantine_months = 3
    world.ruleset.save()
    world.memberships["member"].board_role = BoardRole.MEMBER
    world.memberships["member"].save()
    membership = services.transfer_propose(
        actor=world.users["leader"],
        group=world.group,
        email="overgang@example.org",
        full_name="Otto Overgang",
        from_party="Venstre",
    )
    assert membership.status == MembershipStatus.PROPOSED
    assert not membership.has_member_rights(dt.date(2026, 3, 1))
    with pytest.raises(PermissionDenied):
        services.transfer_approve(
            actor=world.users["faction_leader"], membership=membership, votes_for=3, votes_against=0
        )
    with pytest.raises(ValidationError, match="flertall"):
        services.transfer_approve(
            actor=world.users["leader"], membership=membership, votes_for=1, votes_against=1
        )
    # G15: the board has three members (leader, deputy, board member): no more votes
    with pytest.raises(ValidationError, match="Gruppestyret har 3 medlemmer"):
        services.transfer_approve(
            actor=world.users["leader"], membership=membership, votes_for=3, votes_against=1
        )
    with pytest.raises(ValidationError):
        services.transfer_approve(
            actor=world.users["leader"], membership=membership, votes_for=-1, votes_against=0
        )
    services.transfer_approve(
        actor=world.users["leader"], membership=membership, votes_for=2, votes_against=1
    )
    membership.refresh_from_db()
    assert membership.quarantine_until == dt.date(2026, 6, 1)
    assert not membership.can_vote(dt.date(2026, 5, 31))
    assert membership.can_vote(dt.date(2026, 6, 1))
    with pytest.raises(ValidationError, match="allerede behandlet"):
        services.transfer_approve(
            actor=world.users["leader"], membership=membership, votes_for=3, votes_against=0
        )


def test_g16_independent_loses_rights_from_the_declared_date(world: World) -> None:
    membership = world.memberships["member"]
    services.membership_declare_independent(
        actor=world.users["leader"], membership=membership, from_date=dt.date(2026, 12, 1)
    )
    assert membership.can_vote(dt.date(2026, 11, 30))
    assert not membership.is_summoned(dt.date(2026, 12, 1))
    assert membership.is_independent(dt.date(2026, 12, 1))


def test_g22_rules_change_is_proposed_through_the_leader(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.ruleset_propose(
            actor=world.users["deputy"], group=world.group, fields=_fields(), change_summary=""
        )


def test_g22_rules_adopted_by_simple_majority_and_supersede_the_old(world: World) -> None:
    proposal = services.ruleset_propose(
        actor=world.users["leader"], group=world.group, fields=_fields(), change_summary="Ny dag"
    )
    assert proposal.version == world.ruleset.version + 1
    with pytest.raises(ValidationError, match="allerede et forslag"):
        services.ruleset_propose(
            actor=world.users["leader"], group=world.group, fields=_fields(), change_summary=""
        )
    services.ruleset_decide(
        actor=world.users["leader"], ruleset=proposal, votes_for=3, votes_against=1
    )
    world.ruleset.refresh_from_db()
    assert proposal.status == RuleSetStatus.ADOPTED
    assert world.ruleset.status == RuleSetStatus.SUPERSEDED
    assert services.rules_in_force(world.group) == proposal


def test_g22_a_tie_rejects_the_proposal_and_keeps_the_rules_in_force(world: World) -> None:
    proposal = services.ruleset_propose(
        actor=world.users["leader"], group=world.group, fields=_fields(), change_summary=""
    )
    services.ruleset_decide(
        actor=world.users["leader"], ruleset=proposal, votes_for=2, votes_against=2
    )
    assert proposal.status == RuleSetStatus.REJECTED
    assert services.rules_in_force(world.group) == world.ruleset


def test_g22_more_votes_than_voters_is_refused(world: World) -> None:
    proposal = services.ruleset_propose(
        actor=world.users["leader"], group=world.group, fields=_fields(), change_summary=""
    )
    with pytest.raises(ValidationError, match="stemmeberettigede"):
        services.ruleset_decide(
            actor=world.users["leader"], ruleset=proposal, votes_for=40, votes_against=0
        )
    proposal.refresh_from_db()
    assert proposal.status == RuleSetStatus.PROPOSED


def test_rules_with_end_before_start_are_refused_per_field(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        services.ruleset_propose(
            actor=world.users["leader"],
            group=world.group,
            fields=_fields(meeting_start=dt.time(20), meeting_end=dt.time(18), meeting_weekdays=[]),
            change_summary="",
        )
    assert set(exc.value.message_dict) == {"meeting_end", "meeting_weekdays"}


def test_g23_acknowledgement_is_recorded_once_per_version(world: World) -> None:
    first = services.rules_acknowledge(actor=world.users["member"], ruleset=world.ruleset)
    again = services.rules_acknowledge(actor=world.users["member"], ruleset=world.ruleset)
    assert first.pk == again.pk
    assert AuditEntry.objects.filter(action="ruleset.acknowledge").count() == 1


def test_g23_only_the_version_in_force_can_be_acknowledged(world: World) -> None:
    proposal = services.ruleset_propose(
        actor=world.users["leader"], group=world.group, fields=_fields(), change_summary=""
    )
    with pytest.raises(ValidationError):
        services.rules_acknowledge(actor=world.users["member"], ruleset=proposal)


@time_machine.travel(dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC), tick=False)
def test_g24_site_admin_creates_group_for_four_years_with_its_first_leader(world: World) -> None:
    group = services.group_create(
        actor=world.users["site_admin"],
        area_name="Nyby",
        kind=GroupKind.MUNICIPAL,
        period_start=dt.date(2027, 10, 1),
        leader_email="ny.leder@example.org",
        leader_name="Ny Leder",
    )
    assert group.period_end == dt.date(2031, 10, 1)
    leader = group.memberships.get()
    assert leader.board_role == BoardRole.LEADER and leader.manages_group
    with pytest.raises(PermissionDenied):
        services.group_create(
            actor=world.users["leader"],
            area_name="X",
            kind=GroupKind.MUNICIPAL,
            period_start=dt.date(2027, 10, 1),
            leader_email="a@example.org",
            leader_name="A",
        )


def test_leaving_removes_access_and_faction_leadership(world: World) -> None:
    services.membership_leave(
        actor=world.users["leader"],
        membership=world.memberships["faction_leader"],
        left_on=TODAY,
    )
    world.committee.refresh_from_db()
    assert world.committee.faction_leader is None
    user = type(world.users["faction_leader"]).objects.get(pk=world.users["faction_leader"].pk)
    from django.http import Http404

    with pytest.raises(Http404):
        get_group_for_user(user, world.group.pk)


def test_e1_ethics_acknowledgement_is_recorded(world: World) -> None:
    guidelines = make_ethics()
    services.ethics_acknowledge(actor=world.users["member"], guidelines=guidelines)
    assert guidelines.acknowledgements.filter(user=world.users["member"]).exists()
    assert not mail.outbox


def test_a_new_member_gets_an_invitation_to_choose_a_password(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    import re

    from django.test import Client

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        membership = services.member_add(
            actor=world.users["leader"],
            group=world.group,
            email="invitert@example.org",
            full_name="Ina Invitert",
            seat=Seat.SUBSTITUTE,
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["invitert@example.org"]
    assert "Ina" not in message.subject and str(world.group) in message.body
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+/", str(message.body))
    assert link is not None
    client = Client()
    from urllib.parse import urlparse

    form_page = client.get(urlparse(link.group(0)).path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(0),
        {"password1": "Et-godt-passord-2026", "password2": "Et-godt-passord-2026"},
    )
    assert response.status_code == 302
    membership.user.refresh_from_db()
    assert membership.user.has_usable_password()


def test_an_existing_account_is_not_invited_again(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.member_add(
            actor=world.users["leader"],
            group=world.group,
            email=world.users["outsider"].email,
            full_name="Ola Utenfor",
            seat=Seat.OTHER_BODY,
        )
    assert mail.outbox == []

"""Forms refuse bad values with a message and keep what was saved; pages show rights."""

from __future__ import annotations

import pytest
from django.urls import reverse

from groups.models import Membership, RuleSetStatus, Seat
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_group_page_shows_each_members_rights(world: World) -> None:
    response = world.client_for("member").get(reverse("groups:detail", args=[world.group.pk]))
    body = response.content.decode()
    assert "Marit Medlem" in body and "Stemmerett" in body and "Ikke stemmerett" in body


def test_member_add_with_bad_email_keeps_input_and_saves_nothing(world: World) -> None:
    before = Membership.objects.count()
    response = world.client_for("leader").post(
        reverse("groups:member_add", args=[world.group.pk]),
        {"full_name": "Per Feil", "email": "ikke-en-epost", "seat": Seat.REGULAR},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Per Feil" in body and "gyldig e-postadresse" in body
    assert Membership.objects.count() == before


def test_service_refusal_is_shown_on_the_form(world: World) -> None:
    response = world.client_for("leader").post(
        reverse("groups:membership_edit", args=[world.group.pk, world.memberships["member"].pk]),
        {"seat": Seat.REGULAR, "board_role": "deputy"},
    )
    assert response.status_code == 200
    assert "Nestleder er allerede Nils Nestleder" in response.content.decode()
    world.memberships["member"].refresh_from_db()
    assert world.memberships["member"].board_role == ""


def test_member_added_through_the_form_gets_an_invitation_to_set_a_password(
    world: World,
) -> None:
    response = world.client_for("leader").post(
        reverse("groups:member_add", args=[world.group.pk]),
        {"full_name": "Nina Ny", "email": "nina@example.org", "seat": Seat.SUBSTITUTE},
    )
    assert response.status_code == 302
    assert world.group.memberships.filter(user__email="nina@example.org").exists()


def test_rules_decision_with_negative_votes_is_refused_and_proposal_kept(world: World) -> None:
    client = world.client_for("leader")
    response = client.post(
        reverse("groups:rules_propose", args=[world.group.pk]),
        {
            "meeting_place": "Samfunnshuset",
            "meeting_weekdays": ["2"],
            "meeting_start": "18:00",
            "meeting_end": "17:00",
            "quarantine_months": "0",
        },
    )
    assert response.status_code == 200
    assert "slutte etter" in response.content.decode()
    assert "Samfunnshuset" in response.content.decode()
    response = client.post(
        reverse("groups:rules_propose", args=[world.group.pk]),
        {
            "meeting_place": "Samfunnshuset",
            "meeting_weekdays": ["2"],
            "meeting_start": "18:00",
            "meeting_end": "20:00",
            "quarantine_months": "0",
        },
    )
    assert response.status_code == 302
    proposal = world.group.rulesets.get(status=RuleSetStatus.PROPOSED)
    response = client.post(
        reverse("groups:rules_decide", args=[world.group.pk, proposal.version]),
        {"votes_for": "-1", "votes_against": "0"},
    )
    # The form comes back with the votes as typed and the error on the field (issue 17).
    assert response.status_code == 200
    assert response.context["decision_form"].errors["votes_for"]
    assert 'name="votes_for" value="-1"' in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == RuleSetStatus.PROPOSED


def test_too_many_votes_keep_the_numbers_and_name_the_field_G22(world: World) -> None:
    """Issue 17: with 50 for and 2 against in a group of five voters, the refusal sits on
    "Stemmer for" and both numbers stay in the form; nothing is decided."""
    from tests.factories.groups import make_ruleset

    proposal = make_ruleset(world.group, status=RuleSetStatus.PROPOSED, decided_at=None)
    response = world.client_for("leader").post(
        reverse("groups:rules_decide", args=[world.group.pk, proposal.version]),
        {"votes_for": "50", "votes_against": "2", "note": "Vedtatt i møte"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    errors = response.context["decision_form"].errors
    assert "flere stemmer (52)" in errors["votes_for"][0]
    assert 'id="id_votes_for_error"' in body
    assert 'name="votes_for" value="50"' in body and 'name="votes_against" value="2"' in body
    assert "Vedtatt i møte" in body
    proposal.refresh_from_db()
    assert proposal.status == RuleSetStatus.PROPOSED
    ok = world.client_for("leader").post(
        reverse("groups:rules_decide", args=[world.group.pk, proposal.version]),
        {"votes_for": "3", "votes_against": "1"},
    )
    assert ok.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == RuleSetStatus.ADOPTED


def test_deciding_a_version_already_decided_says_so_and_goes_back_G22(world: World) -> None:
    response = world.client_for("leader").post(
        reverse("groups:rules_decide", args=[world.group.pk, world.ruleset.version]),
        {"votes_for": "3", "votes_against": "1"},
        follow=True,
    )
    assert "Dette forslaget er allerede behandlet." in response.content.decode()


def test_rules_pdf_is_a_pdf_with_the_rules_text(world: World) -> None:
    import io

    from pypdf import PdfReader

    response = world.client_for("member").get(
        reverse("groups:rules_pdf", args=[world.group.pk, world.ruleset.version])
    )
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "HABILITET" in text.upper() and "Rådhuset, møterom 2" in text


def test_profile_refuses_a_bad_postcode(world: World) -> None:
    response = world.client_for("member").post(
        reverse("groups:profile"),
        {"full_name": "Marit Medlem", "birth_year": "1980", "gender": "female", "postcode": "12"},
    )
    assert "fire sifre" in response.content.decode()
    world.users["member"].refresh_from_db()
    assert world.users["member"].postcode != "12"


def test_english_is_selectable(world: World) -> None:
    client = world.client_for("member")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("groups:home"))
    assert 'lang="en"' in response.content.decode()
    assert "My groups" in response.content.decode()


def test_a_service_refusal_naming_a_field_the_form_lacks_is_shown_on_top() -> None:
    from django import forms
    from django.core.exceptions import ValidationError

    from config.web import add_service_errors

    class OneField(forms.Form):
        name = forms.CharField()

    form = OneField({"name": "x"})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"name": "feil navn", "elsewhere": "annen feil"}))
    assert form.errors["name"] == ["feil navn"]
    assert form.non_field_errors() == ["annen feil"]


@pytest.mark.parametrize("value", ["abc", "", "1.5", "-3", "٣", "99999999999999999999999"])
def test_removing_a_seat_by_a_value_that_is_no_id_is_not_found(world: World, value: str) -> None:
    """Issue 15 item 7: a crafted button value was a ValueError and a 500."""
    client = world.client_for("leader")
    url = reverse("groups:committee_detail", args=[world.group.pk, world.committee.pk])
    seats = world.committee.seats.count()
    response = client.post(url, {"remove_seat": value})
    assert response.status_code == 404
    assert world.committee.seats.count() == seats

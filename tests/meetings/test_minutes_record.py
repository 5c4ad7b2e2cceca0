"""Minutes are a record you can trust (issue 17; G13, G18, G25): what was written is shown,
on the page and in the PDF alike, because both render the same record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import presence, services
from meetings.models import Minutes, MinutesVersion
from tests.conftest import World
from tests.factories.meetings import make_item
from tests.meetings.records import (
    AGREED,
    DISAGREED,
    DISSENT,
    GUESTS,
    clock,
    meeting_with_minutes,
    page_record_text,
    pdf_text,
)

pytestmark = pytest.mark.django_db


def test_the_page_record_and_the_pdf_say_the_same_G13_G18_G25(world: World) -> None:
    meeting = meeting_with_minutes(world)
    version = services.minutes_approve(actor=world.users["leader"], meeting=meeting)
    client = world.client_for("member")

    page = page_record_text(
        client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    )
    pdf = client.get(reverse("meetings:minutes_pdf", args=[meeting.pk, version.number]))
    assert pdf["Content-Type"] == "application/pdf"

    assert page == pdf_text(pdf.content)
    conflict = meeting.agenda_items.get(title="Skolestruktur").conflicts.get()
    assert conflict.left_at is not None and conflict.returned_at is not None
    for said in (
        AGREED,  # the group agrees with the recommendation, and its conclusion is kept
        f"Gruppa er uenig i innstillingen. Konklusjon: {DISAGREED}",
        f"Fratrådte {clock(conflict.left_at)}, tilbake {clock(conflict.returned_at)}",
        f"Protokolltilførsel fra Frode Fraksjon: {DISSENT}",
        "Møteleder: Liv Leder",
        "Til stede: Frode Fraksjon, Liv Leder, Marit Medlem",
        f"Andre til stede: {GUESTS}",
        f"av Liv Leder (versjon {version.number})",
    ):
        assert said in page, said


def test_an_approved_version_names_who_approved_it_when_and_who_was_there(
    world: World,
) -> None:
    meeting = meeting_with_minutes(world)
    version = services.minutes_approve(actor=world.users["deputy"], meeting=meeting)
    content = MinutesVersion.objects.get(pk=version.pk).content
    assert content["status"] == "approved"
    assert content["approved_by"] == "Nils Nestleder"
    assert content["approved_at"] == timezone.localtime(version.approved_at).strftime(
        "%d.%m.%Y %H:%M"
    )
    assert content["version"] == 1
    assert content["leader"] == "Liv Leder"
    assert content["present"] == ["Frode Fraksjon", "Liv Leder", "Marit Medlem"]
    assert content["others_present"] == GUESTS
    agreed = next(i for i in content["items"] if not i["disagrees"])
    assert agreed["conclusion"] == AGREED
    left = content["items"][1]["conflicts"][0]
    assert left["left_at"] and left["returned_at"]


def test_a_later_member_or_name_change_does_not_alter_an_approved_record(world: World) -> None:
    meeting = meeting_with_minutes(world)
    services.minutes_approve(actor=world.users["leader"], meeting=meeting)
    world.users["member"].full_name = "Marit Nyttnavn"
    world.users["member"].save()
    html = world.client_for("leader").get(reverse("meetings:detail", args=[meeting.pk]))
    record = page_record_text(html.content.decode())
    assert "Marit Medlem" in record
    assert "Marit Nyttnavn" not in record


def test_a_version_approved_before_the_record_had_a_member_list_shows_its_text() -> None:
    version = MinutesVersion(
        number=2,
        content={"title": "Gammelt møte", "present": "Liv, Marit og Per", "items": []},
        approved_at=dt.datetime(2025, 3, 4, 19, 30, tzinfo=dt.UTC),
        reopen_reason="Feil dato",
    )
    record = services.version_record(version)
    assert record["present"] == []
    assert record["others_present"] == "Liv, Marit og Per"
    assert record["status"] == "approved"
    assert record["version"] == 2
    assert record["reopen_reason"] == "Feil dato"
    assert record["approved_at"].startswith("04.03.2025")


def test_the_draft_record_on_the_page_shows_an_agreeing_conclusion(world: World) -> None:
    meeting = meeting_with_minutes(world, present=False)
    html = world.client_for("member").get(reverse("meetings:detail", args=[meeting.pk]))
    record = page_record_text(html.content.decode())
    assert f"Konklusjon: {AGREED}" in record
    assert "Utkast: ikke godkjent" in record
    assert "Møteleder: –" in record


def test_the_minutes_form_is_filled_in_from_check_in_presence(world: World) -> None:
    """meetings asks the presence registry; attendance answers with who checked in."""
    from tests.factories.attendance import make_course, make_presence

    meeting = meeting_with_minutes(world, present=False)
    make_course(world.group, world.users["leader"], meetings=[meeting])
    make_presence(meeting, world.users["member"])
    member = world.memberships["member"]
    assert presence.present_memberships(meeting) == {member.pk}

    html = world.client_for("leader").get(reverse("meetings:detail", args=[meeting.pk]))
    body = html.content.decode()
    checked = f'value="{member.pk}" id="id_meta-present_'
    box = body[body.index(checked) - 120 : body.index(checked) + 80]
    assert "checked" in box
    others = world.memberships["deputy"].pk
    other_box = body[body.index(f'value="{others}" id="id_meta-present_') - 120 :][:200]
    assert "checked" not in other_box

    # once the leader has saved who was there, the form shows that instead
    services.minutes_save(
        actor=world.users["leader"],
        meeting=meeting,
        notes="",
        present=[world.memberships["deputy"]],
    )
    again = world.client_for("leader").get(reverse("meetings:detail", args=[meeting.pk]))
    text = again.content.decode()
    box = text[text.index(f'value="{others}" id="id_meta-present_') - 120 :][:200]
    assert "checked" in box


def test_saving_the_minutes_form_records_members_leader_and_guests(world: World) -> None:
    meeting = meeting_with_minutes(world, present=False)
    ms = world.memberships
    response = world.client_for("leader").post(
        reverse("meetings:minutes_edit", args=[meeting.pk]),
        {
            "meta-present": [ms["member"].pk, ms["deputy"].pk],
            "meta-leader": ms["deputy"].pk,
            "meta-present_text": "Pressen",
            "meta-notes": "",
        },
    )
    assert response.status_code == 302
    minutes = Minutes.objects.get(meeting=meeting)
    assert set(minutes.present.all()) == {ms["member"], ms["deputy"]}
    assert minutes.leader == ms["deputy"]
    assert minutes.present_text == "Pressen"


def test_a_member_of_another_group_cannot_be_recorded_as_present(world: World) -> None:
    meeting = meeting_with_minutes(world, present=False)
    outsider = world.memberships["outsider"]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.minutes_save(
            actor=world.users["leader"], meeting=meeting, notes="", present=[outsider]
        )
    with pytest.raises(ValidationError):
        services.minutes_save(
            actor=world.users["leader"], meeting=meeting, notes="", leader=outsider
        )


# --- approval asks first and shows what is missing (issue 17) ---------------------------
def test_approving_shows_what_is_missing_and_needs_an_explicit_yes(world: World) -> None:
    meeting = meeting_with_minutes(world, present=False)
    bare = make_item(meeting, title="Eventuelt", order=30)
    meeting.agenda_items.filter(title="Skolestruktur").update(closed_at=meeting.ends_at)
    leader = world.client_for("leader")
    url = reverse("meetings:minutes_approve", args=[meeting.pk])

    page = leader.get(url).content.decode()
    assert "Ingen er ført som til stede." in page
    assert "Ingen møteleder er ført." in page
    assert "Saker som ikke er merket «Saken er ferdigbehandlet»: 1. Gang- og sykkelvei" in page
    assert "3. Eventuelt" in page
    assert "Saker uten referat av hva som ble drøftet: 3. Eventuelt" in page
    assert (
        "2. Skolestruktur" not in page.split("Saker uten referat")[0].split("ferdigbehandlet»")[1]
    )

    # no box ticked: nothing is approved, the page says why
    again = leader.post(url, {})
    assert again.status_code == 200
    assert "Kryss av for å bekrefte." in again.content.decode()
    assert not MinutesVersion.objects.filter(minutes__meeting=meeting).exists()

    # the leader may approve it as it is
    done = leader.post(url, {"confirm": "on"})
    assert done.status_code == 302
    assert MinutesVersion.objects.filter(minutes__meeting=meeting).count() == 1
    assert bare.closed_at is None  # approved as it was, with the item still open


def test_complete_minutes_say_nothing_is_missing(world: World) -> None:
    meeting = meeting_with_minutes(world)
    meeting.agenda_items.update(closed_at=meeting.ends_at)
    check = services.minutes_approval_check(meeting)
    assert not check.missing and not check.blockers
    page = world.client_for("leader").get(reverse("meetings:minutes_approve", args=[meeting.pk]))
    assert "Dette mangler i referatet" not in page.content.decode()


def test_an_item_waiting_for_the_leader_blocks_approval_and_the_page_says_so(
    world: World,
) -> None:
    meeting = meeting_with_minutes(world)
    make_item(meeting, title="Innmeldt sak", status="proposed")
    leader = world.client_for("leader")
    url = reverse("meetings:minutes_approve", args=[meeting.pk])
    page = leader.get(url).content.decode()
    assert "Noen innmeldte saker er ikke behandlet" in page
    assert 'name="confirm"' not in page
    refused = leader.post(url, {"confirm": "on"})
    assert refused.status_code == 200
    assert "Noen innmeldte saker er ikke behandlet" in refused.content.decode()
    assert not MinutesVersion.objects.filter(minutes__meeting=meeting).exists()


def test_a_member_cannot_open_the_approval_page(world: World) -> None:
    meeting = meeting_with_minutes(world)
    url = reverse("meetings:minutes_approve", args=[meeting.pk])
    assert world.client_for("member").get(url).status_code == 403
    assert Client().get(url).status_code == 302

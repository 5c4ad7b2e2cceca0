"""In Chromium on a phone (390 x 844, G26): the leader calls a members' meeting from the
meeting plan; a local party member finds it on the home page and in the meeting list,
labelled as a members' meeting, opens it and says they are coming. At the group meeting
that follows, the item discussed at the members' meeting shows the members' advisory
conclusion and a warning until the leader records that the chapter board was briefed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from groups.models import Seat
from meetings import services
from meetings.models import ChapterBriefing, Meeting, MeetingKind
from tests.conftest import build_world, login_in_browser, screenshot
from tests.factories.groups import make_membership, make_user
from tests.factories.meetings import make_item, make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
ADVICE = "Medlemsmøtet ber gruppa kjempe for grendeskolene."


def _shot(page: Any, name: str) -> None:
    screenshot(page, name)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name


def _logout(page: Any) -> None:
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url("**/accounts/login/**")


def test_leader_calls_a_members_meeting_and_a_party_member_sees_it_on_a_phone(
    page: Any,
) -> None:
    world = build_world()
    party = make_membership(
        world.group, make_user(full_name="Per Partimedlem", email="per@example.org"),
        seat=Seat.PARTY_MEMBER,
    )  # fmt: skip
    page.set_viewport_size(PHONE)
    start = timezone.localtime(timezone.now() + dt.timedelta(days=20)).replace(
        hour=19, minute=0, second=0, microsecond=0
    )

    login_in_browser(page, world.users["leader"])
    page.goto(f"/moter/gruppe/{world.group.pk}/plan/")
    page.get_by_role("link", name="Kall inn til medlemsmøte").click()
    page.get_by_role("heading", name="Kall inn til medlemsmøte").wait_for()
    assert page.get_by_label("Type møte").input_value() == "members"
    page.get_by_label("Tittel").fill("Medlemsmøte om skolestruktur")
    page.get_by_label("Starter").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Slutter").fill((start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Sted").fill("Grendehuset")
    _shot(page, "members-meeting-form-390.png")
    page.get_by_role("button", name="Lagre").click()
    page.get_by_text("Møtet er satt opp.").wait_for()
    meeting = Meeting.objects.get(title="Medlemsmøte om skolestruktur")
    assert meeting.kind == MeetingKind.MEMBERS
    page.get_by_text("Medlemsmøte med lokallaget").wait_for()
    page.get_by_label("Sak", exact=True).fill("Skolestruktur")
    page.get_by_role("button", name="Meld inn sak").click()
    page.get_by_text("Saken er satt på saklista.").wait_for()
    _shot(page, "members-meeting-leader-390.png")
    _logout(page)

    login_in_browser(page, party.user)
    page.get_by_role("link", name="Neste møte: Medlemsmøte om skolestruktur").wait_for()
    _shot(page, "members-meeting-party-home-390.png")
    page.goto("/moter/")
    row = page.get_by_role("row").filter(has_text="Medlemsmøte om skolestruktur")
    assert "Medlemsmøte" in row.locator('[data-label="Type"]').inner_text()
    _shot(page, "members-meeting-list-390.png")
    row.get_by_role("link", name="Medlemsmøte om skolestruktur").click()
    page.get_by_text("Åpent for lokallagets medlemmer.").wait_for()
    page.get_by_role("button", name="Jeg kommer").click()
    page.get_by_text("Du har svart at du kommer.").wait_for()
    _shot(page, "members-meeting-party-390.png")
    assert meeting.replies.get(membership=party).attending


def test_the_group_item_warns_until_the_leader_records_the_boards_briefing_on_a_phone(
    page: Any,
) -> None:
    world = build_world()
    leader = world.users["leader"]
    past = timezone.now() - dt.timedelta(days=7)
    members = make_meeting(
        world.group,
        kind=MeetingKind.MEMBERS,
        title="Medlemsmøte om skolestruktur",
        starts_at=past,
        ends_at=past + dt.timedelta(hours=2),
    )
    members_item = make_item(members, title="Skolestruktur")
    services.minutes_save_item(
        actor=leader,
        item=members_item,
        discussion="Mange innspill.",
        disagrees_with_recommendation=False,
        conclusion=ADVICE,
    )
    soon = timezone.now() + dt.timedelta(days=2)
    group_meeting = make_meeting(world.group, title="Gruppemøte før kommunestyret", starts_at=soon)
    item = make_item(group_meeting, title="Skolebruksplanen")
    page.set_viewport_size(PHONE)

    login_in_browser(page, leader)
    page.goto(f"/moter/{group_meeting.pk}/")
    card = page.locator(f"#sak-{item.pk}")
    card.get_by_text("Medlemsmøte og lokallagsstyret").click()
    card.get_by_label("Drøftet på medlemsmøte").select_option(str(members_item.pk))
    card.get_by_role("button", name="Lagre", exact=True).click()
    page.get_by_text("Saken er oppdatert.").wait_for()
    card = page.locator(f"#sak-{item.pk}")
    card.get_by_text("Lokallagsstyret er ikke orientert.").wait_for()
    assert ADVICE in card.inner_text() and "Rådgivende" in card.inner_text()
    card.scroll_into_view_if_needed()
    _shot(page, "briefing-warning-390.png")

    card.get_by_text("Registrer at lokallagsstyret er orientert").click()
    card.get_by_label("Hvordan").select_option("board_meeting")
    card.get_by_label("Merknad").fill("Lokallagsstyret drøftet saken")
    card.get_by_role("button", name="Registrer orienteringen").click()
    page.get_by_text("Orienteringen av lokallagsstyret er registrert.").wait_for()
    card = page.locator(f"#sak-{item.pk}")
    assert "Lokallagsstyret er ikke orientert." not in card.inner_text()
    assert "Lokallagsstyret orientert" in card.inner_text()
    _shot(page, "briefing-recorded-390.png")
    briefing = ChapterBriefing.objects.get(agenda_item=item)
    assert briefing.briefed_by == world.memberships["leader"]
    assert briefing.briefed_on == timezone.localdate()

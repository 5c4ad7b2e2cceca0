"""The leader's screen in Chromium (issue 19, G13): on a tablet (1024 x 768) and a phone
(390 x 844) without horizontal scrolling; the leader takes up an item from the keyboard and
it shows as the item in progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from meetings.models import AgendaItem, MeetingReply
from tests.conftest import build_world, login_in_browser, screenshot
from tests.factories.attendance import make_course, make_presence
from tests.factories.meetings import make_item, make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize(("width", "height", "name"), [(1024, 768, "tablet"), (390, 844, "phone")])
def test_the_leader_takes_up_an_item_from_the_screen_without_horizontal_scroll_G13(
    page: Any, width: int, height: int, name: str
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    world = build_world()
    start = timezone.now() - dt.timedelta(minutes=10)
    meeting = make_meeting(
        world.group,
        title="Gruppemøte før kommunestyret i Grønnbygd",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="Kommunestyresalen, Rådhuset",
    )
    make_item(
        meeting,
        title="Skolebruksplan for Grønnbygd kommune 2026–2036 med nedleggingsvedtak",
        order=1,
        duration_minutes=30,
        presenter=world.memberships["member"],
    )
    budget = make_item(meeting, title="Budsjett og økonomiplan", order=2, duration_minutes=45)
    make_item(meeting, title="Mediestrategi", order=900, is_media_strategy=True)
    MeetingReply.objects.create(
        meeting=meeting,
        membership=world.memberships["faction_leader"],
        attending=False,
        reason="På jobbreise",
        replied_at=timezone.now(),
    )
    make_course(world.group, world.users["leader"], meetings=[meeting])
    make_presence(meeting, world.users["deputy"])

    login_in_browser(page, world.users["leader"])
    page.goto(f"/moter/{meeting.pk}/")
    page.get_by_role("link", name="Møteledervisning").click()
    page.get_by_role("heading", name="Sak nå").wait_for()
    assert page.evaluate(NO_OVERFLOW)
    assert page.get_by_role("main").count() == 1
    presence = page.locator("#tilstede")
    presence.get_by_text("Sjekket inn (1)").wait_for()
    presence.get_by_text("Frode Fraksjon – På jobbreise").wait_for()
    page.get_by_text("Ingen sak er tatt opp.").wait_for()
    screenshot(page, f"leader_screen_{name}_before")

    # from the keyboard: focus the button and press Enter
    button = page.get_by_role("button", name="Ta opp saken: Budsjett og økonomiplan")
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_text("Saken er tatt opp.").wait_for()
    assert "/moteleder/" in page.url
    now = page.locator("#na")
    now.get_by_role("link", name="2. Budsjett og økonomiplan").wait_for()
    now.get_by_text("Pågår").wait_for()
    budget.refresh_from_db()
    assert budget.in_progress
    assert not AgendaItem.objects.filter(pk=budget.pk, started_at__isnull=True).exists()
    # one at a time: no other item offers "take up" now
    assert page.get_by_role("button", name="Ta opp saken: Mediestrategi").count() == 0

    # the item's minutes form opens in place (htmx) and the page still fits
    card = page.locator(f"#sak-{budget.pk}")
    card.get_by_text("Skriv referat for saken").click()
    card.get_by_role("button", name="Lagre referat").wait_for()
    assert page.evaluate(NO_OVERFLOW)
    screenshot(page, f"leader_screen_{name}_after")

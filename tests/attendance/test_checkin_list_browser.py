"""In Chromium at 390 × 844 (S10, S16, issue 18): the leader opens the check-in list on
their own phone, types a name (htmx filters as they type), taps "Sjekk inn" for a member,
and the list and the live count show it; nothing scrolls sideways."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from attendance import selectors
from attendance.models import CourseStatus, Presence, PresenceSource
from tests.conftest import build_world, login_in_browser, screenshot
from tests.factories.attendance import give_consent, make_course, make_session_meeting
from tests.test_accessibility import _violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_s16_the_leader_searches_and_checks_a_member_in_from_the_phone(
    browser: Any, live_server: Any
) -> None:
    world = build_world()
    now = timezone.now()
    meeting = make_session_meeting(
        world.group,
        starts_at=now - dt.timedelta(minutes=10),
        ends_at=now + dt.timedelta(hours=1, minutes=30),
        title="Studiering kapittel 3",
    )
    course = make_course(
        world.group, world.users["leader"], status=CourseStatus.APPROVED, meetings=[meeting]
    )
    give_consent(course, world.users["member"])
    expected = selectors.registrable_participants(course, timezone.localdate(now)).count()
    context = browser.new_context(
        base_url=live_server.url, locale="nb-NO", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(30_000)  # a busy machine
    page = context.new_page()
    try:
        login_in_browser(page, world.users["leader"])
        page.goto(f"/moter/{meeting.pk}/")  # the meeting's page links to the list
        assert page.get_by_role("link", name="Sjekk inn fra liste").is_visible()
        page.goto(f"/studiearbeid/moter/{meeting.pk}/qr/")
        page.get_by_role("link", name="Sjekk inn fra liste").click()
        page.get_by_role("heading", level=1).wait_for()
        assert page.get_by_test_id("checkin-count").inner_text() == f"0 av {expected} sjekket inn"
        assert page.locator(".checkin-person").count() == expected

        page.get_by_label("Søk etter navn").press_sequentially("mar", delay=50)
        expect(page.locator(".checkin-person")).to_have_count(1)  # filtered as one types
        card = page.locator(".checkin-person")
        assert "Marit Medlem" in card.inner_text() and "Ikke kommet" in card.inner_text()
        assert "q=mar" in page.url  # the search is in the address, as without JavaScript
        button = card.get_by_role("button", name="Sjekk inn Marit Medlem")
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44  # a big touch target
        screenshot(page, "checkin-list-search-390")
        button.click()

        page.get_by_text("Marit Medlem er sjekket inn fra kl.").wait_for()
        card = page.locator(".checkin-person")
        assert card.count() == 1 and "Inne" in card.inner_text()  # the search is kept
        assert page.get_by_label("Søk etter navn").input_value() == "mar"
        assert page.get_by_test_id("checkin-count").inner_text() == f"1 av {expected} sjekket inn"
        assert card.get_by_role("button", name="Sjekk ut Marit Medlem").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert _violations(page) == []  # WCAG 2.1 AA (axe)
        screenshot(page, "checkin-list-checked-in-390")
        presence = Presence.objects.get(meeting=meeting, user=world.users["member"])
        assert presence.source == PresenceSource.LEADER and presence.ended_at is None
    finally:
        context.close()

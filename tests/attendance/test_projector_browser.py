"""In Chromium at 1280 × 800 (S9, S16, issue 18): the leader puts the QR code on a projector;
the site chrome is gone, the code fills the screen's height, and the count goes up by
itself when a member checks in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from attendance import selectors
from attendance.models import CourseStatus
from tests.conftest import build_world, login_in_browser, screenshot
from tests.factories.attendance import make_course, make_presence, make_session_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_s9_projector_mode_fills_the_screen_and_counts_a_check_in_live(
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
    expected = selectors.registrable_participants(course, timezone.localdate(now)).count()
    context = browser.new_context(
        base_url=live_server.url, locale="nb-NO", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login_in_browser(page, world.users["leader"])
        page.goto(f"/studiearbeid/moter/{meeting.pk}/qr/")
        page.get_by_role("link", name="Vis på projektor").click()
        page.locator("#qr svg").wait_for()

        assert page.get_by_role("heading", level=1).inner_text() == "Studiering kapittel 3"
        assert not page.locator(".site-header").is_visible()
        assert not page.locator(".site-footer").is_visible()
        box = page.locator("#qr svg").bounding_box()
        assert box is not None and box["height"] >= 600  # was 424 px beside the menu
        # The drawing scales with its box (a viewBox, no fixed size in pixels).
        assert page.locator("#qr svg").get_attribute("viewBox")
        assert page.locator("#qr svg").get_attribute("width") is None
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        count = page.get_by_test_id("checkin-count")
        assert count.inner_text() == f"0 av {expected} sjekket inn"
        assert "Innsjekkingen stenger om 1 t" in page.locator(".projector-window").inner_text()

        make_presence(meeting, world.users["member"], start=now)
        page.get_by_text(f"1 av {expected} sjekket inn").wait_for(timeout=15_000)
        screenshot(page, "qr-projector-1280")

        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "qr-projector-390")
    finally:
        context.close()

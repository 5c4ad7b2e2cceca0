"""In Chromium with an English (US) browser locale on a Norwegian page (issue 18): the
meeting form asks for "dd.mm.åååå tt:mm", not the browser's "mm/dd/yyyy"; a date typed the
Norwegian way is saved, and a date typed another way is refused with how to write it and
kept in the box."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from tests.conftest import build_world, login_in_browser, screenshot
from tests.test_accessibility import _violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dates_are_typed_the_norwegian_way_whatever_the_browsers_locale(
    browser: Any, live_server: Any
) -> None:
    world = build_world()
    day = timezone.localdate() + dt.timedelta(days=40)
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(30_000)  # a busy machine
    # The page in Norwegian (the reader's choice), the browser in American English.
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "nb", "url": live_server.url}]
    )
    page = context.new_page()
    try:
        login_in_browser(page, world.users["leader"])
        page.goto(reverse("meetings:create", args=[world.group.pk]))
        start = page.get_by_label("Starter")
        assert start.get_attribute("type") == "text"
        assert start.get_attribute("placeholder") == "dd.mm.åååå tt:mm"
        page.get_by_label("Tittel").fill("Budsjettmøte")
        start.fill(f"{day.month}/{day.day}/{day.year} 18:00")  # the American way
        page.get_by_label("Slutter").fill(f"{day.day}.{day.month}.{day.year} 20:00")
        page.get_by_role("button", name="Lagre").click()
        page.get_by_text("Skriv dato og klokkeslett som dd.mm.åååå tt:mm").first.wait_for()
        assert (
            page.get_by_label("Starter").input_value() == f"{day.month}/{day.day}/{day.year} 18:00"
        )
        assert _violations(page) == []  # the error is tied to its field (WCAG 2.1 AA, axe)
        screenshot(page, "date-refused-390")
        page.get_by_label("Starter").fill(f"{day.day}.{day.month}.{day.year} 18:00")
        page.get_by_role("button", name="Lagre").click()
        page.get_by_role("heading", name="Budsjettmøte").wait_for()
        meeting = Meeting.objects.get(title="Budsjettmøte")
        local = timezone.localtime(meeting.starts_at)
        assert (local.date(), local.hour, local.minute) == (day, 18, 0)
        page.goto(reverse("meetings:edit", args=[meeting.pk]))
        value = page.get_by_label("Starter").input_value()
        assert value == f"{day:%d.%m.%Y} 18:00"
    finally:
        context.close()

"""End to end in Chromium (S9, S10, S16): the leader shows the QR screen, a member on
another device opens the check-in link, logs in, consents and appears on the live view."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from attendance.models import Consent, CourseStatus, Presence
from tests.conftest import build_world, login_in_browser
from tests.factories.attendance import make_course, make_session_meeting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_member_checks_in_from_the_qr_screen_and_appears_on_the_live_view(
    page: Any, browser: Any, live_server: Any
) -> None:
    world = build_world()
    now = timezone.now()
    meeting = make_session_meeting(
        world.group,
        starts_at=now - dt.timedelta(minutes=10),
        ends_at=now + dt.timedelta(hours=2),
        title="Studiering kapittel 3",
    )
    course = make_course(
        world.group, world.users["leader"], status=CourseStatus.APPROVED, meetings=[meeting]
    )
    login_in_browser(page, world.users["leader"])
    page.goto(f"/studiearbeid/moter/{meeting.pk}/qr/")
    qr = page.locator("#qr svg")
    qr.wait_for()
    checkin_url = page.get_by_test_id("checkin-link").get_attribute("href")
    assert checkin_url and "/studiearbeid/inn/" in checkin_url

    phone = browser.new_context(base_url=live_server.url, locale="nb-NO")
    member_page = phone.new_page()
    try:
        member_page.goto(checkin_url)
        # Not logged in on the phone: the login form first, then back to check-in.
        member_page.get_by_label("E-post").fill(world.users["member"].email)
        from tests.factories.groups import PASSWORD

        member_page.get_by_label("Passord").fill(PASSWORD)
        member_page.get_by_role("button", name="Logg inn").click()
        member_page.get_by_text("Samtykke til frammøteliste").wait_for()
        member_page.get_by_label(
            "Jeg samtykker til å stå på frammøtelisten for dette kurset"
        ).check()
        member_page.get_by_role("button", name="Registrer meg som til stede").click()
        member_page.get_by_text("Du er registrert som til stede").first.wait_for()
    finally:
        phone.close()

    assert Consent.objects.filter(course=course, user=world.users["member"]).count() == 1
    assert Presence.objects.filter(meeting=meeting, user=world.users["member"]).count() == 1

    page.goto(f"/studiearbeid/kurs/{course.pk}/oversikt/")
    row = page.get_by_role("row").filter(has_text=world.users["member"].full_name)
    row.wait_for()
    assert row.locator("svg").count() == 1

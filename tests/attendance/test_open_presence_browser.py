"""In Chromium at phone size (S10, S16, issue 17): a member checks in, finds the open
presence on the home page long after the scan, and checks out there; a leader registers a
participant who never scanned, with consent given to the leader."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from attendance.models import CourseStatus, Presence
from attendance.services import checkin
from tests.conftest import build_world, login_in_browser, screenshot
from tests.factories.attendance import make_course, make_session_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _phone(browser: Any, live_server: Any) -> Any:
    context = browser.new_context(base_url=live_server.url, locale="nb-NO", viewport=PHONE)
    context.set_default_timeout(10_000)
    return context


def test_member_checks_in_and_later_checks_out_from_the_home_page_s16(
    browser: Any, live_server: Any
) -> None:
    start = timezone.now().replace(second=0, microsecond=0)
    with time_machine.travel(start + dt.timedelta(minutes=5), tick=True) as clock:
        world = build_world()
        meeting = make_session_meeting(
            world.group,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            title="Studiering kapittel 4",
        )
        make_course(
            world.group, world.users["leader"], status=CourseStatus.APPROVED, meetings=[meeting]
        )
        member = world.users["member"]
        context = _phone(browser, live_server)
        try:
            page = context.new_page()
            login_in_browser(page, member)
            page.get_by_role("heading", name="Hei, Marit").wait_for()
            page.goto(f"/studiearbeid/inn/{checkin.qr_token(meeting, timezone.now())}/")
            page.get_by_label("Jeg samtykker til å stå på frammøtelisten for dette kurset").check()
            page.get_by_role("button", name="Registrer meg som til stede").click()
            page.get_by_text("Du er registrert som til stede").first.wait_for()

            clock.shift(dt.timedelta(minutes=40))  # the scan's right to check in ran out
            page.goto("/")
            block = page.get_by_role("region", name="Innsjekking: Studiering kapittel 4")
            block.get_by_text("Du er til stede fra kl.").wait_for()
            screenshot(page, "home_open_presence")
            block.get_by_role("button", name="Sjekk ut (jeg går nå)").click()
            page.get_by_text("Du er sjekket ut kl.").wait_for()
            assert page.url.endswith("/")
            page.get_by_role("button", name="Sjekk inn igjen (jeg er tilbake)").wait_for()
            screenshot(page, "home_checked_out")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"]
        finally:
            context.close()
    presence = Presence.objects.get(meeting=meeting, user=member)
    assert presence.ended_at is not None
    assert presence.ended_at - presence.started_at >= dt.timedelta(minutes=39)


def test_leader_registers_a_participant_who_never_scanned_with_consent_s10(
    browser: Any, live_server: Any
) -> None:
    start = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=3)
    world = build_world()
    meeting = make_session_meeting(
        world.group, starts_at=start, ends_at=start + dt.timedelta(hours=2), title="Studiering 1"
    )
    make_course(
        world.group, world.users["leader"], status=CourseStatus.APPROVED, meetings=[meeting]
    )
    context = _phone(browser, live_server)
    try:
        page = context.new_page()
        login_in_browser(page, world.users["leader"])
        page.get_by_role("heading", name="Hei, Liv").wait_for()
        page.goto(f"/studiearbeid/moter/{meeting.pk}/frammote/")
        page.get_by_role("combobox", name="Deltaker").select_option(label="Nils Nestleder")
        started = page.get_by_label("Kom", exact=True).input_value()
        assert started == timezone.localtime(start).strftime("%d.%m.%Y %H:%M")
        page.get_by_role("button", name="Registrer", exact=True).click()
        page.get_by_text("kryss av når hen samtykker").wait_for()
        screenshot(page, "register_needs_consent")
        page.get_by_label("Deltakeren er informert og samtykker").check()
        page.get_by_role("button", name="Registrer", exact=True).click()
        page.get_by_text("Frammøtet er registrert.").wait_for()
        row = page.get_by_role("row").filter(has_text="Nils Nestleder")
        row.get_by_text("Gitt til Liv Leder").wait_for()
        screenshot(page, "register_saved")
    finally:
        context.close()
    presence = Presence.objects.get(meeting=meeting, user=world.users["deputy"])
    assert presence.consent.recorded_by == world.users["leader"]
    assert (presence.started_at, presence.ended_at) == (meeting.starts_at, meeting.ends_at)

"""In Chromium at 390 × 844 (S9, S10, S16, G16): a member scans the code, ticks consent
and taps "Registrer meg som til stede"; a member declared independent of the group reads
on the same page, before tapping, that they take no part, and gets no button."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import CourseStatus, Presence, PresenceSource
from attendance.services import checkin
from tests.conftest import build_world, login_in_browser, screenshot
from tests.factories.attendance import make_course, make_session_meeting
from tests.test_accessibility import _violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_s16_g16_a_member_checks_in_on_the_phone_and_an_independent_one_is_told_first(
    browser: Any, live_server: Any
) -> None:
    world = build_world()
    now = timezone.now()
    meeting = make_session_meeting(
        world.group,
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(hours=2),
        title="Studiering kapittel 4",
    )
    make_course(
        world.group, world.users["leader"], status=CourseStatus.APPROVED, meetings=[meeting]
    )
    independent = world.memberships["faction_leader"]
    independent.independent_from = timezone.localdate(now) - dt.timedelta(days=30)
    independent.save()
    scan_url = reverse("attendance:scan", args=[checkin.qr_token(meeting, now)])
    context = browser.new_context(
        base_url=live_server.url, locale="nb-NO", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(30_000)  # a busy machine
    page = context.new_page()
    try:
        login_in_browser(page, world.users["member"])
        page.goto(scan_url)
        page.get_by_label("Jeg samtykker til å stå på frammøtelisten for dette kurset").check()
        page.get_by_role("button", name="Registrer meg som til stede").click()
        page.get_by_text("Du er registrert som til stede fra kl.").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert _violations(page) == []  # WCAG 2.1 AA (axe)
        screenshot(page, "checkin-member-present-390")
        presence = Presence.objects.get(meeting=meeting, user=world.users["member"])
        assert presence.source == PresenceSource.QR and presence.ended_at is None

        page.context.clear_cookies()
        login_in_browser(page, independent.user)
        page.goto(scan_url)
        page.get_by_role("status").filter(has_text="Du har meldt deg uavhengig").wait_for()
        assert page.get_by_role("button", name="Registrer meg som til stede").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert _violations(page) == []
        screenshot(page, "checkin-independent-390")
        assert not Presence.objects.filter(user=independent.user).exists()
    finally:
        context.close()

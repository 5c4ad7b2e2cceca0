"""Issue 17, "Every role lands on its work", in Chromium at phone size (390 × 844): the
leader's home counts what waits for him per kind and leads to it; the course
administrator's home is the approval queue (G9, G6, G19, S13)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from attendance.models import CourseStatus
from meetings.models import AgendaStatus
from tests.conftest import build_world, login_in_browser, screenshot
from tests.factories.attendance import make_course
from tests.factories.groups import totp_code
from tests.factories.meetings import make_item, make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_leader_lands_on_what_waits_and_follows_a_count_to_the_agenda(page: Any) -> None:
    world = build_world()
    meeting = make_meeting(
        world.group, starts_at=timezone.now() + dt.timedelta(days=5), title="Vårmøtet"
    )
    for title in ("Skolemat", "Gatelys"):
        make_item(meeting, title=title, status=AgendaStatus.PROPOSED)
    make_course(world.group, world.users["leader"], status=CourseStatus.DRAFT)
    page.set_viewport_size({"width": 390, "height": 844})
    login_in_browser(page, world.users["leader"])
    section = page.get_by_role("region", name="Venter på deg som leder")
    section.wait_for()
    items = section.get_by_role("link", name=re.compile(r"^2 Saker meldt inn til saklista"))
    assert items.is_visible()
    assert section.get_by_role(
        "link", name=re.compile(r"^1 Kurs som ikke er sendt til godkjenning")
    ).is_visible()
    assert section.get_by_role(
        "link", name=re.compile(r"^5 Har ikke bekreftet reglementet")
    ).is_visible()
    _no_sideways_scroll(page)
    screenshot(page, "home-leader-390.png")
    items.click()
    page.wait_for_url(re.compile(rf"/moter/{meeting.pk}/#saksliste$"))
    assert page.get_by_text("Skolemat").first.is_visible()


def test_the_course_admin_lands_on_the_approval_queue(page: Any) -> None:
    world = build_world()
    for n in range(3):
        make_course(
            world.group,
            world.users["leader"],
            status=CourseStatus.SUBMITTED,
            title=f"Budsjettkurs {n}",
            submitted_at=timezone.now() - dt.timedelta(days=n),
        )
    page.set_viewport_size({"width": 390, "height": 844})
    admin = world.users["course_admin"]
    login_in_browser(page, admin)  # MFA: the password, then the TOTP code
    page.get_by_label(re.compile("Kode|Code", re.I)).fill(totp_code(admin._totp_secret))
    page.get_by_role("button", name=re.compile("Logg inn|Bekreft|Autentiser|Sign In", re.I)).click()
    section = page.get_by_role("region", name="Kursgodkjenning")
    section.wait_for()
    assert page.get_by_text("Du er ikke med i noen gruppe").count() == 0
    queue = section.get_by_role("link", name=re.compile(r"^3 Kurs som venter på godkjenning"))
    assert queue.is_visible()
    _no_sideways_scroll(page)
    screenshot(page, "home-course-admin-390.png")
    queue.click()
    page.get_by_role("link", name="Budsjettkurs 2").wait_for()

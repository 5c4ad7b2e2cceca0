"""In Chromium at phone size (S7, S15, issue 10): the course administrator previews a
back-dated policy before saving it, and closes a quarter through its confirmation step."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from attendance.models import CourseStatus, QuarterClosing, StudyPolicy
from tests.conftest import build_world, login_in_browser, screenshot
from tests.factories.attendance import at, make_course, make_session_meeting
from tests.factories.groups import totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}


def test_admin_previews_a_back_dated_policy_then_closes_a_quarter_s15_s7(
    page: Any, live_server: Any
) -> None:
    world = build_world()
    meetings = [
        make_session_meeting(world.group, starts_at=at(2024, 2, 6, 18) + dt.timedelta(weeks=i))
        for i in range(4)
    ]
    open_course = make_course(
        world.group, world.users["leader"], meetings=meetings, title="Vårkurs i budsjett"
    )
    reported = make_course(
        world.group,
        world.users["leader"],
        status=CourseStatus.REPORTED,
        meetings=[make_session_meeting(world.group, starts_at=at(2024, 3, 5, 18))],
        title="Kurs i politisk arbeid",
    )
    reported.reported_hours = {"2024-Q1": 6, "2024-Q2": 5}
    reported.save()
    page.set_viewport_size(PHONE)
    login_in_browser(page, world.users["course_admin"])

    admin = world.users["course_admin"]
    page.get_by_label(re.compile("Kode|Code", re.I)).fill(totp_code(admin._totp_secret))
    page.get_by_role("button", name=re.compile("Logg inn|Bekreft|Autentiser|Sign In", re.I)).click()
    page.goto("/studiearbeid/administrasjon/regler/")
    page.get_by_label("Gjelder fra").fill("2024-01-01")
    page.get_by_label("Minste antall deltakere").fill("6")
    # Issue 18: the share is a percentage; one that cannot be stored exactly is refused.
    share = page.get_by_label("Frammøtekrav (prosent)")
    share.fill("33,3333")
    page.get_by_role("button", name="Vis hva som endres").click()
    page.get_by_text("Skriv prosenten med høyst to desimaler").wait_for()
    assert page.get_by_label("Frammøtekrav (prosent)").input_value() == "33,3333"
    assert page.get_by_label("Minste antall deltakere").input_value() == "6"
    screenshot(page, "policy-percent-refused-390.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Frammøtekrav (prosent)").fill("66,67")
    page.get_by_role("button", name="Vis hva som endres").click()
    preview = page.get_by_role("status").filter(has_text="Dette endres hvis regelsettet lagres")
    preview.wait_for()
    assert open_course.title in preview.inner_text()
    assert "tilbakedatert" in preview.inner_text()
    assert not StudyPolicy.objects.filter(valid_from=dt.date(2024, 1, 1)).exists()
    screenshot(page, "policy-preview-390.png")
    page.get_by_role("button", name="Lagre regelsettet").click()
    page.get_by_text("Det nye regelsettet er lagret.").wait_for()
    saved = StudyPolicy.objects.get(valid_from=dt.date(2024, 1, 1))
    assert saved.min_participants == 6
    assert (saved.min_share_numerator, saved.min_share_denominator) == (6667, 10000)
    page.get_by_role("cell", name="66,67 %").first.wait_for()

    page.goto("/studiearbeid/administrasjon/tilskudd/?year=2024&quarter=1")
    page.get_by_text("2. kvartal 2024: 5").wait_for()  # the course's split by quarter
    page.get_by_role("link", name="Lukk kvartalet (utbetalt)").click()
    page.get_by_role("heading", name="Lukk 1. kvartal 2024").wait_for()
    screenshot(page, "quarter-close-390.png")
    page.get_by_role("button", name="Lukk kvartalet").click()
    page.get_by_text("Kryss av for å bekrefte.").wait_for()  # refused without the tick
    assert not QuarterClosing.objects.exists()
    page.get_by_label("Jeg bekrefter at kvartalet er utbetalt").check()
    page.get_by_role("button", name="Lukk kvartalet").click()
    page.get_by_text("Lukket og utbetalt: versjon 1").wait_for()
    screenshot(page, "quarter-closed-390.png")
    closing = QuarterClosing.objects.get()
    assert (closing.total_hours, closing.total_amount) == (6, Decimal("720.00"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1


def test_the_live_view_explains_every_no_and_states_the_base_at_phone_size_s12_s14(
    page: Any, live_server: Any
) -> None:
    from tests.factories.attendance import make_presence
    from tests.factories.groups import make_membership, make_user

    world = build_world()
    meetings = [
        make_session_meeting(world.group, starts_at=at(2024, 2, 6, 18) + dt.timedelta(weeks=i))
        for i in range(4)
    ]
    course = make_course(world.group, world.users["leader"], meetings=meetings)
    nameless = make_user(birth_year=None, full_name="Ukjent Alder")
    make_membership(world.group, nameless)
    for meeting in meetings:
        make_presence(meeting, world.users["leader"])
        make_presence(meeting, nameless)
    make_presence(
        meetings[0], world.users["member"], end=meetings[0].starts_at + dt.timedelta(minutes=55)
    )
    page.set_viewport_size(PHONE)
    login_in_browser(page, world.users["leader"])
    page.goto(f"/studiearbeid/kurs/{course.pk}/oversikt/")
    member_row = page.get_by_role("row").filter(has_text=world.users["member"].full_name)
    assert "Nei: mangler 305 minutter" in member_row.inner_text()
    nameless_row = page.get_by_role("row").filter(has_text="Ukjent Alder").first
    assert "mangler fødselsår" in nameless_row.inner_text()
    assert "480 minutter (samlingenes tid)" in page.locator("#share-base").inner_text()
    screenshot(page, "live-view-390.png")

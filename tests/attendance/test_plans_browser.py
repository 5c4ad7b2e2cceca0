"""End to end in Chromium (S2, S13): a course administrator makes a new version of a study
plan with a chapter, its questions and tips, and approves it; the leader plans a session
from it and sees the chosen chapter's questions. Screenshots at phone width (390 x 844)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from attendance.models import CourseSession, StudyPlan
from tests.conftest import build_world, login_in_browser, screenshot
from tests.factories.attendance import default_plan, make_course, make_session_meeting
from tests.factories.groups import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_versions_a_plan_and_a_leader_plans_a_session_from_it_s2(
    page: Any,
) -> None:
    world = build_world()
    plan = default_plan()
    page.set_viewport_size({"width": 390, "height": 844})

    admin = world.users["course_admin"]
    login_in_browser(page, admin)  # MFA: the password, then the TOTP code
    page.get_by_label(re.compile("Kode|Code", re.I)).fill(totp_code(admin._totp_secret))
    page.get_by_role("button", name=re.compile("Logg inn|Bekreft|Autentiser|Sign In", re.I)).click()
    page.goto("/studiearbeid/administrasjon/studieplaner/")
    page.get_by_role("link", name="Politisk arbeid").first.click()
    page.get_by_role("button", name="Lag ny versjon").click()
    page.get_by_text("Versjon 2 er laget som utkast").wait_for()
    page.get_by_role("link", name="Legg til kapittel").click()
    page.locator("#id_number").fill("8")
    page.locator("#id_title").fill("Etter valget")
    page.locator("#id_discussion_questions").fill("Hva lærte vi av valgkampen?\nHva gjør vi nå?")
    page.locator("#id_tips").fill("Skriv ned erfaringene mens de er ferske.")
    page.get_by_role("button", name="Lagre kapittelet").click()
    page.get_by_text("Kapittelet er lagret.").wait_for()
    screenshot(page, "plan_edit_390.png")
    page.get_by_role("link", name="Godkjenn versjonen").click()
    page.get_by_label("Jeg har kontrollert planen").check()
    page.get_by_role("button", name="Godkjenn", exact=True).click()
    page.get_by_text("Studieplanen er godkjent.").wait_for()
    v2 = StudyPlan.objects.get(series=plan.series, version=2)
    assert v2.is_approved and v2.is_default
    page.get_by_role("button", name="Logg ut").click()

    course = make_course(world.group, world.users["leader"], plan=v2)
    meeting = make_session_meeting(world.group, title="Studiekveld om valget")
    login_in_browser(page, world.users["leader"])
    page.goto(f"/studiearbeid/kurs/{course.pk}/samlinger/ny/")
    page.get_by_label("Møte").select_option(str(meeting.pk))
    chapter = v2.chapters.get(number=8)
    page.get_by_label("Kapittel i studieplanen").select_option(str(chapter.pk))
    page.locator("#chapter-questions", has_text="Hva lærte vi av valgkampen?").wait_for()
    screenshot(page, "session_form_390.png")
    page.get_by_role("button", name="Legg til", exact=True).click()
    page.get_by_text("Møtet er lagt til som samling.").wait_for()
    assert CourseSession.objects.get(course=course, meeting=meeting).chapter == chapter

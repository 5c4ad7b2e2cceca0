"""In Chromium at phone width (390 × 844): a member drafts a question to the council for a
council meeting and a programme issue (G28, E2) and sends it for approval; the leader sees
it on the home page, reads it on the confirmation page and approves it; the text is then
version 1 and locked. No page scrolls sideways."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from meetings.models import CouncilQuestion, ProgrammeIssue, QuestionStatus
from tests.conftest import build_world, login_in_browser, screenshot
from tests.factories.meetings import make_council_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _shot(page: Any, name: str) -> None:
    screenshot(page, name)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name


def _logout(page: Any) -> None:
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url("**/accounts/login/**")


def test_a_member_drafts_a_question_and_the_leader_approves_it_on_a_phone_G28(page: Any) -> None:
    world = build_world()
    council = make_council_meeting(world.group, timezone.now() + dt.timedelta(days=9))
    ProgrammeIssue.objects.create(
        group=world.group,
        title="Trygg skolevei",
        sector="school",
        start_on=world.group.period_start,
        present_by=world.group.period_start + dt.timedelta(days=400),
        updated_at=timezone.now(),
    )
    page.set_viewport_size(PHONE)
    # the shared test machine can be slow; what is tested is the flow, not the speed
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)

    login_in_browser(page, world.users["member"])
    page.goto(f"/moter/kommunestyremote/{council.pk}/sporsmal/")
    page.get_by_role("heading", name="Frister for innlevering").wait_for()
    _shot(page, "questions-council-390.png")
    page.get_by_role("link", name="Nytt spørsmål eller interpellasjon").click()
    page.get_by_label("Spørsmål", exact=True).check()
    assert page.get_by_label("Kommunestyremøte").input_value() == str(council.pk)
    assert page.get_by_label("Til", exact=True).input_value() == "Ordføreren"
    page.get_by_label("Tittel").fill("Gangfelt ved skolen")
    page.get_by_label("Tekst").fill(
        "Når blir det lagt gangfelt og fartshumper ved Grønnbygd skole, slik foreldrene ber om?"
    )
    page.get_by_label("Programpunkt det følger opp").select_option(label="Trygg skolevei")
    _shot(page, "questions-draft-form-390.png")
    page.get_by_role("button", name="Lagre").click()
    page.get_by_text("Utkastet er lagret.").wait_for()
    page.get_by_role("button", name="Send til godkjenning").click()
    page.get_by_text("Spørsmålet er sendt til gruppeleder for godkjenning.").wait_for()
    _shot(page, "questions-detail-awaiting-390.png")
    question = CouncilQuestion.objects.get()
    assert question.status == QuestionStatus.AWAITING
    assert question.programme_issue is not None
    _logout(page)

    login_in_browser(page, world.users["leader"])
    page.goto("/")
    page.get_by_role("link", name="Spørsmål og interpellasjoner til godkjenning").first.click()
    page.get_by_role("link", name="Gangfelt ved skolen").click()
    page.get_by_role("link", name="Godkjenn teksten").click()
    page.get_by_role("heading", name="Godkjenn teksten").wait_for()
    assert "Dette blir versjon 1" in page.content()
    _shot(page, "questions-approve-390.png")
    page.get_by_role("button", name="Godkjenn og lås teksten").click()
    page.get_by_text("Versjon 1 er godkjent.").wait_for()
    _shot(page, "questions-detail-approved-390.png")
    question.refresh_from_db()
    assert question.status == QuestionStatus.APPROVED
    version = question.versions.get()
    assert version.approved_by == world.users["leader"]
    assert version.text.startswith("Når blir det lagt gangfelt")
    page.goto(f"/moter/gruppe/{world.group.pk}/sporsmal/")
    _shot(page, "questions-list-390.png")

"""In Chromium (issue 17): the leader writes who was present (pre-filled from check-in),
sees before approving what the minutes lack, approves; the page's record then reads exactly
as the PDF does, and the pages fit a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from meetings.models import Minutes
from tests.conftest import build_world, login_in_browser
from tests.factories.attendance import make_course, make_presence
from tests.meetings.records import GUESTS, meeting_with_minutes, pdf_text, words

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _fits_phone(page: Any, name: str) -> None:
    page.set_viewport_size(PHONE)
    folder = Path(settings.DATA_DIR) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_leader_writes_presence_confirms_what_is_missing_and_page_equals_pdf(page: Any) -> None:
    world = build_world()
    meeting = meeting_with_minutes(world, present=False)
    make_course(world.group, world.users["leader"], meetings=[meeting])
    make_presence(meeting, world.users["member"])  # checked in at the meeting

    login_in_browser(page, world.users["leader"])
    page.goto(f"/moter/{meeting.pk}/#referat")
    present = page.get_by_role("group", name="Til stede")
    assert present.get_by_label("Marit Medlem").is_checked()  # from check-in
    assert not present.get_by_label("Frode Fraksjon").is_checked()
    present.get_by_label("Frode Fraksjon").check()
    present.get_by_label("Liv Leder").check()
    assert page.get_by_label("Møteleder").input_value() == str(world.memberships["leader"].pk)
    page.get_by_label("Andre til stede (gjester)").fill(GUESTS)
    page.get_by_role("button", name="Lagre", exact=True).click()
    page.get_by_text("Referatet er lagret.").wait_for()
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.present.count() == 3
    assert minutes.leader == world.memberships["leader"]

    page.get_by_role("link", name="Godkjenn referatet").click()
    page.get_by_role("heading", name="Dette mangler i referatet").wait_for()
    missing = page.locator("#missing-heading + ul").inner_text()
    assert "1. Gang- og sykkelvei langs fylkesvegen" in missing  # not marked finished
    assert "Ingen er ført som til stede." not in missing
    assert "Ingen møteleder er ført." not in missing
    _fits_phone(page, "minutes-approve-390.png")
    page.get_by_role("button", name="Godkjenn og lås referatet").click()
    page.get_by_text("Kryss av for å bekrefte.").first.wait_for()
    assert not minutes.versions.exists()
    page.get_by_label("Jeg har sett over referatet og vil godkjenne og låse det").check()
    page.get_by_role("button", name="Godkjenn og lås referatet").click()
    page.get_by_text("Referatet er godkjent og låst (versjon 1).").wait_for()

    record = words(page.locator("#minutes-record").inner_text())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned referat versjon 1 (PDF)").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert record == pdf_text(pdf)
    assert "Til stede: Frode Fraksjon, Liv Leder, Marit Medlem" in record
    assert "av Liv Leder (versjon 1)" in record

    page.set_viewport_size(PHONE)
    page.reload()
    _fits_phone(page, "minutes-record-390.png")

"""End to end in Chromium: a member submits an item (G9), the leader accepts it and writes
minutes with a conclusion (G13), the member adds a dissent (G25), the leader approves the
minutes and downloads the PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from meetings.models import AgendaItem, AgendaStatus, MinutesVersion
from tests.conftest import build_world, login_in_browser
from tests.factories.meetings import make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logout(page: Any) -> None:
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url("**/accounts/login/**")


def test_item_to_approved_minutes_pdf(page: Any) -> None:
    world = build_world()
    start = timezone.now() - dt.timedelta(minutes=30)
    meeting = make_meeting(
        world.group,
        title="Gruppemøte i kveld",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    url = f"/moter/{meeting.pk}/"

    login_in_browser(page, world.users["member"])
    page.goto(url)
    page.get_by_label("Sak", exact=True).fill("Gatelys i sentrum")
    page.get_by_role("button", name="Meld inn sak").click()
    page.get_by_text("Saken er meldt inn til gruppeleder.").wait_for()
    _logout(page)

    login_in_browser(page, world.users["leader"])
    page.goto(url)
    item = AgendaItem.objects.get(title="Gatelys i sentrum")
    card = page.locator(f"#sak-{item.pk}")
    card.get_by_label("Avgjørelse").select_option("accepted")
    card.get_by_role("button", name="Lagre avgjørelse").click()
    page.get_by_text("Saken er behandlet.").wait_for()
    card = page.locator(f"#sak-{item.pk}")
    # the form is not on the page until its <details> is opened; htmx then loads it in place
    assert card.get_by_label("Hva ble drøftet").count() == 0
    card.get_by_text("Skriv referat for saken").click()
    card.get_by_label("Hva ble drøftet").wait_for()
    assert "/skjema/" not in page.url  # loaded in place, not the no-JavaScript page
    card.get_by_label("Hva ble drøftet").fill("Drøftet kostnader og trafikksikkerhet.")
    card.get_by_label("Gruppa er uenig i innstillingen").check()
    card.get_by_label("Gruppas konklusjon").fill("Gruppa vil beholde gatelysene.")
    card.get_by_role("button", name="Lagre referat").click()
    page.get_by_text("Referatet for saken er lagret.").wait_for()
    _logout(page)

    login_in_browser(page, world.users["member"])
    page.goto(url)
    card = page.locator(f"#sak-{item.pk}")
    # by keyboard: Enter on the summary opens it and loads the form; focus stays on the
    # summary, and the form's field is the next tab stop
    card.locator("summary", has_text="Gi protokolltilførsel").focus()
    page.keyboard.press("Enter")
    field = card.get_by_label("Protokolltilførsel")
    field.wait_for()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == f"dissent-{item.pk}-text"
    page.keyboard.type("Jeg mener lysene bør slukkes om natta.")
    card.get_by_role("button", name="Lagre protokolltilførsel").click()
    page.get_by_text("Protokolltilførselen er lagret.").wait_for()
    _logout(page)

    login_in_browser(page, world.users["leader"])
    page.goto(url)
    page.get_by_role("link", name="Godkjenn referatet").click()
    page.get_by_label("Jeg har sett over referatet og vil godkjenne og låse det").check()
    page.get_by_role("button", name="Godkjenn og lås referatet").click()
    page.get_by_text("Referatet er godkjent og låst (versjon 1).").wait_for()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Last ned referat versjon 1 (PDF)").click()
    path = download_info.value.path()
    with open(path, "rb") as handle:
        assert handle.read(4) == b"%PDF"

    item.refresh_from_db()
    assert item.status == AgendaStatus.ACCEPTED
    content = MinutesVersion.objects.get().content
    gatelys = next(i for i in content["items"] if i["title"] == "Gatelys i sentrum")
    assert gatelys["conclusion"] == "Gruppa vil beholde gatelysene."
    assert gatelys["dissents"][0]["text"] == "Jeg mener lysene bør slukkes om natta."

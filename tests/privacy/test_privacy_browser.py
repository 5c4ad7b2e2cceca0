"""End to end in Chromium: a member downloads their data; a site admin sees the data
inventory (issue 7)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from groups.privacy import sweep_all
from tests.conftest import build_world, login_in_browser, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_downloads_their_data_as_json(page: Any) -> None:
    world = build_world()
    member = world.users["member"]
    login_in_browser(page, member)
    page.goto(reverse("groups:my_data"))
    page.get_by_role("heading", name="Mine data", level=1).wait_for()
    assert "kvitteringskoden" in page.content()
    with page.expect_download() as info:
        page.get_by_role("link", name="Last ned mine data (JSON)").click()
    download = info.value
    assert download.suggested_filename.endswith(".json")
    document = json.loads(open(download.path(), encoding="utf-8").read())  # noqa: SIM115
    assert document["person_id"] == member.pk
    sections = {s["model"]: s for s in document["sections"]}
    assert sections["groups.membership"]["records"][0]["user_id"] == member.pk


def test_mine_data_at_phone_width_folds_each_kind_with_labels(page: Any) -> None:
    """Issue 18: labelled sections, folded per kind, opened from the keyboard; no page
    wider than the phone."""

    from tests.privacy.builders import one_of_each

    world = build_world()
    member = world.users["member"]
    one_of_each(member)
    page.set_viewport_size({"width": 390, "height": 844})
    login_in_browser(page, member)
    page.goto(reverse("groups:my_data"))
    page.get_by_role("heading", name="Mine data", level=1).wait_for()
    folded = page.locator("details.data-kind")
    assert folded.count() > 3
    assert page.locator("details.data-kind[open]").count() == 0
    summary = page.locator("details.data-kind summary", has_text="Plasser i grupper")
    summary.focus()
    page.keyboard.press("Enter")
    record = page.locator("details.data-kind[open] dl.data-record").first
    record.wait_for()
    assert "Rolle i gruppestyret" in record.inner_text()
    assert "board_role" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "mine-data-390")


def test_site_admin_sees_the_data_inventory(page: Any, live_server: Any) -> None:
    world = build_world()
    client = Client()
    client.force_login(world.users["site_admin"])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    with time_machine.travel(dt.datetime(2026, 12, 4, 3, 0, tzinfo=dt.UTC), tick=False):
        sweep_all()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(reverse("groups:data_inventory"))
    page.get_by_role("heading", name="Dataoversikt", level=1).wait_for()
    table = page.get_by_role("table")
    assert "attendance.Presence" in table.inner_text()
    assert "whistleblowing.Case" in table.inner_text()

    # What erasure does to each kind, in words (not the inventory's codes), and when the
    # daily sweep last ran for it, also on a day it found nothing.
    def cells(model: str) -> list[str]:
        row = page.get_by_role("row").filter(has=page.get_by_text(model, exact=True))
        return row.get_by_role("cell").all_inner_texts()

    membership = cells("groups.Membership")
    assert membership[3] == "slettes"
    assert membership[5] == "fre. 4. des. 2026 kl. 04:00: 0 slettet, 0 anonymisert"
    assert cells("groups.User")[3] == "blir stående uten kobling til personen (anonymiseres)"
    assert cells("attendance.Presence")[3] == "beholdes til lagringstiden går ut, så slettes det"
    assert cells("whistleblowing.Case")[3] == "håndteres av sin egen app"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "data-inventory-390")


def test_site_admin_previews_an_erasure_at_phone_width_and_then_erases(
    page: Any, live_server: Any
) -> None:
    """Issue 17: "Vis hva som slettes" is a preview; the erasure is its own step."""
    from groups.models import User

    world = build_world()
    client = Client()
    client.force_login(world.users["site_admin"])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page.set_viewport_size({"width": 390, "height": 844})
    person = world.users["member"]
    page.goto(reverse("groups:erase_person"))
    page.get_by_label("E-post til personen som skal slettes").fill(person.email)
    page.get_by_role("button", name="Vis hva som slettes").click()
    page.get_by_text("Ingenting er slettet ennå.").wait_for()
    assert User.objects.get(pk=person.pk).is_active
    page.screenshot(path=str(settings.DATA_DIR / "erase-preview-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Slett personen for godt").click()
    page.get_by_text("Kryss av for at du har kontrollert dette.").wait_for()
    page.get_by_label("Jeg har kontrollert hva som slettes").check()
    page.get_by_role("button", name="Slett personen for godt").click()
    page.get_by_role("heading", name="Dataoversikt", level=1).wait_for()
    left = User.objects.filter(pk=person.pk).first()
    assert left is None or not left.is_active

"""End to end in Chromium: a member downloads their data; a site admin sees the data
inventory (issue 7)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import build_world, login_in_browser

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


def test_site_admin_sees_the_data_inventory(page: Any, live_server: Any) -> None:
    world = build_world()
    client = Client()
    client.force_login(world.users["site_admin"])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page.goto(reverse("groups:data_inventory"))
    page.get_by_role("heading", name="Dataoversikt", level=1).wait_for()
    table = page.get_by_role("table")
    assert "attendance.Presence" in table.inner_text()
    assert "whistleblowing.Case" in table.inner_text()

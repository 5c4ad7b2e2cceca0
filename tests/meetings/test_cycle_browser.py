"""In Chromium at 390 × 844 (G27): a member reads the year view as cards; the leader moves
the entry's deadline to the municipality's own date, a bad date is refused in Norwegian
with the input kept, and the year view shows the new date. No sideways scroll, and axe finds
nothing on either page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from meetings import services
from meetings.models import CycleEntry, CycleKey
from tests.conftest import build_world, login_in_browser, screenshot
from tests.test_accessibility import _violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"sideways scroll: {width}px"


def test_the_leader_adjusts_a_deadline_on_a_phone_G27(browser: Any, live_server: Any) -> None:
    world = build_world()  # the period 2023–2027
    services.cycle_load(world.group)
    entry = CycleEntry.objects.get(group=world.group, key=CycleKey.SOCIAL, year=2027, seq=1)
    context = browser.new_context(
        base_url=live_server.url, locale="nb-NO", viewport=PHONE, device_scale_factor=1
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    year_url = f"/moter/gruppe/{world.group.pk}/arshjul/?ar=2027"

    login_in_browser(page, world.users["member"])
    page.goto(year_url)
    page.get_by_role("heading", name="Årshjul 2027 – Grønnbygd").wait_for()
    card = page.locator(f"#entry-{entry.pk}")
    assert "tir. 15. jun. 2027" in card.inner_text()
    assert card.get_by_role("link", name="Endre frist og ansvarlig").count() == 0
    _fits(page)
    assert _violations(page) == []
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url("**/accounts/login/**")

    login_in_browser(page, world.users["leader"])
    page.goto(year_url)
    card = page.locator(f"#entry-{entry.pk}")
    card.get_by_role("link", name="Endre frist og ansvarlig").click()
    page.get_by_role("heading", name="Første sosiale samling i 2027").wait_for()
    _fits(page)
    assert _violations(page) == []
    field = page.get_by_label("Frist", exact=True)
    field.fill("2028-01-10")
    page.get_by_role("button", name="Lagre").click()
    page.get_by_text("Fristen må ligge i 2027.").wait_for()
    assert field.input_value() == "2028-01-10"
    assert field.get_attribute("aria-invalid") == "true"
    screenshot(page, "cycle-edit-refused")
    field.fill("2027-06-20")
    page.get_by_label("Ansvarlig person (i stedet for vervet)").select_option(label="Marit Medlem")
    page.get_by_role("button", name="Lagre").click()
    page.get_by_text("Årshjulet er oppdatert.").wait_for()
    card = page.locator(f"#entry-{entry.pk}")
    text = card.inner_text()
    assert "søn. 20. jun. 2027" in text and "(tilpasset)" in text and "Marit Medlem" in text
    _fits(page)
    assert _violations(page) == []
    screenshot(page, "cycle-year")
    context.close()
    saved = CycleEntry.objects.get(pk=entry.pk)
    assert saved.due_on == dt.date(2027, 6, 20)
    assert saved.responsible == world.memberships["member"]

"""End to end in Chromium: a leader adds a member and sees their rights; a member
acknowledges the rules (G1, G2, G23)."""

from __future__ import annotations

from typing import Any

import pytest

from groups.models import RuleAcknowledgement
from tests.conftest import build_world, login_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_adds_a_member_with_a_seat_and_sees_their_rights(page: Any) -> None:
    world = build_world()
    login_in_browser(page, world.users["leader"])
    page.get_by_role("link", name=str(world.group)).first.click()
    page.get_by_role("link", name="Legg til person").click()
    page.get_by_label("Navn").fill("Vera Vara")
    page.get_by_label("E-post").fill("vera@example.org")
    page.get_by_label("Plass i gruppa").select_option("substitute")
    page.get_by_role("button", name="Legg til").click()
    page.get_by_text("Personen er lagt til i gruppa.").wait_for()
    row = page.get_by_role("row").filter(has_text="Vera Vara")
    assert "Vararepresentant" in row.inner_text()
    assert "Ikke stemmerett" in row.inner_text() and "Talerett" in row.inner_text()


def test_member_acknowledges_the_rules_with_the_keyboard(page: Any) -> None:
    world = build_world()
    login_in_browser(page, world.users["member"])
    page.get_by_role("link", name="Les reglementet").first.click()
    button = page.get_by_role("button", name="Jeg har lest reglementet og vil følge det")
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_text("Du har bekreftet at du har lest reglementet").wait_for()
    assert RuleAcknowledgement.objects.filter(
        user=world.users["member"], ruleset=world.ruleset
    ).exists()

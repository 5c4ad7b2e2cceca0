"""The language switch in a real browser (issue 18, issue 15 item 14): switching on the
login page while logged out stays on the login page, logging in afterwards lands on the
home page in English (no redirect loop), and switching back while logged in works too."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories.groups import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _switch(page: Any, label: str) -> None:
    page.get_by_label(label).select_option(index=1 if label == "Språk" else 0)
    page.locator("form.language-form button").click()
    page.wait_for_load_state()


def test_switch_logged_out_then_log_in_then_switch_back(page: Any) -> None:
    user = make_user(full_name="Sigrid Språk", email="sprak@example.org")
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "nb"

    _switch(page, "Språk")  # to English, logged out
    assert page.url.endswith("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url  # in, not sent round in a loop
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main#main").is_visible()

    _switch(page, "Language")  # back to Norwegian, logged in
    assert page.locator("html").get_attribute("lang") == "nb"
    assert "/accounts/login/" not in page.url

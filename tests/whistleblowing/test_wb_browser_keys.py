"""In Chromium (issue 15 items 1 and 3): the unlock key is a cookie scripts cannot read,
sent only to the handler pages; a logged-in member is asked to log out before reporting,
and one click brings them back to the form, logged out."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import login_in_browser
from tests.factories import whistleblowing as f
from tests.factories.groups import give_role, make_user, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_logged_in_member_logs_out_from_the_report_page_and_goes_on(page: Any) -> None:
    f.make_handler()
    member = make_user(full_name="Marit Medlem", email="marit@example.org")
    login_in_browser(page, member)
    page.goto("/varsling/")
    notice = page.get_by_test_id("signed-in")
    assert notice.is_visible()
    assert "kunne varselet knyttes til kontoen din" in notice.inner_text()
    assert page.get_by_label("Hva har skjedd?").count() == 0
    page.get_by_role("button", name="Logg ut og fortsett").click()
    page.get_by_label("Hva har skjedd?").wait_for()
    assert page.url.endswith("/varsling/")
    assert page.get_by_test_id("signed-in").count() == 0
    assert not [c for c in page.context.cookies() if c["name"] == "sessionid"]


def test_the_unlock_key_is_an_http_only_strict_cookie_for_the_handler_pages(
    browser: Any, live_server: Any
) -> None:
    user = give_role(make_user(email="mottaker@example.org"), "whistleblowing_handlers")
    f.make_handler(user=user)
    context = browser.new_context(base_url=live_server.url, locale="nb-NO")
    staff = context.new_page()
    login_in_browser(staff, user)
    staff.get_by_label(re.compile("Kode|Code", re.I)).fill(totp_code(user._totp_secret))
    staff.get_by_role(
        "button", name=re.compile("Logg inn|Bekreft|Autentiser|Sign In", re.I)
    ).click()
    staff.goto("/varsling/behandling/las-opp/")
    staff.get_by_label("Passordfrase").fill(f.PASSPHRASE)
    staff.get_by_role("button", name="Lås opp").click()
    staff.get_by_role("heading", name="Saker og frister").wait_for()
    [cookie] = [c for c in context.cookies() if c["name"] == "wb_handler_key"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/varsling/behandling/"
    assert "wb_handler_key" not in staff.evaluate("document.cookie")
    context.close()

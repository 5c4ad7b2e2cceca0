"""In Chromium (issue 12, W8, W10): a youth-wing report is filed; the party's secretary
general sees only metadata; a youth-wing reader grants access; then the secretary general
reads it. Screenshots of both views at 390x844 go to the test's tmp folder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import login_in_browser
from tests.factories import whistleblowing as f
from tests.factories.groups import give_role, make_user, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESCRIPTION = "Lederen i lokallaget sendte ekle meldinger til en på 15 år."
PHONE = {"width": 390, "height": 844}


def _handler_page(browser: Any, live_server: Any, user: Any) -> Any:
    """A handler signed in with password and TOTP code, on the case list."""
    page = browser.new_context(base_url=live_server.url, locale="nb-NO", viewport=PHONE).new_page()
    login_in_browser(page, user)
    page.get_by_label(re.compile("Kode|Code", re.I)).fill(totp_code(user._totp_secret))
    page.get_by_role("button", name=re.compile("Logg inn|Bekreft|Autentiser|Sign In", re.I)).click()
    page.goto("/varsling/behandling/")
    return page


def _unlock(page: Any) -> None:
    page.get_by_role("link", name="Lås opp nøkkelen").click()
    page.get_by_label("Passordfrase").fill(f.PASSPHRASE)
    page.get_by_role("button", name="Lås opp").click()
    page.get_by_role("heading", name="Saker og frister").wait_for()


def test_youth_wing_report_general_sees_metadata_until_a_youth_reader_grants(
    page: Any, browser: Any, live_server: Any, tmp_path: Path
) -> None:
    youth_user = give_role(
        make_user(full_name="Ylva Ungdom", email="ylva@example.org"), "whistleblowing_handlers"
    )
    general_user = give_role(
        make_user(full_name="Gunnar General", email="gunnar@example.org"),
        "whistleblowing_handlers",
    )
    f.make_handler(user=youth_user, role="youth_secretary_general")
    f.make_handler(user=general_user, role="secretary_general")

    # The reporter files a youth-wing report, without an account.
    page.goto("/varsling/")
    page.get_by_label("Ivaretakelse av de yngste").check()
    page.get_by_role("group", name="Gjelder det Senterungdommen?").get_by_label(
        "Ja", exact=True
    ).check()
    page.get_by_label("Jeg har sett eller hørt om det").check()
    page.get_by_label("Hva har skjedd?").fill(DESCRIPTION)
    page.get_by_role("button", name="Send varselet").click()
    page.get_by_role("heading", name="Takk. Varselet ditt er mottatt.").wait_for()

    # The party's secretary general: the case is listed, the page is metadata only.
    general = _handler_page(browser, live_server, general_user)
    general.locator("table a").first.click()
    general.get_by_test_id("deadline-state").wait_for()
    assert "Ivaretakelse av de yngste" in general.content()
    assert "ingen nøkkel til innholdet" in general.content()
    assert DESCRIPTION not in general.content()
    assert general.get_by_test_id("description").count() == 0
    general.screenshot(path=str(tmp_path / "informed-390.png"), full_page=True)
    informed_url = general.url

    # A youth-wing reader unlocks, reads, and grants the general access.
    youth = _handler_page(browser, live_server, youth_user)
    _unlock(youth)
    youth.locator("table a").first.click()
    assert DESCRIPTION in youth.get_by_test_id("description").inner_text()
    youth.screenshot(path=str(tmp_path / "reader-390.png"), full_page=True)
    youth.get_by_label("Gi tilgang til").select_option(label="Gunnar General (Generalsekretær)")
    youth.get_by_role("button", name="Gi tilgang").click()
    youth.get_by_text("Gunnar General har fått tilgang til saken.").wait_for()
    assert "Gunnar General" in youth.locator("dl").first.inner_text()

    # Now the general unlocks their own key and reads the report.
    general.goto("/varsling/behandling/")
    _unlock(general)
    general.goto(informed_url)
    assert DESCRIPTION in general.get_by_test_id("description").inner_text()
    assert "Tilgang gitt" in general.content()  # the grant is logged and shown

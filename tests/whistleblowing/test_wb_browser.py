"""End to end in Chromium: an anonymous report with a file, the receipt shown once; the
handler logs in with MFA, unlocks, reads and acknowledges; the reporter comes back with the
receipt and reads the answer (W1, W4, W5)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import login_in_browser
from tests.factories import whistleblowing as f
from tests.factories.groups import give_role, make_user, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_acknowledge_and_read_answer_in_a_browser(
    page: Any, browser: Any, live_server: Any, tmp_path: Path
) -> None:
    user = give_role(
        make_user(full_name="Hege Mottaker", email="mottaker@example.org"),
        "whistleblowing_handlers",
    )
    f.make_handler(user=user)
    evidence = tmp_path / "skjermbilde.png"
    evidence.write_bytes(b"\x89PNG\r\n\x1a\nbilde")

    # The reporter: no account, no login.
    page.goto("/varsling/")
    page.get_by_label("Diskriminering og trakassering").check()
    page.get_by_label("Det gjelder meg selv").check()
    page.get_by_label("Hva har skjedd?").fill("Jeg ble ropt etter på sommerleiren.")
    page.get_by_label("Vedlegg").set_input_files(str(evidence))
    page.get_by_role("button", name="Send varselet").click()
    page.get_by_role("heading", name="Takk. Varselet ditt er mottatt.").wait_for()
    receipt = page.get_by_test_id("receipt").inner_text()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", receipt)

    # The handler: password, then the TOTP code, then the passphrase.
    staff = browser.new_context(base_url=live_server.url, locale="nb-NO").new_page()
    login_in_browser(staff, user)
    staff.get_by_label(re.compile("Kode|Code", re.I)).fill(totp_code(user._totp_secret))
    staff.get_by_role(
        "button", name=re.compile("Logg inn|Bekreft|Autentiser|Sign In", re.I)
    ).click()
    staff.goto("/varsling/behandling/")
    staff.get_by_role("link", name="Lås opp nøkkelen").click()
    staff.get_by_label("Passordfrase").fill(f.PASSPHRASE)
    staff.get_by_role("button", name="Lås opp").click()
    staff.get_by_role("heading", name="Saker og frister").wait_for()
    staff.locator("table a").first.click()
    assert "ropt etter på sommerleiren" in staff.get_by_test_id("description").inner_text()
    assert staff.get_by_role("link", name="skjermbilde.png").is_visible()
    staff.get_by_label("Melding til varsleren").fill("Vi har mottatt varselet og ringer deg.")
    staff.get_by_role("button", name="Bekreft mottak").click()
    assert "Bekreftet" in staff.get_by_test_id("status").inner_text()

    # The reporter returns with the receipt.
    back = browser.new_context(base_url=live_server.url, locale="nb-NO").new_page()
    back.goto("/varsling/kvittering/")
    back.get_by_label("Kvitteringskode").fill(receipt)
    back.get_by_role("button", name="Åpne saken").click()
    back.get_by_role("heading", name="Saken din").wait_for()
    assert "Vi har mottatt varselet og ringer deg." in back.content()
    assert "Bekreftet" in back.get_by_test_id("status").inner_text()

"""In Chromium at 390x844 (issue 17, W4, W5, W14): the reporter sees their own report and
the concrete date they will hear back by; the handler asks a question, tries to close the
case, is warned that it is unanswered, confirms, and the reporter reads the closing
message. Screenshots go to the test's tmp folder (or WB_SHOTS when set)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.factories import whistleblowing as f
from tests.factories.groups import give_role, make_user
from tests.whistleblowing.test_wb_browser_youth import PHONE, _handler_page, _unlock
from whistleblowing import dates
from whistleblowing.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REPORT_TEXT = "Jeg ble kalt stygge ting av en tillitsvalgt på fylkesårsmøtet."


def test_reporter_sees_report_and_date_handler_is_warned_on_close(
    browser: Any, live_server: Any, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("WB_SHOTS", str(tmp_path)))
    user = give_role(
        make_user(full_name="Hege Mottaker", email="hege@example.org"), "whistleblowing_handlers"
    )
    f.make_handler(user=user)

    reporter = browser.new_context(
        base_url=live_server.url, locale="nb-NO", viewport=PHONE
    ).new_page()
    reporter.goto("/varsling/")
    reporter.get_by_role("button", name="Send varselet").click()  # empty: one round of errors
    reporter.locator(".field-error").first.wait_for()
    assert "kan ikke være tomt" in reporter.content()
    assert reporter.locator(".field-error").count() >= 3  # choices and text together
    reporter.get_by_label("Diskriminering og trakassering").check()
    reporter.get_by_label("Det gjelder meg selv").check()
    reporter.get_by_label("Hva har skjedd?").fill(REPORT_TEXT)
    reporter.get_by_role("button", name="Send varselet").click()
    reporter.get_by_role("heading", name="Takk. Varselet ditt er mottatt.").wait_for()
    receipt = reporter.get_by_test_id("receipt").inner_text()
    reporter.goto("/varsling/kvittering/")
    reporter.get_by_label("Kvitteringskode").fill(receipt)
    reporter.get_by_role("button", name="Åpne saken").click()
    reporter.get_by_role("heading", name="Saken din").wait_for()
    assert REPORT_TEXT in reporter.get_by_test_id("original-report").inner_text()
    last_day = dates.acknowledge_last_day(Case.objects.get().created_at)
    months = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
              "september", "oktober", "november", "desember"]  # fmt: skip
    written = f"{last_day.day}. {months[last_day.month - 1]} {last_day.year}"
    assert written in reporter.get_by_test_id("answer-by").inner_text()
    assert reporter.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    reporter.screenshot(path=str(shots / "reporter-case-390.png"), full_page=True)

    staff = _handler_page(browser, live_server, user)
    _unlock(staff)
    staff.locator("table a").first.click()
    staff.get_by_label("Melding til varsleren").fill("Takk. Vi ser på saken.")
    staff.get_by_role("button", name="Bekreft mottak").click()
    staff.get_by_text("Mottaket er bekreftet.").wait_for()
    staff.get_by_label("Melding til varsleren").fill("Hvem andre var til stede?")
    staff.get_by_role("button", name="Send melding").click()
    staff.get_by_text("Meldingen er sendt til varsleren.").wait_for()
    closing = staff.get_by_role("form", name="Avslutt saken")  # triage has its own reason
    closing.get_by_label("Begrunnelse (i saksdokumentasjonen)").fill("Løst i samtale.")
    staff.get_by_role("button", name="Gå videre til avslutning").click()
    staff.get_by_role("heading", name=re.compile("Avslutte saken?")).wait_for()
    warning = staff.get_by_test_id("unanswered").inner_text()
    assert "har ikke svart på 1 melding" in warning
    assert "Hvem andre var til stede?" in staff.get_by_test_id("unanswered-message").inner_text()
    assert staff.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    staff.screenshot(path=str(shots / "handler-close-confirm-390.png"), full_page=True)
    staff.get_by_role("button", name="Avslutt likevel").click()
    staff.get_by_text("Saken er avsluttet, og varsleren har fått avslutningsmeldingen.").wait_for()
    assert "Avsluttet" in staff.get_by_test_id("status").inner_text()

    reporter.reload()
    assert "Saken er nå avsluttet." in reporter.content()
    assert reporter.get_by_role("button", name="Logg ut av saken i denne nettleseren").is_visible()
    reporter.screenshot(path=str(shots / "reporter-closed-390.png"), full_page=True)

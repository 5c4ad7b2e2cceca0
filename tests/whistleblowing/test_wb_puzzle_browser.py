"""In Chromium: under load the report form carries a puzzle, intake.js solves it (CSP: an
external script, no inline code), and the report goes through without any waiting; a file
over the limit is pointed out before anything is sent (issue 15 items 4 and 5)."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.factories import whistleblowing as f
from whistleblowing import ratelimit, uploads

# serial: the browser solves a proof-of-work puzzle against the clock; beside a parallel
# run on two cores it can take minutes (make test runs it alone, after the rest).
pytestmark = [pytest.mark.browser, pytest.mark.serial, pytest.mark.django_db(transaction=True)]


def _crowd_is_past_its_threshold() -> None:
    limit = ratelimit.LIMITS["submit"]
    assert limit.crowd is not None
    now = time.time()
    window = int(now // limit.window)
    ratelimit.store().incr(
        ratelimit._crowd_bucket("submit", window), limit.crowd, 2 * limit.window, int(now)
    )


def test_the_browser_solves_the_puzzle_and_the_report_goes_through(
    page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ratelimit.forget_secret()
    f.make_handler()
    # No waiting allowed: only a solved puzzle can pay.
    monkeypatch.setitem(
        ratelimit.LIMITS, "submit", replace(ratelimit.LIMITS["submit"], delay=10**6)
    )
    _crowd_is_past_its_threshold()
    page.goto("/varsling/")
    assert page.locator("[data-puzzle]").get_attribute("data-puzzle-bits") == str(
        ratelimit.BASE_BITS
    )
    page.get_by_label("Diskriminering og trakassering").check()
    page.get_by_label("Det gjelder meg selv").check()
    page.get_by_label("Hva har skjedd?").fill("Jeg ble ropt etter på sommerleiren.")
    # Sent at once: the script holds the form until the puzzle is solved, then sends it.
    page.get_by_role("button", name="Send varselet").click()
    page.get_by_role("heading", name="Takk. Varselet ditt er mottatt.").wait_for(timeout=120_000)
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", page.get_by_test_id("receipt").inner_text())


def test_a_file_over_the_limit_is_pointed_out_before_sending(
    page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f.make_handler()
    monkeypatch.setattr(uploads, "MAX_FILE_BYTES", 1024)
    big = tmp_path / "stor.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"x" * 4096)
    page.goto("/varsling/")
    page.get_by_label("Hva har skjedd?").fill("Teksten min.")
    page.get_by_label("Vedlegg").set_input_files(str(big))
    note = page.locator("[data-size-error]")
    note.wait_for(state="visible")
    assert "for store eller for mange" in note.inner_text()
    page.get_by_role("button", name="Send varselet").click()
    assert page.url.endswith("/varsling/")
    assert page.get_by_label("Hva har skjedd?").input_value() == "Teksten min."  # nothing lost


def test_the_page_loads_and_answers_while_a_hard_puzzle_is_being_solved(
    page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ratelimit.forget_secret()
    f.make_handler()
    monkeypatch.setattr(ratelimit, "BASE_BITS", 26)  # minutes of work: never done here
    monkeypatch.setattr(ratelimit, "MAX_BITS", 26)
    _crowd_is_past_its_threshold()
    page.goto("/varsling/", wait_until="load", timeout=15_000)
    status = page.locator("[data-puzzle]")
    assert "gjør en kort beregning" in status.inner_text()
    field = page.get_by_label("Hva har skjedd?")
    field.fill("Skrevet mens nettleseren regner.")
    assert field.input_value() == "Skrevet mens nettleseren regner."
    assert page.evaluate("1 + 1") == 2  # the page's own thread still answers

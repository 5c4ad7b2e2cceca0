"""In Chromium at phone width (issues 11 and 12; W8, W17): the secretariat names the youth
wing's secretary general; the route-health panel warns until that person has made a key,
then says OK; the contact the secretariat adds is on the report page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import login_in_browser, screenshot
from tests.factories import whistleblowing as f
from tests.factories.groups import give_role, make_user, totp_code
from whistleblowing import services
from whistleblowing.models import Handler

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _log_in_with_code(page: Any, user: Any) -> None:
    login_in_browser(page, user)
    page.get_by_label(re.compile("Kode|Code", re.I)).fill(totp_code(user._totp_secret))
    page.get_by_role("button", name=re.compile("Logg inn|Bekreft|Autentiser|Sign In", re.I)).click()


def test_the_secretariat_names_the_youth_general_and_the_route_turns_ok(
    browser: Any, live_server: Any
) -> None:
    secretariat = give_role(
        make_user(full_name="Sara Sekretariat", email="sara@example.org"),
        "whistleblowing_handlers",
    )
    f.make_handler(
        user=secretariat, role="secretariat", gender="female", sexual_harassment_recipient=True
    )
    f.make_handler(role="secretary_general", gender="male", sexual_harassment_recipient=True)
    f.make_handler(role="union_representative")
    f.make_handler(role="leader", body_level="local", body_name="Grønnbygd Senterparti")
    ylva = make_user(full_name="Ylva Ung", email="ylva@example.org")

    context = browser.new_context(base_url=live_server.url, locale="nb-NO", viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    _log_in_with_code(page, secretariat)
    page.goto("/varsling/behandling/")
    page.get_by_role("link", name="Varslingsmottakere og ruter").click()
    page.get_by_role("heading", name="Varslingsmottakere og ruter").wait_for()
    assert page.get_by_test_id("routes-warning").is_visible()
    youth = page.locator("article", has_text="Senterungdommen (Senterungdommens")
    assert "Ingen leser med nøkkel" in youth.inner_text()

    page.get_by_role("link", name="Legg til mottaker").click()
    page.get_by_label("Personens e-postadresse i portalen").fill("ylva@example.org")
    page.get_by_label("Rolle").select_option(label="Senterungdommens generalsekretær")
    page.get_by_label("Kjønn").select_option(label="Kvinne")
    page.get_by_role("button", name="Lagre").click()
    page.get_by_text("Ylva Ung er lagt til som Senterungdommens generalsekretær.").wait_for()
    youth = page.locator("article", has_text="Senterungdommen (Senterungdommens")
    assert "Har ikke laget nøkkel ennå: Ylva Ung" in youth.inner_text()
    assert page.get_by_test_id("routes-warning").is_visible()
    assert page.get_by_text("har ikke laget nøkkel ennå", exact=True).count() == 1
    screenshot(page, "people-warning")

    # Named twice: refused on the field, with what was typed kept.
    page.get_by_role("link", name="Legg til mottaker").click()
    page.get_by_label("Personens e-postadresse i portalen").fill("ylva@example.org")
    page.get_by_label("Rolle").select_option(label="Nærmeste leder")
    page.get_by_role("button", name="Lagre").click()
    page.get_by_text("Personen er allerede varslingsmottaker.").wait_for()
    assert page.get_by_label("Personens e-postadresse i portalen").input_value() == (
        "ylva@example.org"
    )
    assert page.get_by_text("Skriv navnet på organet personen leder").is_visible()
    screenshot(page, "people-add-error")
    page.get_by_role("link", name="Avbryt").click()

    # Ylva makes her key (the same service her key page calls).
    handler = Handler.objects.get(user=ylva)
    services.handler_setup_keys(actor=ylva, handler=handler, passphrase=f.PASSPHRASE)
    page.reload()
    assert page.get_by_test_id("routes-ok").is_visible()
    assert page.get_by_test_id("routes-warning").count() == 0
    youth = page.locator("article", has_text="Senterungdommen (Senterungdommens")
    assert "Lesere med nøkkel: Ylva Ung" in youth.inner_text()

    page.get_by_role("link", name="Legg til kontakt").click()
    page.get_by_label("Gjelder").select_option(label="Senterungdommens generalsekretær")
    page.get_by_label("Navn").fill("Ylva Ung")
    page.get_by_label("Telefon").fill("400 00 000")
    page.get_by_label("E-post").fill("ylva@su.no")
    page.get_by_role("button", name="Lagre").click()
    page.get_by_text("Kontakten er lagret.").wait_for()
    screenshot(page, "people-ok")

    reporter = browser.new_context(base_url=live_server.url, locale="nb-NO", viewport=PHONE)
    report = reporter.new_page()
    report.goto("/varsling/")
    contacts = report.locator("#contacts")
    assert "Ylva Ung" in contacts.inner_text()
    assert contacts.get_by_role("link", name="400 00 000").get_attribute("href") == "tel:40000000"
    assert contacts.get_by_role("link", name="ylva@su.no").is_visible()
    assert report.locator("#youth-not-ready").count() == 0
    # The nearest leader is offered, with the choice explained.
    nearest = report.get_by_role(
        "radio", name="Nærmeste leder i gruppa, lokallaget eller fylkeslaget"
    )
    nearest.check()
    assert nearest.is_checked()
    report.get_by_label("Hvilken leder?").select_option(
        label="Test Person, leder i Grønnbygd Senterparti (Lokallag)"
    )
    report.locator("#contacts").scroll_into_view_if_needed()
    screenshot(report, "report-contacts")
    reporter.close()
    context.close()

"""A course administrator's first login on a phone (issue 18), in Chromium at 390 × 844:
password, straight to the TOTP set-up (no second password prompt), the code typed from the
secret on the page, the recovery codes, "Fortsett", and home. No page scrolls sideways.
Screenshots go to ``$SCREENSHOT_DIR`` when it is set (``tests.conftest.screenshot``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.urls import reverse

from tests.conftest import screenshot
from tests.factories.groups import PASSWORD, make_user, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Any:
    context = browser.new_context(base_url=live_server.url, locale="nb-NO", viewport=PHONE)
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    context.close()


def _no_sideways_scroll(page: Any, name: str) -> None:
    """No sideways scroll at 390 px, and no WCAG 2.1 AA violation axe-core can find."""
    screenshot(page, name)
    width = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner + 1, f"{name} scrolls sideways: {width} > {inner}"
    page.evaluate(AXE)
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => [v.id, v.nodes.slice(0, 3).map(n => n.target)])",
        WCAG_TAGS,
    )
    assert not violations, f"{name}: {violations}"


def test_course_admin_first_login_on_a_phone_totp_setup_codes_fortsett_home(phone: Any) -> None:
    from django.contrib.auth.models import Group

    user = make_user(full_name="Kari Kurs", email="kari.kurs@example.org")
    user.groups.add(Group.objects.get_or_create(name="course_administrators")[0])

    phone.goto("/accounts/login/")
    assert phone.get_by_role("link", name="Glemt passordet?").is_visible()
    _no_sideways_scroll(phone, "login")
    phone.get_by_label("E-postadresse").fill(user.email)
    phone.get_by_label("Passord").fill(PASSWORD)
    phone.get_by_role("button", name="Logg inn").click()
    phone.wait_for_load_state()

    # Straight to the set-up: no "Bekreft at det er deg" with the password a second time.
    assert phone.url.endswith(reverse("mfa_activate_totp")), phone.url
    assert phone.get_by_role("heading", name="Sett opp autentiseringsapp", level=1).is_visible()
    assert phone.locator("input[type=password]").count() == 0
    assert phone.get_by_role("img", name="QR-kode for å koble autentiseringsappen").is_visible()
    _no_sideways_scroll(phone, "totp-activate")

    secret = phone.locator("#authenticator_secret").inner_text().strip()
    phone.get_by_label("Skriv koden fra appen").fill(totp_code(secret))
    phone.get_by_role("button", name="Koble til appen").click()
    phone.wait_for_load_state()

    assert phone.url.endswith(reverse("mfa_view_recovery_codes")), phone.url
    assert phone.get_by_text("Autentiseringsappen er koblet til kontoen din.").is_visible()
    assert phone.locator("ul.recovery-codes li").count() == 10
    assert phone.get_by_role("link", name="Last ned kodene som tekstfil").is_visible()
    assert phone.get_by_role("link", name="Lag nye koder").is_visible()
    _no_sideways_scroll(phone, "recovery-codes")

    phone.get_by_role("link", name="Fortsett").click()
    phone.wait_for_load_state()
    assert urlparse(phone.url).path == reverse("groups:home")
    assert phone.get_by_role("navigation", name="Hovedmeny").count() == 1
    assert "mfa" not in phone.url
    _no_sideways_scroll(phone, "home-after-setup")

    # The other account pages on the same phone.
    phone.goto(reverse("usersessions_list"))
    assert phone.get_by_role("heading", name="Innloggede enheter", level=1).is_visible()
    assert phone.get_by_text("Denne enheten").is_visible()
    _no_sideways_scroll(phone, "sessions")
    phone.goto(reverse("mfa_index"))
    _no_sideways_scroll(phone, "mfa-index")


def test_password_reset_on_a_phone_in_norwegian_and_english(phone: Any) -> None:
    phone.goto("/accounts/password/reset/")
    assert phone.get_by_role("heading", name="Glemt passordet?", level=1).is_visible()
    _no_sideways_scroll(phone, "password-reset")
    phone.get_by_label("Språk").select_option("en")
    phone.locator("form.language-form button").click()
    phone.wait_for_load_state()
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.get_by_role("heading", name="Forgot your password?", level=1).is_visible()
    assert phone.get_by_role("button", name="Send link").is_visible()
    _no_sideways_scroll(phone, "password-reset-en")

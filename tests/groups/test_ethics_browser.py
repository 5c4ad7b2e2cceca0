"""End to end in Chromium (E1): the secretariat publishes a new version of the ethical
guidelines after seeing the changes; a member finds the notice on the home page, reads the
text and acknowledges that version. Screenshots at phone width (390 x 844)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Group as AuthGroup

from groups.models import SECRETARIAT_GROUP, EthicsAcknowledgement, EthicsGuidelines
from tests.conftest import build_world, login_in_browser, screenshot
from tests.factories.groups import booklet_ethics, enable_totp, make_user, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretariat_publishes_and_a_member_acknowledges_e1(page: Any) -> None:
    world = build_world()
    booklet_ethics()
    secretariat = make_user(full_name="Sara Sekretariat")
    secretariat.groups.add(AuthGroup.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
    enable_totp(secretariat)  # the secretariat must have a second factor (E1)
    page.set_viewport_size({"width": 390, "height": 844})

    login_in_browser(page, secretariat)
    page.get_by_label(re.compile("Kode|Code", re.I)).fill(totp_code(secretariat._totp_secret))
    page.get_by_role("button", name=re.compile("Logg inn|Bekreft|Autentiser|Sign In", re.I)).click()
    page.goto("/etikk/sekretariat/")
    page.get_by_role("link", name="Publiser ny versjon").click()
    text = page.get_by_label("Retningslinjene")
    text.fill(text.input_value() + "\n\n## Møter med næringslivet\n\nAvtaler føres i kalenderen.")
    page.get_by_label("Hva er endret?").fill("Nytt avsnitt om møter med næringslivet.")
    page.get_by_role("button", name="Vis endringene").click()
    page.locator("ins", has_text="Avtaler føres i kalenderen.").wait_for()
    screenshot(page, "ethics_publish_390.png")
    page.get_by_label("Jeg har sett endringene").check()
    page.get_by_role("button", name="Publiser versjonen").click()
    page.get_by_text("er publisert").wait_for()
    latest = EthicsGuidelines.objects.order_by("-version").first()
    assert latest is not None and latest.published_by == secretariat
    page.get_by_role("button", name="Logg ut").click()

    login_in_browser(page, world.users["member"])
    page.get_by_role("link", name="Les og bekreft retningslinjene").click()
    page.get_by_role("heading", name="Møter med næringslivet").wait_for()
    page.get_by_role("heading", name="Gaver").wait_for()
    screenshot(page, "ethics_member_390.png")
    page.get_by_role("button", name="Jeg har gått gjennom de etiske retningslinjene").click()
    page.get_by_text("Takk! Vi har registrert").wait_for()
    assert EthicsAcknowledgement.objects.filter(
        user=world.users["member"], guidelines=latest
    ).exists()
    page.goto("/")
    assert page.get_by_text("venter på din bekreftelse").count() == 0

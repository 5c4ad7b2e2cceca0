"""The ethics page in English (issue 18, E1): the guidelines are a Norwegian official record
and stay as adopted (marked as Norwegian for screen readers), the page around them reads as
English."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from groups import services
from tests.conftest import World


def _get(world: World, language: str) -> str:
    client = world.client_for("member")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("groups:ethics")).content.decode()


def test_the_ethics_page_is_english_around_the_norwegian_text_as_adopted_e1(
    world: World,
) -> None:
    guidelines = services.ethics_in_force()
    assert guidelines is not None
    en = _get(world, "en")
    assert "<h1>Ethical guidelines</h1>" in en
    assert "<title>Ethical guidelines" in en
    assert "The guidelines were adopted in Norwegian and are shown as adopted." in en
    assert '<article class="rules-document" lang="nb"' in en
    assert guidelines.sections[0]["heading"] in en  # the text itself, as adopted
    nb = _get(world, "nb")
    assert f"<h1>{guidelines.title}</h1>" in nb
    assert "vises slik de ble vedtatt" not in nb

"""Erasing a person (art. 17) takes two steps: the preview names what goes and what is kept
and erases nothing, even when the old confirmation box is sent along; the erasure itself
needs its own explicit confirmation and is audited (issue 17)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from groups.models import AuditEntry, User
from tests.conftest import World

URL = reverse("groups:erase_person")


@pytest.mark.django_db
def test_the_preview_names_what_goes_and_erases_nothing(world: World) -> None:
    admin = world.client_for("site_admin")
    person = world.users["member"]
    # what the old one-step form sent: e-mail and the ticked box
    page = admin.post(URL, {"email": person.email, "confirm": "on"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ingenting er slettet ennå" in text
    assert "Plasser i grupper (1): slettes" in text
    assert "Slett personen for godt" in text
    person.refresh_from_db()
    assert person.is_active and person.email == "medlem@example.org"
    assert not AuditEntry.objects.filter(action__startswith="privacy.erase").exists()


@pytest.mark.django_db
def test_the_erasure_needs_its_own_confirmation_and_keeps_the_preview(world: World) -> None:
    admin = world.client_for("site_admin")
    person = world.users["member"]
    page = admin.post(URL, {"email": person.email, "erase": "1"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Kryss av for at du har kontrollert dette." in text
    assert "Ingenting er slettet ennå" in text
    person.refresh_from_db()
    assert person.is_active


@pytest.mark.django_db
def test_the_confirmed_erasure_erases_and_is_audited(world: World) -> None:
    admin = world.client_for("site_admin")
    person = world.users["member"]
    response = admin.post(URL, {"email": person.email, "erase": "1", "confirm": "on"})
    assert response.status_code == 302
    left = User.objects.filter(pk=person.pk).first()
    assert left is None or (not left.is_active and left.email.endswith("@slettet.invalid"))
    assert AuditEntry.objects.filter(actor=world.users["site_admin"]).exists()


@pytest.mark.django_db
def test_an_unknown_address_is_told_and_nothing_happens(world: World) -> None:
    admin = world.client_for("site_admin")
    for data in (
        {"email": "ingen@example.org"},
        {"email": "ingen@example.org", "erase": "1", "confirm": "on"},
    ):
        page = admin.post(URL, data)
        assert page.status_code == 200
        assert "Fant ingen bruker med denne e-postadressen." in page.content.decode()

"""Issue 15 item 6: a user lists their sessions and ends the others (allauth usersessions)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.factories.groups import PASSWORD


def _logged_in(email: str) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_member_sees_both_sessions_and_ends_the_other_one(world: World) -> None:
    email = world.users["member"].email
    laptop, phone = _logged_in(email), _logged_in(email)

    listing = laptop.get(reverse("usersessions_list"))
    assert listing.status_code == 200
    assert listing.context["session_count"] == 2

    ended = laptop.post(reverse("usersessions_list"), {}, follow=True)
    assert ended.status_code == 200 and ended.context["session_count"] == 1
    assert phone.get(reverse("groups:home")).status_code == 302  # sent to the login page
    assert laptop.get(reverse("groups:home")).status_code == 200

"""Issue 15 item 14: anonymous visitors of the public pages can switch language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

PUBLIC_PAGES = ["whistleblowing:report", "whistleblowing:reporter_login", "account_login"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_an_anonymous_visitor_finds_the_switcher_and_switches_to_english(page: str) -> None:
    client = Client()
    url = reverse(page)
    form_action = f'action="{reverse("set_language")}"'
    assert form_action in client.get(url).content.decode()

    response = client.post(reverse("set_language"), {"language": "en", "next": url})

    assert response.status_code == 302
    assert response["Location"] == url  # not the login page
    assert 'lang="en"' in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_switch_does_not_send_anyone_to_another_site() -> None:
    response = Client().post(
        reverse("set_language"), {"language": "en", "next": "https://angriper.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"

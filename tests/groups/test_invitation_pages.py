"""Issue 17, "The invitation ends in a dead end": the page the invitation's link opens is
titled in Norwegian, refuses a weak password in Norwegian with the error on the field, and
after success leads on to the login."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.test import Client
from django.urls import reverse

from tests.factories.groups import make_user


def _invitation_link(client: Client) -> str:
    user = make_user(full_name="Nora Ny", email="nora@example.org")
    user.set_unusable_password()
    user.save()
    url = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    # allauth moves the key into the session and redirects to the form's own address.
    response = client.get(url)
    return response["Location"] if response.status_code == 302 else url


def test_the_invitation_page_is_titled_choose_password_not_endre_passord(db: None) -> None:
    client = Client()
    body = client.get(_invitation_link(client)).content.decode()
    assert "<title>Velg passord" in body
    assert "<h1>Velg passord</h1>" in body
    assert "Endre Passord" not in body and "Change Password" not in body


def test_a_weak_password_is_refused_in_norwegian_on_the_field(db: None) -> None:
    client = Client()
    url = _invitation_link(client)
    response = client.post(url, {"password1": "kort", "password2": "kort"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "This password" not in body
    assert "Passordet er for kort" in body or "for kort" in body
    assert 'class="field-error"' in body


def test_after_choosing_a_password_the_page_leads_to_the_login(db: None) -> None:
    client = Client()
    url = _invitation_link(client)
    response = client.post(
        url,
        {"password1": "Fjellbygd-Gruppe-2026", "password2": "Fjellbygd-Gruppe-2026"},
        follow=True,
    )
    body = response.content.decode()
    assert "Passordet er lagret" in body
    assert f'href="{reverse("account_login")}"' in body
    assert "Gå til innlogging" in body


def test_a_used_link_says_so_and_offers_a_new_one(db: None) -> None:
    client = Client()
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"})
    body = client.get(url, follow=True).content.decode()
    assert "Lenken virker ikke lenger" in body
    assert f'href="{reverse("account_reset_password")}"' in body

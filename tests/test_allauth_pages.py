"""allauth's pages are pages of the portal (issue 18): the portal's layout and navigation,
natural bokmål ("Glemt passordet?", never "Vennligst …"), English in English mode, and the
first login of a course administrator goes from the password straight to the TOTP set-up
(no second password prompt), then to the recovery codes with a "Fortsett" to where the
user was going."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World
from tests.factories.groups import PASSWORD, make_user, totp_code

pytestmark = pytest.mark.django_db

# What every page of the portal has: its header and brand, the main landmark, the footer
# with the language switch, and the account styles.
PORTAL_LAYOUT = (
    '<header class="site-header">',
    'class="brand"',
    '<main id="main"',
    '<footer class="site-footer">',
    'class="language-form"',
    "css/account.css",
)
# The main menu is there for everyone logged in.
MAIN_MENU = 'aria-label="Hovedmeny"'
MAIN_MENU_EN = 'aria-label="Main menu"'

STIFF_NORWEGIAN = ("Vennligst", "vennligst", "Glemt ditt passord", "Logg på", "token", "Nøkkel")
# allauth's own English and its Norwegian catalogue, which must not show through.
ALLAUTH_LEFTOVERS = (
    "Sign In",
    "Sign Out",
    "Two-Factor Authentication",
    "Recovery Codes",
    "Authenticator App",
    "Menu:",
    "Messages:",
    "Tofaktorautentisering",
    "Gjenopprettingskoder",
    "Bekreft tilgang",
)
NORWEGIAN_WORDS = re.compile(
    r"\b(Logg inn|Logg ut|Passord|passordet|Tofaktorinnlogging|Reservekoder|Fortsett|Avbryt|"
    r"Bekreft|Innloggede enheter|Sett opp|Glemt)\b"
)


@dataclass(frozen=True)
class Page:
    label: str
    url: Callable[[World], str]
    role: str  # "anonymous", a role of the world, or "no_password"
    heading_nb: str
    heading_en: str
    reauthenticated: bool = False


def _static(name: str, **kwargs: Any) -> Callable[[World], str]:
    return lambda w: reverse(name, kwargs=kwargs or None)


PAGES = [
    Page("login", _static("account_login"), "anonymous", "Logg inn", "Log in"),
    Page(
        "password reset",
        _static("account_reset_password"),
        "anonymous",
        "Glemt passordet?",
        "Forgot your password?",
    ),
    Page(
        "password reset done",
        _static("account_reset_password_done"),
        "anonymous",
        "Sjekk e-posten din",
        "Check your email",
    ),
    Page(
        "password reset from a bad key",
        _static("account_reset_password_from_key", uidb36="zz", key="ikke-en-nokkel"),
        "anonymous",
        "Lenken virker ikke lenger",
        "The link no longer works",
    ),
    Page(
        "password reset from key done",
        _static("account_reset_password_from_key_done"),
        "anonymous",
        "Passordet er lagret",
        "The password is saved",
    ),
    Page(
        "signup closed",
        _static("account_signup"),
        "anonymous",
        "Ingen egenregistrering",
        "No self sign-up",
    ),
    Page(
        "inactive", _static("account_inactive"), "anonymous", "Kontoen er ikke aktiv", "not active"
    ),
    Page(
        "email verification sent",
        _static("account_email_verification_sent"),
        "anonymous",
        "Sjekk e-posten din",
        "Check your email",
    ),
    Page(
        "email confirm with a bad key",
        _static("account_confirm_email", key="ikke-en-nokkel"),
        "anonymous",
        "Bekreft e-postadressen",
        "Confirm the email address",
    ),
    Page("logout", _static("account_logout"), "member", "Logg ut", "Log out"),
    Page(
        "password change",
        _static("account_change_password"),
        "member",
        "Bytt passord",
        "Change password",
    ),
    Page(
        "password set",
        _static("account_set_password"),
        "no_password",
        "Velg passord",
        "Choose a password",
    ),
    Page("email", _static("account_email"), "member", "E-postadresser", "Email addresses"),
    Page(
        "reauthenticate",
        _static("account_reauthenticate"),
        "member",
        "Bekreft at det er deg",
        "Confirm it",
    ),
    Page("mfa index", _static("mfa_index"), "course_admin", "Tofaktorinnlogging", "Two-factor"),
    Page(
        "totp activate",
        _static("mfa_activate_totp"),
        "member",
        "Sett opp autentiseringsapp",
        "Set up an authenticator app",
        reauthenticated=True,
    ),
    Page(
        "totp deactivate",
        _static("mfa_deactivate_totp"),
        "course_admin",
        "Slå av autentiseringsappen",
        "Turn off the authenticator app",
        reauthenticated=True,
    ),
    Page(
        "recovery codes",
        _static("mfa_view_recovery_codes"),
        "course_admin",
        "Reservekoder",
        "Backup codes",
        reauthenticated=True,
    ),
    Page(
        "recovery codes generate",
        _static("mfa_generate_recovery_codes"),
        "course_admin",
        "Lag nye reservekoder",
        "Make new backup codes",
        reauthenticated=True,
    ),
    Page(
        "mfa reauthenticate",
        _static("mfa_reauthenticate"),
        "course_admin",
        "Bekreft at det er deg",
        "Confirm it",
    ),
    Page(
        "sessions",
        _static("usersessions_list"),
        "member",
        "Innloggede enheter",
        "Logged-in devices",
    ),
]


def _client(world: World, page: Page, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if page.role == "no_password":
        user = make_user(email="uten-passord@example.org")
        user.set_unusable_password()
        user.save()
        client.force_login(user)
    elif page.role != "anonymous":
        user = world.users[page.role]
        if page.label == "recovery codes" or page.label == "recovery codes generate":
            from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

            RecoveryCodes.activate(user)
        client.force_login(user)
    if page.reauthenticated:
        response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert response.status_code == 302
    return client


def _main(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def _text(html: str) -> str:
    """What a reader sees of the main landmark: its text and its alt and aria texts."""
    main = _main(html).split(">", 1)[1]
    shown = re.findall(r'(?:alt|aria-label|title)="([^"]*)"', main)
    return " ".join([re.sub(r"<[^>]+>", " ", main), *shown])


@pytest.mark.parametrize("page", PAGES, ids=[p.label for p in PAGES])
def test_allauth_page_is_a_portal_page_in_natural_norwegian(world: World, page: Page) -> None:
    response = _client(world, page, "nb").get(page.url(world))
    assert response.status_code == 200, response.get("Location")
    html = response.content.decode()
    assert '<html lang="nb">' in html
    for part in PORTAL_LAYOUT:
        assert part in html, f"{part} missing on {page.label}"
    if page.role != "anonymous":
        assert MAIN_MENU in html
    assert re.search(r"<h1>\s*" + re.escape(page.heading_nb), html), page.heading_nb
    main = _text(html)
    for stiff in STIFF_NORWEGIAN + ALLAUTH_LEFTOVERS:
        assert stiff not in main, f"{stiff!r} on {page.label}"
    assert "<title>" in html and "· Gruppeportalen</title>" in html


@pytest.mark.parametrize("page", PAGES, ids=[p.label for p in PAGES])
def test_allauth_page_reads_as_english_in_english_mode(world: World, page: Page) -> None:
    response = _client(world, page, "en").get(page.url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    if page.role != "anonymous":
        assert MAIN_MENU_EN in html
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert heading and page.heading_en in heading.group(1), (page.label, heading)
    main = _text(html)
    leftovers = NORWEGIAN_WORDS.findall(main)
    assert not leftovers, f"Norwegian on the English {page.label} page: {leftovers}"


def test_the_login_page_offers_glemt_passordet_and_norwegian_labels(world: World) -> None:
    html = Client().get(reverse("account_login")).content.decode()
    assert f'<a href="{reverse("account_reset_password")}">Glemt passordet?</a>' in html
    assert re.search(r">E-postadresse:?</label>", html) and re.search(r">Passord:?</label>", html)
    assert "Husk meg på denne enheten" in html


def test_a_wrong_password_gets_a_plain_norwegian_message(world: World) -> None:
    response = Client().post(
        reverse("account_login"), {"login": "medlem@example.org", "password": "feil-passord"}
    )
    assert "E-postadressen eller passordet stemmer ikke." in response.content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("account_login"), {"login": "medlem@example.org", "password": "feil-passord"}
    )
    assert "password you specified are not correct" in english.content.decode()


def test_totp_setup_explains_the_app_the_code_and_the_six_digits(world: World) -> None:
    page = next(p for p in PAGES if p.label == "totp activate")
    html = _client(world, page, "nb").get(page.url(world)).content.decode()
    assert "Microsoft Authenticator" in html and "Google Authenticator" in html
    assert "seks sifre" in html
    assert 'inputmode="numeric"' in html and 'autocomplete="one-time-code"' in html
    assert 'href="otpauth://totp/' in html  # on the phone itself: open the app directly
    secret = re.search(r'id="authenticator_secret">([A-Z2-7]+)<', html)
    assert secret, "the secret is shown for typing in by hand"


# --- the course administrator's first login (issue 18) ------------------------------------


def _course_admin_without_totp() -> Any:
    from django.contrib.auth.models import Group

    user = make_user(full_name="Kari Kurs", email="ny-kurs@example.org")
    user.groups.add(Group.objects.get_or_create(name="course_administrators")[0])
    return user


def _log_in(client: Client, email: str, *, next_url: str = "") -> Any:
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": email, "password": PASSWORD}, follow=True)


def test_a_course_admin_just_logged_in_goes_to_totp_setup_without_a_second_password() -> None:
    user = _course_admin_without_totp()
    client = Client()
    response = _log_in(client, user.email)
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert response.status_code == 200
    assert all("reauthenticate" not in url for url, _ in response.redirect_chain)
    assert "Sett opp autentiseringsapp" in response.content.decode()


def test_a_stale_session_is_still_asked_for_the_password_before_totp_setup() -> None:
    user = _course_admin_without_totp()
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _log_in(client, user.email)
        traveller.shift(6 * 60)  # past ACCOUNT_REAUTHENTICATION_TIMEOUT (5 minutes)
        response = client.get(reverse("mfa_activate_totp"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        # Typing the password again opens the set-up.
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_a_forced_session_without_a_password_login_is_asked_for_the_password() -> None:
    user = _course_admin_without_totp()
    client = Client()
    client.force_login(user)  # no authentication record: nothing proves a fresh password
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_after_totp_setup_the_recovery_codes_page_continues_to_where_the_user_was_going(
    world: World,
) -> None:
    user = _course_admin_without_totp()
    client = Client()
    destination = reverse("attendance:admin_queue")
    response = _log_in(client, user.email, next_url=destination)
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    found = re.search(r'id="authenticator_secret">([A-Z2-7]+)<', response.content.decode())
    assert found, "the secret is on the page"
    secret = found.group(1)
    done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    html = done.content.decode()
    main = _main(html)
    assert f'<a class="button" href="{destination}">Fortsett</a>' in main
    # The secondary actions are separate, labelled items, not links run together.
    more = main.split('class="account-more"', 1)[1]
    items = re.findall(r"<li>(.*?)</li>", more, re.S)
    assert len(items) == 3
    assert "Last ned kodene som tekstfil" in items[0] and 'class="help"' in items[0]
    assert "Lag nye koder" in items[1] and 'class="help"' in items[1]
    # Ten codes, one a line.
    assert len(re.findall(r"<li>[0-9a-f]{8}</li>", main)) == 10
    # Fortsett leads there, and the set-up is not asked for again.
    assert client.get(destination).status_code == 200
    # Later visits to the codes page continue to the home page.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    later = _main(client.get(reverse("mfa_view_recovery_codes")).content.decode())
    assert f'<a class="button" href="{reverse("groups:home")}">Fortsett</a>' in later


def test_the_continue_destination_is_never_another_site() -> None:
    user = _course_admin_without_totp()
    client = Client()
    _log_in(client, user.email)
    client.get("http://testserver//evil.example/x")
    assert client.session.get("portal_mfa_next") is None


@pytest.mark.parametrize(
    ("language", "subject", "phrase"),
    [
        ("nb", "Velg nytt passord", "Følg lenken for å velge et nytt passord"),
        ("en", "Choose a new password", "Follow the link to choose a new password"),
    ],
)
def test_the_password_reset_mail_reads_plainly_in_both_languages(
    world: World, mailoutbox: list[Any], language: str, subject: str, phrase: str
) -> None:
    Client(HTTP_ACCEPT_LANGUAGE=language).post(
        reverse("account_reset_password"), {"email": "medlem@example.org"}
    )
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert subject in mail.subject
    assert phrase in mail.body and "/accounts/password/reset/key/" in mail.body
    for stiff in ("Vennligst", "tilbakestille ditt passord", "Hei fra", "Password Reset E-mail"):
        assert stiff not in mail.body + mail.subject


def test_a_reset_for_an_unknown_address_does_not_offer_a_sign_up(
    world: World, mailoutbox: list[Any]
) -> None:
    Client().post(reverse("account_reset_password"), {"email": "ukjent@example.org"})
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "Det finnes ingen konto med denne adressen." in body
    assert "gruppelederen" in body and "/accounts/signup/" not in body

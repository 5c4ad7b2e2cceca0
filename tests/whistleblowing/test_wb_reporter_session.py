"""The reporter side never shares a session with a logged-in account (issue 15 item 3).

The reporter's case is opened in a cookie of its own (the case id only inside the box,
see ``whistleblowing.unlock``), so no session row is made or touched. A signed-in visitor
is asked to log out first; a form posted while signed in ends the login, sends nothing,
and keeps the input."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.factories import whistleblowing as f
from whistleblowing.models import Case, Unlock

pytestmark = pytest.mark.django_db
REPORT = reverse("whistleblowing:report")
RECEIPT = reverse("whistleblowing:reporter_login")
MINE = reverse("whistleblowing:reporter_case")


@pytest.fixture
def handler():
    return f.make_handler()


@pytest.fixture
def member() -> Client:
    client = Client()
    client.force_login(f.make_user())
    return client


def report_data(client: Client, description: str = "Noe galt skjedde på årsmøtet.") -> dict:
    page = client.get(REPORT).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page)
    return {
        "category": "roles",
        "youth_wing": "no",
        "relation": "witness",
        "description": description,
        "anonymous": "yes",
        "token": token.group(1) if token else "",
    }


def sessions_mention(value: str) -> bool:
    return any(value in str(s.get_decoded()) for s in Session.objects.all())


def test_following_up_a_report_writes_no_session_at_all(handler):
    submitted = f.submit()
    reporter = Client()
    response = reporter.post(RECEIPT, {"receipt": submitted.receipt})
    assert response.status_code == 302
    assert reporter.get(MINE).status_code == 200
    assert reporter.post(MINE, {"body": "Mer om saken."}).status_code == 302
    assert not Session.objects.exists()
    cookie = response.cookies["wb_reporter_key"]
    assert cookie["path"] == MINE and cookie["httponly"] and cookie["samesite"] == "Strict"
    # The server's row does not say which case is open.
    row = Unlock.objects.get()
    assert row.handler_id is None
    assert str(submitted.case.pk).encode() not in bytes(row.blob)


def test_closing_the_case_in_the_browser_deletes_the_box(handler):
    submitted = f.submit()
    reporter = Client()
    reporter.post(RECEIPT, {"receipt": submitted.receipt})
    response = reporter.post(reverse("whistleblowing:reporter_logout"))
    assert response.cookies["wb_reporter_key"].value == ""
    assert not Unlock.objects.exists()
    assert reporter.get(MINE).status_code == 302


@pytest.mark.parametrize("url", [REPORT, RECEIPT, MINE])
def test_a_signed_in_member_is_asked_to_log_out_first(handler, member, url):
    response = member.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-testid="signed-in"' in text
    assert "Logg ut og fortsett" in text
    assert f'name="next" value="{url}"' in text
    assert 'name="description"' not in text and 'name="receipt"' not in text


def test_logging_out_from_the_notice_comes_back_to_the_form(handler, member):
    response = member.post(reverse("account_logout"), {"next": RECEIPT})
    assert response.status_code == 302 and response.url == RECEIPT
    page = member.get(RECEIPT).content.decode()
    assert 'name="receipt"' in page and 'data-testid="signed-in"' not in page


def test_a_receipt_posted_while_signed_in_ends_the_login_and_opens_nothing(handler, member):
    submitted = f.submit()
    old_session = member.session.session_key
    response = member.post(RECEIPT, {"receipt": submitted.receipt})
    assert response.status_code == 409
    text = response.content.decode()
    assert "Du var logget inn" in text and "Nå er du logget ut" in text
    assert submitted.receipt in text.replace(" ", "")  # the input is kept
    assert "wb_reporter_key" not in response.cookies
    assert not Session.objects.filter(session_key=old_session).exists()
    assert not sessions_mention(str(submitted.case.pk))
    # Now signed out, the same browser opens the case, still without any session.
    response = member.post(RECEIPT, {"receipt": submitted.receipt})
    assert response.status_code == 302
    assert member.get(MINE).status_code == 200
    assert not sessions_mention(str(submitted.case.pk))


def test_a_report_posted_while_signed_in_ends_the_login_and_sends_nothing(handler, member):
    data = report_data(Client(), "Lederen truet en frivillig.")
    response = member.post(REPORT, data)
    assert response.status_code == 409
    text = response.content.decode()
    assert "sendte ingenting" in text
    assert "Lederen truet en frivillig." in text
    assert not Case.objects.exists()
    assert "_auth_user_id" not in member.session
    response = member.post(REPORT, data)
    assert response.status_code == 200 and 'data-testid="receipt"' in response.content.decode()
    assert Case.objects.count() == 1


def test_a_reply_posted_while_signed_in_in_another_tab_is_kept_and_not_sent(handler):
    submitted = f.submit()
    reporter = Client()
    reporter.post(RECEIPT, {"receipt": submitted.receipt})
    reporter.force_login(f.make_user())  # logged in meanwhile in another tab
    response = reporter.post(MINE, {"body": "Et tillegg jeg skrev."})
    assert response.status_code == 409
    assert "Et tillegg jeg skrev." in response.content.decode()
    assert not submitted.case.messages.exists()
    assert "_auth_user_id" not in reporter.session
    assert reporter.post(MINE, {"body": "Et tillegg jeg skrev."}).status_code == 302
    assert submitted.case.messages.count() == 1

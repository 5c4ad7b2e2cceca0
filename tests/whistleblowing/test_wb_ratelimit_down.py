"""Rate limits fail closed (issue 20): while the counter store (Redis) cannot be reached,
the submit, receipt and passphrase pages answer 503 with "try again shortly" and the
phone and e-mail contacts (W17), keep what was typed, and let nothing through uncounted."""

from __future__ import annotations

import html
import logging

import pytest
from django.urls import reverse

from tests.factories import whistleblowing as f
from tests.whistleblowing.test_wb_ratelimit import receipt_form, report_form
from tests.whistleblowing.test_wb_views import REPORT, handler_client
from whistleblowing import ratelimit
from whistleblowing.models import Case, PublicContact

pytestmark = pytest.mark.django_db
LOGIN = reverse("whistleblowing:reporter_login")
ADDR = "198.51.100.7"
PHONE = "22 33 44 55"
EMAIL = "varsling@example.org"
TRY_AGAIN = "Varslingsmottaket kan ikke ta imot akkurat nå. Prøv igjen om et øyeblikk."


@pytest.fixture(autouse=True)
def _redis_down(settings) -> None:
    """Nothing listens on port 1: every Redis call is refused. The contacts are the ones
    the secretariat keeps (W17), not settings."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    PublicContact.objects.create(route="central", name="Vera Varsel", phone=PHONE, email=EMAIL)


@pytest.fixture
def sec():
    return f.make_handler(role="secretariat")


def _assert_down(response) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = html.unescape(response.content.decode())
    assert TRY_AGAIN in page
    assert PHONE in page
    assert EMAIL in page
    return page


def test_the_report_page_says_try_again_and_gives_the_contacts(sec, client):
    _assert_down(client.get(REPORT, REMOTE_ADDR=ADDR))


def test_a_posted_report_is_refused_with_its_text_kept(sec, client, caplog):
    _, data = report_form(client, ADDR)
    with caplog.at_level(logging.WARNING, logger="whistleblowing.intake"):
        response = client.post(REPORT, data, REMOTE_ADDR=ADDR)
    page = _assert_down(response)
    assert data["description"] in page
    assert page.count(TRY_AGAIN) == 1
    assert not Case.objects.exists()
    logged = [r for r in caplog.records if r.name == "whistleblowing.intake"]
    assert logged
    assert isinstance(logged[0].exc_info[1], ratelimit.Unavailable)


def test_a_receipt_is_not_tried_and_stays_in_the_form(sec, client):
    _, data = receipt_form(client, ADDR)
    page = _assert_down(client.post(LOGIN, data, REMOTE_ADDR=ADDR))
    assert data["receipt"] in page


def test_the_receipt_page_says_try_again(client):
    _assert_down(client.get(LOGIN, REMOTE_ADDR=ADDR))


def test_a_passphrase_is_not_tried_while_the_limiter_is_down(settings):
    settings.REDIS_URL = ""
    handler = f.make_handler()
    client = handler_client(handler, unlock=False)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    unlock = reverse("whistleblowing:handler_unlock")
    _assert_down(client.post(unlock, {"passphrase": f.PASSPHRASE}))
    change = reverse("whistleblowing:handler_keys")
    _assert_down(
        client.post(
            change,
            {
                "old": f.PASSPHRASE,
                "passphrase": "en ny og lang passordfrase 2026",
                "passphrase2": "en ny og lang passordfrase 2026",
            },
        )
    )


def test_without_contacts_the_message_names_the_secretary_general(settings, sec, client):
    PublicContact.objects.all().delete()
    response = client.get(REPORT, REMOTE_ADDR=ADDR)
    assert response.status_code == 503
    assert "kontakte generalsekretæren direkte" in html.unescape(response.content.decode())


def test_the_redis_store_refuses_instead_of_counting_nothing(settings):
    store = ratelimit.RedisStore("redis://127.0.0.1:1/0", "t:")
    with pytest.raises(ratelimit.Unavailable):
        store.incr("submit:1:abc", 1, 60, 0)
    with pytest.raises(ratelimit.Unavailable):
        store.get("submit:1:abc", 0)


def test_a_report_saved_while_the_broker_is_down_still_shows_its_receipt(
    settings, sec, client, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    """The case is committed before the handlers' notice is queued: a broker that is away
    then must not turn the answer into an error page, or the reporter loses the receipt
    of a report that was saved (and sends it again). The notice is not lost: its outbox
    row was committed with the case, and beat's send_notices sends it (issue 20)."""
    import kombu.exceptions

    from tests.whistleblowing.test_wb_views import receipt_from
    from whistleblowing import tasks

    settings.REDIS_URL = ""  # the counters are fine; only the broker is away

    def broker_down(*args, **kwargs):
        raise kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(tasks.send_notices, "delay", broker_down)
    _, data = report_form(client, ADDR)
    with (
        caplog.at_level(logging.ERROR),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = client.post(REPORT, data, REMOTE_ADDR=ADDR)
    assert callbacks
    assert response.status_code == 200
    assert len(receipt_from(response).replace(" ", "")) == 16
    assert Case.objects.count() == 1
    assert any(
        r.exc_info and isinstance(r.exc_info[1], kombu.exceptions.OperationalError)
        for r in caplog.records
    )
    from django.core import mail

    from whistleblowing.models import Notification

    notice = Notification.objects.get()
    assert (notice.kind, notice.sent) == ("new_report", False)
    assert mail.outbox == []
    monkeypatch.undo()
    assert tasks.send_notices.delay().get() == 1  # beat's run, once the broker is back
    assert [m.to for m in mail.outbox] == [[sec.user.email]]
    assert Notification.objects.get().sent

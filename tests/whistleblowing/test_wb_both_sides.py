"""Issue 17, whistleblowing seen from both sides (W4, W5, W7, W14): the reporter sees
their own report and a concrete answer-by date, gets every missing answer in one round
and logs out of the case (not "closes" it); the handler is told what each action did,
sees an empty log as an empty state, and closing lists unanswered questions, asks for
confirmation and sends the reporter a last message."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.factories import whistleblowing as f
from tests.whistleblowing.test_wb_views import REPORT, handler_client, report_data
from whistleblowing import dates, services
from whistleblowing.models import AuditEvent, Case, CaseStatus, Message

pytestmark = pytest.mark.django_db
OSLO = dates.LOCAL


@pytest.fixture
def sec():
    return f.make_handler(role="secretariat")


def _reporter(receipt: str) -> Client:
    client = Client()
    response = client.post(reverse("whistleblowing:reporter_login"), {"receipt": receipt})
    assert response.status_code == 302
    return client


def _url(name: str, case: Case) -> str:
    return reverse(f"whistleblowing:{name}", args=[case.pk])


# --- the reporter ----------------------------------------------------------------------


def test_w4_w7_reporter_sees_their_own_original_report(sec):
    submitted = f.submit(
        description="Lederen ropte til meg under\nfylkesårsmøtet.", involved="Per Leder"
    )
    page = _reporter(submitted.receipt).get(reverse("whistleblowing:reporter_case"))
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store" or "no-store" in page["Cache-Control"]
    assert "Det du sendte" in html
    assert 'data-testid="original-report"' in html
    assert "Lederen ropte til meg under<br>fylkesårsmøtet." in html
    assert "Per Leder" in html
    # Still encrypted at rest: the description is nowhere in the row.
    row = Case.objects.get(pk=submitted.case.pk)
    assert b"fylkes" not in bytes(row.content_blob)


@pytest.mark.parametrize(
    ("sent", "last_day"),
    [
        (dt.datetime(2026, 3, 2, 9, 0, tzinfo=OSLO), dt.date(2026, 3, 15)),
        (dt.datetime(2026, 3, 2, 23, 59, tzinfo=OSLO), dt.date(2026, 3, 15)),
        (dt.datetime(2026, 3, 20, 0, 5, tzinfo=OSLO), dt.date(2026, 4, 2)),  # over DST
        (dt.datetime(2026, 12, 25, 12, 0, tzinfo=OSLO), dt.date(2027, 1, 7)),  # new year
        (dt.datetime(2028, 2, 20, 12, 0, tzinfo=OSLO), dt.date(2028, 3, 4)),  # leap year
    ],
)
def test_w5_answer_by_is_the_day_before_escalation(sent, last_day):
    assert dates.acknowledge_last_day(dates.day_start(sent)) == last_day
    assert dates.acknowledge_by(dates.day_start(sent)).date() == last_day + dt.timedelta(days=1)


def test_w5_reporter_is_told_the_date_they_will_hear_back_by(sec):
    with time_machine.travel(dt.datetime(2026, 3, 2, 22, 30, tzinfo=OSLO), tick=False):
        submitted = f.submit()
    with time_machine.travel(dt.datetime(2026, 3, 5, 10, 0, tzinfo=OSLO), tick=False):
        page = _reporter(submitted.receipt).get(reverse("whistleblowing:reporter_case"))
        html = page.content.decode()
    assert "innen 14 dager etter at du sendte varselet" not in html
    assert "Du får svar senest" in html
    assert "15. mars 2026" in html
    assert "Du får svar her senest 15. mars 2026." in html


def test_w4_w7_empty_report_gets_every_required_error_in_one_round(sec):
    client = Client()
    data = report_data(client, category="", relation="", description="  ", involved="Ola")
    response = client.post(REPORT, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"category", "relation", "description"} <= set(errors)
    assert "kan ikke være tomt" in response.content.decode()
    assert "Ola" in response.content.decode()  # the input is kept
    assert not Case.objects.exists()


def test_w4_named_report_without_contact_and_no_choice_in_one_round(sec):
    client = Client()
    response = client.post(REPORT, report_data(client, relation="", anonymous="no", name="Kari"))
    assert response.status_code == 400
    assert {"relation", "name"} <= set(response.context["form"].errors)


def test_reporter_logs_out_of_the_case_not_closes_it(sec):
    submitted = f.submit()
    reporter = _reporter(submitted.receipt)
    html = reporter.get(reverse("whistleblowing:reporter_case")).content.decode()
    assert "Logg ut av saken i denne nettleseren" in html
    assert "Lukk saken" not in html
    response = reporter.post(reverse("whistleblowing:reporter_logout"), follow=True)
    text = response.content.decode()
    assert "Du er logget ut av saken i denne nettleseren" in text
    assert "Saken er ikke avsluttet" in text
    submitted.case.refresh_from_db()
    assert submitted.case.is_open


# --- the handler -----------------------------------------------------------------------


def _acknowledged(sec):
    submitted = f.submit()
    key = f.case_key(sec, submitted.case)
    services.case_acknowledge(handler=sec, case=submitted.case, key=key, message="Mottatt.")
    return submitted, key


def test_w14_each_action_says_what_it_did(sec):
    case = f.submit().case
    client = handler_client(sec)
    response = client.post(_url("case_acknowledge", case), {"message": "Mottatt."}, follow=True)
    assert "Mottaket er bekreftet." in response.content.decode()
    response = client.post(_url("case_message", case), {"body": "Hvem var til stede?"}, follow=True)
    assert "Meldingen er sendt til varsleren." in response.content.decode()
    response = client.post(
        _url("case_message", case), {"body": "Slik er det fulgt opp.", "is_feedback": "on"},
        follow=True,
    )  # fmt: skip
    assert "Tilbakemeldingen er sendt til varsleren." in response.content.decode()
    response = client.post(_url("case_log", case), {"kind": "note", "text": "Ringt"}, follow=True)
    assert "Steget er lagt til i saksdokumentasjonen." in response.content.decode()
    response = client.post(_url("case_age", case), {"age-band": "adult"}, follow=True)
    assert "Alderen på den det gjelder er registrert." in response.content.decode()
    assert "Lagret." not in response.content.decode()


def test_w14_empty_log_is_an_empty_state_not_a_numbered_item(sec):
    case = f.submit().case
    case.log_entries.all().delete()
    html = handler_client(sec).get(_url("case_detail", case)).content.decode()
    assert 'data-testid="log-empty"' in html
    assert "<li>Ingenting dokumentert" not in html
    assert '<ol class="case-log">' not in html


def test_w10_missing_general_warning_is_plain_norwegian(sec):
    html = handler_client(sec).get(reverse("whistleblowing:handler_cases")).content.decode()
    assert "når da ingen" not in html
    assert "er det da ingen som får saken" in html


def test_w14_closing_lists_unanswered_questions_and_asks_to_confirm(sec):
    submitted, key = _acknowledged(sec)
    case = submitted.case
    question = services.handler_message_send(
        handler=sec, case=case, key=key, body="Husker du hvem som sto ved siden av?"
    )
    client = handler_client(sec)
    close = {"close-reason": "Ferdig behandlet", "close-message": "Vi avslutter saken nå."}
    response = client.post(_url("case_close", case), close)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Varsleren har ikke svart på 1 melding fra dere." in html
    assert "Husker du hvem som sto ved siden av?" in html
    assert "Avslutt likevel" in html
    assert f'value="{question.pk}"' in html
    case.refresh_from_db()
    assert case.is_open  # nothing happened yet

    response = client.post(
        _url("case_close", case), {**close, "close-confirm": "True", "close-seen": str(question.pk)}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    final = Message.objects.filter(case=case).last()
    assert b"avslutter" not in bytes(final.body_blob)  # encrypted at rest
    event = AuditEvent.objects.filter(action="case.closed").get()
    assert event.data["unanswered"] == 1 and event.data["final_message"] is True

    page = _reporter(submitted.receipt).get(reverse("whistleblowing:reporter_case"))
    text = page.content.decode()
    assert "Vi avslutter saken nå." in text and "avslutningsmelding" in text
    assert "Saken er avsluttet." in text


def test_w14_a_question_asked_after_the_preview_stops_the_confirmed_close(sec):
    submitted, key = _acknowledged(sec)
    case = submitted.case
    client = handler_client(sec)
    close = {"close-reason": "Ferdig", "close-message": "Vi avslutter saken nå."}
    assert (
        "Varsleren har svart på alt"
        in client.post(_url("case_close", case), close).content.decode()
    )
    services.handler_message_send(handler=sec, case=case, key=key, body="Ett spørsmål til?")
    response = client.post(_url("case_close", case), {**close, "close-confirm": "True"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "har ikke svart på alle spørsmålene" in html and "Ett spørsmål til?" in html
    case.refresh_from_db()
    assert case.is_open


def test_w14_only_questions_after_the_reporters_last_message_count(sec):
    submitted, key = _acknowledged(sec)
    case = submitted.case
    services.handler_message_send(handler=sec, case=case, key=key, body="Når?")
    assert len(services.unanswered_messages(case, key)) == 1
    opened = services.reporter_open(receipt=submitted.receipt)
    assert opened is not None
    reporter_key = opened[1]
    services.reporter_message_send(case=case, key=reporter_key, body="I går.", files=[])
    assert services.unanswered_messages(case, key) == []
    later = services.handler_message_send(handler=sec, case=case, key=key, body="Hvor?")
    assert [m["id"] for m in services.unanswered_messages(case, key)] == [later.pk]


def test_w14_service_refuses_to_close_over_unseen_questions(sec):
    submitted, key = _acknowledged(sec)
    case = submitted.case
    asked = services.handler_message_send(handler=sec, case=case, key=key, body="Når skjedde det?")
    with pytest.raises(ValidationError, match="ikke svart"):
        services.case_close(handler=sec, case=case, key=key, reason="Ferdig", final_message="Slutt")
    with pytest.raises(ValidationError) as error:
        services.case_close(
            handler=sec, case=case, key=key, reason="Ferdig", final_message="  ",
            seen_unanswered=[asked.pk],
        )  # fmt: skip
    assert "message" in error.value.error_dict
    closed = services.case_close(
        handler=sec, case=case, key=key, reason="Ferdig", final_message="Slutt",
        seen_unanswered=[asked.pk],
    )  # fmt: skip
    assert closed.status == CaseStatus.CLOSED


@pytest.mark.parametrize(
    "data",
    [
        {"close-reason": "", "close-message": ""},
        {"close-reason": "Ferdig", "close-message": "x" * 20_001},
        {"close-reason": "Ferdig", "close-message": "Slutt", "close-seen": "abc,,'; drop"},
        {"close-reason": "Ferdig", "close-message": "Slutt", "close-confirm": "nonsense"},
        {"close-reason": "Ferdig", "close-message": "Slutt", "close-seen": "9" * 3000},
    ],
)
def test_w14_bad_close_input_is_refused_without_a_500(sec, data):
    submitted, key = _acknowledged(sec)
    services.handler_message_send(handler=sec, case=submitted.case, key=key, body="Spørsmål?")
    response = handler_client(sec).post(_url("case_close", submitted.case), data)
    assert response.status_code in (200, 400)
    submitted.case.refresh_from_db()
    assert submitted.case.is_open


def test_w2_not_a_case_is_confirmed_first_and_the_reporter_is_told_why(sec):
    """Triage as not a whistleblowing case ends the case like closing does: a confirmation
    page first (with unanswered questions listed), then a last message the reporter reads.
    Before, one click closed the case and the reporter was told nothing."""
    submitted, _key = _acknowledged(sec)
    case = submitted.case
    client = handler_client(sec)
    detail = client.get(_url("case_detail", case)).content.decode()
    assert 'name="triage-message"' in detail  # the message is asked for, with a default
    triage = {
        "triage-reason": "Gjelder en byggesak i kommunen",
        "triage-message": "Dette gjelder kommunen. Kommunen har en egen varslingskanal.",
    }
    response = client.post(_url("case_triage", case), triage)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Avslutte som ikke en varslingssak?" in html
    assert "Kommunen har en egen varslingskanal." in html
    assert _url("case_triage", case) in html  # the confirmation posts back to triage
    case.refresh_from_db()
    assert case.is_open  # nothing happened yet

    response = client.post(_url("case_triage", case), {**triage, "triage-confirm": "True"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.NOT_A_CASE and case.delete_after is not None
    assert AuditEvent.objects.filter(action="case.not_a_case").get().data["final_message"]

    page = _reporter(submitted.receipt).get(reverse("whistleblowing:reporter_case"))
    assert "Kommunen har en egen varslingskanal." in page.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"triage-reason": "", "triage-message": ""},
        {"triage-reason": "Ikke sak", "triage-message": " "},
        {"triage-reason": "Ikke sak", "triage-message": "Slutt", "triage-confirm": "nonsense"},
    ],
)
def test_w2_bad_not_a_case_input_is_refused_without_a_500(sec, data):
    submitted, key = _acknowledged(sec)
    services.handler_message_send(handler=sec, case=submitted.case, key=key, body="Spørsmål?")
    response = handler_client(sec).post(_url("case_triage", submitted.case), data)
    assert response.status_code in (200, 400)
    submitted.case.refresh_from_db()
    assert submitted.case.is_open

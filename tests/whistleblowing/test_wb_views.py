"""The pages: reporting without login (W1–W7), receipts, handlers with keys (W5, W10, W14),
and bad input (wrong receipt, oversize or executable upload, empty report, replay)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.factories import whistleblowing as f
from tests.factories.groups import enable_totp
from whistleblowing import uploads
from whistleblowing.models import Access, AuditEvent, Case, CaseStatus, KeyGrant

pytestmark = pytest.mark.django_db
REPORT = reverse("whistleblowing:report")


def handler_client(handler, *, unlock: bool = True) -> Client:
    enable_totp(handler.user)
    client = Client()
    client.force_login(handler.user)
    if unlock:
        response = client.post(
            reverse("whistleblowing:handler_unlock"), {"passphrase": f.PASSPHRASE}
        )
        assert response.status_code == 302
    return client


def form_token(client: Client) -> str:
    page = client.get(REPORT).content.decode()
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def report_data(client: Client, **overrides):
    data = {
        "category": "discrimination",
        "youth_wing": "no",
        "relation": "affected",
        "description": "Jeg ble kalt stygge ting på årsmøtet.",
        "involved": "",
        "anonymous": "yes",
        "name": "",
        "contact": "",
        "excluded_handler": "",
        "token": form_token(client),
    }
    data.update(overrides)
    return data


def receipt_from(response) -> str:
    match = re.search(r'data-testid="receipt">([\d ]+)<', response.content.decode())
    assert match, "no receipt on the page"
    return match.group(1)


@pytest.fixture
def sec():
    return f.make_handler(role="secretariat")


def test_w1_w2_w4_w5_w6_reporting_page_is_public_and_explains_everything(sec):
    response = Client().get(REPORT)
    assert response.status_code == 200
    text = response.content.decode()
    for phrase in (
        "Hva kan du varsle om?",  # W2
        "Ivaretakelse av de yngste",  # W3
        "fortrolig",  # W4
        "14 dager",  # W5
        "represalier",  # W6
        "Arbeidstilsynet",
        "Senterungdommen",  # W8
        "Mister du den",
    ):
        assert phrase in text, phrase
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )


def test_w1_anonymous_report_with_file_shows_receipt_once(sec):
    client = Client()
    upload = SimpleUploadedFile("bilde.png", b"\x89PNG\r\n\x1a\nbilde", content_type="image/png")
    response = client.post(REPORT, {**report_data(client), "attachments": [upload]})
    assert response.status_code == 200
    receipt = receipt_from(response)
    assert len(receipt.replace(" ", "")) == 16
    case = Case.objects.get()
    assert case.attachments.count() == 1
    # The receipt page is never cached and the receipt is not in any later page.
    assert "no-store" in response["Cache-Control"]
    assert receipt not in client.get(REPORT).content.decode()


def test_replayed_form_makes_no_second_case_and_says_so(sec):
    client = Client()
    data = report_data(client)
    first = client.post(REPORT, data)
    assert first.status_code == 200
    again = client.post(REPORT, data)
    assert again.status_code == 200
    assert "allerede sendt" in again.content.decode()
    assert 'data-testid="receipt"' not in again.content.decode()
    assert Case.objects.count() == 1


def test_empty_report_is_refused_with_a_clear_message_and_input_kept(sec):
    client = Client()
    response = client.post(REPORT, report_data(client, description="   ", involved="Navn Navnesen"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "kan ikke være tomt" in text
    assert "Navn Navnesen" in text  # nothing lost
    assert not Case.objects.exists()


def test_named_report_needs_name_and_contact(sec):
    client = Client()
    response = client.post(REPORT, report_data(client, anonymous="no", name="Kari"))
    assert response.status_code == 400
    assert "velg å varsle anonymt" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("program.exe", b"just text", "ser ut til å være et program"),
        ("rapport.pdf", b"MZ\x90\x00 windows program", "ser ut til å være et program"),
        ("skript.txt", b"#!/bin/sh\nrm -rf /", "ser ut til å være et program"),
        ("bilde.jpg", b"\x7fELF\x02\x01", "ser ut til å være et program"),
        ("dokument.pdf.exe", b"%PDF", "ser ut til å være et program"),
    ],
)
def test_executable_upload_is_refused_by_name_or_content(sec, name, content, message):
    client = Client()
    upload = SimpleUploadedFile(name, content)
    response = client.post(REPORT, {**report_data(client), "attachments": [upload]})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Jeg ble kalt stygge ting" in response.content.decode()  # text kept
    assert not Case.objects.exists()


def test_oversize_upload_is_refused(sec, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_FILE_BYTES", 100)
    client = Client()
    upload = SimpleUploadedFile("stor.pdf", b"%PDF" + b"x" * 200)
    response = client.post(REPORT, {**report_data(client), "attachments": [upload]})
    assert response.status_code == 400
    assert "for stor" in response.content.decode()
    assert not Case.objects.exists()


def test_forged_form_token_is_refused_without_losing_text(sec):
    client = Client()
    response = client.post(REPORT, report_data(client, token="forged"))
    assert response.status_code == 400
    assert "for gammelt" in response.content.decode()
    assert not Case.objects.exists()


def test_submission_past_the_free_allowance_costs_a_wait(sec):
    """Issue 15 item 4: past its free attempts a client pays a cost (see test_wb_ratelimit)."""
    client = Client()
    for _ in range(3):
        assert client.post(REPORT, report_data(client)).status_code == 200
    response = client.post(REPORT, report_data(client))
    assert response.status_code == 429
    assert "Vent 30 sekunder" in response.content.decode()
    assert Case.objects.count() == 3


def test_wrong_receipt_gives_a_plain_message_and_then_a_wait(sec):
    client = Client()
    url = reverse("whistleblowing:reporter_login")
    response = client.post(url, {"receipt": "1234 5678 9012 3456"})
    assert response.status_code == 400
    assert "Vi fant ingen sak" in response.content.decode()
    for _ in range(2):
        client.post(url, {"receipt": "1234 5678 9012 3456"})
    response = client.post(url, {"receipt": "1234 5678 9012 3456"})
    assert response.status_code == 429
    assert "Vent 10 sekunder" in response.content.decode()


def test_reporter_case_page_needs_the_receipt(sec):
    response = Client().get(reverse("whistleblowing:reporter_case"))
    assert response.status_code == 302
    assert response.url == reverse("whistleblowing:reporter_login")


def test_w5_handler_acknowledges_and_reporter_reads_the_answer(sec):
    reporter = Client()
    receipt = receipt_from(reporter.post(REPORT, report_data(reporter)))
    case = Case.objects.get()
    handler = handler_client(sec)
    listing = handler.get(reverse("whistleblowing:handler_cases")).content.decode()
    assert case.short_ref in listing
    detail = handler.get(reverse("whistleblowing:case_detail", args=[case.pk]))
    assert detail.status_code == 200
    assert "stygge ting" in detail.content.decode()
    response = handler.post(
        reverse("whistleblowing:case_acknowledge", args=[case.pk]),
        {"message": "Vi har mottatt varselet ditt og ringer deg i morgen."},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ACKNOWLEDGED

    response = reporter.post(reverse("whistleblowing:reporter_login"), {"receipt": receipt})
    assert response.status_code == 302
    page = reporter.get(reverse("whistleblowing:reporter_case")).content.decode()
    assert "ringer deg i morgen" in page
    response = reporter.post(
        reverse("whistleblowing:reporter_case"), {"body": "Takk, det passer fint."}
    )
    assert response.status_code == 302
    detail_html = handler.get(
        reverse("whistleblowing:case_detail", args=[case.pk])
    ).content.decode()
    assert "det passer fint" in detail_html


def test_locked_handler_is_sent_to_unlock_first(sec):
    f.submit()
    case = Case.objects.get()
    client = handler_client(sec, unlock=False)
    response = client.get(reverse("whistleblowing:case_detail", args=[case.pk]))
    assert response.status_code == 302
    assert reverse("whistleblowing:handler_unlock") in response.url
    response = client.post(
        reverse("whistleblowing:handler_unlock"), {"passphrase": "helt feil frase"}
    )
    assert response.status_code == 400
    assert "stemmer ikke" in response.content.decode()


def test_handler_without_a_grant_neither_lists_nor_opens_the_case(sec):
    other = f.make_handler(role="secretariat")
    case = f.submit(excluded_handler_id=other.pk).case
    client = handler_client(other)
    assert (
        case.short_ref not in client.get(reverse("whistleblowing:handler_cases")).content.decode()
    )
    assert client.get(reverse("whistleblowing:case_detail", args=[case.pk])).status_code == 404
    assert (
        client.post(
            reverse("whistleblowing:case_acknowledge", args=[case.pk]), {"message": "x"}
        ).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(action="case.decrypted", actor=other.user).exists()


def test_w10_informed_general_sees_metadata_only(sec):
    general = f.make_handler(role="secretary_general")
    f.make_handler(role="youth_secretary_general")
    case = f.submit(youth_wing=True, description="Hemmelig ungdomssak").case
    assert KeyGrant.objects.get(case=case, handler=general).access == Access.INFORMED
    client = handler_client(general)
    assert case.short_ref in client.get(reverse("whistleblowing:handler_cases")).content.decode()
    page = client.get(reverse("whistleblowing:case_detail", args=[case.pk]))
    assert page.status_code == 200
    assert "Hemmelig ungdomssak" not in page.content.decode()
    assert "informert" in page.content.decode()
    response = client.post(
        reverse("whistleblowing:case_acknowledge", args=[case.pk]), {"message": "x"}
    )
    assert response.status_code == 403


def test_standby_grant_is_invisible_until_escalation(sec):
    general = f.make_handler(role="secretary_general")
    case = f.submit().case
    client = handler_client(general)
    assert (
        case.short_ref not in client.get(reverse("whistleblowing:handler_cases")).content.decode()
    )
    assert client.get(reverse("whistleblowing:case_detail", args=[case.pk])).status_code == 404


def test_non_handlers_get_403_on_handler_pages():
    client = Client()
    client.force_login(f.make_user())
    assert client.get(reverse("whistleblowing:handler_cases")).status_code == 403


def test_handler_sets_up_keys_on_first_use():
    handler = f.make_handler(keys=False)
    client = handler_client(handler, unlock=False)
    assert (
        "Lag nøkkelen din" in client.get(reverse("whistleblowing:handler_cases")).content.decode()
    )
    response = client.post(
        reverse("whistleblowing:handler_keys"),
        {"passphrase": "kort", "passphrase2": "kort"},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("whistleblowing:handler_keys"),
        {"passphrase": "en-lang-nok-frase", "passphrase2": "en-lang-nok-frase"},
    )
    assert response.status_code == 302
    handler.refresh_from_db()
    assert handler.has_keys


def test_w12_w13_w15_w16_log_grant_close_from_the_case_page(sec):
    colleague = f.make_handler(role="secretariat")
    case = f.submit(relation="witness", excluded_handler_id=colleague.pk).case
    client = handler_client(sec)
    url = lambda name: reverse(f"whistleblowing:{name}", args=[case.pk])  # noqa: E731
    response = client.post(
        url("case_log"), {"kind": "police", "text": "Anmeldt", "police_decision": "reported"}
    )
    assert response.status_code == 400
    assert "aldri anmeldes" in response.content.decode()
    assert "Anmeldt" in response.content.decode()  # kept
    response = client.post(
        url("case_log"), {"kind": "contact_affected", "text": "Snakket med den som opplevde det"}
    )
    assert response.status_code == 302
    response = client.post(url("case_grant"), {"target": colleague.pk})
    assert response.status_code == 400  # excluded colleague is not even a choice
    close = {"close-reason": "Behandlet og avsluttet", "close-message": "Saken er avsluttet."}
    response = client.post(url("case_close"), close)
    assert response.status_code == 200 and "Avslutte saken?" in response.content.decode()
    response = client.post(url("case_close"), {**close, "close-confirm": "True"})
    assert response.status_code == 302
    page = client.get(url("case_detail")).content.decode()
    assert "Slettes" in page and "Snakket med den som opplevde det" in page


def test_w14_police_export_is_a_pdf_and_is_logged(sec):
    case = f.submit(description="Til politiet").case
    client = handler_client(sec)
    response = client.get(reverse("whistleblowing:case_police_pdf", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="case.police_export", actor=sec.user).count() == 1


def test_attachment_download_decrypts_and_is_logged(sec):
    case = f.submit(files=[f.pdf_upload("vedlegg.pdf", b"%PDF-1.4 innhold")]).case
    client = handler_client(sec)
    attachment = case.attachments.get()
    response = client.get(reverse("whistleblowing:case_attachment", args=[case.pk, attachment.pk]))
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 innhold"
    assert "vedlegg.pdf" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="case.attachment_decrypted").count() == 1

"""Uploads are judged by an allow list and by their content (issue 15 item 14): every type
the form names passes, every bypass the assessment found (.chm, .msix, .docm, a zip holding
an .exe) and their relatives are refused with a message that names the allowed types."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import whistleblowing as f
from tests.whistleblowing import filesamples as samples
from tests.whistleblowing.test_wb_views import REPORT, report_data
from whistleblowing import uploads
from whistleblowing.models import Case


def _check(name: str, content: bytes) -> None:
    uploads.check_file(SimpleUploadedFile(name, content))


@pytest.mark.parametrize("name", list(samples.ALLOWED))
def test_every_allowed_type_passes(name):
    _check(name, samples.ALLOWED[name])


@pytest.mark.parametrize(
    ("name", "content", "words"),
    samples.REFUSED,
    ids=[f"{i}-{name}" for i, (name, _c, _w) in enumerate(samples.REFUSED)],
)
def test_each_bypass_is_refused_naming_the_allowed_types(name, content, words):
    with pytest.raises(ValidationError) as refused:
        _check(name, content)
    message = refused.value.messages[0]
    assert words in message
    assert name in message
    if "makroer" not in words:
        assert "Tillatte filtyper: PDF, PNG, JPEG, GIF, WebP, HEIC, TXT, Word (DOCX)" in message


def test_a_password_protected_document_is_refused_with_its_own_message():
    with pytest.raises(ValidationError, match="passordbeskyttet"):
        _check("hemmelig.docx", samples.encrypted_docx())


def test_a_zip_bomb_of_members_is_refused_without_reading_them_all(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ZIP_MEMBERS", 10)
    many = samples.ooxml("docx", {f"word/media/{i}.png": samples.png() for i in range(20)})
    with pytest.raises(ValidationError, match="ikke en gyldig"):
        _check("mange.docx", many)


def test_the_file_picker_offers_only_the_allowed_types():
    accept = uploads.accept_attribute().split(",")
    assert ".pdf" in accept and ".docx" in accept and ".heic" in accept
    assert not {".exe", ".zip", ".docm", ".chm", ".msix", ".svg"} & set(accept)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("hjelp.chm", samples.REFUSED[0][1]),
        ("installer.msix", samples.REFUSED[2][1]),
        ("makro.docm", samples.REFUSED[3][1]),
        ("vedlegg.zip", samples.REFUSED[7][1]),
    ],
)
def test_the_report_page_refuses_the_four_bypasses_and_keeps_the_text(name, content):
    f.make_handler(role="secretariat")
    client = Client()
    upload = SimpleUploadedFile(name, content)
    response = client.post(REPORT, {**report_data(client), "attachments": [upload]})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Tillatte filtyper" in text
    assert "Jeg ble kalt stygge ting" in text
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_the_report_page_takes_an_office_document_with_a_chart():
    f.make_handler(role="secretariat")
    client = Client()
    upload = SimpleUploadedFile("graf.docx", samples.ALLOWED["graf.docx"])
    response = client.post(REPORT, {**report_data(client), "attachments": [upload]})
    assert response.status_code == 200
    assert Case.objects.get().attachments.count() == 1

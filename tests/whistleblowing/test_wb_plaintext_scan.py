"""A dump of every table and every stored file holds no report text (W4, W14).

Submits through the real pages with a unique marker in every field a person can fill in
(description, involved people, name, contact, file name, file content, reporter reply,
handler message, case log), then reads every table with raw SQL and every file under
MEDIA_ROOT, and looks for the marker in clear, in base64 (all three alignments), in hex and
in the captured logs."""

from __future__ import annotations

import base64
import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import whistleblowing as f
from tests.factories.groups import enable_totp
from whistleblowing.models import Case

pytestmark = pytest.mark.django_db
MARKER = "QZXMARKER8812"


def forms_of(marker: str) -> list[bytes]:
    raw = marker.encode()
    found = [raw, raw.lower(), raw.hex().encode(), marker.encode("utf-16-le")]
    for shift in range(3):
        encoded = base64.b64encode(b"\x00" * shift + raw)
        # Skip the characters that depend on the padding bytes before the marker.
        start = {0: 0, 1: 2, 2: 3}[shift]
        found.append(encoded[start : start + 12])
        found.append(base64.urlsafe_b64encode(b"\x00" * shift + raw)[start : start + 12])
    return found


def dump_database() -> bytes:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes | bytearray):
                        chunks.append(bytes(value))
                    else:
                        chunks.append(str(value).encode("utf-8", "replace"))
    return b"\n".join(chunks)


def dump_media() -> bytes:
    root = Path(settings.MEDIA_ROOT)
    files = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    assert files, "expected stored attachments to scan"
    return b"\n".join(p.name.encode() + b"\n" + p.read_bytes() for p in files)


def test_w4_w14_database_media_mail_and_logs_hold_no_plaintext(caplog):
    caplog.set_level(logging.DEBUG)
    handler = f.make_handler()
    enable_totp(handler.user)
    reporter = Client()
    page = reporter.get(reverse("whistleblowing:report")).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    upload = SimpleUploadedFile(
        f"{MARKER}.pdf", f"%PDF-1.4 {MARKER}".encode(), content_type="application/pdf"
    )
    response = reporter.post(
        reverse("whistleblowing:report"),
        {
            "category": "financial",
            "youth_wing": "no",
            "relation": "witness",
            "description": f"Beskrivelse {MARKER} med detaljer",
            "involved": f"Person {MARKER}",
            "anonymous": "no",
            "name": f"Navn {MARKER}",
            "contact": f"{MARKER}@example.org",
            "excluded_handler": "",
            "token": token,
            "attachments": [upload],
        },
    )
    receipt = re.search(r'data-testid="receipt">([\d ]+)<', response.content.decode()).group(1)
    case = Case.objects.get()

    staff = Client()
    staff.force_login(handler.user)
    staff.post(reverse("whistleblowing:handler_unlock"), {"passphrase": f.PASSPHRASE})
    url = lambda name: reverse(f"whistleblowing:{name}", args=[case.pk])  # noqa: E731
    assert MARKER in staff.get(url("case_detail")).content.decode()  # it is readable...
    staff.post(url("case_acknowledge"), {"message": f"Svar {MARKER}"})
    staff.post(url("case_log"), {"kind": "note", "text": f"Notat {MARKER}"})
    reporter.post(reverse("whistleblowing:reporter_login"), {"receipt": receipt})
    reporter.post(reverse("whistleblowing:reporter_case"), {"body": f"Tillegg {MARKER}"})
    assert f"Tillegg {MARKER}" in staff.get(url("case_detail")).content.decode()

    # ...but nowhere at rest, in mail or in logs.
    haystacks = {
        "database": dump_database(),
        "media": dump_media(),
        "mail": "\n".join(f"{m.subject}{m.body}" for m in mail.outbox).encode(),
        "logs": caplog.text.encode(),
    }
    for where, haystack in haystacks.items():
        for form in forms_of(MARKER):
            assert form not in haystack, f"{form!r} found in {where}"
        assert receipt.replace(" ", "").encode() not in haystack, f"receipt in {where}"
    # The dump is real: non-secret metadata is there in clear.
    assert b"financial" in haystacks["database"]

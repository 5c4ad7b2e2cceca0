"""Factories for whistleblowing tests: handlers with keys, submitted reports."""

from __future__ import annotations

import itertools
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from whistleblowing import services
from whistleblowing.models import HANDLERS_GROUP, Handler

PASSPHRASE = "test-passphrase-2026"
_seq = itertools.count(1)


def make_user(*, email: str | None = None, handler_group: bool = False) -> Any:
    user = get_user_model().objects.create_user(
        email=email or f"person{next(_seq)}@example.org",
        password="pw-not-used-123",
        full_name="Test Person",
    )
    if handler_group:
        group, _ = Group.objects.get_or_create(name=HANDLERS_GROUP)
        user.groups.add(group)
    return user


def make_handler(
    *,
    role: str = "secretariat",
    gender: str = "other",
    sexual_harassment_recipient: bool = False,
    hr_competence: bool = False,
    keys: bool = True,
    user: Any = None,
    passphrase: str = PASSPHRASE,
    body_level: str = "",
    body_name: str = "",
) -> Handler:
    user = user or make_user(handler_group=True)
    if not user.groups.filter(name=HANDLERS_GROUP).exists():
        group, _ = Group.objects.get_or_create(name=HANDLERS_GROUP)
        user.groups.add(group)
    handler, _ = Handler.objects.update_or_create(
        user=user,
        defaults={
            "role": role,
            "gender": gender,
            "sexual_harassment_recipient": sexual_harassment_recipient,
            "hr_competence": hr_competence,
            "body_level": body_level,
            "body_name": body_name,
        },
    )
    if keys and not handler.has_keys:
        services.handler_setup_keys(actor=user, handler=handler, passphrase=passphrase)
        handler.refresh_from_db()
    return handler


def report(**overrides: Any) -> services.ReportInput:
    values: dict[str, Any] = {
        "category": "discrimination",
        "youth_wing": False,
        "relation": "witness",
        "description": "Det skjedde noe på sommerleiren.",
        "involved": "",
        "anonymous": True,
        "name": "",
        "contact": "",
        "excluded_handler_id": None,
        "addressed_to": "central",
        "leader_id": None,
    }
    values.update(overrides)
    return services.ReportInput(**values)


def submit(files: list[Any] | None = None, **overrides: Any) -> services.Submitted:
    return services.report_submit(
        report=report(**overrides), files=files or [], form_token=secrets.token_hex(16)
    )


def pdf_upload(name: str = "bilde.pdf", content: bytes = b"%PDF-1.4 test\n") -> Any:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def case_key(handler: Handler, case: Any, passphrase: str = PASSPHRASE) -> bytes:
    private = services.handler_unlock(actor=handler.user, handler=handler, passphrase=passphrase)
    return services.case_key_for_handler(handler=handler, case=case, private_key=private)

"""Issue 15 item 9: a line break in a title is refused, and no stored text can break an
e-mail subject."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django import forms
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from config.singleline import email_subject, validate_single_line
from meetings import services
from meetings.models import Meeting, MeetingKind
from tests.conftest import World
from tests.factories.meetings import make_meeting

CRLF_TITLE = "Gruppemøte\r\nBcc: alle@example.org"


@pytest.fixture
def on_commit() -> Iterator[None]:
    """Run on-commit callbacks (the queued tasks, eager in tests) at once."""
    with mock.patch("django.db.transaction.on_commit", side_effect=lambda f, *a, **k: f()):
        yield


def _meeting_form_data(title: str) -> dict[str, str]:
    start = timezone.localtime(timezone.now() + dt.timedelta(days=20)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    return {
        "kind": MeetingKind.GROUP,
        "title": title,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Rådhuset",
        "mode": "physical",
    }


def test_a_meeting_title_with_a_line_break_is_refused_on_the_form_keeping_the_input(
    world: World,
) -> None:
    url = reverse("meetings:create", args=[world.group.pk])
    response = world.client_for("leader").post(url, _meeting_form_data(CRLF_TITLE))

    assert response.status_code == 200
    assert "Skriv dette på én linje, uten linjeskift." in response.content.decode()
    assert response.context["form"]["title"].value() == CRLF_TITLE
    assert not Meeting.objects.filter(title__contains="Bcc").exists()
    # the same title on one line goes through
    ok = world.client_for("leader").post(url, _meeting_form_data("Gruppemøte om budsjett"))
    assert ok.status_code == 302


@pytest.mark.parametrize("brk", ["\n", "\r", "\r\n", "\u2028", "\x85", "\x0b"])
def test_the_service_refuses_a_title_or_place_with_a_line_break_too(world: World, brk: str) -> None:
    start = timezone.now() + dt.timedelta(days=30)
    for field in ("title", "place"):
        values: dict[str, Any] = {"title": "Gruppemøte", "place": "Rådhuset"}
        values[field] = f"Linje{brk}to"
        with pytest.raises(ValidationError) as err:
            services.meeting_schedule(
                actor=world.users["leader"],
                group=world.group,
                kind=MeetingKind.GROUP,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=2),
                **values,
            )
        assert field in err.value.message_dict


def test_every_one_line_text_field_of_the_apps_forms_refuses_line_breaks() -> None:
    """Names, titles and places: every CharField shown as a one-line input."""
    missing = []
    for app in ("groups", "meetings", "attendance"):
        module = importlib.import_module(f"{app}.forms")
        for name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module.__name__:
                continue
            for field_name, field in form.base_fields.items():
                one_line = isinstance(field, forms.CharField) and isinstance(
                    field.widget, forms.TextInput
                )
                if one_line and validate_single_line not in field.validators:
                    missing.append(f"{app}.forms.{name}.{field_name}")
    assert not missing, f"one-line fields that accept line breaks: {missing}"


def test_a_subject_built_from_a_stored_title_with_line_breaks_sends_fine(
    world: World, on_commit: None
) -> None:
    """Rows stored before the check (or written around it) must not stop the e-mail."""
    meeting = make_meeting(
        world.group, title=CRLF_TITLE, starts_at=timezone.now() + dt.timedelta(days=9)
    )

    services.agenda_item_submit(actor=world.users["member"], meeting=meeting, title="Skolevei")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Ny sak meldt inn til Gruppemøte Bcc: alle@example.org"
    assert message.to == [world.users["leader"].email]
    assert "\n" not in message.message()["Subject"]


def test_email_subject_folds_whitespace_drops_controls_and_shortens() -> None:
    assert email_subject("  Møte\r\n\tom\u2028budsjett\x00\x07 ") == "Møte om budsjett"
    long = email_subject("ord " * 100)
    assert len(long) <= 150 and long.endswith("…") and "\n" not in long
    assert email_subject("Kort emne") == "Kort emne"

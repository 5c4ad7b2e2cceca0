"""Django's own messages read as Norwegian on Norwegian pages (issue 18, issue 17): Django
6 brought new or changed msgids (the empty choice "- Select an option -", the password
length rule) that its nb catalogue lacks; locale/nb/ supplies them. This test reads the
messages out of Django's sources, so it fails again when an upgrade brings new ones."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import django
import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext

DJANGO = Path(django.__file__).parent
# Where the messages a user of the portal can meet come from: form fields and validators,
# model field validation, the password rules.
SOURCES = [
    "contrib/auth/password_validation.py",
    "core/validators.py",
    "forms/fields.py",
    "forms/forms.py",
    "forms/formsets.py",
    "forms/models.py",
    "db/models/base.py",
    "db/models/fields/__init__.py",
]
# Descriptions of field types for the admin's documentation, never shown on a portal page.
NOT_SHOWN = {"IPv4", "IPv6", "IPv4 or IPv6", "String (unlimited)"}
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}


def _messages() -> list[tuple[str, ...]]:
    found = []
    for source in SOURCES:
        for node in ast.walk(ast.parse((DJANGO / source).read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            texts = [
                a.value
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            if name in GETTEXT and texts:
                found.append((source, *texts))
    return found


def test_the_scan_finds_the_messages() -> None:
    assert len(_messages()) > 80


@pytest.mark.parametrize("lang", ["nb"])
def test_every_django_message_a_user_can_meet_is_translated(lang: str) -> None:
    untranslated = []
    with translation.override(lang):
        for source, singular, *plural in _messages():
            if singular in NOT_SHOWN or not re.search("[a-z]", singular):
                continue
            if plural:
                shown = ngettext(singular, plural[0], 2)
                english = plural[0]
            else:
                shown, english = gettext(singular), singular
            if shown == english:
                untranslated.append(f"{source}: {singular}")
    assert untranslated == []


def test_the_empty_choice_and_the_password_rule_in_both_languages() -> None:
    from django.contrib.auth.password_validation import MinimumLengthValidator
    from django.db.models.fields import BLANK_CHOICE_LABEL

    with translation.override("nb"):
        assert str(BLANK_CHOICE_LABEL) == "– Velg –"
        assert MinimumLengthValidator().get_error_message().startswith("Passordet er for kort.")
    with translation.override("en"):
        assert str(BLANK_CHOICE_LABEL) == "- Select an option -"
        assert "too short" in MinimumLengthValidator().get_error_message()

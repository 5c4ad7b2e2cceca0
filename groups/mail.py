"""E-mail helpers shared by the apps: every mail is written in its recipient's language."""

from __future__ import annotations

from django.conf import settings

from groups.models import User


def language_of(user: User) -> str:
    """The language the person reads the portal in (set by the language switch), else the
    portal's own."""
    known = {code for code, _name in settings.LANGUAGES}
    return user.language if user.language in known else settings.LANGUAGE_CODE

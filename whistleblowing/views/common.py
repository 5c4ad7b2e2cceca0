"""What the reporter's and the handlers' views share: display names, recipient choices,
refusals onto forms, no-store answers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse

from whistleblowing.models import Handler


def display_name(handler: Handler) -> str:
    user = handler.user
    return str(getattr(user, "full_name", "") or user.get_username())


def _recipient_choices(handlers: list[Handler]) -> list[tuple[int, str]]:
    return [
        (h.pk, f"{display_name(h)} ({h.get_role_display()})")
        for h in sorted(handlers, key=display_name)
    ]


def _apply_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response

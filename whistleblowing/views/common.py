"""What the reporter's and the handlers' views share: display names, recipient choices,
the youth wing's public contacts, refusals onto forms, no-store answers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse

from whistleblowing.models import Handler, HandlerRole


def display_name(handler: Handler) -> str:
    user = handler.user
    return str(getattr(user, "full_name", "") or user.get_username())


def _recipient_choices(handlers: list[Handler]) -> list[tuple[int, str]]:
    return [
        (h.pk, f"{display_name(h)} ({h.get_role_display()})")
        for h in sorted(handlers, key=display_name)
    ]


def _youth_contacts() -> list[dict[str, str]]:
    """W17: the youth wing's general's public phone and e-mail, for when the channel here
    is not ready."""
    return [
        {"name": display_name(h), "phone": h.public_phone, "email": h.public_email}
        for h in Handler.objects.filter(
            role=HandlerRole.YOUTH_SECRETARY_GENERAL, is_active=True
        ).select_related("user")
        if h.public_phone or h.public_email
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

"""What the reporter's and the handlers' views share: display names, recipient choices,
no-store answers (refusals go onto forms through ``config.web.add_service_errors``)."""

from __future__ import annotations

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


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response

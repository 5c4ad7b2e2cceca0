from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from meetings.forms import AccessibleForm, add_service_error

T = TypeVar("T")


def run[T](form: AccessibleForm, service: Callable[..., T], **kwargs: Any) -> T | None:
    """Call a service; on a refusal, put its message on the form and return None."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        add_service_error(form, error)
        return None


def run_or_message[T](request: HttpRequest, service: Callable[..., T], **kwargs: Any) -> T | None:
    """For one-button actions: call a service; a refusal becomes an error message."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None

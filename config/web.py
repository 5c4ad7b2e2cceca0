"""What every app's views share: the signed-in user, htmx detection, the PDF response, and
the three ways a view hands a form to a service.

- ``run_form``: the usual form page. Validate, call the service, flash a message and
  redirect; the redirect carries the service's result (``.result``). A refusal lands on
  the form with what the user typed kept; ``None`` means: render the form (again).
- ``run_service``: the form is validated by the caller and the view answers itself (an
  htmx partial, the leader's screen); a refusal lands on the form.
- ``run_or_message``: a one-button action with no form; a refusal becomes an error
  message.

Nothing here imports an app (the user model is looked up at run time): whistleblowing uses
it and may depend on config/ only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

if TYPE_CHECKING:
    from groups.models import User

HTMX_HEADER = "HX-Request"


def current_user(request: HttpRequest) -> User:
    """The signed-in user (LoginRequiredMiddleware keeps anonymous users out of every view
    that calls this; should one get through, it is refused, never a 500)."""
    user = request.user
    if not isinstance(user, get_user_model()):
        raise PermissionDenied
    return user


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (and wants a partial). A view whose answer depends on
    this says so with ``Vary: HX-Request`` (``vary_on_htmx``) where a cache could mix them."""
    return request.headers.get(HTMX_HEADER) == "true"


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """Mark ``response`` as differing between htmx and full-page requests."""
    from django.utils.cache import patch_vary_headers

    patch_vary_headers(response, [HTMX_HEADER])
    return response


def pdf_headers(filename: str, cache_control: str = "private, no-store") -> dict[str, str]:
    """The headers of every PDF download: an attachment, not sniffed, not kept by a shared
    cache (``no-store`` unless the caller allows the browser to revalidate)."""
    return {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": cache_control,
        "X-Content-Type-Options": "nosniff",
    }


def pdf_response(
    data: bytes, filename: str, cache_control: str = "private, no-store"
) -> HttpResponse:
    """A built PDF as a download. A PDF that may be answered with 304 on a repeat request
    goes through ``config.pdf.pdf_download`` (or ``config.conditional``) instead, with the
    same headers."""
    response = HttpResponse(data, content_type="application/pdf")
    for name, value in pdf_headers(filename, cache_control).items():
        response[name] = value
    return response


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's refusal on the form: per field where it names one, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class Submitted[T](HttpResponseRedirect):
    """The redirect after a form's service succeeded, with what the service returned."""

    def __init__(self, url: str, result: T) -> None:
        super().__init__(url)
        self.result = result


def run_form[T](
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[dict[str, Any]], T],
    success_message: str,
    success_url: str | Callable[[T], str],
) -> Submitted[T] | None:
    """Validate ``form`` (on POST); on success call ``action`` with the cleaned data,
    flash ``success_message`` and redirect to ``success_url`` (or to what it gives for the
    service's result). A refusal from the service lands on the form with what the user typed
    kept; None means: render the form (again)."""
    if request.method == "POST" and form.is_valid():
        try:
            result = action(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success_message)
            url = success_url(result) if callable(success_url) else success_url
            return Submitted(url, result)
    return None


def run_service[T](form: forms.BaseForm, service: Callable[..., T], /, **kwargs: Any) -> T | None:
    """Call ``service`` for a form the caller validated; on a refusal, put its message on
    the form and return None."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def run_or_message[T](
    request: HttpRequest, service: Callable[..., T], /, **kwargs: Any
) -> T | None:
    """For one-button actions: call ``service``; a refusal becomes an error message."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None

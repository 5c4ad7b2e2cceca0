"""The public intake's view helpers (issue 15 items 4 and 5): one counted attempt with its
puzzle answer, the words for a cost that is due, and what a form needs to show its puzzle
and its limits. The rules are in ``ratelimit``, ``puzzle`` and ``uploads``."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from whistleblowing import puzzle, ratelimit, uploads
from whistleblowing.models import PublicContact

logger = logging.getLogger(__name__)

# How long a reporter is asked to wait while the counter store is away.
UNAVAILABLE_RETRY_AFTER = 30
_DOWN = "_wb_limiter_down"


def public_contacts(*routes: str) -> list[PublicContact]:
    """W17: the phone and e-mail a reporter can use instead of the form, as the
    secretariat keeps them (``PublicContact``, the one record). One place, so the report
    page and the "try again shortly" message name the same contacts. ``routes`` narrows
    them (the youth wing's notice shows the youth wing's)."""
    contacts = PublicContact.objects.all()
    if routes:
        contacts = contacts.filter(route__in=routes)
    return list(contacts)


def _contact_line(contact: PublicContact) -> str:
    parts = [f"{contact.name} ({contact.label})"]
    if contact.phone:
        parts.append(_("telefon %(phone)s") % {"phone": contact.phone})
    if contact.email:
        parts.append(_("e-post %(email)s") % {"email": contact.email})
    return ", ".join(parts)


def unavailable_message(scope: str) -> str:
    """Fail closed, in words: try again shortly, or use the phone or e-mail (issue 20)."""
    text = _("Varslingsmottaket kan ikke ta imot akkurat nå. Prøv igjen om et øyeblikk.")
    contacts = public_contacts()
    if contacts:
        text += " " + _("Du kan også varsle på telefon eller e-post: %(contacts)s.") % {
            "contacts": "; ".join(_contact_line(c) for c in contacts)
        }
    else:
        text += " " + _("Du kan også kontakte generalsekretæren direkte.")
    if scope == "submit":
        text += " " + _("Teksten din står fortsatt i skjemaet, men filer må velges på nytt.")
    return text


def _store_down(request: HttpRequest, exc: ratelimit.Unavailable) -> None:
    logger.warning("rate-limit store unavailable; refusing the attempt", exc_info=exc)
    setattr(request, _DOWN, True)


def attempt(request: HttpRequest, scope: str) -> ratelimit.Outcome:
    """Count one attempt; while the store is away, refuse it (503, nothing counted)."""
    try:
        return ratelimit.attempt(
            request,
            scope,
            token=request.POST.get("puzzle_challenge", ""),
            solution=request.POST.get("puzzle_solution", ""),
        )
    except ratelimit.Unavailable as exc:
        _store_down(request, exc)
        return ratelimit.Outcome(
            allowed=False, unavailable=True, retry_after=UNAVAILABLE_RETRY_AFTER
        )


def unpaid_message(outcome: ratelimit.Outcome, scope: str) -> str:
    """Why an attempt that was not refused did not go ahead: the store is away, or a cost
    is due."""
    if outcome.unavailable:
        return unavailable_message(scope)
    if scope == "submit":
        text = _(
            "Vi tar imot uvanlig mange varsler akkurat nå, og for å stoppe misbruk må "
            "skjemaet ha vært åpent en liten stund før det sendes. Vent %(seconds)d sekunder "
            "og send på nytt (med JavaScript går det av seg selv på noen sekunder). Teksten "
            "din står fortsatt i skjemaet, men filer må velges på nytt."
        )
    else:
        text = _(
            "Vi tar imot uvanlig mange forsøk akkurat nå, og for å stoppe misbruk må siden ha "
            "vært åpen en liten stund før koden sendes. Vent %(seconds)d sekunder og prøv igjen "
            "(med JavaScript går det av seg selv på noen sekunder)."
        )
    return text % {"seconds": outcome.cost.delay}


def context(request: HttpRequest, scope: str) -> dict[str, Any]:
    """The puzzle challenge the form carries, and the limits the page states. While the
    store is away the page says so (once) and ``limited`` makes it a 503."""
    try:
        cost = ratelimit.assess(request, scope)
    except ratelimit.Unavailable as exc:
        if not getattr(request, _DOWN, False):
            messages.error(request, unavailable_message(scope))
        _store_down(request, exc)
        cost = ratelimit.NO_COST
    return {
        "challenge": puzzle.issue(scope, cost.bits),
        "cost": cost,
        "limits": {
            "max_file": uploads.MAX_FILE_BYTES,
            "max_files": uploads.MAX_FILES,
            "max_body": settings.WHISTLEBLOWING_MAX_BODY_BYTES,
        },
    }


def limited(
    response: HttpResponse, retry_after: int, request: HttpRequest | None = None
) -> HttpResponse:
    """Retry-After and no-store on a limited page; a 503 while the store is away."""
    if request is not None and getattr(request, _DOWN, False):
        response.status_code = 503
        retry_after = UNAVAILABLE_RETRY_AFTER
    if retry_after:
        response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def fail_closed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For pages that count with ``ratelimit.allow`` (the passphrase pages): while the
    store is away they answer 503 with the "try again shortly" page and its contacts. A
    passphrase is never written back into a form, so there is no input to keep."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ratelimit.Unavailable as exc:
            _store_down(request, exc)
            response = render(
                request,
                "whistleblowing/unavailable.html",
                {"message": unavailable_message("passphrase"), "contacts": public_contacts()},
                status=503,
            )
            return limited(response, UNAVAILABLE_RETRY_AFTER, request)

    return wrapped

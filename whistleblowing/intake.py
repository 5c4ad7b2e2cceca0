"""The public intake's view helpers (issue 15 items 4 and 5): one counted attempt with its
puzzle answer, the words for a cost that is due, and what a form needs to show its puzzle
and its limits. The rules are in ``ratelimit``, ``puzzle`` and ``uploads``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from whistleblowing import puzzle, ratelimit, uploads


def attempt(request: HttpRequest, scope: str) -> ratelimit.Outcome:
    return ratelimit.attempt(
        request,
        scope,
        token=request.POST.get("puzzle_challenge", ""),
        solution=request.POST.get("puzzle_solution", ""),
    )


def unpaid_message(outcome: ratelimit.Outcome, scope: str) -> str:
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
    """The puzzle challenge the form carries, and the limits the page states."""
    cost = ratelimit.assess(request, scope)
    return {
        "challenge": puzzle.issue(scope, cost.bits),
        "cost": cost,
        "limits": {
            "max_file": uploads.MAX_FILE_BYTES,
            "max_files": uploads.MAX_FILES,
            "max_body": settings.WHISTLEBLOWING_MAX_BODY_BYTES,
        },
    }


def limited(response: HttpResponse, retry_after: int) -> HttpResponse:
    if retry_after:
        response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response

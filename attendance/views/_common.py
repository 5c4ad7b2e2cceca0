"""Helpers the attendance views share: the current user, htmx, PDF and CSV responses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from config.csvexport import csv_download
from groups.models import User


def current_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # LoginRequiredMiddleware guarantees this
        raise PermissionDenied
    return user


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def pdf_headers(filename: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    for name, value in pdf_headers(filename).items():
        response[name] = value
    return response


def csv_response(filename: str, rows: Iterable[Sequence[object]]) -> HttpResponse:
    """A download of ``rows`` as CSV (``config.csvexport``: the BOM and semicolons a
    spreadsheet in Norway expects, and no cell a spreadsheet would run as a formula)."""
    response, writer = csv_download(filename)
    writer.writerows(rows)
    return response

"""The one access helper of the app: who may see which case.

A case exists for a handler only if they hold a key grant that lists it (read, or informed
for the party secretary general on youth-wing reports). Everyone else gets 404, so the
case's existence is not revealed. Users who are not handlers get 403 on handler pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from whistleblowing import services
from whistleblowing.models import Access, Case, Handler, KeyGrant


def get_handler(request: HttpRequest) -> Handler:
    handler = services.handler_for_user(request.user)
    if handler is None:
        raise PermissionDenied
    return handler


def get_case_for_handler(handler: Handler, pk: Any, *, read: bool = True) -> tuple[Case, KeyGrant]:
    grant = (
        KeyGrant.objects.select_related("case")
        .filter(case_id=pk, handler=handler, access__in=[Access.READ, Access.INFORMED])
        .first()
    )
    if grant is None:
        raise Http404
    if read and grant.access != Access.READ:
        raise PermissionDenied
    return grant.case, grant

"""The one access helper of the app: who may see which case.

A case exists for a handler only if they hold a key grant that lists it (read, or informed
for the party secretary general on youth-wing reports). Everyone else gets 404, so the
case's existence is not revealed. Users who are not handlers get 403 on handler pages.

The people-and-routes pages (who receives reports, the public contacts) are for the
secretariat: site admins, and handlers in the secretariat role. Others get 403: they may
know the page exists, but not act on it. Those pages never show a case."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from whistleblowing import services
from whistleblowing.models import Access, Case, Handler, HandlerRole, KeyGrant, PublicContact


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


def can_manage_people(user: Any) -> bool:
    """Site admins and the secretariat name the recipients and edit the public contacts."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    handler = services.handler_for_user(user)
    return handler is not None and handler.role == HandlerRole.SECRETARIAT


def require_people_manager(request: HttpRequest) -> None:
    if not can_manage_people(request.user):
        raise PermissionDenied


def get_handler_for_manager(request: HttpRequest, pk: Any) -> Handler:
    require_people_manager(request)
    handler = Handler.objects.select_related("user").filter(pk=pk).first()
    if handler is None:
        raise Http404
    return handler


def get_contact_for_manager(request: HttpRequest, pk: Any) -> PublicContact:
    require_people_manager(request)
    contact = PublicContact.objects.filter(pk=pk).first()
    if contact is None:
        raise Http404
    return contact

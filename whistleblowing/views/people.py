"""The secretariat's pages for people and routes (W8, W9, W10, W17): who receives reports
in which role, whether each route has a reader who holds a key, and the public contacts
the report page shows. Site admins and the secretariat only (``permissions``); no case and
no content is shown here."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from config.web import add_service_errors
from whistleblowing import forms, intake, selectors, services
from whistleblowing.models import Handler, HandlerRole, PublicContact
from whistleblowing.permissions import (
    get_contact_for_manager,
    get_handler_for_manager,
    require_people_manager,
)
from whistleblowing.views.common import display_name

ROLE_ORDER = [
    HandlerRole.SECRETARIAT,
    HandlerRole.SECRETARY_GENERAL,
    HandlerRole.YOUTH_SECRETARY_GENERAL,
    HandlerRole.UNION_REPRESENTATIVE,
    HandlerRole.LEADER,
]


def _people_rows() -> list[dict[str, Any]]:
    handlers = services.named_handlers()
    rows = []
    for role in ROLE_ORDER:
        members = sorted((h for h in handlers if h.role == role), key=display_name)
        rows.append(
            {
                "role": role.label,
                "people": [{"handler": h, "name": display_name(h)} for h in members],
            }
        )
    return rows


@never_cache
def people(request: HttpRequest) -> HttpResponse:
    """Everyone named, by role; the route-health panel; the public contacts."""
    require_people_manager(request)
    routes = selectors.route_health()
    return render(
        request,
        "whistleblowing/people.html",
        {
            "groups": _people_rows(),
            "routes": [
                {
                    "row": row,
                    "readers": [display_name(h) for h in row.readers],
                    "waiting": [display_name(h) for h in row.waiting],
                    "fallback": [display_name(h) for h in row.fallback],
                }
                for row in routes
            ],
            "routes_ok": all(row.ok for row in routes),
            "contacts": intake.public_contacts(),
        },
    )


def _role_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "role": data["role"],
        "gender": data["gender"],
        "hr_competence": data["hr_competence"],
        "sexual_harassment_recipient": data["sexual_harassment_recipient"],
        "body_level": data["body_level"],
        "body_name": data["body_name"],
    }


@never_cache
@require_http_methods(["GET", "POST"])
def people_add(request: HttpRequest) -> HttpResponse:
    require_people_manager(request)
    form = forms.HandlerRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            handler = services.handler_role_add(
                actor=request.user,
                email=form.cleaned_data["email"],
                **_role_values(form.cleaned_data),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s er lagt til som %(role)s.")
                % {"name": display_name(handler), "role": handler.get_role_display()},
            )
            return redirect("whistleblowing:people")
    return render(
        request,
        "whistleblowing/people_form.html",
        {"form": form, "handler": None},
        status=400 if form.errors else 200,
    )


def _initial(handler: Handler) -> dict[str, Any]:
    return {
        "role": handler.role,
        "gender": handler.gender,
        "hr_competence": handler.hr_competence,
        "sexual_harassment_recipient": handler.sexual_harassment_recipient,
        "body_level": handler.body_level,
        "body_name": handler.body_name,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def people_edit(request: HttpRequest, pk: int) -> HttpResponse:
    handler = get_handler_for_manager(request, pk)
    form = forms.HandlerRoleForm(request.POST or None, with_email=False, initial=_initial(handler))
    if request.method == "POST" and form.is_valid():
        try:
            services.handler_role_update(
                actor=request.user, handler=handler, **_role_values(form.cleaned_data)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Lagret."))
            return redirect("whistleblowing:people")
    return render(
        request,
        "whistleblowing/people_form.html",
        {"form": form, "handler": handler, "name": display_name(handler)},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def people_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then end a recipient's role. Refused while an open case would be left
    without a reader (issue 12)."""
    handler = get_handler_for_manager(request, pk)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            services.handler_role_end(actor=request.user, handler=handler)
        except ValidationError as exc:
            error = " ".join(exc.messages)
            status = 400
        else:
            messages.success(
                request, _("Rollen til %(name)s er avsluttet.") % {"name": display_name(handler)}
            )
            return redirect("whistleblowing:people")
    return render(
        request,
        "whistleblowing/people_end.html",
        {
            "handler": handler,
            "name": display_name(handler),
            "alone": services.cases_only_read_by(handler),
            "error": error,
        },
        status=status,
    )


def _contact_values(data: dict[str, Any]) -> dict[str, Any]:
    return {key: data[key] for key in ("route", "title", "name", "phone", "email")}


def _contact_form(request: HttpRequest, contact: PublicContact | None) -> HttpResponse:
    initial = _contact_values(contact.__dict__) if contact is not None else None
    form = forms.ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_save(
                actor=request.user, contact=contact, **_contact_values(form.cleaned_data)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Kontakten er lagret. Varslingssiden viser den nå."))
            return redirect("whistleblowing:people")
    return render(
        request,
        "whistleblowing/contact_form.html",
        {"form": form, "contact": contact},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest) -> HttpResponse:
    require_people_manager(request)
    return _contact_form(request, None)


@never_cache
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _contact_form(request, get_contact_for_manager(request, pk))


@never_cache
@require_http_methods(["GET", "POST"])
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for_manager(request, pk)
    if request.method == "POST":
        services.contact_delete(actor=request.user, contact=contact)
        messages.success(request, _("Kontakten er fjernet fra varslingssiden."))
        return redirect("whistleblowing:people")
    return render(request, "whistleblowing/contact_delete.html", {"contact": contact})

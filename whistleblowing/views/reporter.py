"""The public reporting pages (no login, W1): the report form, the reporter's login with
receipt and passphrase, their case and their sign-out."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from config.web import add_service_errors
from whistleblowing import crypto, dates, forms, intake, routing, selectors, services, unlock
from whistleblowing.models import Case, ContactRoute, Handler, HandlerRole, Relation
from whistleblowing.upload_handlers import guard_uploads
from whistleblowing.views.common import (
    _no_store,
    _recipient_choices,
    display_name,
)

# --- reporter ---------------------------------------------------------------------------
# The reporter side never shares a request with a login (issue 15 item 3): a signed-in
# visitor is asked to log out first (GET), and a form posted with a login (signed in in
# another tab) ends the login and is shown again, unsent, with its text kept.


def _signed_in(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated)


def _signed_out_notice() -> str:
    return _(
        "Du var logget inn i Gruppeportalen, så vi sendte ingenting: det du sender som "
        "varsler, skal ikke kunne knyttes til kontoen din. Nå er du logget ut. Det du "
        "skrev, står fortsatt her (filer må velges på nytt). Se over og send igjen."
    )


def _addressable(handlers: list[Handler]) -> dict[str, Any]:
    """W8: the addressed routes that work now, for the form: the leaders who hold a key,
    and whether the union representative and the general can receive a report."""
    by_id = {h.pk: h for h in handlers}
    routes = routing.addressable([services.as_recipient(h) for h in handlers])
    leaders = sorted((by_id[r.id] for r in routes[routing.TO_LEADER]), key=lambda h: h.body_name)
    return {
        "leaders": [
            (
                h.pk,
                _("%(name)s, leder i %(body)s (%(level)s)")
                % {
                    "name": display_name(h),
                    "body": h.body_name,
                    "level": h.get_body_level_display(),
                },
            )
            for h in leaders
        ],
        "union_ready": bool(routes[routing.TO_UNION]),
        "general_ready": bool(routes[routing.TO_GENERAL]),
    }


def _union_named() -> bool:
    """Is a union representative named who has no key yet (the staff route not ready)?"""
    return any(
        h.role == HandlerRole.UNION_REPRESENTATIVE and not h.has_keys
        for h in services.named_handlers()
    )


def _sign_out_first(request: HttpRequest, form: Any) -> None:
    logout(request)
    form.add_error(None, _signed_out_notice())


@guard_uploads
@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The reporting page: what, who reads it, protection, deadlines; the form (W1–W7)."""
    handlers = services.active_recipients()
    recipients = _recipient_choices(handlers)
    youth_ready = routing.youth_wing_ready([services.as_recipient(h) for h in handlers])
    routes = _addressable(handlers)
    status = 200
    retry_after = 0
    if request.method == "POST" and _signed_in(request):
        form = forms.ReportForm(
            request.POST, recipients=recipients, youth_ready=youth_ready, **routes
        )
        _sign_out_first(request, form)
        status = 409
    elif request.method == "POST":
        form = forms.ReportForm(
            request.POST, request.FILES, recipients=recipients, youth_ready=youth_ready, **routes
        )
        if form.is_valid():
            data = form.cleaned_data
            if not forms.check_form_token(data["token"]):
                form.add_error(
                    None,
                    _(
                        "Skjemaet var for gammelt til å sendes. Teksten din står fortsatt "
                        "her; velg eventuelle filer på nytt og send igjen."
                    ),
                )
            elif not (outcome := intake.attempt(request, "submit")).allowed:
                form.add_error(
                    None,
                    _(
                        "Det er sendt mange varsler herfra på kort tid. Vent en stund og prøv "
                        "igjen. Teksten din står fortsatt i skjemaet, men filer må velges på nytt."
                    )
                    if outcome.refused
                    else intake.unpaid_message(outcome, "submit"),
                )
                status, retry_after = outcome.status, outcome.retry_after
            else:
                try:
                    submitted = services.report_submit(
                        report=services.ReportInput(
                            category=data["category"],
                            youth_wing=data["youth_wing"] == "yes",
                            relation=data["relation"],
                            description=data["description"],
                            involved=data["involved"],
                            anonymous=data["anonymous"] == "yes",
                            name=data["name"],
                            contact=data["contact"],
                            excluded_handler_id=data["excluded_handler"],
                            addressed_to=data["addressed_to"],
                            leader_id=data.get("leader"),
                        ),
                        files=data["attachments"],
                        form_token=data["token"],
                    )
                except services.ReplayedSubmission as exc:
                    return _no_store(
                        render(request, "whistleblowing/replayed.html", {"error": exc.messages[0]})
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    return _no_store(
                        render(
                            request,
                            "whistleblowing/receipt.html",
                            {"receipt": crypto.format_receipt(submitted.receipt)},
                        )
                    )
        if form.errors:
            status = status if status != 200 else 400
    else:
        form = forms.ReportForm(
            initial={"token": forms.new_form_token()},
            recipients=recipients,
            youth_ready=youth_ready,
            **routes,
        )
    response = render(
        request,
        "whistleblowing/report.html",
        {
            "form": form,
            "ready": bool(recipients),
            "youth_ready": youth_ready,
            "youth_contacts": []
            if youth_ready
            else intake.public_contacts(ContactRoute.YOUTH_WING),
            "contacts": intake.public_contacts(),
            "union_waiting": not routes["union_ready"] and _union_named(),
            "signed_in": _signed_in(request),
            **intake.context(request, "submit"),
        },
        status=status,
    )
    return intake.limited(response, retry_after, request)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def reporter_login(request: HttpRequest) -> HttpResponse:
    form = forms.ReceiptForm(request.POST or None)
    status = 200
    retry_after = 0
    if request.method == "POST" and _signed_in(request):
        _sign_out_first(request, form)
        status = 409
    elif request.method == "POST" and form.is_valid():
        # Only a well-formed receipt is counted; anything else costs no hashing either.
        well_formed = crypto.normalise_receipt(form.cleaned_data["receipt"]) is not None
        outcome = intake.attempt(request, "receipt") if well_formed else None
        if outcome is not None and not outcome.allowed:
            form.add_error(
                None,
                _("For mange forsøk på kort tid. Vent et kvarter og prøv igjen.")
                if outcome.refused
                else intake.unpaid_message(outcome, "receipt"),
            )
            status, retry_after = outcome.status, outcome.retry_after
        else:
            opened = services.reporter_open(receipt=form.cleaned_data["receipt"])
            if opened is None:
                form.add_error(
                    "receipt",
                    _("Vi fant ingen sak med denne koden. Sjekk at alle 16 sifrene er riktige."),
                )
                status = 400
            else:
                case, key = opened
                response = redirect("whistleblowing:reporter_case")
                unlock.put_reporter_case(request, response, case.pk, key)
                return _no_store(response)
    return intake.limited(
        render(
            request,
            "whistleblowing/reporter_login.html",
            {"form": form, "signed_in": _signed_in(request), **intake.context(request, "receipt")},
            status=status,
        ),
        retry_after,
        request,
    )


def _reporter_case(request: HttpRequest) -> tuple[Case, bytes] | None:
    opened = unlock.reporter_case(request)
    case = Case.objects.filter(pk=opened[0]).first() if opened else None
    if opened is None or case is None:
        return None
    return case, opened[1]


@guard_uploads
@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def reporter_case(request: HttpRequest) -> HttpResponse:
    """The reporter's own case: acknowledgement, messages, answer and add files (W5, W7)."""
    if request.method == "GET" and _signed_in(request):
        # Not even looked up: the case and the login never meet in one request.
        return _no_store(
            render(
                request,
                "whistleblowing/reporter_login.html",
                {"form": forms.ReceiptForm(), "signed_in": True},
            )
        )
    signed_in_post = request.method == "POST" and _signed_in(request)
    if signed_in_post:
        logout(request)  # before the case is even looked up
    opened = _reporter_case(request)
    if opened is None:
        messages.info(request, _("Skriv inn kvitteringskoden din for å se saken."))
        return redirect("whistleblowing:reporter_login")
    case, key = opened
    status = 200
    if signed_in_post:
        form = forms.ReporterMessageForm(request.POST)
        form.add_error(None, _signed_out_notice())
        status = 409
    elif request.method == "POST":
        form = forms.ReporterMessageForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.reporter_message_send(
                    case=case,
                    key=key,
                    body=form.cleaned_data["body"],
                    files=form.cleaned_data["attachments"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Takk. Det du sendte er lagt til i saken."))
                return redirect("whistleblowing:reporter_case")
        status = 400
    else:
        form = forms.ReporterMessageForm()
    view = selectors.case_view(case, key, for_reporter=True)
    return _no_store(
        render(
            request,
            "whistleblowing/reporter_case.html",
            {
                "view": view,
                "case": case,
                "form": form,
                "answer_by": dates.acknowledge_last_day(case.created_at),
                "relation": dict(Relation.choices).get(str(view.content.get("relation")), ""),
            },
            status=status,
        )
    )


@login_not_required
@require_POST
def reporter_logout(request: HttpRequest) -> HttpResponse:
    response = redirect("whistleblowing:report")
    unlock.forget(request, response, unlock.REPORTER)
    messages.info(
        request,
        _(
            "Du er logget ut av saken i denne nettleseren. Saken er ikke avsluttet; med "
            "kvitteringskoden kommer du inn igjen."
        ),
    )
    return response

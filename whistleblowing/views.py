"""Views: the public reporting pages (no login, W1) and the handlers' pages (MFA, keys)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from whistleblowing import crypto, forms, intake, ratelimit, routing, selectors, services, unlock
from whistleblowing.models import Access, Case, CaseStatus, Handler, HandlerRole
from whistleblowing.permissions import get_case_for_handler, get_handler
from whistleblowing.upload_handlers import guard_uploads


def display_name(handler: Handler) -> str:
    user = handler.user
    return str(getattr(user, "full_name", "") or user.get_username())


def _recipient_choices(handlers: list[Handler]) -> list[tuple[int, str]]:
    return [
        (h.pk, f"{display_name(h)} ({h.get_role_display()})")
        for h in sorted(handlers, key=display_name)
    ]


def _youth_contacts() -> list[dict[str, str]]:
    """W17: the youth wing's general's public phone and e-mail, for when the channel here
    is not ready."""
    return [
        {"name": display_name(h), "phone": h.public_phone, "email": h.public_email}
        for h in Handler.objects.filter(
            role=HandlerRole.YOUTH_SECRETARY_GENERAL, is_active=True
        ).select_related("user")
        if h.public_phone or h.public_email
    ]


def _apply_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


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
    status = 200
    retry_after = 0
    if request.method == "POST" and _signed_in(request):
        form = forms.ReportForm(request.POST, recipients=recipients, youth_ready=youth_ready)
        _sign_out_first(request, form)
        status = 409
    elif request.method == "POST":
        form = forms.ReportForm(
            request.POST, request.FILES, recipients=recipients, youth_ready=youth_ready
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
                        ),
                        files=data["attachments"],
                        form_token=data["token"],
                    )
                except services.ReplayedSubmission as exc:
                    return _no_store(
                        render(request, "whistleblowing/replayed.html", {"error": exc.messages[0]})
                    )
                except ValidationError as exc:
                    _apply_errors(form, exc)
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
        )
    response = render(
        request,
        "whistleblowing/report.html",
        {
            "form": form,
            "ready": bool(recipients),
            "youth_ready": youth_ready,
            "youth_contacts": [] if youth_ready else _youth_contacts(),
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
                _apply_errors(form, exc)
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
            {"view": view, "case": case, "form": form},
            status=status,
        )
    )


@login_not_required
@require_POST
def reporter_logout(request: HttpRequest) -> HttpResponse:
    response = redirect("whistleblowing:report")
    unlock.forget(request, response, unlock.REPORTER)
    messages.info(request, _("Saken er lukket i denne nettleseren."))
    return response


# --- handlers -----------------------------------------------------------------------------


def _unlock_redirect(request: HttpRequest) -> HttpResponseRedirect:
    return redirect(f"{reverse('whistleblowing:handler_unlock')}?next={quote(request.path)}")


@never_cache
def handler_cases(request: HttpRequest) -> HttpResponse:
    """The handler's cases and their deadlines (W5, W11, W14)."""
    handler = get_handler(request)
    return render(
        request,
        "whistleblowing/handler_cases.html",
        {
            "handler": handler,
            "rows": selectors.cases_for_handler(handler),
            "unlocked": unlock.get(request, unlock.HANDLER, handler=handler) is not None,
            "seconds_left": unlock.seconds_left(request, unlock.HANDLER, handler=handler),
            "warnings": selectors.routing_warnings(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@intake.fail_closed
def handler_keys(request: HttpRequest) -> HttpResponse:
    """First use: choose the passphrase that protects the private key. Later: change it."""
    handler = get_handler(request)
    form_class = forms.KeyChangeForm if handler.has_keys else forms.KeySetupForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if handler.has_keys:
                if not ratelimit.allow(request, "passphrase"):
                    raise ValidationError(_("For mange forsøk. Vent et kvarter."))
                private = services.handler_change_passphrase(
                    actor=request.user,
                    handler=handler,
                    old=form.cleaned_data["old"],
                    new=form.cleaned_data["passphrase"],
                )
            else:
                private = services.handler_setup_keys(
                    actor=request.user, handler=handler, passphrase=form.cleaned_data["passphrase"]
                )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            response = redirect("whistleblowing:handler_cases")
            unlock.put(request, response, unlock.HANDLER, private, handler=handler)
            messages.success(request, _("Nøkkelen din er klar og låst opp i 15 minutter."))
            return response
    return render(
        request,
        "whistleblowing/handler_keys.html",
        {"form": form, "handler": handler},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@intake.fail_closed
def handler_unlock(request: HttpRequest) -> HttpResponse:
    handler = get_handler(request)
    if not handler.has_keys:
        return redirect("whistleblowing:handler_keys")
    form = forms.UnlockForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not next_url.startswith("/varsling/behandling/"):
        next_url = reverse("whistleblowing:handler_cases")
    if request.method == "POST" and form.is_valid():
        try:
            if not ratelimit.allow(request, "passphrase"):
                raise ValidationError(_("For mange forsøk. Vent et kvarter og prøv igjen."))
            private = services.handler_unlock(
                actor=request.user, handler=handler, passphrase=form.cleaned_data["passphrase"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            response = HttpResponseRedirect(next_url)
            unlock.put(request, response, unlock.HANDLER, private, handler=handler)
            return response
    return render(
        request,
        "whistleblowing/handler_unlock.html",
        {"form": form, "next": next_url},
        status=400 if form.errors else 200,
    )


@require_POST
def handler_lock(request: HttpRequest) -> HttpResponse:
    get_handler(request)
    response = redirect("whistleblowing:handler_cases")
    unlock.forget(request, response, unlock.HANDLER)
    messages.info(request, _("Nøkkelen din er låst."))
    return response


def _grant_candidates(case: Case, handler: Handler) -> list[tuple[int, str]]:
    readers = set(case.grants.filter(access=Access.READ).values_list("handler_id", flat=True))
    return [
        (h.pk, f"{display_name(h)} ({h.get_role_display()})")
        for h in services.active_recipients()
        if h.pk not in readers
    ]


def _detail(
    request: HttpRequest, handler: Handler, case: Case, key: bytes, **bound: Any
) -> HttpResponse:
    view = selectors.case_view(case, key)
    excluded_id = view.content.get("excluded_handler_id")
    excluded = (
        Handler.objects.filter(pk=int(excluded_id)).select_related("user").first()
        if excluded_id
        else None
    )
    context = {
        "handler": handler,
        "case": case,
        "view": view,
        "excluded": display_name(excluded) if excluded else "",
        "deadlines": selectors.deadlines(case),
        "seconds_left": unlock.seconds_left(request, unlock.HANDLER, handler=handler),
        "ack_form": bound.get("ack_form") or forms.AcknowledgeForm(),
        "message_form": bound.get("message_form") or forms.HandlerMessageForm(),
        "log_form": bound.get("log_form") or forms.LogEntryForm(),
        "grant_form": bound.get("grant_form")
        or forms.GrantForm(
            candidates=[c for c in _grant_candidates(case, handler) if c[0] != excluded_id]
        ),
        "triage_form": bound.get("triage_form") or forms.ReasonForm(prefix="triage"),
        "close_form": bound.get("close_form") or forms.ReasonForm(prefix="close"),
        "statuses": CaseStatus,
    }
    return render(request, "whistleblowing/case_detail.html", context, status=400 if bound else 200)


def _open(request: HttpRequest, pk: Any, *, read: bool = True) -> Any:
    """(handler, case, key) or a response: 404 without a grant, unlock page when locked."""
    handler = get_handler(request)
    case, grant = get_case_for_handler(handler, pk, read=read)
    if grant.access != Access.READ:
        return handler, case, None
    private = unlock.get(request, unlock.HANDLER, handler=handler)
    if private is None:
        return _unlock_redirect(request)
    key = services.case_key_for_handler(handler=handler, case=case, private_key=private)
    return handler, case, key


@never_cache
def case_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    opened = _open(request, pk, read=False)
    if isinstance(opened, HttpResponse):
        return opened
    handler, case, key = opened
    if key is None:  # informed only (W10): metadata, no content
        return render(
            request,
            "whistleblowing/case_informed.html",
            {"case": case, "deadlines": selectors.deadlines(case)},
        )
    return _detail(request, handler, case, key)


def _action(request: HttpRequest, pk: Any, form_name: str, form: Any, run: Any) -> HttpResponse:
    opened = _open(request, pk)
    if isinstance(opened, HttpResponse):
        return opened
    handler, case, key = opened
    if form.is_valid():
        try:
            run(handler, case, key, form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Lagret."))
            return redirect("whistleblowing:case_detail", pk=case.pk)
    case.refresh_from_db()
    return _detail(request, handler, case, key, **{form_name: form})


@require_POST
def case_acknowledge(request: HttpRequest, pk: Any) -> HttpResponse:
    return _action(
        request,
        pk,
        "ack_form",
        forms.AcknowledgeForm(request.POST),
        lambda h, c, k, d: services.case_acknowledge(
            handler=h, case=c, key=k, message=d["message"]
        ),
    )


@guard_uploads
@require_POST
def case_message(request: HttpRequest, pk: Any) -> HttpResponse:
    return _action(
        request,
        pk,
        "message_form",
        forms.HandlerMessageForm(request.POST, request.FILES),
        lambda h, c, k, d: services.handler_message_send(
            handler=h,
            case=c,
            key=k,
            body=d["body"],
            is_feedback=d["is_feedback"],
            files=d["attachments"],
        ),
    )


@require_POST
def case_log(request: HttpRequest, pk: Any) -> HttpResponse:
    def run(h: Handler, c: Case, k: bytes, d: dict[str, Any]) -> None:
        fields = {name: value for name, value in d.items() if name not in ("kind", "text")}
        services.log_entry_add(
            handler=h, case=c, key=k, kind=d["kind"], text=d["text"], fields=fields
        )

    return _action(request, pk, "log_form", forms.LogEntryForm(request.POST), run)


@require_POST
def case_grant(request: HttpRequest, pk: Any) -> HttpResponse:
    handler = get_handler(request)
    case, _grant = get_case_for_handler(handler, pk)
    form = forms.GrantForm(request.POST, candidates=_grant_candidates(case, handler))

    def run(h: Handler, c: Case, k: bytes, d: dict[str, Any]) -> None:
        target = Handler.objects.get(pk=d["target"])
        services.access_grant(handler=h, case=c, key=k, target=target)

    return _action(request, pk, "grant_form", form, run)


@require_POST
def case_triage(request: HttpRequest, pk: Any) -> HttpResponse:
    return _action(
        request,
        pk,
        "triage_form",
        forms.ReasonForm(request.POST, prefix="triage"),
        lambda h, c, k, d: services.case_mark_not_a_case(
            handler=h, case=c, key=k, reason=d["reason"]
        ),
    )


@require_POST
def case_close(request: HttpRequest, pk: Any) -> HttpResponse:
    return _action(
        request,
        pk,
        "close_form",
        forms.ReasonForm(request.POST, prefix="close"),
        lambda h, c, k, d: services.case_close(handler=h, case=c, key=k, reason=d["reason"]),
    )


@never_cache
def case_attachment(request: HttpRequest, pk: Any, attachment_pk: Any) -> HttpResponse:
    opened = _open(request, pk)
    if isinstance(opened, HttpResponse):
        return opened
    handler, case, key = opened
    attachment = case.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        return render(request, "404.html", status=404)
    name, _type, data = services.attachment_read(
        handler=handler, case=case, key=key, attachment=attachment
    )
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return _no_store(response)


@never_cache
def case_police_pdf(request: HttpRequest, pk: Any) -> HttpResponse:
    """W14: the documentation of one case as a PDF for the police, on request; logged."""
    opened = _open(request, pk)
    if isinstance(opened, HttpResponse):
        return opened
    handler, case, key = opened
    from config.pdf import render_pdf

    view = selectors.case_view(case, key)
    services.police_export_logged(handler=handler, case=case)
    pdf = render_pdf(
        "whistleblowing/pdf/police_export.html",
        {"view": view, "case": case},
        title=_("Dokumentasjon av varslingssak"),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="varsel-{case.short_ref}.pdf"'
    return _no_store(response)

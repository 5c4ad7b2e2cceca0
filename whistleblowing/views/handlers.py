"""The handlers' pages (MFA, keys): case list, keys, unlocking, a case and its actions,
attachments and the police-report PDF."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from config.dates import day
from config.web import add_service_errors, pdf_response
from whistleblowing import forms, intake, ratelimit, selectors, services, unlock
from whistleblowing.models import CENTRAL_ROLES, Access, Case, CaseStatus, Handler
from whistleblowing.permissions import get_case_for_handler, get_handler
from whistleblowing.services.handling import AGE_BANDS, UNANSWERED_CODE
from whistleblowing.upload_handlers import guard_uploads
from whistleblowing.views.common import (
    _no_store,
    display_name,
)

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
            add_service_errors(form, exc)
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
            add_service_errors(form, exc)
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
        "triage_form": bound.get("triage_form") or forms.NotACaseForm(prefix="triage"),
        "close_form": bound.get("close_form") or forms.CloseForm(prefix="close"),
        "trigger_form": bound.get("trigger_form") or forms.TriggerForm(prefix="trigger"),
        "help_form": bound.get("help_form") or forms.HelpRequestForm(prefix="help"),
        "age_form": bound.get("age_form") or forms.AgeForm(prefix="age"),
        "hold_form": bound.get("hold_form") or forms.HoldForm(prefix="hold"),
        "age_band": AGE_BANDS.get(services.age_band(case, key) or "", ""),
        "statuses": CaseStatus,
        **_duties(handler, case),
    }
    return render(request, "whistleblowing/case_detail.html", context, status=400 if bound else 200)


def _duties(handler: Handler, case: Case) -> dict[str, Any]:
    """What readers and the informed both see of the duties: dates and who, no content."""
    now = timezone.now()
    return {
        "triggers": list(case.triggers.select_related("handler__user")),
        "help_requests": list(
            case.help_requests.select_related("requested_by__user", "answered_by__user")
        ),
        "open_help": case.help_requests.filter(answered_at__isnull=True).first(),
        "is_central": handler.role in CENTRAL_ROLES,
        "holds": list(case.holds.select_related("placed_by__user")),
        "held_until": max((h.ends_at for h in case.holds.all() if h.ends_at > now), default=None),
    }


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
            {"case": case, "deadlines": selectors.deadlines(case), **_duties(handler, case)},
        )
    return _detail(request, handler, case, key)


def _action(
    request: HttpRequest, pk: Any, form_name: str, form: Any, run: Any, done: Any
) -> HttpResponse:
    """Run one action on the case; ``done`` says what happened, in words of its own
    (issue 17: not just "Lagret."): a string, or a function of the cleaned data."""
    opened = _open(request, pk)
    if isinstance(opened, HttpResponse):
        return opened
    handler, case, key = opened
    if form.is_valid():
        try:
            run(handler, case, key, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done(form.cleaned_data) if callable(done) else done)
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
        _("Mottaket er bekreftet. Varsleren kan lese meldingen din."),
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
        lambda d: (
            _("Tilbakemeldingen er sendt til varsleren.")
            if d["is_feedback"]
            else _("Meldingen er sendt til varsleren.")
        ),
    )


@require_POST
def case_log(request: HttpRequest, pk: Any) -> HttpResponse:
    def run(h: Handler, c: Case, k: bytes, d: dict[str, Any]) -> None:
        fields = {name: value for name, value in d.items() if name not in ("kind", "text")}
        services.log_entry_add(
            handler=h, case=c, key=k, kind=d["kind"], text=d["text"], fields=fields
        )

    return _action(
        request,
        pk,
        "log_form",
        forms.LogEntryForm(request.POST),
        run,
        _("Steget er lagt til i saksdokumentasjonen."),
    )


@require_POST
def case_grant(request: HttpRequest, pk: Any) -> HttpResponse:
    handler = get_handler(request)
    case, _grant = get_case_for_handler(handler, pk)
    form = forms.GrantForm(request.POST, candidates=_grant_candidates(case, handler))

    def run(h: Handler, c: Case, k: bytes, d: dict[str, Any]) -> None:
        target = Handler.objects.get(pk=d["target"])
        services.access_grant(handler=h, case=c, key=k, target=target)

    def done(d: dict[str, Any]) -> str:
        target = Handler.objects.select_related("user").get(pk=d["target"])
        return _("%(name)s har fått tilgang til saken.") % {"name": display_name(target)}

    return _action(request, pk, "grant_form", form, run, done)


# The two ways to end a case, each confirmed on a page that lists the unanswered
# questions: (service, form, form prefix, view name, message when done).
_ENDINGS = {
    "close": (
        services.case_close,
        forms.CloseForm,
        "whistleblowing:case_close",
        _("Saken er avsluttet, og varsleren har fått avslutningsmeldingen."),
    ),
    "triage": (
        services.case_mark_not_a_case,
        forms.NotACaseForm,
        "whistleblowing:case_triage",
        _("Saken er avsluttet som ikke en varslingssak, og varsleren har fått meldingen."),
    ),
}


@require_POST
def case_triage(request: HttpRequest, pk: Any) -> HttpResponse:
    """Not a whistleblowing case: the same two steps as closing, with its own message."""
    return _end_case(request, pk, "triage")


@require_POST
def case_close(request: HttpRequest, pk: Any) -> HttpResponse:
    """Closing takes two steps (issue 17): the reason and the last message to the
    reporter, then a confirmation that lists the questions the reporter has not
    answered, since they cannot answer once the case is closed."""
    return _end_case(request, pk, "close")


def _end_case(request: HttpRequest, pk: Any, ending: str) -> HttpResponse:
    service, form_class, _url, done = _ENDINGS[ending]
    opened = _open(request, pk)
    if isinstance(opened, HttpResponse):
        return opened
    handler, case, key = opened
    form = form_class(request.POST, prefix=ending)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["confirm"]:
                service(
                    handler=handler,
                    case=case,
                    key=key,
                    reason=data["reason"],
                    final_message=data["message"],
                    seen_unanswered=data["seen"],
                )
            unanswered = services.case_close_preview(
                handler=handler, case=case, key=key, reason=data["reason"],
                final_message=data["message"],
            ) if not data["confirm"] else []  # fmt: skip
        except ValidationError as exc:
            if getattr(exc, "code", None) != UNANSWERED_CODE:
                add_service_errors(form, exc)
            else:  # a new question came in meanwhile: confirm again, with it listed
                messages.error(request, " ".join(exc.messages))
                return _close_confirm(request, case, key, form, ending)
        else:
            if data["confirm"]:
                messages.success(request, done)
                return redirect("whistleblowing:case_detail", pk=case.pk)
            return _close_confirm(request, case, key, form, ending, unanswered)
    case.refresh_from_db()
    return _detail(request, handler, case, key, **{f"{ending}_form": form})


def _close_confirm(
    request: HttpRequest,
    case: Case,
    key: bytes,
    form: Any,
    ending: str,
    unanswered: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    _service, form_class, url, _done = _ENDINGS[ending]
    if unanswered is None:
        unanswered = services.unanswered_messages(case, key)
    data = form.cleaned_data
    confirm = form_class(
        prefix=ending,
        initial={
            "reason": data["reason"],
            "message": data["message"],
            "confirm": True,
            "seen": ",".join(str(m["id"]) for m in unanswered),
        },
    )
    return render(
        request,
        "whistleblowing/case_close_confirm.html",
        {
            "case": case,
            "form": confirm,
            "data": data,
            "unanswered": unanswered,
            "action": reverse(url, args=[case.pk]),
            "not_a_case": ending == "triage",
        },
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
    return pdf_response(pdf, f"varsel-{case.short_ref}.pdf", cache_control="no-store")


@require_POST
def case_trigger(request: HttpRequest, pk: Any) -> HttpResponse:
    """W10: inform the secretary general now (confirmed: it cannot be taken back)."""
    return _action(
        request,
        pk,
        "trigger_form",
        forms.TriggerForm(request.POST, prefix="trigger"),
        lambda h, c, k, d: services.case_trigger_mark(
            handler=h, case=c, key=k, kind=d["kind"], text=d["text"]
        ),
        _("Generalsekretæren er informert."),
    )


@require_POST
def case_help(request: HttpRequest, pk: Any) -> HttpResponse:
    """W11: ask the central party for help within 14 days."""
    return _action(
        request,
        pk,
        "help_form",
        forms.HelpRequestForm(request.POST, prefix="help"),
        lambda h, c, k, d: services.help_request(handler=h, case=c, key=k, text=d["text"]),
        _("Partiet sentralt er bedt om bistand."),
    )


@require_POST
def case_help_answer(request: HttpRequest, pk: Any) -> HttpResponse:
    """W11: someone central records that help is given. Needs no key, so an informed
    secretary general (youth-wing report) can answer too; readers get a log entry."""
    handler = get_handler(request)
    case, grant = get_case_for_handler(handler, pk, read=False)
    if handler.role not in CENTRAL_ROLES:
        raise PermissionDenied
    key = None
    if grant.access == Access.READ:
        private = unlock.get(request, unlock.HANDLER, handler=handler)
        if private is None:
            return _unlock_redirect(request)
        key = services.case_key_for_handler(handler=handler, case=case, private_key=private)
    try:
        services.help_answer(handler=handler, case=case, key=key)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Registrert: bistand er gitt."))
    return redirect("whistleblowing:case_detail", pk=case.pk)


@require_POST
def case_age(request: HttpRequest, pk: Any) -> HttpResponse:
    """W13, W15: record whether the person affected is under 18 or under 16."""
    return _action(
        request,
        pk,
        "age_form",
        forms.AgeForm(request.POST, prefix="age"),
        lambda h, c, k, d: services.case_age_record(handler=h, case=c, key=k, band=d["band"]),
        _("Alderen på den det gjelder er registrert."),
    )


@require_POST
def case_hold(request: HttpRequest, pk: Any) -> HttpResponse:
    """W14: stop the deletion while the police or a court needs the case."""
    return _action(
        request,
        pk,
        "hold_form",
        forms.HoldForm(request.POST, prefix="hold"),
        lambda h, c, k, d: services.legal_hold_place(
            handler=h, case=c, key=k, reason=d["reason"], ends_on=d["ends_on"], text=d["text"]
        ),
        lambda d: (
            _("Slettingen er stanset til %(date)s.") % {"date": day(d["ends_on"], "document")}
        ),
    )

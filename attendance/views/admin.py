"""Course administrators (Senterpartiskolen): approval, exemptions, the quarterly subsidy
report (S4, S7) and the dated policies and rates (S15)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance import selectors, services
from attendance.forms import (
    ExemptionDecisionForm,
    PolicyForm,
    QuarterCloseForm,
    QuarterForm,
    RateForm,
    RejectForm,
)
from attendance.models import CourseStatus, Exemption, StudyPolicy, SubsidyRate
from attendance.permissions import get_course_for_user, require_course_admin
from config.csvexport import csv_response
from config.web import add_service_errors, current_user, run_form


def admin_queue(request: HttpRequest) -> HttpResponse:
    require_course_admin(request.user)
    return render(
        request,
        "attendance/admin_queue.html",
        {"courses": selectors.admin_queue(), "exemptions": selectors.pending_exemptions()},
    )


def admin_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    course = get_course_for_user(user, pk, "decide")
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("decision") == "approve":
                services.course_approve(actor=user, course=course)
                messages.success(request, _("Kurset er godkjent."))
            else:
                services.course_reject(
                    actor=user, course=course, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Kurset er avvist."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("attendance:admin_queue")
    status = selectors.course_status(course)
    return render(
        request,
        "attendance/admin_decide.html",
        {
            "course": course,
            "form": form,
            "status": status,
            "evaluation": status.evaluation,
            "statuses": CourseStatus,
        },
    )


def exemption_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require_course_admin(request.user)
    user = current_user(request)
    exemption = get_object_or_404(
        Exemption.objects.select_related("course", "course__group"), pk=pk
    )
    form = ExemptionDecisionForm(request.POST or None)
    response = run_form(
        request,
        form,
        lambda d: services.exemption_decide(
            actor=user, exemption=exemption, grant=d["decision"] == "grant", note=d["note"]
        ),
        _("Søknaden om unntak er avgjort."),
        reverse("attendance:admin_queue"),
    )
    if response:
        return response
    return render(
        request, "attendance/exemption_decide.html", {"form": form, "exemption": exemption}
    )


def _report_for(request: HttpRequest) -> tuple[QuarterForm, selectors.SubsidyReport | None]:
    form = QuarterForm(request.GET or QuarterForm.current())
    if not form.is_valid():
        return form, None
    return form, selectors.subsidy_report(form.cleaned_data["year"], form.cleaned_data["quarter"])


def subsidy_report(request: HttpRequest) -> HttpResponse:
    require_course_admin(request.user)
    form, report = _report_for(request)
    return render(
        request,
        "attendance/subsidy_report.html",
        {"form": form, "report": report},
        status=200 if report else 400,
    )


def _split_text(line: selectors.SubsidyLine) -> str:
    return ", ".join(
        _("%(hours)s i %(quarter)s. kvartal %(year)s") % {"hours": h, "quarter": q, "year": y}
        for y, q, h in line.split
    )


def subsidy_csv(request: HttpRequest) -> HttpResponse:
    """S7: the report as CSV, naming the rate and each course's policy, and the split of
    each course's hours by quarter."""
    require_course_admin(request.user)
    _form, report = _report_for(request)
    if report is None:
        return HttpResponse(_("Ugyldig år eller kvartal."), status=400, content_type="text/plain")
    rate = report.rate_amount if report.rate_amount is not None else ""
    status = (
        _("Lukket, versjon %(version)s, %(date)s")
        % {
            "version": report.closing.version,
            "date": timezone.localtime(report.closing.closed_at).strftime("%d.%m.%Y"),
        }
        if report.closing
        else _("Åpent")
    )
    header = [
        _("Kurs-id"),
        _("Kurs"),
        _("Gruppe"),
        _("Godkjente studietimer i kvartalet"),
        _("Kursets studietimer i alt"),
        _("Fordeling per kvartal"),
        _("Regelsett fra"),
        _("Sats (kr per studietime)"),
        _("Beløp"),
        _("Kvartalets status"),
    ]
    lines = [
        [
            line.course_id,
            line.title,
            line.group,
            line.hours,
            line.course_hours,
            _split_text(line),
            line.policy,
            rate,
            line.amount,
            status,
        ]
        for line in report.lines
    ]
    total = ["", _("Sum"), "", report.total_hours, "", "", "", rate, report.total_amount, status]
    name = f"opplaeringstilskudd-{report.year}-K{report.quarter}.csv"
    return csv_response(name, [header, *lines, total])


def quarter_close(request: HttpRequest) -> HttpResponse:
    """S7: close a quarter (paid) after a confirmation showing what is locked; a closed
    quarter can only get a corrected version, with its reason."""
    require_course_admin(request.user)
    user = current_user(request)
    source = (request.POST if request.method == "POST" else request.GET) or QuarterForm.current()
    period = QuarterForm(source)
    if not period.is_valid():
        return render(
            request, "attendance/quarter_close.html", {"form": period, "report": None}, status=400
        )
    year, quarter = period.cleaned_data["year"], period.cleaned_data["quarter"]
    report = selectors.subsidy_report(year, quarter)
    form = QuarterCloseForm(
        request.POST if request.method == "POST" else None,
        initial={"year": year, "quarter": quarter},
        correcting=report.is_closed,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if report.is_closed:
                closing = services.quarter_correct(
                    actor=user, year=year, quarter=quarter, note=form.cleaned_data["note"]
                )
            else:
                closing = services.quarter_close(actor=user, year=year, quarter=quarter)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(quarter)s. kvartal %(year)s er lukket (versjon %(version)s).")
                % {"quarter": quarter, "year": year, "version": closing.version},
            )
            url = reverse("attendance:subsidy_report")
            return redirect(f"{url}?year={year}&quarter={quarter}")
    return render(
        request,
        "attendance/quarter_close.html",
        {"form": form, "report": report},
        status=400 if request.method == "POST" else 200,
    )


def _fingerprint(data: dict[str, object]) -> str:
    """What the administrator saw in the preview; a confirmation of other values is not one."""
    text = json.dumps({k: str(v) for k, v in sorted(data.items())}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class PreviewStep:
    """Where a previewed change stands: ``preview`` to show (with ``fingerprint`` sent back
    on confirming), or ``saved``; neither when the form is new or has errors."""

    preview: object = None
    fingerprint: str = ""
    saved: bool = False


def _preview_then_save(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    preview: Callable[[dict[str, Any]], object],
    save: Callable[[dict[str, Any]], object],
) -> PreviewStep:
    """A change that is saved only after a look at what it does (S7, S15). A valid form is
    previewed; the same values sent back with ``confirm=1`` and the preview's fingerprint
    are saved; other values are previewed again. A refusal lands on the form."""
    step = PreviewStep()
    if request.method != "POST" or not form.is_valid():
        return step
    data = dict(form.cleaned_data)
    step.fingerprint = _fingerprint(data)
    confirmed = request.POST.get("confirm") == "1"
    try:
        if confirmed and request.POST.get("previewed") == step.fingerprint:
            save(data)
            step.saved = True
        else:
            step.preview = preview(data)
    except ValidationError as exc:
        add_service_errors(form, exc)
    return step


POLICY_FIELDS = (
    "valid_from",
    "min_study_hours",
    "min_participants",
    "min_share_numerator",
    "min_share_denominator",
    "min_age",
    "leader_counts",
    "rounding",
    "share_base",
    "retention_years",
)


def _policy_numbers(data: dict[str, Any]) -> dict[str, Any]:
    """The policy form's values, each by name (the service takes nothing else)."""
    return {name: data[name] for name in POLICY_FIELDS}


def _policy_preview(data: dict[str, Any]) -> object:
    try:
        return services.policy_preview(StudyPolicy(**_policy_numbers(data)))
    except ValueError:
        raise ValidationError(_("Tallene i regelsettet henger ikke sammen.")) from None


def policies(request: HttpRequest) -> HttpResponse:
    """S15: a new policy is saved only after a preview of the open courses it would judge
    instead; approved courses keep the policy pinned to them."""
    require_course_admin(request.user)
    user = current_user(request)
    form = PolicyForm(request.POST or None)
    step = _preview_then_save(
        request,
        form,
        preview=_policy_preview,
        save=lambda data: services.policy_create(actor=user, **_policy_numbers(data)),
    )
    if step.saved:
        messages.success(request, _("Det nye regelsettet er lagret."))
        return redirect("attendance:policies")
    return render(
        request,
        "attendance/policies.html",
        {
            "form": form,
            "policies": StudyPolicy.objects.all(),
            "preview": step.preview,
            "previewed": step.fingerprint,
            "today": timezone.localdate(),
        },
    )


def rates(request: HttpRequest) -> HttpResponse:
    """S7: a rate is saved after a preview of the quarters it changes; closed quarters keep
    the rate they were closed with."""
    require_course_admin(request.user)
    user = current_user(request)
    form = RateForm(request.POST or None)
    step = _preview_then_save(
        request,
        form,
        preview=lambda data: services.rate_preview(data["year"], data["amount_per_hour"]),
        save=lambda data: services.rate_set(
            actor=user, year=data["year"], amount_per_hour=data["amount_per_hour"]
        ),
    )
    if step.saved:
        messages.success(request, _("Satsen er lagret."))
        return redirect("attendance:rates")
    return render(
        request,
        "attendance/rates.html",
        {
            "form": form,
            "rates": SubsidyRate.objects.all(),
            "preview": step.preview,
            "previewed": step.fingerprint,
        },
    )

"""Course administrators (Senterpartiskolen): approval, exemptions, the quarterly subsidy
report (S4, S7) and the dated policies and rates (S15)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from attendance import selectors, services
from attendance.forms import ExemptionDecisionForm, PolicyForm, QuarterForm, RateForm, RejectForm
from attendance.models import CourseStatus, Exemption, StudyPolicy, SubsidyRate
from attendance.permissions import get_course_for_user, require_course_admin
from attendance.views._common import csv_response, current_user
from groups.forms import add_service_errors, run_form


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


def subsidy_csv(request: HttpRequest) -> HttpResponse:
    require_course_admin(request.user)
    _form, report = _report_for(request)
    if report is None:
        return HttpResponse(_("Ugyldig år eller kvartal."), status=400, content_type="text/plain")
    rate = report.rate.amount_per_hour if report.rate else ""
    header = [
        _("Kurs-id"),
        _("Kurs"),
        _("Gruppe"),
        _("Godkjente studietimer"),
        _("Sats"),
        _("Beløp"),
    ]
    lines = [
        [line.course.pk, line.course.title, str(line.course.group), line.hours, rate, line.amount]
        for line in report.lines
    ]
    total = ["", _("Sum"), "", report.total_hours, rate, report.total_amount]
    name = f"opplaeringstilskudd-{report.year}-K{report.quarter}.csv"
    return csv_response(name, [header, *lines, total])


def policies(request: HttpRequest) -> HttpResponse:
    require_course_admin(request.user)
    user = current_user(request)
    form = PolicyForm(request.POST or None)
    response = run_form(
        request,
        form,
        lambda d: services.policy_create(actor=user, **d),
        _("Det nye regelsettet er lagret."),
        reverse("attendance:policies"),
    )
    if response:
        return response
    return render(
        request,
        "attendance/policies.html",
        {"form": form, "policies": StudyPolicy.objects.all()},
    )


def rates(request: HttpRequest) -> HttpResponse:
    require_course_admin(request.user)
    user = current_user(request)
    form = RateForm(request.POST or None)
    response = run_form(
        request,
        form,
        lambda d: services.rate_set(actor=user, **d),
        _("Satsen er lagret."),
        reverse("attendance:rates"),
    )
    if response:
        return response
    return render(
        request, "attendance/rates.html", {"form": form, "rates": SubsidyRate.objects.all()}
    )

"""Views of the study work: thin, every rule in services and the engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from attendance import checkin, selectors, services
from attendance.forms import (
    CourseForm,
    ExemptionDecisionForm,
    ExemptionForm,
    PolicyForm,
    PresenceCorrectForm,
    PresenceForm,
    QuarterForm,
    RateForm,
    RejectForm,
    SessionForm,
)
from attendance.models import (
    Consent,
    Course,
    CourseSession,
    CourseStatus,
    Exemption,
    Presence,
    StudyPlan,
    StudyPolicy,
    SubsidyRate,
)
from attendance.permissions import (
    can_lead,
    get_course_for_user,
    get_session_for_user,
    is_course_admin,
    require_course_admin,
)
from config.csvexport import csv_download
from groups.forms import add_service_errors, run_form
from groups.models import User
from groups.permissions import can_manage, get_group_for_user
from meetings.models import Meeting


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # LoginRequiredMiddleware guarantees this
        raise PermissionDenied
    return user


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- the member ----------------------------------------------------------------------------
def my_hours(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "attendance/my_hours.html",
        {
            "courses": selectors.my_courses(user),
            "consents": Consent.objects.filter(user=user, withdrawn_at__isnull=True)
            .select_related("course")
            .order_by("-given_at"),
        },
    )


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(StudyPlan.objects.prefetch_related("chapters"), pk=pk)
    return render(request, "attendance/plan_detail.html", {"plan": plan})


@login_not_required
def announcement(request: HttpRequest, pk: int) -> HttpResponse:
    """S13: an approved course is announced openly (no personal data beyond the leader)."""
    course = get_object_or_404(
        Course.objects.select_related("group", "plan", "course_leader"),
        pk=pk,
        status__in=(CourseStatus.APPROVED, CourseStatus.COMPLETED, CourseStatus.REPORTED),
    )
    sessions = course.sessions.select_related("meeting", "chapter").order_by("meeting__starts_at")
    return render(request, "attendance/announcement.html", {"course": course, "sessions": sessions})


# --- the group and the course -------------------------------------------------------------
def group_courses(request: HttpRequest, group_pk: int) -> HttpResponse:
    user = _user(request)
    group = get_group_for_user(user, group_pk, "view")
    courses = group.courses.select_related("plan", "course_leader").order_by("-created_at")
    return render(
        request,
        "attendance/group_courses.html",
        {"group": group, "courses": courses, "can_manage": can_manage(user, group)},
    )


def course_create(request: HttpRequest, group_pk: int) -> HttpResponse:
    user = _user(request)
    group = get_group_for_user(user, group_pk, "manage")
    form = CourseForm(request.POST or None, group=group)
    created: list[Course] = []

    def action(data: dict[str, Any]) -> None:
        created.append(services.course_create(actor=user, group=group, **data))

    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Kurset er opprettet. Legg til møtene som samlinger."))
            return redirect("attendance:course_detail", created[0].pk)
    return render(request, "attendance/course_form.html", {"form": form, "group": group})


def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    course = get_course_for_user(user, pk, "view")
    lead = can_lead(user, course)
    records = lead or is_course_admin(user)
    status = selectors.course_status(course)
    return render(
        request,
        "attendance/course_detail.html",
        {
            "course": course,
            "status": status,
            "evaluation": status.evaluation,
            "sessions": status.sessions,
            "can_lead": lead,
            "can_see_records": records,
            "my_consent": checkin.active_consent(course, user),
            "exemptions": course.exemptions.order_by("-requested_at"),
            "policy": status.inputs.policy_record,
        },
    )


def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    course = get_course_for_user(user, pk, "lead")
    initial = {
        "title": course.title,
        "plan": course.plan_id,
        "course_leader": course.course_leader_id,
    }
    form = CourseForm(request.POST or None, group=course.group, initial=initial)
    response = run_form(
        request,
        form,
        lambda d: services.course_update(actor=user, course=course, **d),
        _("Kurset er lagret."),
        reverse("attendance:course_detail", args=[course.pk]),
    )
    if response:
        return response
    return render(
        request,
        "attendance/course_form.html",
        {"form": form, "group": course.group, "course": course},
    )


def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    course = get_course_for_user(user, pk, "lead")
    form = SessionForm(request.POST or None, group=course.group, plan=course.plan)
    response = run_form(
        request,
        form,
        lambda d: services.course_session_add(actor=user, course=course, **d),
        _("Møtet er lagt til som samling."),
        reverse("attendance:course_detail", args=[course.pk]),
    )
    if response:
        return response
    chapters = course.plan.chapters.all()
    return render(
        request,
        "attendance/session_form.html",
        {"form": form, "course": course, "chapters": chapters},
    )


@require_POST
def session_remove(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    user = _user(request)
    course = get_course_for_user(user, pk, "lead")
    session = get_object_or_404(CourseSession, pk=session_pk, course=course)
    try:
        services.course_session_remove(actor=user, session=session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Samlingen er fjernet fra kurset."))
    return redirect("attendance:course_detail", course.pk)


_TRANSITIONS: dict[str, tuple[Callable[..., Course], Any]] = {
    "submit": (services.course_submit, gettext_lazy("Kurset er sendt til godkjenning.")),
    "withdraw": (services.course_withdraw, gettext_lazy("Kurset er trukket tilbake til utkast.")),
    "complete": (services.course_complete, gettext_lazy("Kurset er markert som gjennomført.")),
    "report": (services.course_report, gettext_lazy("Kurset er rapportert til Senterpartiskolen.")),
}


@require_POST
def course_transition(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    course = get_course_for_user(user, pk, "lead")
    step = _TRANSITIONS.get(request.POST.get("action", ""))
    if step is None:
        messages.error(request, _("Ukjent handling."))
        return redirect("attendance:course_detail", course.pk)
    try:
        step[0](actor=user, course=course)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, str(step[1]))
    return redirect("attendance:course_detail", course.pk)


def exemption_request(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    course = get_course_for_user(user, pk, "lead")
    form = ExemptionForm(request.POST or None)
    response = run_form(
        request,
        form,
        lambda d: services.exemption_request(actor=user, course=course, **d),
        _("Søknaden om unntak er sendt til Senterpartiskolen."),
        reverse("attendance:course_detail", args=[course.pk]),
    )
    if response:
        return response
    return render(
        request,
        "attendance/exemption_form.html",
        {
            "form": form,
            "course": course,
            "representatives": services.regular_representatives(course.group),
        },
    )


@require_POST
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    course = get_course_for_user(user, pk, "view")
    try:
        checkin.consent_withdraw(actor=user, course=course)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Samtykket er trukket tilbake. Du blir ikke registrert på flere samlinger i kurset."),
        )
    return redirect("attendance:my_hours")


# --- the leader's live view and lists -----------------------------------------------------
@never_cache
def live(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    course = get_course_for_user(user, pk, "records")
    status = selectors.course_status(course)
    template = "attendance/_live.html" if _is_htmx(request) else "attendance/live.html"
    return render(request, template, {"course": course, "status": status})


def attendance_list(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    course = get_course_for_user(user, pk, "records")
    sessions, rows = selectors.attendance_list_rows(course)
    return render(
        request,
        "attendance/attendance_list.html",
        {"course": course, "sessions": sessions, "rows": rows},
    )


def attendance_list_csv(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    course = get_course_for_user(user, pk, "records")
    sessions, rows = selectors.attendance_list_rows(course)
    response, writer = csv_download(f"frammoteliste-kurs-{course.pk}.csv")
    header = [_("Navn"), _("Fødselsår"), _("Kjønn"), _("Postnummer")]
    header += [timezone.localtime(s.meeting.starts_at).strftime("%d.%m.%Y") for s in sessions]
    writer.writerow([*header, _("Timer i alt")])
    writer.writerows(rows)
    return response


# --- check-in -------------------------------------------------------------------------------
@never_cache
def qr_screen(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    session = get_session_for_user(_user(request), meeting_pk, "lead")
    return render(request, "attendance/qr_screen.html", _qr_context(request, session))


@never_cache
def qr_code(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    session = get_session_for_user(_user(request), meeting_pk, "lead")
    return render(request, "attendance/_qr_code.html", _qr_context(request, session))


def _qr_context(request: HttpRequest, session: CourseSession) -> dict[str, Any]:
    now = timezone.now()
    meeting = session.meeting
    is_open = checkin.checkin_open(meeting, now)
    context: dict[str, Any] = {"session": session, "meeting": meeting, "course": session.course}
    context["is_open"] = is_open
    if is_open:
        url = request.build_absolute_uri(
            reverse("attendance:scan", args=[checkin.qr_token(meeting, now)])
        )
        qr = segno.make(url, error="m")
        # segno writes the SVG itself and XML-escapes the title and our own URL in it.
        context["qr_svg"] = mark_safe(  # noqa: S308
            qr.svg_inline(scale=8, title=_("QR-kode for innsjekking"), dark="#000")
        )
        context["checkin_url"] = url
    if services.is_digital(meeting):
        context["digital_url"] = request.build_absolute_uri(
            reverse("attendance:scan", args=[checkin.link_token(meeting)])
        )
    return context


@login_not_required
@never_cache
def scan(request: HttpRequest, token: str) -> HttpResponse:
    """The QR code's URL: checks the token now (it expires in seconds), grants this browser
    the right to check in for a while, then sends the member to log in if needed."""
    now = timezone.now()
    try:
        grant = checkin.token_redeem(token, now)
    except ValidationError as exc:
        return render(request, "attendance/scan_refused.html", {"errors": exc.messages}, status=400)
    checkin.grant_store(request.session, grant, now)
    target = reverse("attendance:checkin", args=[grant.meeting_id])
    if not request.user.is_authenticated:
        return redirect_to_login(target)
    return redirect(target)


@never_cache
def checkin_view(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    user = _user(request)
    now = timezone.now()
    grant = checkin.grant_load(request.session, meeting_pk, now)
    meeting = get_object_or_404(Meeting, pk=meeting_pk)
    session = (
        CourseSession.objects.select_related("course", "course__plan")
        .filter(meeting=meeting)
        .first()
    )
    if grant is None or session is None:
        raise Http404
    course = session.course
    consent = checkin.active_consent(course, user)
    open_presence = Presence.objects.filter(
        meeting=meeting, user=user, ended_at__isnull=True
    ).first()
    errors: list[str] = []
    if request.method == "POST":
        try:
            if consent is None:
                if request.POST.get("consent") != "yes":
                    raise ValidationError(
                        _("Du må krysse av for samtykke for å bli registrert som til stede.")
                    )
                consent = checkin.consent_give(actor=user, course=course)
            presence, created = checkin.presence_check_in(
                actor=user, meeting=meeting, source=grant.source, now=now
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            if created:
                messages.success(
                    request,
                    _("Du er registrert som til stede fra kl. %(time)s.")
                    % {"time": timezone.localtime(presence.started_at).strftime("%H:%M")},
                )
            else:
                messages.info(request, _("Du var allerede sjekket inn. Ingenting er endret."))
            return redirect("attendance:checkin", meeting.pk)
    return render(
        request,
        "attendance/checkin.html",
        {
            "meeting": meeting,
            "course": course,
            "consent": consent,
            "open_presence": open_presence,
            "errors": errors,
            "retention_years": services.course_policy(course).retention_years,
        },
        status=400 if errors else 200,
    )


@require_POST
def checkout(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    user = _user(request)
    meeting = get_object_or_404(Meeting, pk=meeting_pk)
    if not Presence.objects.filter(meeting=meeting, user=user).exists():
        raise Http404
    try:
        presence = checkin.presence_check_out(actor=user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Du er sjekket ut kl. %(time)s.")
            % {"time": timezone.localtime(presence.ended_at).strftime("%H:%M")},
        )
    return redirect("attendance:my_hours")


def presence_edit(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """The leader adds presence for a member who consented (always with a reason)."""
    user = _user(request)
    session = get_session_for_user(user, meeting_pk, "lead")
    consenting = User.objects.filter(
        course_consents__course=session.course, course_consents__withdrawn_at__isnull=True
    ).order_by("full_name")
    form = PresenceForm(request.POST or None, users=consenting)
    response = run_form(
        request,
        form,
        lambda d: checkin.presence_add(actor=user, meeting=session.meeting, **d),
        _("Frammøtet er registrert."),
        reverse("attendance:presence_edit", args=[meeting_pk]),
    )
    if response:
        return response
    presences = (
        Presence.objects.filter(meeting=session.meeting)
        .select_related("user")
        .order_by("user__full_name", "started_at")
    )
    return render(
        request,
        "attendance/presence_edit.html",
        {"session": session, "course": session.course, "form": form, "presences": presences},
    )


def presence_correct(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    presence = get_object_or_404(Presence.objects.select_related("meeting", "user"), pk=pk)
    session = get_session_for_user(user, presence.meeting_id, "lead")
    initial = {
        "started_at": timezone.localtime(presence.started_at).strftime("%Y-%m-%dT%H:%M"),
        "ended_at": timezone.localtime(presence.ended_at).strftime("%Y-%m-%dT%H:%M")
        if presence.ended_at
        else None,
    }
    form = PresenceCorrectForm(request.POST or None, initial=initial)
    response = run_form(
        request,
        form,
        lambda d: checkin.presence_correct(actor=user, presence=presence, **d),
        _("Frammøtet er rettet."),
        reverse("attendance:presence_edit", args=[presence.meeting_id]),
    )
    if response:
        return response
    return render(
        request,
        "attendance/presence_correct.html",
        {"form": form, "presence": presence, "session": session, "course": session.course},
    )


# --- course administrators -----------------------------------------------------------------
def admin_queue(request: HttpRequest) -> HttpResponse:
    require_course_admin(request.user)
    return render(
        request,
        "attendance/admin_queue.html",
        {"courses": selectors.admin_queue(), "exemptions": selectors.pending_exemptions()},
    )


def admin_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
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
        {"course": course, "form": form, "status": status, "evaluation": status.evaluation},
    )


def exemption_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require_course_admin(request.user)
    user = _user(request)
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
    response, writer = csv_download(f"opplaeringstilskudd-{report.year}-K{report.quarter}.csv")
    rate = report.rate.amount_per_hour if report.rate else ""
    writer.writerow(
        [_("Kurs-id"), _("Kurs"), _("Gruppe"), _("Godkjente studietimer"), _("Sats"), _("Beløp")]
    )
    for line in report.lines:
        writer.writerow(
            [
                line.course.pk,
                line.course.title,
                str(line.course.group),
                line.hours,
                rate,
                line.amount,
            ]
        )
    writer.writerow(["", _("Sum"), "", report.total_hours, rate, report.total_amount])
    return response


def policies(request: HttpRequest) -> HttpResponse:
    require_course_admin(request.user)
    user = _user(request)
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
    user = _user(request)
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

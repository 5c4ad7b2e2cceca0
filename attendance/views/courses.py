"""The course pages: the group's courses, the workflow, the live view and the attendance
list (HTML, CSV, printable PDF). Thin: every rule is in services and the engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from attendance import selectors, services
from attendance.forms import CourseForm, ExemptionForm, SessionForm
from attendance.models import Course, CourseSession, CourseStatus
from attendance.permissions import can_lead, get_course_for_user, is_course_admin
from attendance.services.attendance_list import ATTENDANCE_LIST_PDF_TEMPLATE
from config.conditional import conditional_download, content_etag
from config.csvexport import csv_response
from config.pagecache import fragments
from config.params import parse_id
from config.web import current_user, is_htmx, pdf_headers, run_form, run_or_message
from groups.permissions import can_manage, get_group_for_user


def group_courses(request: HttpRequest, group_pk: int) -> HttpResponse:
    user = current_user(request)
    group = get_group_for_user(user, group_pk, "view")
    courses = group.courses.select_related("plan", "course_leader").order_by("-created_at")
    return render(
        request,
        "attendance/group_courses.html",
        {"group": group, "courses": courses, "can_manage": can_manage(user, group)},
    )


def course_create(request: HttpRequest, group_pk: int) -> HttpResponse:
    user = current_user(request)
    group = get_group_for_user(user, group_pk, "manage")
    form = CourseForm(request.POST or None, group=group)
    done = run_form(
        request,
        form,
        lambda d: services.course_create(
            actor=user,
            group=group,
            plan=d["plan"],
            title=d["title"],
            course_leader=d["course_leader"],
        ),
        _("Kurset er opprettet. Legg til møtene som samlinger."),
        lambda course: reverse("attendance:course_detail", args=[course.pk]),
    )
    if done:
        return done
    return render(request, "attendance/course_form.html", {"form": form, "group": group})


def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
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
            "my_consent": services.active_consent(course, user),
            "exemptions": course.exemptions.order_by("-requested_at"),
            "policy": status.inputs.policy_record,
            "statuses": CourseStatus,
            "my_missing_birth_year": user.birth_year is None
            and any(r.user.pk == user.pk and r.result.minutes_present for r in status.rows),
        },
    )


def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    course = get_course_for_user(user, pk, "lead")
    initial = {
        "title": course.title,
        "plan": course.plan_id,
        "course_leader": course.course_leader_id,
    }
    form = CourseForm(request.POST or None, group=course.group, initial=initial, keep=course.plan)
    response = run_form(
        request,
        form,
        lambda d: services.course_update(
            actor=user,
            course=course,
            plan=d["plan"],
            title=d["title"],
            course_leader=d["course_leader"],
        ),
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
    """S2: the leader plans a session from a chapter of the course's plan version and sees
    that chapter's "Til diskusjon" questions and tips (htmx swaps them when the chapter
    changes; without JavaScript, ``?chapter=`` or a redisplayed form shows them)."""
    user = current_user(request)
    course = get_course_for_user(user, pk, "lead")
    chapters = course.plan.chapters.order_by("number")
    chosen_id = parse_id(
        request.POST.get("chapter") if request.method == "POST" else request.GET.get("chapter")
    )
    chosen = next((c for c in chapters if c.pk == chosen_id), None)
    if is_htmx(request) and request.method == "GET":
        return render(
            request, "attendance/_session_chapter.html", {"course": course, "chosen": chosen}
        )
    form = SessionForm(
        request.POST or None,
        group=course.group,
        plan=course.plan,
        initial={"chapter": chosen.pk} if chosen else {},
        chapter_url=reverse("attendance:session_add", args=[course.pk]),
    )
    response = run_form(
        request,
        form,
        lambda d: services.course_session_add(
            actor=user, course=course, meeting=d["meeting"], chapter=d["chapter"]
        ),
        _("Møtet er lagt til som samling."),
        reverse("attendance:course_detail", args=[course.pk]),
    )
    if response:
        return response
    return render(
        request,
        "attendance/session_form.html",
        {"form": form, "course": course, "chapters": chapters, "chosen": chosen},
    )


@require_POST
def session_remove(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    user = current_user(request)
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
    user = current_user(request)
    course = get_course_for_user(user, pk, "lead")
    step = _TRANSITIONS.get(request.POST.get("action", ""))
    if step is None:
        messages.error(request, _("Ukjent handling."))
        return redirect("attendance:course_detail", course.pk)
    if run_or_message(request, step[0], actor=user, course=course):
        messages.success(request, str(step[1]))
    return redirect("attendance:course_detail", course.pk)


def exemption_request(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    course = get_course_for_user(user, pk, "lead")
    form = ExemptionForm(request.POST or None)
    response = run_form(
        request,
        form,
        lambda d: services.exemption_request(
            actor=user, course=course, ground=d["ground"], reason=d["reason"]
        ),
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
            "representatives": selectors.regular_representatives(course.group),
        },
    )


@never_cache
def live(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    course = get_course_for_user(user, pk, "records")
    template = "attendance/_live.html" if is_htmx(request) else "attendance/live.html"
    # polled every 15 s by the leader's screen: the table is kept until a check-in (or any
    # other write) or the minute changes (config/pagecache.py)
    kept = fragments(
        request, "live", course.pk, context=lambda: {"status": selectors.course_status(course)}
    )
    return render(request, template, {"course": course, "fragments": kept})


def attendance_list(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    course = get_course_for_user(user, pk, "records")
    return render(
        request,
        "attendance/attendance_list.html",
        {"course": course, "list": selectors.attendance_list(course)},
    )


def attendance_list_csv(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    course = get_course_for_user(user, pk, "records")
    listing = selectors.attendance_list(course)
    header = [_("Navn"), _("Fødselsår"), _("Kjønn"), _("Postnummer"), *listing.dates]
    rows = [[*header, _("Timer i alt")], *(row.cells for row in listing.rows)]
    return csv_response(f"frammoteliste-kurs-{course.pk}.csv", rows)


def attendance_list_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The page for the printable list: the leader confirms it here. No "send" (S6)."""
    user = current_user(request)
    course = get_course_for_user(user, pk, "records")
    if request.method == "POST":
        if run_or_message(request, services.attendance_list_confirm, actor=user, course=course):
            messages.success(request, _("Frammøtelista er bekreftet."))
        return redirect("attendance:attendance_list_print", course.pk)
    return render(
        request,
        "attendance/certificates/attendance_list.html",
        {
            "course": course,
            "list": selectors.attendance_list(course),
            "is_course_leader": course.course_leader_id == user.pk,
            "confirmable": course.is_finished,
        },
    )


def attendance_list_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The list as PDF; a repeat request gets 304 while the list (all of it but the print
    time) is unchanged. Never stored or cached (S10), and ``no-store`` for the browser."""
    user = current_user(request)
    course = get_course_for_user(user, pk, "records")
    listing = selectors.attendance_list(course)
    unprinted = render_to_string(
        ATTENDANCE_LIST_PDF_TEMPLATE,
        {"list": listing, "course": course, "printed": None},
    )
    return conditional_download(
        request,
        kind="attendance-list",
        owner=user.pk,
        etag=content_etag(unprinted),
        build=lambda: services.attendance_list_pdf(course, listing=listing),
        content_type="application/pdf",
        headers=pdf_headers(f"frammoteliste-kurs-{course.pk}.pdf"),
        store=False,
    )

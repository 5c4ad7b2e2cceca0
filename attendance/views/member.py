"""The member's pages: own hours and consents, study plans, open announcements (S10, S13)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attendance import selectors, services
from attendance.models import ANNOUNCED_STATUSES, Consent, Course, StudyPlan
from attendance.permissions import get_course_for_user
from config.web import current_user


def my_hours(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(
        request,
        "attendance/my_hours.html",
        {
            # S16: a running session the member checked in to: check out, or in again.
            "checkins": {"states": selectors.my_running_checkins(user, timezone.now())},
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
        status__in=ANNOUNCED_STATUSES,
    )
    sessions = course.sessions.select_related("meeting", "chapter").order_by("meeting__starts_at")
    return render(request, "attendance/announcement.html", {"course": course, "sessions": sessions})


@require_POST
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    course = get_course_for_user(user, pk, "view")
    try:
        services.consent_withdraw(actor=user, course=course)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Samtykket er trukket tilbake. Du blir ikke registrert på flere samlinger i kurset."),
        )
    return redirect("attendance:my_hours")

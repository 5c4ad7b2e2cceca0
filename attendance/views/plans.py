"""Study plans for course administrators (S2, S9, S13): create a plan, write its chapters
with the "Til diskusjon" questions and tips, approve it, and make a new version."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from attendance import services
from attendance.forms import ChapterForm, PlanApproveForm, StudyPlanForm
from attendance.models import StudyChapter, StudyPlan
from attendance.permissions import require_course_admin
from attendance.services.plans import lines
from config.web import current_user, run_form


def _plan(request: HttpRequest, pk: int) -> StudyPlan:
    require_course_admin(request.user)
    return get_object_or_404(StudyPlan, pk=pk)


def _fields(d: dict[str, object]) -> services.PlanFields:
    return services.PlanFields(
        name=str(d["name"]),
        description=str(d["description"]),
        learning_objectives=str(d["learning_objectives"]),
        allows_digital=bool(d["allows_digital"]),
    )


def plan_list(request: HttpRequest) -> HttpResponse:
    require_course_admin(request.user)
    plans = StudyPlan.objects.order_by("name", "-version").prefetch_related("courses")
    current = set(StudyPlan.objects.current().values_list("pk", flat=True))
    return render(request, "attendance/plan_list.html", {"plans": plans, "current": current})


def plan_create(request: HttpRequest) -> HttpResponse:
    require_course_admin(request.user)
    user = current_user(request)
    form = StudyPlanForm(
        request.POST if request.method == "POST" else None, initial={"allows_digital": True}
    )
    done = run_form(
        request,
        form,
        lambda d: services.plan_create(actor=user, fields=_fields(d)),
        _("Studieplanen er opprettet som utkast. Legg til kapitlene."),
        lambda plan: reverse("attendance:plan_edit", args=[plan.pk]),
    )
    if done:
        return done
    return render(request, "attendance/plan_form.html", {"form": form, "plan": None})


def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    user = current_user(request)
    form = None
    if not plan.is_approved:
        form = StudyPlanForm(
            request.POST if request.method == "POST" else None,
            initial={
                "name": plan.name,
                "description": plan.description,
                "learning_objectives": plan.learning_objectives,
                "allows_digital": plan.allows_digital,
            },
        )
        done = run_form(
            request,
            form,
            lambda d: services.plan_update(actor=user, plan=plan, fields=_fields(d)),
            _("Studieplanen er lagret."),
            reverse("attendance:plan_edit", args=[plan.pk]),
        )
        if done:
            return done
    elif request.method == "POST":
        messages.error(request, _("Versjonen er godkjent og kan ikke endres."))
    return render(
        request,
        "attendance/plan_edit.html",
        {
            "plan": plan,
            "form": form,
            "chapters": plan.chapters.order_by("number"),
            "versions": services.plan_versions(plan),
            "is_current": services.plan_is_current(plan),
            "course_count": plan.courses.count(),
        },
    )


def _chapter_fields(d: dict[str, object]) -> services.ChapterFields:
    return services.ChapterFields(
        number=int(str(d["number"])),
        title=str(d["title"]),
        discussion_questions=lines(str(d["discussion_questions"])),
        tips=lines(str(d["tips"])),
        learning_objectives=str(d["learning_objectives"]),
    )


def chapter_edit(request: HttpRequest, pk: int, chapter_pk: int | None = None) -> HttpResponse:
    plan = _plan(request, pk)
    user = current_user(request)
    chapter = get_object_or_404(StudyChapter, pk=chapter_pk, plan=plan) if chapter_pk else None
    if plan.is_approved:
        messages.error(
            request, _("Versjonen er godkjent og kan ikke endres. Lag en ny versjon først.")
        )
        return redirect("attendance:plan_edit", pk=plan.pk)
    if chapter is not None:
        initial = {
            "number": chapter.number,
            "title": chapter.title,
            "discussion_questions": "\n".join(chapter.discussion_questions),
            "tips": "\n".join(chapter.tips),
            "learning_objectives": chapter.learning_objectives,
        }
    else:
        last = plan.chapters.order_by("-number").first()
        initial = {"number": (last.number + 1) if last else 1}
    form = ChapterForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and "remove" in request.POST and chapter is not None:
        try:
            services.chapter_remove(actor=user, chapter=chapter)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Kapittelet er fjernet."))
        return redirect("attendance:plan_edit", pk=plan.pk)
    done = run_form(
        request,
        form,
        lambda d: services.chapter_save(
            actor=user, plan=plan, chapter=chapter, fields=_chapter_fields(d)
        ),
        _("Kapittelet er lagret."),
        reverse("attendance:plan_edit", args=[plan.pk]),
    )
    return done or render(
        request, "attendance/chapter_form.html", {"plan": plan, "chapter": chapter, "form": form}
    )


def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation step: what is approved, then the approval date."""
    plan = _plan(request, pk)
    user = current_user(request)
    if plan.is_approved:
        messages.info(request, _("Versjonen er allerede godkjent."))
        return redirect("attendance:plan_edit", pk=plan.pk)
    form = PlanApproveForm(
        request.POST if request.method == "POST" else None,
        initial={"approved_on": timezone.localdate(), "make_default": plan.is_default},
    )
    done = run_form(
        request,
        form,
        lambda d: services.plan_approve(
            actor=user, plan=plan, approved_on=d["approved_on"], make_default=d["make_default"]
        ),
        _("Studieplanen er godkjent. Nye kurs kan følge den."),
        reverse("attendance:plan_edit", args=[plan.pk]),
    )
    chapters = plan.chapters.order_by("number")
    return done or render(
        request,
        "attendance/plan_approve.html",
        {
            "plan": plan,
            "form": form,
            "chapters": chapters,
            "missing_questions": [c for c in chapters if not c.discussion_questions],
        },
    )


@require_POST
def plan_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    try:
        copy = services.plan_new_version(actor=current_user(request), plan=plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("attendance:plan_edit", pk=plan.pk)
    messages.success(
        request,
        _("Versjon %(v)s er laget som utkast. Kurs som følger en tidligere versjon, beholder den.")
        % {"v": copy.version},
    )
    return redirect("attendance:plan_edit", pk=copy.pk)

"""Study plans (S2, S9, S13): course administrators write a plan or a new version of one,
its chapters with the "Til diskusjon" questions and tips, and approve it.

A draft is edited freely; an approved version is a fixed record (chapters included) that
courses point at. A change to an approved plan is a new version, copied from the last one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from attendance.models import StudyChapter, StudyPlan
from attendance.permissions import is_course_admin
from config.singleline import LINE_BREAK
from groups.audit import audit
from groups.models import User

NAME_MAX = 200
ITEM_MAX = 2000
MAX_ITEMS = 50
MAX_CHAPTER = 99
EARLIEST_APPROVAL = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class PlanFields:
    name: str
    description: str
    learning_objectives: str
    allows_digital: bool


@dataclass(frozen=True)
class ChapterFields:
    number: int
    title: str
    discussion_questions: list[str]
    tips: list[str]
    learning_objectives: str


def lines(text: str) -> list[str]:
    """One item per non-empty line (questions, tips, objectives as typed in a text box)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _require_admin(actor: User) -> None:
    if not is_course_admin(actor):
        raise PermissionDenied(_("Bare kursadministratorer kan endre studieplaner."))


def _require_draft(plan: StudyPlan) -> None:
    if plan.is_approved:
        raise ValidationError(
            _("Versjonen er godkjent og kan ikke endres. Lag en ny versjon for å endre planen.")
        )


def _validate_plan(fields: PlanFields) -> None:
    errors: dict[str, str] = {}
    name = fields.name.strip()
    if not name:
        errors["name"] = _("Oppgi navnet på studieplanen.")
    elif len(name) > NAME_MAX or LINE_BREAK.search(name):
        errors["name"] = _("Navnet skal stå på én linje, med høyst 200 tegn.")
    if not lines(fields.learning_objectives):
        errors["learning_objectives"] = _(
            "Skriv minst ett læringsmål. Læringsmålene står på kursbeviset."
        )
    if errors:
        raise ValidationError(errors)


def _plan_values(fields: PlanFields) -> dict[str, object]:
    return {
        "name": fields.name.strip(),
        "description": fields.description.strip(),
        "learning_objectives": "\n".join(lines(fields.learning_objectives)),
        "allows_digital": fields.allows_digital,
    }


def _free_series(name: str) -> str:
    base = slugify(name)[:70] or "plan"
    series, n = base, 2
    while StudyPlan.objects.filter(series=series).exists():
        series, n = f"{base}-{n}", n + 1
    return series


@transaction.atomic
def plan_create(*, actor: User, fields: PlanFields) -> StudyPlan:
    """A new study plan, as a draft version 1."""
    _require_admin(actor)
    _validate_plan(fields)
    if StudyPlan.objects.filter(name__iexact=fields.name.strip()).exists():
        raise ValidationError(
            {
                "name": _(
                    "Det finnes allerede en studieplan med dette navnet. Lag en ny versjon av "
                    "den i stedet."
                )
            }
        )
    plan = StudyPlan.objects.create(
        series=_free_series(fields.name), version=1, **_plan_values(fields)
    )
    audit(actor=actor, action="studyplan.create", target=plan, version=1)
    return plan


@transaction.atomic
def plan_update(*, actor: User, plan: StudyPlan, fields: PlanFields) -> StudyPlan:
    _require_admin(actor)
    plan = StudyPlan.objects.select_for_update().get(pk=plan.pk)
    _require_draft(plan)
    _validate_plan(fields)
    clash = StudyPlan.objects.filter(name__iexact=fields.name.strip()).exclude(series=plan.series)
    if clash.exists():
        raise ValidationError({"name": _("En annen studieplan har allerede dette navnet.")})
    for key, value in _plan_values(fields).items():
        setattr(plan, key, value)
    plan.save()
    audit(actor=actor, action="studyplan.update", target=plan, version=plan.version)
    return plan


@transaction.atomic
def plan_new_version(*, actor: User, plan: StudyPlan) -> StudyPlan:
    """A draft copy of the plan's latest approved version, chapters included, to change."""
    _require_admin(actor)
    plan = StudyPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.series:
        # A plan made outside these pages gets its key now (no content changes).
        plan.series = _free_series(plan.name)
        plan.save(update_fields=["series"])
    versions = StudyPlan.objects.select_for_update().filter(series=plan.series)
    draft = versions.filter(is_approved=False).first()
    if draft is not None:
        raise ValidationError(
            _("Versjon %(v)s er allerede et utkast. Gjør endringene der.") % {"v": draft.version}
        )
    latest = versions.order_by("-version").first()
    assert latest is not None  # noqa: S101 - plan itself is in the series
    copy = StudyPlan.objects.create(
        series=latest.series,
        version=latest.version + 1,
        name=latest.name,
        description=latest.description,
        learning_objectives=latest.learning_objectives,
        allows_digital=latest.allows_digital,
        study_association=latest.study_association,
    )
    StudyChapter.objects.bulk_create(
        StudyChapter(
            plan=copy,
            number=c.number,
            title=c.title,
            discussion_questions=list(c.discussion_questions),
            tips=list(c.tips),
            learning_objectives=c.learning_objectives,
        )
        for c in latest.chapters.order_by("number")
    )
    audit(
        actor=actor,
        action="studyplan.new_version",
        target=copy,
        version=copy.version,
        from_version=latest.version,
    )
    return copy


def _validate_chapter(fields: ChapterFields) -> None:
    errors: dict[str, str] = {}
    if not 1 <= fields.number <= MAX_CHAPTER:
        errors["number"] = _("Kapittelnummeret må være mellom 1 og 99.")
    title = fields.title.strip()
    if not title:
        errors["title"] = _("Oppgi kapittelets tittel.")
    elif len(title) > NAME_MAX or LINE_BREAK.search(title):
        errors["title"] = _("Tittelen skal stå på én linje, med høyst 200 tegn.")
    for name, items in (
        ("discussion_questions", fields.discussion_questions),
        ("tips", fields.tips),
    ):
        if len(items) > MAX_ITEMS:
            errors[name] = _("Høyst 50 punkter.")
        elif any(len(item) > ITEM_MAX for item in items):
            errors[name] = _("Hvert punkt kan ha høyst 2000 tegn.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def chapter_save(
    *, actor: User, plan: StudyPlan, fields: ChapterFields, chapter: StudyChapter | None = None
) -> StudyChapter:
    """Add a chapter to a draft version, or change one of its chapters."""
    _require_admin(actor)
    plan = StudyPlan.objects.select_for_update().get(pk=plan.pk)
    _require_draft(plan)
    _validate_chapter(fields)
    if chapter is not None and chapter.plan_id != plan.pk:
        raise ValidationError(_("Kapittelet hører til en annen studieplan."))
    taken = plan.chapters.filter(number=fields.number)
    if chapter is not None:
        taken = taken.exclude(pk=chapter.pk)
    if taken.exists():
        raise ValidationError(
            {"number": _("Planen har allerede et kapittel %(n)s.") % {"n": fields.number}}
        )
    values = {
        "number": fields.number,
        "title": fields.title.strip(),
        "discussion_questions": [q.strip() for q in fields.discussion_questions if q.strip()],
        "tips": [t.strip() for t in fields.tips if t.strip()],
        "learning_objectives": fields.learning_objectives.strip(),
    }
    try:
        with transaction.atomic():
            if chapter is None:
                chapter = StudyChapter.objects.create(plan=plan, **values)
            else:
                for key, value in values.items():
                    setattr(chapter, key, value)
                chapter.save()
    except IntegrityError:
        raise ValidationError(
            {"number": _("Planen har allerede et kapittel %(n)s.") % {"n": fields.number}}
        ) from None
    audit(
        actor=actor,
        action="studyplan.chapter_save",
        target=plan,
        chapter=chapter.pk,
        number=chapter.number,
    )
    return chapter


@transaction.atomic
def chapter_remove(*, actor: User, chapter: StudyChapter) -> None:
    _require_admin(actor)
    plan = StudyPlan.objects.select_for_update().get(pk=chapter.plan_id)
    _require_draft(plan)
    audit(
        actor=actor,
        action="studyplan.chapter_remove",
        target=plan,
        chapter=chapter.pk,
        number=chapter.number,
    )
    chapter.delete()


@transaction.atomic
def plan_approve(
    *, actor: User, plan: StudyPlan, approved_on: dt.date, make_default: bool = False
) -> StudyPlan:
    """S2, S13: the version is approved and from now on a fixed record. It replaces the
    plan's earlier versions for new courses (courses already planned keep theirs); if an
    earlier version was the default for new courses, this one becomes it."""
    _require_admin(actor)
    plan = StudyPlan.objects.select_for_update().get(pk=plan.pk)
    _require_draft(plan)
    today = timezone.localdate()
    if approved_on > today:
        raise ValidationError({"approved_on": _("Godkjenningsdatoen kan ikke være fram i tid.")})
    if approved_on < EARLIEST_APPROVAL:
        raise ValidationError({"approved_on": _("Oppgi en godkjenningsdato etter år 2000.")})
    if not plan.chapters.exists():
        raise ValidationError(_("Planen må ha minst ett kapittel før den kan godkjennes."))
    if not plan.objectives:
        raise ValidationError(_("Planen må ha læringsmål før den kan godkjennes."))
    earlier = (
        StudyPlan.objects.filter(series=plan.series).exclude(pk=plan.pk)
        if plan.series
        else StudyPlan.objects.none()
    )
    if make_default or earlier.filter(is_default=True).exists():
        StudyPlan.objects.filter(is_default=True).update(is_default=False)
        plan.is_default = True
    plan.is_approved, plan.approved_on, plan.approved_by = True, approved_on, actor
    plan.save()
    audit(
        actor=actor,
        action="studyplan.approve",
        target=plan,
        version=plan.version,
        default=plan.is_default,
    )
    return plan


def plan_versions(plan: StudyPlan) -> list[StudyPlan]:
    if not plan.series:
        return [plan]
    return list(StudyPlan.objects.filter(series=plan.series).order_by("-version"))


def plan_is_current(plan: StudyPlan) -> bool:
    return StudyPlan.objects.current().filter(pk=plan.pk).exists()

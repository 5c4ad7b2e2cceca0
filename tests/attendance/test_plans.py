"""Study plans as versions (S2, S9, S13): course administrators write a plan or a new
version, approve it, and a course keeps the version it was planned with. The seeded
"Politisk arbeid" has the booklet's chapter 2 questions and tips boxes."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from attendance import services
from attendance.models import Course, CourseSession, StudyChapter, StudyPlan
from groups.models import AuditEntry
from tests.conftest import World
from tests.factories.attendance import default_plan, make_course, make_session_meeting

pytestmark = pytest.mark.django_db

MIGRATION = "attendance.migrations.0004_study_plan_versions"


def _fields(**overrides: Any) -> services.PlanFields:
    values: dict[str, Any] = {
        "name": "Lokalpolitikk for nye",
        "description": "Et kurs for nye folkevalgte.",
        "learning_objectives": "Kjenne kommunestyret\nKunne lese en sak",
        "allows_digital": False,
    }
    return services.PlanFields(**(values | overrides))


def _chapter(number: int = 1, **overrides: Any) -> services.ChapterFields:
    values: dict[str, Any] = {
        "number": number,
        "title": "Sakene i kommunestyret",
        "discussion_questions": ["Hvordan leser vi en sak?"],
        "tips": ["Les innstillingen først."],
        "learning_objectives": "",
    }
    return services.ChapterFields(**(values | overrides))


def _approved_plan(admin: Any) -> StudyPlan:
    plan = services.plan_create(actor=admin, fields=_fields())
    services.chapter_save(actor=admin, plan=plan, fields=_chapter())
    return services.plan_approve(actor=admin, plan=plan, approved_on=dt.date(2026, 1, 15))


# --- the seeded plan ---------------------------------------------------------------------
def test_politisk_arbeid_has_chapter_2s_questions_and_the_tips_boxes_s2() -> None:
    plan = default_plan()
    chapters = {c.number: c for c in plan.chapters.all()}
    assert chapters[2].discussion_questions[:3] == [
        "Kan det gjøres vedtak som binder gruppa?",
        "Hva sier programmet?",
        "Hvordan vil vi forholde oss, og hvordan vil vi løse en mulig konflikt?",
    ]
    assert chapters[2].tips[1] == "Snakk med, og ikke bare om den eller de konflikten gjelder."
    assert len(chapters[2].tips) == 7
    assert chapters[5].tips[0].startswith("Standpunkt og forslag som fremmes i kommunestyret")
    assert chapters[6].tips and chapters[7].tips[-1].startswith("Se www.senterpartiskolen.no")
    assert not chapters[1].tips and not chapters[3].tips


def test_the_seed_migration_adds_a_version_when_courses_follow_the_seeded_plan_s2(
    world: World,
) -> None:
    plan = default_plan()
    course = make_course(world.group, world.users["leader"], plan=plan)
    chapter2 = plan.chapters.get(number=2)
    chapter2.discussion_questions, chapter2.tips = [], []
    chapter2.save()
    module = importlib.import_module(MIGRATION)
    module.seed_additions(django_apps, None)
    module.seed_additions(django_apps, None)  # idempotent
    chapter2.refresh_from_db()
    assert chapter2.discussion_questions == []  # what the course was planned with stays
    successor = StudyPlan.objects.get(series=plan.series, version=2)
    assert successor.is_default and successor.is_approved
    assert successor.chapters.get(number=2).discussion_questions[0].startswith("Kan det")
    course.refresh_from_db()
    assert course.plan == plan


# --- writing and approving a plan -------------------------------------------------------------
def test_an_administrator_creates_and_approves_a_plan_which_is_then_fixed_s2(
    world: World,
) -> None:
    admin = world.users["course_admin"]
    plan = _approved_plan(admin)
    assert plan.is_approved and plan.approved_by == admin and plan.version == 1
    assert plan in StudyPlan.objects.current()
    with pytest.raises(ValidationError):
        services.plan_update(actor=admin, plan=plan, fields=_fields(name="Endret"))
    with pytest.raises(ValidationError):
        services.chapter_save(actor=admin, plan=plan, fields=_chapter(2))
    with pytest.raises(ValidationError):
        services.chapter_remove(actor=admin, chapter=plan.chapters.get())
    assert AuditEntry.objects.filter(action="studyplan.approve", target_id=str(plan.pk)).exists()


def test_a_new_version_copies_the_chapters_and_a_course_keeps_its_version_s2_s13(
    world: World,
) -> None:
    admin = world.users["course_admin"]
    v1 = _approved_plan(admin)
    course = services.course_create(
        actor=world.users["leader"],
        group=world.group,
        plan=v1,
        title="Kurs etter v1",
        course_leader=world.users["leader"],
    )
    v2 = services.plan_new_version(actor=admin, plan=v1)
    assert v2.version == 2 and not v2.is_approved and v2.series == v1.series
    assert [c.title for c in v2.chapters.all()] == [c.title for c in v1.chapters.all()]
    with pytest.raises(ValidationError):
        services.plan_new_version(actor=admin, plan=v1)  # one draft at a time
    services.chapter_save(
        actor=admin, plan=v2, chapter=v2.chapters.get(), fields=_chapter(title="Nytt navn")
    )
    assert v1.chapters.get().title == "Sakene i kommunestyret"
    services.plan_approve(actor=admin, plan=v2, approved_on=dt.date(2026, 2, 1))
    assert list(StudyPlan.objects.current().filter(series=v1.series)) == [v2]
    course.refresh_from_db()
    assert course.plan == v1
    # The course may keep its version; a new course must take the latest one.
    services.course_update(
        actor=world.users["leader"],
        course=course,
        plan=v1,
        title="Kurs etter v1",
        course_leader=world.users["leader"],
    )
    with pytest.raises(ValidationError) as exc:
        services.course_create(
            actor=world.users["leader"],
            group=world.group,
            plan=v1,
            title="Nytt kurs",
            course_leader=world.users["leader"],
        )
    assert "plan" in exc.value.error_dict


def test_approving_a_new_version_of_the_default_plan_makes_it_the_default_s2(
    world: World,
) -> None:
    admin = world.users["course_admin"]
    v1 = default_plan()
    v2 = services.plan_new_version(actor=admin, plan=v1)
    services.plan_approve(actor=admin, plan=v2, approved_on=dt.date(2026, 3, 1))
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v2.is_default and not v1.is_default


def test_only_course_administrators_write_plans_s2(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=world.users["leader"], fields=_fields())
    with pytest.raises(PermissionDenied):
        services.plan_new_version(actor=world.users["member"], plan=default_plan())


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "To\nlinjer"}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"learning_objectives": "  \n "}, "learning_objectives"),
        ({"name": "politisk arbeid"}, "name"),
    ],
)
def test_bad_plan_fields_are_refused_on_the_field_s2(
    world: World, overrides: dict[str, Any], field: str
) -> None:
    default_plan()
    with pytest.raises(ValidationError) as exc:
        services.plan_create(actor=world.users["course_admin"], fields=_fields(**overrides))
    assert field in exc.value.error_dict


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"number": 0}, "number"),
        ({"number": 100}, "number"),
        ({"title": ""}, "title"),
        ({"title": "a\u2028b"}, "title"),
        ({"discussion_questions": ["x"] * 51}, "discussion_questions"),
        ({"tips": ["x" * 2001]}, "tips"),
        ({"number": 1}, "number"),  # taken
    ],
)
def test_bad_chapters_are_refused_on_the_field_s2(
    world: World, overrides: dict[str, Any], field: str
) -> None:
    admin = world.users["course_admin"]
    plan = services.plan_create(actor=admin, fields=_fields())
    services.chapter_save(actor=admin, plan=plan, fields=_chapter(1))
    with pytest.raises(ValidationError) as exc:
        services.chapter_save(
            actor=admin, plan=plan, fields=_chapter(**({"number": 2} | overrides))
        )
    assert field in exc.value.error_dict


@time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize("approved_on", [dt.date(2026, 6, 2), dt.date(1999, 12, 31)])
def test_an_approval_date_in_the_future_or_long_ago_is_refused_s2(
    world: World, approved_on: dt.date
) -> None:
    admin = world.users["course_admin"]
    plan = services.plan_create(actor=admin, fields=_fields())
    services.chapter_save(actor=admin, plan=plan, fields=_chapter())
    with pytest.raises(ValidationError) as exc:
        services.plan_approve(actor=admin, plan=plan, approved_on=approved_on)
    assert "approved_on" in exc.value.error_dict


def test_a_plan_without_chapters_cannot_be_approved_s2(world: World) -> None:
    admin = world.users["course_admin"]
    plan = services.plan_create(actor=admin, fields=_fields())
    with pytest.raises(ValidationError):
        services.plan_approve(actor=admin, plan=plan, approved_on=dt.date(2026, 1, 1))


def test_a_digital_session_needs_a_plan_that_allows_it_s9(world: World) -> None:
    admin = world.users["course_admin"]
    plan = _approved_plan(admin)  # allows_digital=False
    course = make_course(world.group, world.users["leader"], plan=plan)
    digital = make_session_meeting(world.group, mode="digital")
    with pytest.raises(ValidationError):
        services.course_session_add(actor=world.users["leader"], course=course, meeting=digital)


def test_a_course_cannot_change_plan_under_sessions_planned_from_chapters_s2(
    world: World,
) -> None:
    admin = world.users["course_admin"]
    other = _approved_plan(admin)
    course = make_course(world.group, world.users["leader"])
    CourseSession.objects.create(
        course=course,
        meeting=make_session_meeting(world.group),
        chapter=course.plan.chapters.get(number=2),
    )
    with pytest.raises(ValidationError) as exc:
        services.course_update(
            actor=world.users["leader"],
            course=course,
            plan=other,
            title=course.title,
            course_leader=world.users["leader"],
        )
    assert "plan" in exc.value.error_dict


# --- pages ------------------------------------------------------------------------------------
def test_bad_input_on_the_plan_forms_keeps_it_and_saves_nothing_s2(world: World) -> None:
    client = world.client_for("course_admin")
    before = StudyPlan.objects.count()
    response = client.post(
        reverse("attendance:plan_create"),
        {"name": "Min plan", "learning_objectives": "", "description": "Beholdes"},
    )
    assert response.status_code == 200 and StudyPlan.objects.count() == before
    body = response.content.decode()
    assert "Beholdes" in body and "field-error" in body
    plan = services.plan_create(actor=world.users["course_admin"], fields=_fields())
    url = reverse("attendance:chapter_create", args=[plan.pk])
    for data in (
        {},
        {"number": "abc", "title": "T"},
        {"number": "0", "title": "T"},
        {"number": "1", "title": "x" * 201},
        {"number": "99999999999999999999", "title": "T"},
    ):
        response = client.post(url, data)
        assert response.status_code == 200, data
    assert not StudyChapter.objects.filter(plan=plan).exists()
    approve = reverse("attendance:plan_approve", args=[plan.pk])
    for data in (
        {},
        {"approved_on": "2026-13-01", "confirm": "on"},
        {"approved_on": "2026-01-01"},
        {"approved_on": "2026-01-01", "confirm": "on"},  # no chapters yet
    ):
        response = client.post(approve, data)
        assert response.status_code == 200, data
    plan.refresh_from_db()
    assert not plan.is_approved


def test_an_approved_version_offers_a_new_version_not_a_form_s2(world: World) -> None:
    client = world.client_for("course_admin")
    plan = default_plan()
    page = client.get(reverse("attendance:plan_edit", args=[plan.pk])).content.decode()
    assert "Lag ny versjon" in page and 'name="learning_objectives"' not in page
    response = client.post(reverse("attendance:plan_new_version", args=[plan.pk]))
    draft = StudyPlan.objects.get(series=plan.series, version=2)
    assert response.status_code == 302 and response["Location"].endswith(f"/{draft.pk}/")
    changed = client.post(reverse("attendance:plan_edit", args=[plan.pk]), {"name": "Nytt"})
    assert changed.status_code == 200
    plan.refresh_from_db()
    assert plan.name == "Politisk arbeid"


def test_the_session_form_shows_the_questions_of_the_chosen_chapter_s2(world: World) -> None:
    course = make_course(world.group, world.users["leader"])
    chapter2 = course.plan.chapters.get(number=2)
    client = world.client_for("leader")
    url = reverse("attendance:session_add", args=[course.pk])
    fragment = client.get(url, {"chapter": chapter2.pk}, HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "Kan det gjøres vedtak som binder gruppa?" in body
    assert "Snakk med, og ikke bare om" in body
    assert "Hvordan vil dere håndtere uenighet?" not in body  # chapter 3's, not chosen
    page = client.get(url, {"chapter": chapter2.pk}).content.decode()
    assert 'hx-get="' in page and f'value="{chapter2.pk}" selected' in page
    for bad in ("abc", "0", "-1", "99999999999999999999999"):
        assert client.get(url, {"chapter": bad}).status_code == 200


def test_a_course_planned_with_a_version_shows_that_versions_chapters_s2(
    world: World,
) -> None:
    admin = world.users["course_admin"]
    v1 = _approved_plan(admin)
    course = make_course(world.group, world.users["leader"], plan=v1)
    v2 = services.plan_new_version(actor=admin, plan=v1)
    services.chapter_save(
        actor=admin,
        plan=v2,
        chapter=v2.chapters.get(),
        fields=_chapter(discussion_questions=["Nytt spørsmål?"]),
    )
    services.plan_approve(actor=admin, plan=v2, approved_on=dt.date(2026, 2, 1))
    page = world.client_for("leader").get(
        reverse("attendance:session_add", args=[course.pk]), {"chapter": v1.chapters.get().pk}
    )
    body = page.content.decode()
    assert "Hvordan leser vi en sak?" in body and "Nytt spørsmål?" not in body
    assert Course.objects.get(pk=course.pk).plan == v1

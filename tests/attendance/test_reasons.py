"""The engine's reasons reach users in their own language (issue 14): the adapter builds the
texts from ``Reason.code`` and ``params`` with gettext, naming meetings and people rather
than their keys. The engine's own Norwegian ``message`` is never shown."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from attendance import engine, rules
from attendance.models import CourseStatus
from tests.conftest import World
from tests.factories.attendance import at, make_course, make_presence, make_session_meeting


def _client(world: World, role: str, language: str) -> Client:
    client = world.client_for(role)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _two_of_four(world: World):
    """Four sessions of 2 hours (8 study hours) and two participants: too few (S3)."""
    meetings = [
        make_session_meeting(world.group, starts_at=at(2024, 2, 6, 18) + dt.timedelta(weeks=i))
        for i in range(4)
    ]
    course = make_course(world.group, world.users["leader"], meetings=meetings)
    for user in (world.users["leader"], world.users["member"]):
        for meeting in meetings:
            make_presence(meeting, user)
    return course, meetings


def test_the_course_page_says_why_the_course_does_not_hold_in_english_and_in_norwegian(
    world: World,
) -> None:
    course, _ = _two_of_four(world)
    url = reverse("attendance:course_detail", args=[course.pk])

    english = _client(world, "leader", "en").get(url).content.decode()
    norwegian = _client(world, "leader", "nb").get(url).content.decode()

    assert (
        "The course has 2 participants present at least 75 % of the time; "
        "it must have at least 4." in english
    )
    assert "deltakere som har vært til stede" not in english
    assert (
        "Kurset har 2 deltakere som har vært til stede minst 75 % av tiden; det må ha minst 4."
        in norwegian
    )


def test_the_live_view_says_what_is_still_needed_in_english_and_in_norwegian(
    world: World,
) -> None:
    course, _ = _two_of_four(world)
    url = reverse("attendance:live", args=[course.pk])

    english = _client(world, "leader", "en").get(url, headers={"HX-Request": "true"})
    norwegian = _client(world, "leader", "nb").get(url, headers={"HX-Request": "true"})

    assert "2 more participants" in english.content.decode()
    assert "deltakere til" not in english.content.decode()
    assert "2 deltakere til" in norwegian.content.decode()


def test_a_refused_submission_says_why_in_the_users_language(world: World) -> None:
    course = make_course(world.group, world.users["leader"])
    url = reverse("attendance:course_transition", args=[course.pk])

    english = _client(world, "leader", "en").post(url, {"action": "submit"}, follow=True)
    norwegian = _client(world, "leader", "nb").post(url, {"action": "submit"}, follow=True)

    assert (
        "The course has 0 whole study hours; it must have at least 4." in english.content.decode()
    )
    assert "Kurset har 0 hele studietimer; det må ha minst 4." in norwegian.content.decode()


def test_the_attendance_list_pdf_gives_the_reasons_in_the_users_language(world: World) -> None:
    course, _ = _two_of_four(world)
    course.status = CourseStatus.COMPLETED
    course.save()
    url = reverse("attendance:attendance_list_pdf", args=[course.pk])

    def text(language: str) -> str:
        data = _client(world, "leader", language).get(url).content
        return " ".join(
            " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split()
        )

    assert "The course has 2 participants present at least 75 % of the time" in text("en")
    assert "Kurset har 2 deltakere som har vært til stede minst 75 % av tiden" in text("nb")


def test_a_reason_about_a_session_names_the_meeting_not_its_key(world: World) -> None:
    board = make_session_meeting(
        world.group, kind="board", title="Styremøte i mars", starts_at=at(2024, 3, 5, 18)
    )
    course = make_course(world.group, world.users["leader"], meetings=[board])
    inputs = engine.course_inputs(course)
    evaluation = engine.course_evaluation(course, inputs=inputs)

    with translation.override("en"):
        texts = engine.blocking_texts(evaluation, inputs)

    assert (
        "The session Styremøte i mars (05.03.2024) is a decision meeting (board meeting or "
        "annual meeting) and cannot be study work." in texts
    )


def test_a_note_about_a_participant_names_the_person(world: World) -> None:
    member = world.users["member"]
    member.birth_year = 2015
    member.save()
    course, _ = _two_of_four(world)
    inputs = engine.course_inputs(course)
    evaluation = engine.course_evaluation(course, inputs=inputs)
    (note,) = [r for r in evaluation.reasons if r.code == "under_age"]

    with translation.override("en"):
        english = engine.reason_text(note, inputs)
    norwegian = engine.reason_text(note, inputs)

    assert english == "Marit Medlem does not turn 14 by the end of 2024 and does not count."
    assert norwegian == "Marit Medlem fyller ikke 14 år innen utgangen av 2024 og teller ikke med."


@pytest.mark.parametrize("code", [*rules.REASON_CODES, *rules.OUTLOOK_CODES])
def test_every_code_the_engine_gives_has_a_text(code: str) -> None:
    assert code in engine.REASON_TEXTS

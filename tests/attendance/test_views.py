"""Pages of the study work: refusals shown with messages, lists, reports, the QR screen."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from attendance.models import Course, CourseSession, CourseStatus, StudyPolicy, SubsidyRate
from tests.conftest import World
from tests.factories.attendance import (
    at,
    default_plan,
    make_course,
    make_presence,
    make_session_meeting,
)


def test_creating_a_course_with_bad_input_keeps_it_and_says_why_s1(world: World):
    client = world.client_for("leader")
    url = reverse("attendance:course_create", args=[world.group.pk])
    response = client.post(url, {"title": "", "plan": default_plan().pk, "course_leader": ""})
    assert response.status_code == 200
    assert "Feltet er påkrevet." in response.content.decode()
    response = client.post(
        url,
        {
            "title": "Studiering høst",
            "plan": default_plan().pk,
            "course_leader": world.users["member"].pk,
        },
    )
    course = Course.objects.get(title="Studiering høst")
    assert response["Location"] == reverse("attendance:course_detail", args=[course.pk])


def test_adding_a_board_meeting_is_refused_on_the_form_s13(world: World):
    course = make_course(world.group, world.users["leader"])
    board = make_session_meeting(world.group, kind="board")
    response = world.client_for("leader").post(
        reverse("attendance:session_add", args=[course.pk]), {"meeting": board.pk}
    )
    assert response.status_code == 200
    assert "beslutningsmøter" in response.content.decode()
    assert not CourseSession.objects.exists()


def test_the_session_form_shows_the_chapters_discussion_questions_s2(world: World):
    course = make_course(world.group, world.users["leader"])
    page = world.client_for("leader").get(reverse("attendance:session_add", args=[course.pk]))
    body = page.content.decode()
    assert "Til diskusjon" in body
    assert "Hvordan vil dere håndtere uenighet?" in body


def test_submitting_a_course_without_hours_shows_the_engines_reason(world: World):
    course = make_course(world.group, world.users["leader"])
    client = world.client_for("leader")
    response = client.post(
        reverse("attendance:course_transition", args=[course.pk]), {"action": "submit"}, follow=True
    )
    assert "0 hele studietimer" in response.content.decode()
    course.refresh_from_db()
    assert course.status == CourseStatus.DRAFT


def test_the_attendance_list_says_it_is_never_sent_by_email_s6_s12(world: World):
    meeting = make_session_meeting(world.group, starts_at=at(2024, 3, 5, 18))
    course = make_course(world.group, world.users["leader"], meetings=[meeting])
    make_presence(meeting, world.users["member"])
    page = world.client_for("leader").get(reverse("attendance:attendance_list", args=[course.pk]))
    body = page.content.decode()
    assert "sendes aldri på e-post eller SMS" in body
    assert world.users["member"].full_name in body
    assert "mailto:" not in body
    csv_response = world.client_for("course_admin").get(
        reverse("attendance:attendance_list_csv", args=[course.pk])
    )
    text = csv_response.content.decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header == "Navn;Fødselsår;Kjønn;Postnummer;05.03.2024;Timer i alt"
    assert (
        first.startswith(world.users["leader"].full_name) or world.users["member"].full_name in text
    )
    assert csv_response["Cache-Control"] == "no-store"


def test_the_subsidy_report_page_and_csv_s7(world: World):
    course = make_course(
        world.group,
        world.users["leader"],
        status=CourseStatus.REPORTED,
        meetings=[make_session_meeting(world.group)],
    )
    course.reported_hours = {"2024-Q1": 6}
    course.save()
    client = world.client_for("course_admin")
    page = client.get(reverse("attendance:subsidy_report"), {"year": 2024, "quarter": 1})
    assert page.status_code == 200
    assert "720" in page.content.decode()
    assert "ganges aldri opp med antall deltakere" in page.content.decode()
    csv_text = client.get(
        reverse("attendance:subsidy_csv"), {"year": 2024, "quarter": 1}
    ).content.decode("utf-8-sig")
    assert (
        f"{course.pk};{course.title};{course.group};6;6;6 i 1. kvartal 2024;01.01.2000;"
        "120.00;720.00;Åpent" in csv_text
    )
    bad = client.get(reverse("attendance:subsidy_report"), {"year": "x", "quarter": "9"})
    assert bad.status_code == 400
    assert "Skriv et helt tall, for eksempel 4." in bad.content.decode()


def _confirmed(client, url, data):
    """S7, S15: a rate or policy is saved only after its preview: the second POST confirms
    exactly what the first one showed."""
    preview = client.post(url, data)
    assert preview.status_code == 200
    previewed = preview.context["previewed"]
    assert previewed
    return client.post(url, {**data, "confirm": "1", "previewed": previewed})


def test_administrators_edit_the_rate_and_add_a_dated_policy_s15(world: World):
    client = world.client_for("course_admin")
    url = reverse("attendance:rates")
    client.post(url, {"year": 2025, "amount_per_hour": "125.50"})
    assert not SubsidyRate.objects.filter(year=2025).exists()  # a preview saves nothing
    _confirmed(client, url, {"year": 2025, "amount_per_hour": "125.50"})
    assert str(SubsidyRate.objects.get(year=2025).amount_per_hour) == "125.50"
    refused = client.post(reverse("attendance:rates"), {"year": 2025, "amount_per_hour": "-1"})
    assert "Skriv et tall som er 0 eller mer." in refused.content.decode()
    response = client.post(
        reverse("attendance:policies"),
        {
            "valid_from": "2026-01-01",
            "min_study_hours": 4,
            "min_participants": 3,
            "min_share": "125",
            "min_age": 14,
            "leader_counts": "on",
            "rounding": "floor_per_session",
            "retention_years": 5,
        },
    )
    assert response.status_code == 200  # refused: a share above 100 %
    assert not StudyPolicy.objects.filter(valid_from=dt.date(2026, 1, 1)).exists()
    _confirmed(
        client,
        reverse("attendance:policies"),
        {
            "valid_from": "2026-01-01",
            "min_study_hours": 4,
            "min_participants": 3,
            "min_share": "75",
            "min_age": 14,
            "rounding": "floor_total",
            "share_base": "session_minutes",
            "retention_years": 5,
        },
    )
    policy = StudyPolicy.objects.get(valid_from=dt.date(2026, 1, 1))
    assert policy.min_participants == 3
    assert not policy.leader_counts


def test_the_qr_screen_shows_an_svg_code_that_rotates(world: World):
    meeting = make_session_meeting(world.group, starts_at=at(2031, 3, 4, 18))
    make_course(
        world.group, world.users["leader"], status=CourseStatus.APPROVED, meetings=[meeting]
    )
    with time_machine.travel(
        at(
            2031,
            3,
            4,
            18,
            0,
        )
        + dt.timedelta(seconds=5),
        tick=False,
    ):
        client = world.client_for("leader")
        first = client.get(reverse("attendance:qr_code", args=[meeting.pk])).content.decode()
    with time_machine.travel(at(2031, 3, 4, 18, 1), tick=False):
        client = world.client_for("leader")
        second = client.get(reverse("attendance:qr_code", args=[meeting.pk])).content.decode()
        screen = client.get(reverse("attendance:qr_screen", args=[meeting.pk])).content.decode()
    assert "<svg" in first
    assert 'hx-trigger="every 10s"' in first
    assert first != second
    assert "htmx.min.js" in screen


def test_the_live_view_answers_htmx_with_the_partial(world: World):
    meeting = make_session_meeting(world.group, starts_at=at(2024, 3, 5, 18))
    course = make_course(world.group, world.users["leader"], meetings=[meeting])
    make_presence(meeting, world.users["member"])
    client = world.client_for("leader")
    full = client.get(reverse("attendance:live", args=[course.pk])).content.decode()
    partial = client.get(
        reverse("attendance:live", args=[course.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" in full
    assert "<html" not in partial
    assert 'id="live"' in partial
    assert "<svg" in partial  # the share bar chart
    assert world.users["member"].full_name in partial


def test_the_admin_rejects_with_a_reason_or_is_told_to_give_one(world: World):
    course = make_course(
        world.group,
        world.users["leader"],
        status=CourseStatus.SUBMITTED,
        meetings=[make_session_meeting(world.group)],
    )
    client = world.client_for("course_admin")
    url = reverse("attendance:admin_decide", args=[course.pk])
    response = client.post(url, {"decision": "reject", "reason": ""})
    assert "Skriv hvorfor kurset avvises." in response.content.decode()
    client.post(url, {"decision": "reject", "reason": "Kapittel mangler"})
    course.refresh_from_db()
    assert course.status == CourseStatus.REJECTED
    assert course.rejection_reason == "Kapittel mangler"


def test_the_course_page_links_the_open_announcement_only_once_approved_s13(world: World):
    client = world.client_for("leader")
    draft = make_course(world.group, world.users["leader"])
    approved = make_course(world.group, world.users["leader"], status=CourseStatus.APPROVED)

    def links_announcement(course: Course) -> bool:
        page = client.get(reverse("attendance:course_detail", args=[course.pk]))
        return reverse("attendance:announcement", args=[course.pk]) in page.content.decode()

    assert links_announcement(approved)
    assert not links_announcement(draft)

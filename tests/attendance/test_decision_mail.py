"""Issue 17, "Nobody is told": a course administrator's decision on a course (S1, S11) or
an exemption (S4) is e-mailed to the group leader and the course leader, once each, in
their language, with a link to the course and no personal data in the subject. The mails
go through the outbox: a row per person written with the decision, queued on commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse

from attendance import services
from attendance.models import Course, CourseStatus, ExemptionGround
from config.celery import app
from groups.models import QueuedTask
from tests.conftest import World
from tests.factories.attendance import at, make_course, make_session_meeting

pytestmark = pytest.mark.django_db


def _submitted(world: World) -> Course:
    """A submitted course led by the member (in English); the group leader reads Norwegian."""
    world.users["member"].language = "en"
    world.users["member"].save(update_fields=["language"])
    meetings = [
        make_session_meeting(world.group, starts_at=at(2024, 2, 6 + 7 * i, 18)) for i in range(4)
    ]
    return make_course(
        world.group,
        world.users["member"],
        status=CourseStatus.SUBMITTED,
        meetings=meetings,
        title="Budsjettkurs",
    )


def _by_recipient() -> dict[str, Any]:
    return {m.to[0]: m for m in mail.outbox}


def _url(course: Course) -> str:
    return settings.SITE_URL + reverse("attendance:course_detail", kwargs={"pk": course.pk})


def _run_rows_again() -> None:
    for row in QueuedTask.objects.all():
        app.tasks[row.task].apply(args=row.args, kwargs={"outbox_id": row.pk})


def _assert_no_personal_data_in_subjects(world: World, course: Course) -> None:
    for message in mail.outbox:
        for word in (course.title, "Liv", "Leder", world.users["member"].full_name):
            assert word not in message.subject


def test_s1_approving_a_course_tells_leader_and_course_leader_once_each_in_their_language(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    course = _submitted(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.course_approve(actor=world.users["course_admin"], course=course)
    sent = _by_recipient()
    assert sorted(sent) == sorted([world.users["leader"].email, world.users["member"].email])
    norwegian, english = sent[world.users["leader"].email], sent[world.users["member"].email]
    assert norwegian.subject == "Kurset er godkjent"
    assert "har godkjent kurset «Budsjettkurs»" in norwegian.body
    assert english.subject == "The course has been approved"
    assert "has approved the course “Budsjettkurs”" in english.body
    assert all(_url(course) in m.body for m in mail.outbox)
    _assert_no_personal_data_in_subjects(world, course)
    assert all("Message-ID" in m.extra_headers for m in mail.outbox)
    # A task redelivered, or run again by the sweep, sends nobody a second e-mail.
    _run_rows_again()
    _run_rows_again()
    assert len(mail.outbox) == 2
    assert QueuedTask.objects.filter(done_at__isnull=True).count() == 0


def test_s1_a_rejection_tells_both_with_the_reason(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    course = _submitted(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.course_reject(
            actor=world.users["course_admin"], course=course, reason="Mangler kapittel 3"
        )
    sent = _by_recipient()
    assert sent[world.users["leader"].email].subject == "Kurset er avvist"
    assert "Grunn til avvisning: Mangler kapittel 3" in sent[world.users["leader"].email].body
    english = sent[world.users["member"].email]
    assert english.subject == "The course has been rejected"
    assert "Reason for rejection: Mangler kapittel 3" in english.body
    assert "send it for approval again" in english.body
    _assert_no_personal_data_in_subjects(world, course)
    _run_rows_again()
    assert len(mail.outbox) == 2


def test_s4_deciding_an_exemption_tells_leader_and_course_leader_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    course = _submitted(world)
    world.memberships["faction_leader"].seat = "substitute"
    world.memberships["faction_leader"].save()
    exemption = services.exemption_request(
        actor=world.users["leader"],
        course=course,
        ground=ExemptionGround.FEW_REPRESENTATIVES,
        reason="Tre faste",
    )
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.exemption_decide(
            actor=world.users["course_admin"], exemption=exemption, grant=False, note="For sent"
        )
    sent = _by_recipient()
    assert sorted(sent) == sorted([world.users["leader"].email, world.users["member"].email])
    norwegian, english = sent[world.users["leader"].email], sent[world.users["member"].email]
    assert norwegian.subject == "Søknaden om unntak er avgjort"
    assert "har avslått søknaden om unntak" in norwegian.body
    assert "Begrunnelse: For sent" in norwegian.body
    assert english.subject == "The application for an exemption has been decided"
    assert "has refused the application for an exemption" in english.body
    assert all(_url(course) in m.body for m in mail.outbox)
    _assert_no_personal_data_in_subjects(world, course)
    _run_rows_again()
    assert len(mail.outbox) == 2


def test_the_decision_mail_is_queued_only_on_commit_issue17(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    course = _submitted(world)
    # A decision rolled back leaves no outbox row and tells nobody.
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.course_approve(actor=world.users["course_admin"], course=course)
        raise RuntimeError("rolled back")
    assert not QueuedTask.objects.exists() and mail.outbox == []
    # The rows are written with the decision; the mails go only once it is committed.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.course_approve(actor=world.users["course_admin"], course=course)
    assert QueuedTask.objects.filter(task="attendance.notify_course_decided").count() == 2
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2


def test_a_group_leader_who_leads_the_course_gets_one_mail(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    course = make_course(
        world.group,
        world.users["leader"],
        status=CourseStatus.SUBMITTED,
        meetings=[
            make_session_meeting(world.group, starts_at=at(2024, 3, 5 + 7 * i, 18))
            for i in range(4)
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.course_approve(actor=world.users["course_admin"], course=course)
    assert [m.to for m in mail.outbox] == [[world.users["leader"].email]]

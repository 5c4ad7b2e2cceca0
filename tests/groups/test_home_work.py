"""Issue 17, "Every role lands on its work": each role's home page shows what needs them
now, with counts and links, from every app through config/homework.py (groups imports
neither meetings, attendance nor whistleblowing). G9, G6, G19, G22, S13, S17, W4, W7."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from attendance.models import CertificateRun, CourseStatus, RunStatus
from groups.models import RuleAcknowledgement
from meetings.models import (
    AgendaStatus,
    CouncilCase,
    DeviationChannel,
    MeetingRequest,
    RequestKind,
    RequestStatus,
    VoteDeviationNotice,
)
from tests.conftest import World
from tests.factories.attendance import make_course, make_session_meeting
from tests.factories.meetings import make_council_meeting, make_item, make_meeting

NOW = dt.datetime(2030, 3, 4, 12, 0, tzinfo=dt.UTC)


def entry(body: str, label: str, context: str | None = None) -> tuple[str, int | None]:
    """The (link, count) of the home page line labelled ``label`` (under the group heading
    ``context`` where given)."""
    if context is not None:
        start = body.index(f'<h3 class="work-group">{context}</h3>')
        end = body.find('<h3 class="work-group">', start + 1)
        body = body[start : end if end > 0 else None]
    match = re.search(
        r'<a href="([^"]+)">(?:<span class="work-count">(\d+)</span> )?'
        rf'<span class="work-label">{re.escape(label)}</span></a>',
        body,
    )
    assert match, f"no line {label!r} on the home page"
    return match.group(1), int(match.group(2)) if match.group(2) else None


def home(world: World, role: str) -> str:
    response = world.client_for(role).get(reverse("groups:home"))
    assert response.status_code == 200
    return response.content.decode()


def leader_world(world: World, items: int = 3) -> dict[str, object]:
    """Something of every kind waiting for group A's leader (and one of group B's, which
    group A's leader must not see)."""
    meeting = make_meeting(world.group, starts_at=NOW + dt.timedelta(days=7))
    for _n in range(items):
        make_item(meeting, status=AgendaStatus.PROPOSED)
    make_item(meeting, status=AgendaStatus.ACCEPTED)
    make_item(make_meeting(world.other_group), status=AgendaStatus.PROPOSED)
    request = MeetingRequest.objects.create(
        group=world.group,
        kind=RequestKind.GROUP,
        reason="Skole",
        status=RequestStatus.SATISFIED,
        created_at=NOW,
    )
    MeetingRequest.objects.create(
        group=world.group, kind=RequestKind.GROUP, reason="Vei", created_at=NOW
    )
    council = make_council_meeting(world.group, NOW + dt.timedelta(days=10))
    case = CouncilCase.objects.create(council_meeting=council, title="Skolestruktur")
    VoteDeviationNotice.objects.create(
        case=case,
        membership=world.memberships["member"],
        channel=DeviationChannel.PORTAL,
        wants_vote_explanation=True,
        created_at=NOW,
    )
    VoteDeviationNotice.objects.create(
        case=case,
        membership=world.memberships["faction_leader"],
        channel=DeviationChannel.PORTAL,
        wants_vote_explanation=True,
        explanation_agreed=True,
        created_at=NOW,
    )
    RuleAcknowledgement.objects.get_or_create(
        ruleset=world.ruleset, user=world.users["member"], defaults={"acknowledged_at": NOW}
    )
    leader = world.users["leader"]
    draft = make_course(world.group, leader, status=CourseStatus.DRAFT)
    make_course(world.group, leader, status=CourseStatus.SUBMITTED)
    held = make_course(
        world.group,
        leader,
        status=CourseStatus.APPROVED,
        meetings=[make_session_meeting(world.group, starts_at=NOW - dt.timedelta(days=3))],
    )
    make_course(
        world.group,
        leader,
        status=CourseStatus.APPROVED,
        meetings=[make_session_meeting(world.group, starts_at=NOW + dt.timedelta(days=3))],
    )
    finished = make_course(world.group, leader, status=CourseStatus.COMPLETED)
    CertificateRun.objects.create(
        course=finished,
        requested_at=NOW - dt.timedelta(days=1),
        status=RunStatus.DONE,
        finished_at=NOW - dt.timedelta(days=1),
    )
    return {"meeting": meeting, "request": request, "draft": draft, "held": held, "done": finished}


@time_machine.travel(NOW, tick=False)
def test_the_leaders_home_counts_and_links_what_waits_for_him_G9_G6_G19_G22_S13(
    world: World,
) -> None:
    made = leader_world(world)
    body = home(world, "leader")
    assert "Venter på deg som leder" in body
    group = str(world.group)
    meeting = made["meeting"]
    assert entry(body, "Saker meldt inn til saklista", group) == (
        reverse("meetings:detail", args=[meeting.pk]) + "#saksliste",  # type: ignore[attr-defined]
        3,
    )
    assert entry(body, "Krav om møte som har nok underskrifter", group) == (
        reverse("meetings:requests", args=[world.group.pk]),
        1,
    )
    assert entry(body, "Avvikende stemmer som venter på avtalt stemmeforklaring", group) == (
        reverse("meetings:cases", args=[world.group.pk]),
        1,
    )
    # Of five members (leader, deputy, member, faction leader, substitute) one acknowledged.
    assert entry(body, "Har ikke bekreftet reglementet", group) == (
        reverse("groups:rules", args=[world.group.pk]) + "#ikke-bekreftet",
        4,
    )
    assert entry(body, "Kurs som ikke er sendt til godkjenning", group) == (
        reverse("attendance:course_detail", args=[made["draft"].pk]),  # type: ignore[attr-defined]
        1,
    )
    assert entry(body, "Kurs som er holdt og skal meldes gjennomført", group) == (
        reverse("attendance:course_detail", args=[made["held"].pk]),  # type: ignore[attr-defined]
        1,
    )
    assert entry(body, "Kurs med kursbevis klare", group) == (
        reverse("attendance:certificates", args=[made["done"].pk]),  # type: ignore[attr-defined]
        1,
    )
    # Group B's submitted item is its own leader's, not group A's.
    assert (
        str(world.other_group)
        not in body.split("Venter på deg som leder")[1].split("</section>")[0]
    )
    other = home(world, "outsider")
    assert entry(other, "Saker meldt inn til saklista", str(world.other_group))[1] == 1


@time_machine.travel(NOW, tick=False)
def test_a_leader_with_nothing_waiting_is_told_so_with_zeros_not_a_blank_home(
    world: World,
) -> None:
    body = home(world, "leader")
    assert entry(body, "Saker meldt inn til saklista", str(world.group)) == (
        reverse("meetings:list"),
        0,
    )
    assert entry(body, "Kurs som ikke er sendt til godkjenning", str(world.group)) == (
        reverse("attendance:group_courses", args=[world.group.pk]),
        0,
    )


@time_machine.travel(NOW, tick=False)
def test_the_members_home_shows_the_next_meeting_and_what_to_acknowledge_G22_E1(
    world: World,
) -> None:
    make_meeting(world.group, starts_at=NOW - dt.timedelta(days=2), title="Forrige møte")
    later = make_meeting(world.group, starts_at=NOW + dt.timedelta(days=9), title="Vårmøtet")
    nearer = make_meeting(world.group, starts_at=NOW + dt.timedelta(days=2), title="Budsjett")
    make_meeting(world.other_group, starts_at=NOW + dt.timedelta(days=1), title="Nabomøte")
    body = home(world, "member")
    assert "Det neste for deg" in body
    assert entry(body, "Neste møte: Budsjett") == (
        reverse("meetings:detail", args=[nearer.pk]),
        None,
    )
    assert "Vårmøtet" not in body and "Nabomøte" not in body and later.pk
    assert entry(body, "Les og bekreft reglementet") == (
        reverse("groups:rules", args=[world.group.pk]),
        None,
    )
    # Members do not get the leader's section.
    assert "Venter på deg som leder" not in body
    RuleAcknowledgement.objects.create(
        ruleset=world.ruleset, user=world.users["member"], acknowledged_at=NOW
    )
    assert "Les og bekreft reglementet" not in home(world, "member")


@time_machine.travel(NOW, tick=False)
def test_the_course_admins_home_is_the_approval_queue_not_a_dead_end_S13(
    world: World,
) -> None:
    leader = world.users["leader"]
    for _n in range(2):
        make_course(
            world.group, leader, status=CourseStatus.SUBMITTED, submitted_at=NOW - dt.timedelta(1)
        )
    make_course(world.other_group, leader, status=CourseStatus.SUBMITTED, submitted_at=NOW)
    make_course(world.group, leader, status=CourseStatus.DRAFT)
    body = home(world, "course_admin")
    assert "Kursgodkjenning" in body
    assert entry(body, "Kurs som venter på godkjenning") == (
        reverse("attendance:admin_queue"),
        3,
    )
    assert entry(body, "Søknader om unntak som venter") == (
        reverse("attendance:admin_queue") + "#unntak",
        0,
    )
    assert "Du er ikke med i noen gruppe" not in body
    assert "Venter på deg som leder" not in home(world, "member").split("<main")[1]
    assert "Kurs som venter på godkjenning" not in home(world, "member")


@time_machine.travel(NOW, tick=False)
def test_the_site_admins_home_counts_the_health_warnings(world: World) -> None:
    from groups.health import health_warnings
    from groups.models import Heartbeat

    # No worker has ever run here: the worker and the schedule are among the warnings.
    body = home(world, "site_admin")
    url, count = entry(body, "Varsler på driftssiden")
    assert url == reverse("groups:health")
    assert count == len(health_warnings()) >= 2
    assert "Arbeider (worker)" in body and "Tidsplan (beat)" in body
    Heartbeat.objects.update_or_create(
        name="celery", defaults={"ran_at": timezone.now(), "sent_at": timezone.now()}
    )
    after = home(world, "site_admin")
    assert entry(after, "Varsler på driftssiden")[1] == count - 2
    assert "Arbeider (worker)" not in after
    assert "Varsler på driftssiden" not in home(world, "leader")


def test_the_handlers_home_shows_the_deadlines_and_nothing_of_the_case_W4_W7(
    world: World,
) -> None:
    from tests.factories.whistleblowing import make_handler, submit

    make_handler(user=world.users["handler"])
    for days in (20, 10):
        with time_machine.travel(NOW - dt.timedelta(days=days), tick=False):
            submit(description="Noe skjedde på landsmøtet i fjor.")
    with time_machine.travel(NOW, tick=False):
        body = home(world, "handler")
    assert "Frister i varslingssaker" in body
    cases = reverse("whistleblowing:handler_cases")
    # Neither is acknowledged: the one received 20 days ago is past the 14 days, the one
    # received 10 days ago is due within the week.
    assert entry(body, "Frister som er passert") == (cases, 1)
    assert entry(body, "Frister innen en uke") == (cases, 1)
    assert entry(body, "Åpne saker") == (cases, 2)
    assert "landsmøtet" not in body
    assert "Du er ikke med i noen gruppe" not in body
    assert "Frister i varslingssaker" not in home(world, "leader")


@pytest.mark.parametrize("items", [10, 30])
@time_machine.travel(NOW, tick=False)
def test_the_leaders_home_takes_as_many_queries_for_30_pending_items_as_for_10(
    world: World, items: int, django_assert_max_num_queries: object
) -> None:
    leader_world(world, items=items)
    client = world.client_for("leader")
    client.get(reverse("groups:home"))  # sessions, caches
    with django_assert_max_num_queries(40):  # type: ignore[operator]
        body = client.get(reverse("groups:home")).content.decode()
    assert entry(body, "Saker meldt inn til saklista", str(world.group))[1] == items


def test_the_leaders_home_query_count_does_not_grow_with_pending_items(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    with time_machine.travel(NOW, tick=False):
        client = world.client_for("leader")
        client.get(reverse("groups:home"))
        for extra in (10, 20):
            leader_world(world, items=extra)
            with CaptureQueriesContext(connection) as ctx:
                client.get(reverse("groups:home"))
            counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert timezone.now()

"""The QR screen's projector mode (S9, S16, issue 18): no site chrome, a code sized to the
screen, the meeting's name, the time left to check in and a live count polled by htmx; and
the English that reads as English on the way (group names as one sentence)."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from attendance import selectors
from attendance.models import CourseStatus
from groups.models import CouncilGroup, GroupKind
from tests.conftest import World
from tests.factories.attendance import at, make_course, make_presence, make_session_meeting


def _client(world: World, role: str, language: str = "nb") -> Client:
    client = world.client_for(role)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _session(world: World):
    meeting = make_session_meeting(
        world.group, starts_at=at(2031, 3, 4, 18), ends_at=at(2031, 3, 4, 20), title="Studiering 3"
    )
    course = make_course(
        world.group, world.users["leader"], status=CourseStatus.APPROVED, meetings=[meeting]
    )
    expected = selectors.registrable_participants(course, dt.date(2031, 3, 4)).count()
    assert expected >= 4
    return meeting, course, expected


def test_s9_projector_page_shows_name_code_time_left_and_count_without_site_chrome(
    world: World,
) -> None:
    meeting, _, expected = _session(world)
    with time_machine.travel(at(2031, 3, 4, 18, 10), tick=False):
        html = (
            _client(world, "leader")
            .get(reverse("attendance:qr_projector", args=[meeting.pk]))
            .content.decode()
        )
    assert '<body class="projector">' in html
    assert '<main id="main"' in html  # the portal's layout, its landmarks kept
    assert "<h1>Studiering 3</h1>" in html
    assert "<svg" in html  # the code itself, refreshed by the QR fragment
    assert f"0 av {expected} sjekket inn" in html
    assert "Innsjekkingen stenger om 1 t 50 min." in html
    assert 'hx-get="' + reverse("attendance:qr_projector_status", args=[meeting.pk]) in html
    assert "<script>" not in html  # CSP: no inline scripts


def test_s9_the_qr_screen_links_to_the_projector_mode(world: World) -> None:
    meeting, _, _ = _session(world)
    with time_machine.travel(at(2031, 3, 4, 18, 10), tick=False):
        html = (
            _client(world, "leader")
            .get(reverse("attendance:qr_screen", args=[meeting.pk]))
            .content.decode()
        )
    assert reverse("attendance:qr_projector", args=[meeting.pk]) in html
    assert "Vis på projektor" in html


def test_s16_the_status_fragment_counts_people_not_intervals(world: World) -> None:
    meeting, _, expected = _session(world)
    url = reverse("attendance:qr_projector_status", args=[meeting.pk])
    make_presence(meeting, world.users["member"], end=at(2031, 3, 4, 18, 20))
    make_presence(meeting, world.users["member"], start=at(2031, 3, 4, 18, 30))
    make_presence(meeting, world.users["deputy"], start=at(2031, 3, 4, 18, 5))
    with time_machine.travel(at(2031, 3, 4, 19, 18), tick=False):
        html = _client(world, "leader").get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html
    assert 'id="projector-status"' in html
    assert f"2 av {expected} sjekket inn" in html
    assert "Innsjekkingen stenger om 42 minutter." in html


def test_s16_a_participant_from_outside_the_group_raises_the_total(world: World) -> None:
    meeting, _, expected = _session(world)
    make_presence(meeting, world.users["outsider"])  # gives consent to the course
    with time_machine.travel(at(2031, 3, 4, 18, 30), tick=False):
        html = (
            _client(world, "leader")
            .get(reverse("attendance:qr_projector_status", args=[meeting.pk]))
            .content.decode()
        )
    assert f"1 av {expected + 1} sjekket inn" in html


def test_s9_the_projector_says_when_check_in_opens_and_when_it_has_closed(world: World) -> None:
    meeting, _, _ = _session(world)
    url = reverse("attendance:qr_projector_status", args=[meeting.pk])
    with time_machine.travel(at(2031, 3, 4, 16), tick=False):
        early = _client(world, "leader").get(url).content.decode()
    with time_machine.travel(at(2031, 3, 4, 20, 1), tick=False):
        late = _client(world, "leader").get(url).content.decode()
        page = (
            _client(world, "leader")
            .get(reverse("attendance:qr_projector", args=[meeting.pk]))
            .content.decode()
        )
    assert "Innsjekkingen åpner kl. 17:30." in early
    assert "Innsjekkingen er stengt." in late
    assert "Innsjekkingen er stengt." in page
    assert "<svg" not in page.split('id="qr"')[1].split("</div>")[0]  # no code after the window


def test_s9_the_projector_speaks_english(world: World) -> None:
    meeting, _, expected = _session(world)
    with time_machine.travel(at(2031, 3, 4, 19, 18), tick=False):
        html = (
            _client(world, "leader", "en")
            .get(reverse("attendance:qr_projector", args=[meeting.pk]))
            .content.decode()
        )
    assert f"0 of {expected} checked in" in html
    assert "Check-in closes in 42 minutes." in html
    assert "sjekket inn" not in html


def test_s9_only_those_who_may_show_the_qr_code_open_the_projector(world: World) -> None:
    meeting, _, _ = _session(world)
    with time_machine.travel(at(2031, 3, 4, 18, 10), tick=False):
        for name in ("attendance:qr_projector", "attendance:qr_projector_status"):
            url = reverse(name, args=[meeting.pk])
            assert world.client_for("member").get(url).status_code == 403
            assert world.client_for("outsider").get(url).status_code == 404
            assert world.client_for("course_admin").get(url).status_code == 403
            assert Client().get(url).status_code == 302


def test_group_names_are_one_sentence_in_each_language(world: World) -> None:
    county = CouncilGroup(area_name="Innlandet", kind=GroupKind.COUNTY)
    with translation.override("en"):
        assert str(world.group) == "Grønnbygd municipal council group"
        assert str(county) == "Innlandet county council group"
    with translation.override("nb"):
        assert str(world.group) == "Kommunestyregruppa i Grønnbygd"
        assert str(county) == "Fylkestingsgruppa i Innlandet"


def test_an_english_page_names_the_group_in_english(world: World) -> None:
    meeting = make_session_meeting(world.group)
    html = (
        _client(world, "leader", "en")
        .get(reverse("meetings:detail", args=[meeting.pk]))
        .content.decode()
    )
    assert "Grønnbygd municipal council group" in html
    assert "group i Grønnbygd" not in html

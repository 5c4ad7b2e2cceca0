"""Helpers for the minutes-as-record tests: a meeting with everything minutes can hold, and
the text of the page's record and of the PDF, to compare them."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from tests.conftest import IN_CI, World
from tests.factories.meetings import make_item, make_meeting

AGREED = "Gruppa støtter innstillingen og ber om oppstart i 2027."
DISAGREED = "Gruppa vil beholde grendeskolene."
DISSENT = "Jeg vil stemme for å legge ned Bygdeskolen."
GUESTS = "Ordfører Anne Ås (gjest)"

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "section", "br"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr"}
_PAGE_NUMBER = re.compile(r"^\s*\d+\s*/\s*\d+\s*$", re.MULTILINE)


def meeting_with_minutes(world: World, *, present: bool = True) -> Meeting:
    """A meeting under way since three hours: an item where the group agrees with the
    recommendation (and writes a conclusion), one where it disagrees, a member disqualified
    who left and came back, a dissent; with ``present``, who was there and who led it."""
    start = (timezone.now() - dt.timedelta(hours=3)).replace(second=0, microsecond=0)
    meeting = make_meeting(
        world.group,
        title="Gruppemøte om veg og skole",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2, minutes=30),
    )
    leader = world.users["leader"]
    agree = make_item(meeting, title="Gang- og sykkelvei langs fylkesvegen", order=10)
    services.minutes_save_item(
        actor=leader,
        item=agree,
        recommendation="Kommunedirektøren tilrår å søke fylkeskommunen om midler.",
        discussion="Trafikksikkerhet for skolebarn.",
        disagrees_with_recommendation=False,
        conclusion=AGREED,
    )
    disagree = make_item(meeting, title="Skolestruktur", order=20)
    services.minutes_save_item(
        actor=leader,
        item=disagree,
        recommendation="Bygdeskolen legges ned fra høsten.",
        discussion="Lang debatt om Bygdeskolen.",
        disagrees_with_recommendation=True,
        conclusion=DISAGREED,
    )
    conflict = services.conflict_declare(
        actor=world.users["member"], item=disagree, reason="Ektefellen er rektor ved skolen"
    )
    services.conflict_vote(actor=leader, conflict=conflict, votes_for=2, votes_against=1)
    services.conflict_record_leave(
        actor=leader,
        conflict=conflict,
        left_at=start + dt.timedelta(minutes=40),
        returned_at=start + dt.timedelta(minutes=65),
    )
    services.dissent_add(actor=world.users["faction_leader"], item=disagree, text=DISSENT)
    if present:
        ms = world.memberships
        services.minutes_save(
            actor=leader,
            meeting=meeting,
            notes="Møtet ble satt til rett tid.",
            present=[ms["leader"], ms["member"], ms["faction_leader"]],
            leader=ms["leader"],
            present_text=GUESTS,
        )
    return meeting


def clock(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def words(text: str) -> str:
    return " ".join(text.split())


class _RecordText(HTMLParser):
    """The text of the element with id ``minutes-record``, a line break at each block."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth == 0 and ("id", "minutes-record") in attrs:
            self.depth = 1
        elif self.depth and tag not in _VOID:
            self.depth += 1
        if self.depth and tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in _VOID:
            self.depth -= 1
            if tag in _BLOCKS:
                self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def page_record_text(html: str) -> str:
    parser = _RecordText()
    parser.feed(html)
    assert parser.parts, "the page has no minutes record"
    return words("".join(parser.parts))


def pdf_text(pdf: bytes) -> str:
    """What pdftotext reads from the PDF, without the page numbers in the margin."""
    if shutil.which("pdftotext") is None:
        message = "pdftotext not found (apt-get install poppler-utils)"
        if IN_CI:
            pytest.fail(message + " — CI=true, so this is a failure")
        pytest.skip(message)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        out = subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, check=True)
    return words(_PAGE_NUMBER.sub(" ", out.stdout.decode().replace("\f", "\n")))

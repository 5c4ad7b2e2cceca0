"""PDFs draw every letter of a name: emoji and the Sami letters (issue 18).

Each of the four documents (minutes, rules, certificate, attendance list) is rendered with
a member whose name holds emoji and á, č, đ, ŋ, š, ŧ, ž. The text is read back with
pdftotext, and every glyph of every text run is checked against its font: glyph 0 is
``.notdef``, the box a font draws for a character it does not have."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess  # nosec B404 - pdftotext on a test's own file
import tempfile
from collections.abc import Callable
from typing import Any, cast

import pytest
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import ContentStream

from attendance.services import certificates as certificate_service
from attendance.services.attendance_list import attendance_list_pdf
from config import pdf
from groups import services as group_services
from meetings import services as meeting_services
from tests.attendance.certificates.builders import make_held_course
from tests.conftest import World
from tests.meetings.records import meeting_with_minutes

SAMI = "áčđŋšŧž"
EMOJI = "🌻😀"
NAME = f"Sárá Čuoigŋa{SAMI} {EMOJI}"


def pdftotext(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run(  # nosec B603 B607 - fixed arguments
            ["pdftotext", "-enc", "UTF-8", handle.name, "-"], capture_output=True, check=True
        )
    return out.stdout.decode()


def _cids(font: Any) -> Callable[[int], int]:
    """Code to CID of a Type0 font: Identity-H, or WeasyPrint's own encoding CMap."""
    encoding = font["/Encoding"]
    encoding = encoding.get_object() if hasattr(encoding, "get_object") else encoding
    if encoding == "/Identity-H":
        return lambda code: code
    table: dict[int, int] = {}
    words = encoding.get_data().decode("latin-1")
    for block in re.findall(r"begincidchar(.*?)endcidchar", words, re.S):
        for code, cid in re.findall(r"<([0-9a-fA-F]+)>\s+(\d+)", block):
            table[int(code, 16)] = int(cid)
    for block in re.findall(r"begincidrange(.*?)endcidrange", words, re.S):
        for low, high, cid in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s+(\d+)", block):
            for offset in range(int(high, 16) - int(low, 16) + 1):
                table[int(low, 16) + offset] = int(cid) + offset
    return lambda code: table[code]


def glyphs_by_font(data: bytes) -> dict[str, list[int]]:
    """The glyphs (CIDs, two bytes a code) each font draws in the PDF."""
    used: dict[str, list[int]] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        resources: Any = page["/Resources"]
        fonts = {k: v.get_object() for k, v in resources.get("/Font", {}).items()}
        stream = ContentStream(page.get_contents(), page.pdf)
        current, to_cid = "", _cids({"/Encoding": "/Identity-H"})
        for operands, operator in stream.operations:
            if operator == b"Tf":
                font = fonts[operands[0]]
                assert font["/Subtype"] == "/Type0", font
                current, to_cid = str(font["/BaseFont"]), _cids(font)
            elif operator in (b"Tj", b"TJ"):
                parts = operands[0] if operator == b"TJ" else [operands[0]]
                for part in parts:
                    if isinstance(part, bytes | str):  # pypdf's Text/ByteStringObject
                        raw = bytes(cast(Any, part).original_bytes)
                        codes = [int.from_bytes(raw[i : i + 2]) for i in range(0, len(raw), 2)]
                        used.setdefault(current, []).extend(to_cid(c) for c in codes)
    return used


def assert_drawn(data: bytes) -> None:
    """Every Sami letter and emoji is in the text, and no text run draws a .notdef."""
    text = pdftotext(data)
    for letter in SAMI + "Č":
        assert letter in text, letter
    for emoji in EMOJI:
        assert emoji in text, emoji
    used = glyphs_by_font(data)
    notdef = {font for font, ids in used.items() if 0 in ids}
    assert not notdef, f".notdef drawn in {notdef}"
    assert any("+Portal-Emoji" in font for font in used), used
    # The portal's own fonts only, never whatever the machine has installed.
    assert all("+Portal-" in font for font in used), used


@pytest.fixture
def named(world: World) -> World:
    member = world.users["member"]
    member.full_name = NAME
    member.save(update_fields=["full_name"])
    return world


def test_the_font_draws_emoji_and_sami_letters() -> None:
    data = pdf.render_pdf("pdf/_header.html", {"organisation": NAME, "meta": SAMI})

    assert_drawn(data)


@pytest.mark.django_db
def test_minutes_pdf_draws_a_name_with_emoji_and_sami_letters(named: World) -> None:
    meeting = meeting_with_minutes(named)
    version = meeting_services.minutes_approve(actor=named.users["leader"], meeting=meeting)
    response = named.client_for("member").get(
        reverse("meetings:minutes_pdf", args=[meeting.pk, version.number])
    )

    assert response.status_code == 200
    assert NAME in " ".join(pdftotext(response.content).split())
    assert_drawn(response.content)


@pytest.mark.django_db
def test_rules_pdf_draws_a_name_with_emoji_and_sami_letters(named: World) -> None:
    leader = named.users["leader"]
    fields = group_services.RuleFields(
        meeting_place="Kommunehuset",
        meeting_weekdays=[2],
        meeting_start=dt.time(18),
        meeting_end=dt.time(20),
        quarantine_months=0,
        cooperation="",
    )
    proposal = group_services.ruleset_propose(
        actor=leader, group=named.group, fields=fields, change_summary="Onsdager"
    )
    group_services.ruleset_decide(actor=leader, ruleset=proposal, votes_for=3, votes_against=1)
    response = named.client_for("leader").get(
        reverse("groups:rules_pdf", args=[named.group.pk, proposal.version])
    )

    assert response.status_code == 200
    assert NAME in " ".join(pdftotext(response.content).split())
    assert_drawn(response.content)


@pytest.mark.django_db
def test_attendance_list_pdf_draws_a_name_with_emoji_and_sami_letters(named: World) -> None:
    built = make_held_course(
        named.group, named.users["leader"], present_users=[named.users["member"]]
    )

    data = attendance_list_pdf(built.course)

    assert NAME in " ".join(pdftotext(data).split())
    assert_drawn(data)


@pytest.mark.django_db
def test_certificates_draw_a_name_with_emoji_and_sami_letters_alone_and_in_a_batch(
    named: World, django_capture_on_commit_callbacks: Any
) -> None:
    from attendance.models import Certificate

    built = make_held_course(
        named.group, named.users["leader"], present_users=[named.users["member"]]
    )
    with django_capture_on_commit_callbacks(execute=True):
        certificate_service.certificates_request(actor=named.users["leader"], course=built.course)
    own = Certificate.objects.get(course=built.course, user=named.users["member"]).file.read()
    batch = named.client_for("leader").get(
        reverse("attendance:certificates_all", args=[built.course.pk])
    )

    assert batch.status_code == 200
    for data in (own, batch.content):
        assert NAME in " ".join(pdftotext(data).split())
        assert_drawn(data)

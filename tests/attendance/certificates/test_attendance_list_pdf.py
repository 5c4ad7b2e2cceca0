from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from attendance.models import CourseStatus
from attendance.services import attendance_list as lists
from tests.attendance.certificates.builders import Built, make_held_course
from tests.conftest import World
from tests.factories.meetings import OSLO


def pdf_text(data: bytes) -> str:
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


@pytest.fixture
def built(world: World) -> Built:
    member = world.users["member"]
    member.birth_year, member.gender, member.postcode = 1981, "female", "2390"
    member.save()
    return make_held_course(world.group, world.users["leader"], present_users=[member])


def test_the_attendance_list_pdf_holds_the_regulations_fields_totals_and_verdict(
    built: Built,
) -> None:
    text = pdf_text(lists.attendance_list_pdf(built.course))

    for expected in (
        "Frammøteliste",
        "Marit Medlem 1981 Kvinne 2390 3,00 3,00 6,00 Ja",
        "04.03.2025",
        "11.03.2025",
        "Studietimer per samling 3 3 6",
        "Kurset oppfyller kravene til studiearbeid.",
        "Ikke bekreftet av kursleder.",
        "sendes aldri på e-post",
    ):
        assert expected in text, expected
    partial = built.partial[0]
    assert re.search(
        rf"{partial.full_name} {partial.birth_year} \w+ \d{{4}} 3,00 0,00 3,00 Nei", text
    )
    # Every participant's hours add up in the totals row: 5 full × 3 + 1 partial × 3.
    assert "Deltakertimer i alt 18,00 15,00" in text


def test_the_course_leaders_confirmation_is_printed_with_name_and_time(
    built: Built, world: World
) -> None:
    with time_machine.travel(dt.datetime(2025, 4, 2, 10, 15, tzinfo=OSLO), tick=False):
        lists.attendance_list_confirm(actor=world.users["leader"], course=built.course)

    text = pdf_text(lists.attendance_list_pdf(built.course))

    assert "Bekreftet i Gruppeportalen av kursleder Liv Leder, 2. april 2025 kl. 10:15." in text


def test_a_presence_change_after_confirmation_makes_the_confirmation_stale(
    built: Built, world: World
) -> None:
    lists.attendance_list_confirm(actor=world.users["leader"], course=built.course)
    presence = built.presences[world.users["member"].pk][0]
    presence.ended_at = presence.started_at + dt.timedelta(hours=1)
    presence.save()

    text = pdf_text(lists.attendance_list_pdf(built.course))

    assert "Bekreftet i Gruppeportalen" not in text
    assert "Ikke bekreftet: frammøtet er endret" in text


def test_only_the_course_leader_confirms_and_only_once_per_content(
    built: Built, world: World
) -> None:
    with pytest.raises(PermissionDenied):
        lists.attendance_list_confirm(actor=world.users["deputy"], course=built.course)
    lists.attendance_list_confirm(actor=world.users["leader"], course=built.course)
    with pytest.raises(ValidationError):
        lists.attendance_list_confirm(actor=world.users["leader"], course=built.course)


def test_a_course_not_yet_completed_cannot_have_its_list_confirmed(world: World) -> None:
    built = make_held_course(world.group, world.users["leader"], status=CourseStatus.APPROVED)
    with pytest.raises(ValidationError):
        lists.attendance_list_confirm(actor=world.users["leader"], course=built.course)


def test_the_page_says_the_list_is_never_emailed_and_offers_no_sending(
    built: Built, world: World, client: Any
) -> None:
    client = world.client_for("leader")
    url = reverse("attendance:attendance_list_print", args=[built.course.pk])

    page = client.get(url).content.decode()
    confirmed = client.post(url)
    download = client.get(reverse("attendance:attendance_list_pdf", args=[built.course.pk]))

    assert "sendes aldri på e-post eller SMS" in page
    assert "mailto:" not in page and "Send" not in page
    assert confirmed.status_code == 302
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    assert "Bekreftet i Gruppeportalen av kursleder Liv Leder" in pdf_text(download.content)
    assert mail.outbox == []


def test_a_member_cannot_get_the_attendance_list(built: Built, world: World) -> None:
    response = world.client_for("member").get(
        reverse("attendance:attendance_list_pdf", args=[built.course.pk])
    )
    assert response.status_code == 403


def test_the_page_the_csv_and_the_pdf_show_the_same_list(built: Built, world: World) -> None:
    client = world.client_for("leader")
    pk = built.course.pk

    page = client.get(reverse("attendance:attendance_list", args=[pk])).content.decode()
    csv_lines = (
        client.get(reverse("attendance:attendance_list_csv", args=[pk]))
        .content.decode("utf-8-sig")
        .splitlines()
    )
    pdf = pdf_text(client.get(reverse("attendance:attendance_list_pdf", args=[pk])).content)

    header, *rows = [line.split(";") for line in csv_lines]
    assert header[4:6] == ["04.03.2025", "11.03.2025"]
    assert len(rows) == len(built.present) + len(built.partial)
    # The page's cells carry a data-label (a card on a phone) and the name is the row's head.
    flat = re.sub(r"<t[dh]\b[^>]*>", "<td>", page).replace("</th>", "</td>")
    for cells in rows:
        assert "".join(f"<td>{cell}</td>" for cell in cells) in flat
        name, *rest = cells
        assert re.search(rf"{re.escape(name)}( \(kursleder\))? {re.escape(' '.join(rest))}", pdf)
    assert "Marit Medlem;1981;Kvinne;2390;3,00;3,00;6,00" in csv_lines


def test_a_list_confirmed_in_english_is_still_confirmed_in_norwegian(
    built: Built, world: World
) -> None:
    from django.utils import translation

    with translation.override("en"):
        lists.attendance_list_confirm(actor=world.users["leader"], course=built.course)

    text = pdf_text(lists.attendance_list_pdf(built.course))

    assert "Bekreftet i Gruppeportalen av kursleder Liv Leder" in text

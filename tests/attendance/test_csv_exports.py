"""Issue 15 item 8: no cell of a CSV export is a live spreadsheet formula."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from attendance.models import CourseStatus
from config.csvexport import FORMULA_STARTS, safe_cell
from tests.conftest import World
from tests.factories.attendance import at, make_course, make_presence, make_session_meeting

EVIL_NAME = "=cmd|' /C calc'!A0"
EVIL_TITLE = '=HYPERLINK("http://angriper.example/","Klikk her")'


def _cells(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def _assert_no_formula(rows: list[list[str]]) -> None:
    live = [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]
    assert not live, f"cells a spreadsheet would evaluate: {live}"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_starting_like_a_formula_is_quoted(start: str) -> None:
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", ["Marit Medlem", "a=b", "Ås-Nord", "", 42, -7, None])
def test_other_values_are_left_alone(value: object) -> None:
    assert safe_cell(value) == value


def test_a_member_named_like_a_formula_is_text_in_the_attendance_list_csv(world: World) -> None:
    member = world.users["member"]
    member.full_name = EVIL_NAME
    member.save()
    meeting = make_session_meeting(world.group, starts_at=at(2024, 3, 5, 18))
    course = make_course(world.group, world.users["leader"], meetings=[meeting], title=EVIL_TITLE)
    make_presence(meeting, member)

    response = world.client_for("leader").get(
        reverse("attendance:attendance_list_csv", args=[course.pk])
    )

    rows = _cells(response.content)
    _assert_no_formula(rows)
    assert [row[0] for row in rows if EVIL_NAME in row[0]] == ["'" + EVIL_NAME]


def test_a_course_named_like_a_formula_is_text_in_the_subsidy_csv(world: World) -> None:
    course = make_course(
        world.group,
        world.users["leader"],
        status=CourseStatus.REPORTED,
        meetings=[make_session_meeting(world.group)],
        title=EVIL_TITLE,
    )
    course.reported_hours = {"2024-Q1": 6}
    course.save()

    response = world.client_for("course_admin").get(
        reverse("attendance:subsidy_csv"), {"year": 2024, "quarter": 1}
    )

    rows = _cells(response.content)
    _assert_no_formula(rows)
    line = next(row for row in rows if row[0] == str(course.pk))
    assert line[1] == "'" + EVIL_TITLE
    assert line[3:5] == ["6", "6"]  # numbers stay numbers
    assert line[7:9] == ["120.00", "720.00"]


def test_every_csv_export_writes_through_the_safe_writer() -> None:
    """A new export that used csv.writer directly would bypass the quoting."""
    base = Path(settings.BASE_DIR)
    offenders = [
        str(path.relative_to(base))
        for app in ("config", "groups", "meetings", "attendance", "whistleblowing")
        for path in (base / app).rglob("*.py")
        if path.name != "csvexport.py"
        and re.search(r"\bcsv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))
    ]
    assert not offenders, f"CSV written without config.csvexport: {offenders}"

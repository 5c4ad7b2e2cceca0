"""The meeting tools' attendance reports (S9, S16): pure parsers over bytes, no Django.

Fixtures in ``fixtures/`` look like the real exports (Teams in English and Norwegian,
UTF-16 LE/BE and UTF-8 with BOM; Zoom in UTF-8 and cp1252) and hold invented people only.
"""

from __future__ import annotations

import codecs
import datetime as dt
import itertools
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attendance.meeting_reports import (
    Report,
    ReportError,
    merge,
    parse_duration,
    parse_report,
    parse_time,
)

OSLO = ZoneInfo("Europe/Oslo")
FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


def at(hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, 1, hour, minute, second, tzinfo=OSLO)


KARI = ((at(18, 3, 12), at(18, 45)), (at(19, 5), at(19, 59)))
TORE = ((at(17, 58, 2), at(20, 1, 40)),)
OLA = ((at(18, 10), at(19, 0)),)


def by_key(report: Report) -> dict[str, tuple[tuple[dt.datetime, dt.datetime], ...]]:
    return {a.key: a.intervals for a in report.attendees}


@pytest.mark.parametrize(
    ("name", "tool"),
    [
        ("teams_en_utf16le.csv", "teams"),
        ("teams_en_utf16be.csv", "teams"),
        ("teams_nb_utf8bom.csv", "teams"),
        ("zoom_utf8.csv", "zoom"),
        ("zoom_cp1252.csv", "zoom"),
    ],
)
def test_every_supported_export_gives_the_same_intervals_per_person_S9_S16(name, tool):
    report = parse_report((FIXTURES / name).read_bytes(), OSLO)
    assert report.tool == tool
    intervals = by_key(report)
    # Kari joined twice (three times in the English Teams report, the third inside the
    # second): the joins are merged, the time away between them is not.
    assert intervals["kari.provemedlem@example.org"] == KARI
    assert intervals["tore.testleder@example.org"] == TORE
    # No e-mail in the report: the person is known by name only.
    assert intervals["name:ola oppdiktet"] == OLA
    names = {a.key: a.name for a in report.attendees}
    assert names["name:ola oppdiktet"] == "Ola Oppdiktet"


def test_the_teams_organiser_is_read_and_marked_S13():
    report = parse_report((FIXTURES / "teams_nb_utf8bom.csv").read_bytes(), OSLO)
    organisers = [a.email for a in report.attendees if a.organiser]
    assert organisers == ["tore.testleder@example.org"]


def test_teams_uses_the_per_join_section_not_first_join_to_last_leave_S16():
    """'2. Participants' says Kari was there 18:03-19:59; the activities show she left."""
    report = parse_report((FIXTURES / "teams_en_utf16le.csv").read_bytes(), OSLO)
    assert by_key(report)["kari.provemedlem@example.org"] == KARI
    assert report.row_count == 6


def test_a_guest_marker_is_not_part_of_the_name():
    report = parse_report((FIXTURES / "teams_en_utf16le.csv").read_bytes(), OSLO)
    assert "name:gunn gjest" in by_key(report)


def test_a_row_without_readable_times_is_left_over_not_guessed():
    report = parse_report((FIXTURES / "zoom_cp1252.csv").read_bytes(), OSLO)
    assert [(r.name, r.reason) for r in report.leftovers] == [("Ukjent Ødegård", "no_time")]
    assert report.row_count == 5


@pytest.mark.parametrize(
    "name", ["garbage.bin", "not_a_report.csv"], ids=["binary", "csv-without-attendance"]
)
def test_a_file_that_is_no_report_is_refused_with_a_norwegian_message(name):
    with pytest.raises(ReportError) as caught:
        parse_report((FIXTURES / name).read_bytes(), OSLO)
    assert isinstance(caught.value, ValueError)
    assert "Last opp" in str(caught.value)


@pytest.mark.parametrize("data", [b"", b"   \r\n", codecs.BOM_UTF16_LE])
def test_an_empty_file_is_refused(data):
    with pytest.raises(ReportError, match="tom"):
        parse_report(data, OSLO)


def test_a_header_without_rows_is_refused():
    with pytest.raises(ReportError, match="tom"):
        parse_report(b"Name,User Email,Join Time,Leave Time\n", OSLO)


@given(st.binary(max_size=3000))
@settings(max_examples=150, deadline=None)
def test_any_bytes_give_a_report_or_a_clear_refusal(data):
    try:
        parse_report(data, OSLO)
    except ReportError as exc:
        assert exc.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01.12.2026, 18:03:12", at(18, 3, 12)),
        ("1.12.2026 18:03", at(18, 3)),
        ("01.12.26, 18:03:12", at(18, 3, 12)),
        ("12/1/2026, 6:03:12 PM", at(18, 3, 12)),
        ("12/1/26, 6:03:12\u202fPM", at(18, 3, 12)),
        ("12/01/2026 06:03:12 PM", at(18, 3, 12)),
        ("12/1/2026 6:03 p.m.", at(18, 3)),
        ("2026-12-01 18:03:12", at(18, 3, 12)),
        ("2026-12-01T18:03:12", at(18, 3, 12)),
        ("2026-12-01T17:03:12Z", at(18, 3, 12)),
        ("01.12.2026 kl. 18.03", at(18, 3)),
    ],
)
def test_norwegian_english_and_iso_times_are_read_in_the_session_time_zone(text, expected):
    assert parse_time(text, OSLO) == expected


def test_slashed_dates_are_day_first_when_a_day_cannot_be_a_month():
    data = (
        b"Name,User Email,Join Time,Leave Time\n"
        b"Kari,kari@example.org,13/01/2027 18:00:00,13/01/2027 19:00:00\n"
        b"Kari,kari@example.org,01/02/2027 18:00:00,01/02/2027 19:00:00\n"
    )
    intervals = by_key(parse_report(data, OSLO))["kari@example.org"]
    assert [i[0].date() for i in intervals] == [dt.date(2027, 1, 13), dt.date(2027, 2, 1)]


def test_naive_times_follow_the_time_zone_across_daylight_saving():
    summer = parse_time("2026-06-01 18:00:00", OSLO)
    winter = parse_time("2026-12-01 18:00:00", OSLO)
    assert summer is not None and winter is not None
    assert summer.utcoffset() == dt.timedelta(hours=2)
    assert winter.utcoffset() == dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("1h 2m 3s", 62), ("2 t 3 min 38 s", 123), ("00:45:12", 45), ("62", 62), ("50 min", 50)],
)
def test_durations_in_every_form_the_tools_write(text, minutes):
    duration = parse_duration(text)
    assert duration is not None and int(duration.total_seconds()) // 60 == minutes


def test_a_missing_leave_time_is_the_join_plus_the_duration():
    data = "Navn\tBle med\tForlot\tVarighet\tE-post\nKari\t01.12.2026, 18:00:00\t\t1 t 5 min\tkari@example.org\n"
    intervals = by_key(parse_report(data.encode("utf-16"), OSLO))["kari@example.org"]
    assert intervals == ((at(18, 0), at(19, 5)),)


# --- properties ------------------------------------------------------------------------------
PEOPLE = [
    ("Kari Prøvemedlem", "kari.provemedlem@example.org"),
    ("Ola Oppdiktet", ""),
    ("Åse Ærlig-Østby", "ase@example.org"),
]
row = st.tuples(
    st.integers(0, len(PEOPLE) - 1),
    st.integers(0, 180),  # minutes after 17:30
    st.integers(0, 120),  # length in minutes
)


def _teams(rows: list[tuple[int, int, int]]) -> bytes:
    start = at(17, 30).replace(tzinfo=None)  # the tools write naive local times
    lines = ["1. Summary", "Meeting title\tStudiering", "", "3. In-Meeting Activities"]
    lines.append("Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole")
    for person, offset, length in rows:
        name, email = PEOPLE[person]
        a = start + dt.timedelta(minutes=offset)
        b = a + dt.timedelta(minutes=length)
        fmt = "%m/%d/%y, %I:%M:%S %p"
        lines.append(f"{name}\t{a:{fmt}}\t{b:{fmt}}\t{length}m\t{email}\tAttendee")
    return codecs.BOM_UTF16_LE + "\r\n".join(lines).encode("utf-16-le")


@given(st.lists(row, min_size=1, max_size=25), st.randoms(use_true_random=False))
@settings(max_examples=80, deadline=None)
def test_any_order_of_rows_gives_the_same_intervals_S16(rows, rnd):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    first = parse_report(_teams(rows), OSLO)
    second = parse_report(_teams(shuffled), OSLO)
    assert by_key(first) == by_key(second)
    for intervals in by_key(first).values():
        # Merged: sorted, no two touch or overlap.
        assert all(a[1] < b[0] for a, b in itertools.pairwise(intervals))


@given(st.lists(row, min_size=1, max_size=25))
@settings(max_examples=60, deadline=None)
def test_the_rows_twice_give_the_same_intervals_as_once_S16(rows):
    """A report listing every join twice (or two reports put together) changes nothing."""
    assert by_key(parse_report(_teams(rows + rows), OSLO)) == by_key(
        parse_report(_teams(rows), OSLO)
    )


@given(
    st.lists(
        st.tuples(st.integers(0, 500), st.integers(0, 120)).map(
            lambda p: (
                (at(17, 0) + dt.timedelta(minutes=p[0]),) * 1
                + (at(17, 0) + dt.timedelta(minutes=p[0] + p[1]),)
            )
        ),
        max_size=20,
    )
)
def test_merging_is_idempotent_and_keeps_every_covered_minute(intervals):
    merged = merge(intervals)
    assert merge(merged) == merged
    minute = dt.timedelta(minutes=1)
    for a, b in intervals:
        moment = a
        while moment < b:
            assert any(s <= moment < e for s, e in merged)
            moment += minute


def test_the_parsers_import_and_run_without_django():
    script = textwrap.dedent(
        """
        import sys

        class BlockDjango:
            def find_spec(self, name, path=None, target=None):
                if name == "django" or name.startswith("django."):
                    raise ImportError("django is blocked in this test")
                return None

        sys.meta_path.insert(0, BlockDjango())
        from zoneinfo import ZoneInfo
        import attendance.meeting_reports as m
        data = b"Name,User Email,Join Time,Leave Time\\nKari,k@example.org,2026-12-01 18:00,2026-12-01 19:00\\n"
        report = m.parse_report(data, ZoneInfo("Europe/Oslo"))
        assert report.attendees[0].email == "k@example.org", report
        print("ok")
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"

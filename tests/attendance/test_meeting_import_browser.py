"""End to end in Chromium (S9, S10, S16): the leader uploads a Teams attendance report on the
session's attendance page, checks the preview, confirms, and the live view shows the
participants' shares."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from attendance.models import CourseStatus, Presence
from meetings.models import MeetingMode
from tests.conftest import build_world, login_in_browser
from tests.factories.attendance import give_consent, make_course, make_session_meeting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OSLO = ZoneInfo("Europe/Oslo")
TEAMS = Path(__file__).parent / "fixtures" / "teams_en_utf16le.csv"


def test_the_leader_imports_a_teams_report_and_the_live_view_shows_the_shares_S9_S16(
    page: Any, tmp_path: Path
) -> None:
    world = build_world()
    users = world.users
    for role, name, email in [
        ("leader", "Tore Testleder", "tore.testleder@example.org"),
        ("member", "Kari Prøvemedlem", "kari.provemedlem@example.org"),
        ("deputy", "Ola Oppdiktet", "ola@example.org"),
        ("faction_leader", "Gunn Gjest", "gunn@example.org"),
    ]:
        users[role].full_name, users[role].email = name, email
        users[role].save()
    meeting = make_session_meeting(
        world.group,
        starts_at=dt.datetime(2026, 12, 1, 18, tzinfo=OSLO),
        ends_at=dt.datetime(2026, 12, 1, 20, tzinfo=OSLO),
        mode=MeetingMode.DIGITAL,
        title="Studiering kapittel 3",
    )
    course = make_course(
        world.group, users["leader"], status=CourseStatus.APPROVED, meetings=[meeting]
    )
    for role in ("leader", "member", "deputy"):
        give_consent(course, users[role])

    page.set_viewport_size({"width": 390, "height": 844})
    login_in_browser(page, users["leader"])
    page.goto(f"/studiearbeid/moter/{meeting.pk}/frammote/")
    page.get_by_role("link", name="Importer frammøte fra Teams eller Zoom").click()
    page.get_by_label("Frammøterapport (CSV)").set_input_files(str(TEAMS))
    page.get_by_role("button", name="Les rapporten").click()

    page.get_by_role("heading", name="Forhåndsvisning").wait_for()
    record = page.get_by_test_id("import-record")
    kari = record.get_by_role("row").filter(has_text="Kari Prøvemedlem")
    assert "18:03–18:45, 19:05–19:59" in kari.inner_text()
    assert "funnet via e-post" in kari.inner_text()
    ola = record.get_by_role("row").filter(has_text="Ola Oppdiktet")
    assert "funnet via navnet «Ola Oppdiktet»" in ola.inner_text()
    tore = record.get_by_role("row").filter(has_text="Tore Testleder")
    assert "18:00–20:00" in tore.inner_text()  # clipped to the session
    skipped = page.get_by_test_id("import-skipped")
    assert "Gunn Gjest" in skipped.inner_text()
    assert "har ikke samtykket" in skipped.inner_text()
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
    assert Presence.objects.filter(meeting=meeting).count() == 0  # nothing before confirming

    page.get_by_role("button", name="Lagre 4 intervaller").click()
    page.get_by_text("Frammøtet er importert: 4 nye intervaller.").wait_for()
    assert Presence.objects.filter(meeting=meeting).count() == 4
    assert not Presence.objects.filter(user=users["faction_leader"]).exists()

    page.goto(f"/studiearbeid/kurs/{course.pk}/oversikt/")
    rows = page.get_by_role("row")
    kari_row = rows.filter(has_text="Kari Prøvemedlem")
    kari_row.wait_for()
    # 41 min 48 s + 54 min of the session's 120, in whole minutes.
    assert "95 / 120" in kari_row.inner_text()
    assert kari_row.get_by_role("img", name="79 prosent").count() == 1
    assert "120 / 120" in rows.filter(has_text="Tore Testleder").inner_text()
    assert "50 / 120" in rows.filter(has_text="Ola Oppdiktet").inner_text()
    assert rows.filter(has_text="Gunn Gjest").count() == 0
    page.screenshot(path=str(tmp_path / "live.png"), full_page=True)

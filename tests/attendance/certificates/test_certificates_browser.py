"""End to end in Chromium (S8): the leader completes the course, watches the progress bar
fill while the certificates are made, downloads them as one PDF; a participant downloads
theirs; the verification URL printed beside the QR code confirms it."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from attendance import tasks
from attendance.models import Certificate, CertificateRun, CourseStatus, RunStatus
from attendance.services.certificates import certificates_generate
from tests.attendance.certificates.builders import make_held_course
from tests.conftest import build_world, login_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _text(path: str | Path) -> str:
    data = Path(path).read_bytes()
    return " ".join(
        " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages).split()
    )


def test_leader_makes_certificates_watches_progress_and_participant_verifies_theirs(
    page: Any, browser: Any, live_server: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.SITE_URL = live_server.url
    world = build_world()
    built = make_held_course(
        world.group,
        world.users["leader"],
        present_users=[world.users["member"]],
        status=CourseStatus.APPROVED,
    )
    course = built.course
    queued: list[int] = []
    # Hold the task back, so the page is seen polling a queued run; the test then runs it
    # the way a worker would (eager mode is covered in test_certificates.py).
    monkeypatch.setattr(tasks.generate_certificates, "delay", queued.append)

    login_in_browser(page, world.users["leader"])
    page.goto(reverse("attendance:course_detail", args=[course.pk]))
    page.get_by_role("button", name="Marker som gjennomført").click()
    page.get_by_text("Kurset er markert som gjennomført.").wait_for()

    page.goto(reverse("attendance:certificates", args=[course.pk]))
    page.get_by_role("button", name="Lag kursbevis").click()
    progress = page.locator("progress#run-progress")
    progress.wait_for()
    assert progress.get_attribute("value") == "0"
    assert queued == [CertificateRun.objects.get(course=course).pk]

    certificates_generate(run_id=queued[0])

    # htmx polls the status partial every second and swaps in the finished state.
    page.get_by_text("Kursbevisene er klare.").wait_for()
    expect(page.locator("progress#run-progress")).to_have_attribute("value", "100")
    assert CertificateRun.objects.get().status == RunStatus.DONE
    with page.expect_download() as all_download:
        page.get_by_role("link", name="Last ned alle kursbevis som én PDF").click()
    merged = all_download.value.path()
    assert len(PdfReader(str(merged)).pages) == len(built.present)
    merged_text = _text(merged)
    assert all(user.full_name in merged_text for user in built.present)
    assert all(user.full_name not in merged_text for user in built.partial)

    phone = browser.new_context(base_url=live_server.url, locale="nb-NO")
    member_page = phone.new_page()
    try:
        login_in_browser(member_page, world.users["member"])
        member_page.goto(reverse("attendance:certificates", args=[course.pk]))
        with member_page.expect_download() as own_download:
            member_page.get_by_role("link", name="Last ned kursbeviset ditt (PDF)").click()
        own = _text(own_download.value.path())
        assert "Marit Medlem" in own and "Kursbevis" in own
        match = re.search(r"(https?://\S+?/kursbevis/kontroll/[A-Z0-9-]+/)", own.replace(" ", ""))
        assert match, own
        verify_url = match.group(1)
        assert verify_url.startswith(live_server.url)
        code = Certificate.objects.get(user=world.users["member"]).code
        assert verify_url.endswith(f"/{code}/")

        anonymous = browser.new_context(base_url=live_server.url, locale="nb-NO")
        try:
            checker = anonymous.new_page()
            checker.goto(verify_url)
            checker.get_by_text("Kursbeviset er gyldig.").wait_for()
            assert checker.get_by_text("Marit Medlem").is_visible()
            assert checker.get_by_text(course.title).is_visible()
        finally:
            anonymous.close()
    finally:
        phone.close()

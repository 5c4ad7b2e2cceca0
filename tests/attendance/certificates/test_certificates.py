from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from attendance.models import (
    Certificate,
    CertificateRun,
    CertificateStatus,
    CourseStatus,
    RunStatus,
)
from attendance.services import certificates as service
from tests.attendance.certificates.builders import Built, add_presence, make_held_course
from tests.conftest import World


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def generate(built: Built, world: World, django_capture_on_commit_callbacks: Any) -> CertificateRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = service.certificates_request(actor=world.users["leader"], course=built.course)
    run.refresh_from_db()
    return run


@pytest.fixture
def built(world: World) -> Built:
    return make_held_course(
        world.group, world.users["leader"], present_users=[world.users["member"]]
    )


def test_only_participants_the_engine_qualifies_get_a_certificate(
    built: Built, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    run = generate(built, world, django_capture_on_commit_callbacks)

    assert run.status == RunStatus.DONE
    holders = set(Certificate.objects.filter(course=built.course).values_list("user_id", flat=True))
    assert holders == {u.pk for u in built.present}
    assert not holders & {u.pk for u in built.partial}
    assert run.total == run.done == len(built.present)


def test_the_certificate_pdf_names_everything_s8_requires(
    built: Built, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    generate(built, world, django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get(course=built.course, user=world.users["member"])
    data = certificate.file.read()
    text = " ".join(pdf_text(data).split())

    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    for expected in (
        "Senterpartiets Studieforbund",
        "Senterpartiskolen",
        "Kursbevis",
        "Marit Medlem",
        "Politisk arbeid i Grønnbygd",
        "Studieplan",
        "Politisk arbeid",
        "Læringsmål",
        "Tilegne seg nødvendig kunnskap",
        "6 studietimer",
        "04.03.2025",
        "11.03.2025",
        "Grønnbygd",
        "Liv Leder",
        "Kontrollkode",
        certificate.code,
    ):
        assert expected in text, expected
    assert f"Utstedt {certificate.issued_on:%d.%m.%Y}" in text
    assert service.sha256(data) == certificate.sha256


def test_the_qr_code_is_an_inline_svg_pointing_at_the_public_verification_page() -> None:
    url = service.verify_url("ABCD-EFGH-JKMN")
    uri = service.qr_data_uri(url)

    assert uri.startswith("data:image/svg+xml")
    assert url.endswith(reverse("attendance:certificate_verify", args=["ABCD-EFGH-JKMN"]))


def test_a_course_that_is_not_completed_gets_no_certificates(world: World) -> None:
    built = make_held_course(world.group, world.users["leader"], status=CourseStatus.APPROVED)
    with pytest.raises(ValidationError, match="markert som gjennomført"):
        service.certificates_request(actor=world.users["leader"], course=built.course)
    assert not CertificateRun.objects.exists()


def test_a_course_that_does_not_hold_gets_no_certificates(world: World) -> None:
    built = make_held_course(world.group, world.users["leader"], present=1)
    with pytest.raises(ValidationError) as caught:
        service.certificates_request(actor=world.users["leader"], course=built.course)
    assert any("deltakere" in m for m in caught.value.messages)


def test_an_ordinary_member_cannot_request_certificates(built: Built, world: World) -> None:
    with pytest.raises(PermissionDenied):
        service.certificates_request(actor=world.users["member"], course=built.course)


def test_a_second_request_while_one_runs_is_refused(built: Built, world: World) -> None:
    service.certificates_request(actor=world.users["leader"], course=built.course)  # not run
    with pytest.raises(ValidationError, match="lages allerede"):
        service.certificates_request(actor=world.users["leader"], course=built.course)


def test_a_run_whose_worker_died_does_not_block_the_course_for_ever(
    built: Built, world: World
) -> None:
    lost = service.certificates_request(actor=world.users["leader"], course=built.course)
    later = lost.requested_at + service.STALE_AFTER + dt.timedelta(minutes=1)

    with time_machine.travel(later, tick=False):
        fresh = service.certificates_request(actor=world.users["leader"], course=built.course)

    lost.refresh_from_db()
    assert lost.status == RunStatus.FAILED
    assert fresh.status == RunStatus.QUEUED and fresh.pk != lost.pk


def test_running_the_task_twice_changes_nothing_the_second_time(
    built: Built, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    run = generate(built, world, django_capture_on_commit_callbacks)
    before = list(Certificate.objects.order_by("pk").values_list("pk", "code", "status"))

    service.certificates_generate(run_id=run.pk)

    assert list(Certificate.objects.order_by("pk").values_list("pk", "code", "status")) == before


def test_the_leader_is_told_by_email_without_personal_data_in_the_subject(
    built: Built, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    run = generate(built, world, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.users["leader"].email]
    assert message.subject == "Kursbevisene er klare"
    assert not message.attachments
    assert reverse("attendance:certificate_run", args=[built.course.pk, run.pk]) in message.body
    for name in ("Marit", "Liv", built.course.title):
        assert name not in message.subject
        assert name not in message.body


def test_regenerating_after_a_presence_correction_replaces_old_codes(
    built: Built, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    generate(built, world, django_capture_on_commit_callbacks)
    late = built.partial[0]
    old_member = Certificate.objects.get(user=world.users["member"])
    dropped = built.present[-1]
    old_dropped = Certificate.objects.get(user=dropped)
    # A correction: the partial participant was at the second session too; the last
    # full participant actually left the second session after one hour.
    add_presence(
        built, late, built.meetings[1], built.meetings[1].starts_at, built.meetings[1].ends_at
    )
    second = built.presences[dropped.pk][1]
    second.ended_at = second.started_at + dt.timedelta(hours=1)
    second.save()

    generate(built, world, django_capture_on_commit_callbacks)

    old_member.refresh_from_db()
    old_dropped.refresh_from_db()
    new_member = Certificate.objects.get(user=world.users["member"], status=CertificateStatus.VALID)
    assert old_member.status == CertificateStatus.REPLACED
    assert old_member.replaced_by == new_member
    assert new_member.version == 2 and new_member.code != old_member.code
    assert old_dropped.status == CertificateStatus.REVOKED
    assert not Certificate.objects.filter(user=dropped, status=CertificateStatus.VALID).exists()
    assert Certificate.objects.get(user=late).status == CertificateStatus.VALID
    assert service.certificate_verify(old_member.code).state == "replaced"


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{spaced}"])
def test_the_verification_page_confirms_a_valid_code_showing_only_name_course_hours(
    typed: str, built: Built, world: World, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    generate(built, world, django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get(user=world.users["member"])
    code = certificate.code
    raw = typed.format(code=code, lower=code.lower(), spaced=code.replace("-", " "))

    response = client.get(reverse("attendance:certificate_verify", args=[raw]))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="valid"' in body
    assert "Marit Medlem" in body and built.course.title in body and ">6<" in body
    for private in ("medlem@example.org", "Liv Leder", "Grønnbygd kommunestyregruppe", "1980"):
        assert private not in body


def test_the_verification_page_says_replaced_and_unknown(
    built: Built, world: World, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    generate(built, world, django_capture_on_commit_callbacks)
    old = Certificate.objects.get(user=world.users["member"])
    generate(built, world, django_capture_on_commit_callbacks)

    replaced = client.get(reverse("attendance:certificate_verify", args=[old.code]))
    unknown = client.get(reverse("attendance:certificate_verify", args=["AAAA-BBBB-CCCC"]))

    assert replaced.status_code == 200 and 'data-state="replaced"' in replaced.content.decode()
    assert unknown.status_code == 404 and 'data-state="unknown"' in unknown.content.decode()
    assert "Marit" not in unknown.content.decode()


def test_a_revoked_certificate_verifies_as_revoked(
    built: Built, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    generate(built, world, django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get(user=world.users["member"])

    service.certificate_revoke(actor=world.users["leader"], certificate=certificate)

    assert service.certificate_verify(certificate.code).state == "revoked"


def test_a_participant_downloads_their_own_certificate_and_no_one_elses(
    built: Built, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    generate(built, world, django_capture_on_commit_callbacks)
    mine = Certificate.objects.get(user=world.users["member"])
    theirs = Certificate.objects.get(user=built.present[-1])
    client = world.client_for("member")

    own = client.get(reverse("attendance:certificate_download", args=[built.course.pk, mine.pk]))
    other = client.get(
        reverse("attendance:certificate_download", args=[built.course.pk, theirs.pk])
    )

    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert "Marit Medlem" in pdf_text(own.content)
    assert other.status_code == 404


def test_a_member_of_another_group_cannot_download_a_certificate(
    built: Built, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    generate(built, world, django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get(user=world.users["member"])
    outsider = world.client_for("outsider")  # leader of the other group

    one = outsider.get(
        reverse("attendance:certificate_download", args=[built.course.pk, certificate.pk])
    )
    every = outsider.get(reverse("attendance:certificates_all", args=[built.course.pk]))

    assert one.status_code == 404 and every.status_code == 404


def test_the_leader_downloads_all_certificates_as_one_pdf(
    built: Built, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    generate(built, world, django_capture_on_commit_callbacks)
    client = world.client_for("leader")

    response = client.get(reverse("attendance:certificates_all", args=[built.course.pk]))

    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == len(built.present)
    text = pdf_text(response.content)
    assert all(user.full_name in text for user in built.present)


def test_all_certificates_after_a_revocation_leave_out_the_revoked_one(
    built: Built, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    generate(built, world, django_capture_on_commit_callbacks)
    revoked = Certificate.objects.get(user=world.users["member"])
    service.certificate_revoke(actor=world.users["leader"], certificate=revoked)

    data = service.course_pdf(built.course)

    assert data is not None
    assert len(PdfReader(io.BytesIO(data)).pages) == len(built.present) - 1
    assert "Marit Medlem" not in pdf_text(data)


def test_a_stored_file_that_was_altered_is_not_served(
    built: Built, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    generate(built, world, django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get(user=world.users["member"])
    with open(certificate.file.path, "ab") as handle:
        handle.write(b"tampered")

    response = world.client_for("member").get(
        reverse("attendance:certificate_download", args=[built.course.pk, certificate.pk])
    )

    assert response.status_code == 503


def test_the_progress_page_shows_the_finished_run_even_when_the_task_ran_eagerly(
    built: Built, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = world.client_for("leader")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("attendance:certificate_generate", args=[built.course.pk]))
    run = CertificateRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "attendance:certificate_run", args=[built.course.pk, run.pk]
    )

    page = client.get(response["Location"])
    partial = client.get(response["Location"], headers={"HX-Request": "true"})

    assert 'value="100"' in page.content.decode()
    assert "<html" not in partial.content.decode()
    assert "hx-trigger" not in partial.content.decode()  # done: polling stops


def test_an_active_run_keeps_polling(built: Built, world: World) -> None:
    run = service.certificates_request(actor=world.users["leader"], course=built.course)
    client = world.client_for("leader")

    partial = client.get(
        reverse("attendance:certificate_run", args=[built.course.pk, run.pk]),
        headers={"HX-Request": "true"},
    )

    assert 'hx-trigger="every 1s"' in partial.content.decode()
    assert "<script" not in partial.content.decode()


def test_s10_retention_sweep_deletes_certificates_and_their_files_with_the_attendance_list(
    built: Built, world: World, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from pathlib import Path

    from attendance import services
    from attendance.models import AttendanceListConfirmation, Presence
    from groups.models import SweepRun

    generate(built, world, django_capture_on_commit_callbacks)
    files = [Path(settings.MEDIA_ROOT) / str(c.file.name) for c in Certificate.objects.all()]
    assert files and all(f.exists() for f in files)
    last_end = max(m.ends_at for m in built.meetings)
    not_yet = last_end + dt.timedelta(days=4 * 365)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.retention_sweep(now=not_yet) == 0
    assert Certificate.objects.exists()

    due = last_end + dt.timedelta(days=5 * 366)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.retention_sweep(now=due) == 1
    assert not Certificate.objects.exists() and not CertificateRun.objects.exists()
    assert not Presence.objects.exists() and not AttendanceListConfirmation.objects.exists()
    assert not any(f.exists() for f in files)
    run = SweepRun.objects.filter(name="attendance.certificate").order_by("-ran_at").first()
    assert run is not None and run.deleted == len(files)
    # The data inventory page finds the sweep's runs (issue 14: it looked them up by the
    # lower-cased key while the sweep wrote "attendance.Certificate").
    from groups.privacy import inventory_rows

    shown = {row.entry.key: row.last_run for row in inventory_rows()}
    assert shown["attendance.certificate"] is not None
    assert shown["attendance.presence"] is not None
    # Running again changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.retention_sweep(now=due) == 0


def test_a_stored_file_that_is_gone_answers_503_with_a_message_not_500(
    built: Built, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Issue 15 item 14: a lost media volume gave FileNotFoundError and a 500."""
    run = generate(built, world, django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get(user=world.users["member"])
    certificate.file.storage.delete(str(certificate.file.name))
    run.merged.storage.delete(str(run.merged.name))  # the one-pass file of all of them
    client = world.client_for("leader")

    one = client.get(
        reverse("attendance:certificate_download", args=[built.course.pk, certificate.pk])
    )
    every = client.get(reverse("attendance:certificates_all", args=[built.course.pk]))

    for response in (one, every):
        assert response.status_code == 503
        assert "Filen finnes ikke lenger" in response.content.decode()


def test_without_the_one_pass_file_the_course_pdf_is_merged_from_the_certificates(
    built: Built, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    run = generate(built, world, django_capture_on_commit_callbacks)
    run.merged.storage.delete(str(run.merged.name))

    response = world.client_for("leader").get(
        reverse("attendance:certificates_all", args=[built.course.pk])
    )

    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.content)).pages) == len(built.present)

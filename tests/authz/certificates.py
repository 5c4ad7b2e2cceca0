"""Authorization table for course certificates and the printable attendance list (S8, S12)."""

from __future__ import annotations

from django.core.files.base import ContentFile

from attendance.models import Certificate, CertificateRun, CourseStatus, RunStatus
from attendance.services.certificates import new_code, sha256
from tests.authz import PUBLIC, Case, expect
from tests.conftest import World
from tests.factories.attendance import make_course, make_presence, make_session_meeting

# The course's page: its group's members, course administrators, site admins.
COURSE_VIEW = expect(
    anonymous=302,
    outsider=404,
    member=200,
    faction_leader=200,
    leader=200,
    course_admin=200,
    handler=404,
    site_admin=200,
)
# Every certificate of the course: its leaders and course administrators (superusers are).
ISSUER = expect(
    anonymous=302,
    outsider=404,
    member=403,
    faction_leader=403,
    leader=200,
    course_admin=200,
    handler=404,
    site_admin=200,
)
ISSUER_POST = expect(
    anonymous=302,
    outsider=404,
    member=403,
    faction_leader=403,
    leader=302,
    course_admin=302,
    handler=404,
    site_admin=302,
)
# The member's own certificate: the member and the issuers; another member may not know it.
OWN_CERTIFICATE = expect(
    anonymous=302,
    outsider=404,
    member=200,
    faction_leader=404,
    leader=200,
    course_admin=200,
    handler=404,
    site_admin=200,
)
# The attendance records: the same people who issue the certificates.
RECORDS = ISSUER
# Only the course leader (here the group leader) confirms the list.
CONFIRM_POST = expect(
    anonymous=302,
    outsider=404,
    member=403,
    faction_leader=403,
    leader=302,
    course_admin=403,
    handler=404,
    site_admin=403,
)

PDF = b"%PDF-1.4\n% authz sample\n"


def setup(world: World) -> None:
    meeting = make_session_meeting(world.group)
    course = make_course(
        world.group, world.users["leader"], status=CourseStatus.COMPLETED, meetings=[meeting]
    )
    make_presence(meeting, world.users["member"])
    run = CertificateRun.objects.create(
        course=course,
        requested_by=world.users["leader"],
        requested_at=meeting.ends_at,
        status=RunStatus.DONE,
        total=1,
        done=1,
        finished_at=meeting.ends_at,
        merged_sha256=sha256(PDF),
    )
    run.merged.save(f"authz-run-{run.pk}.pdf", ContentFile(PDF))
    code = new_code()
    certificate = Certificate(
        course=course,
        run=run,
        user=world.users["member"],
        code=code,
        issued_on=meeting.ends_at.date(),
        participant_name=world.users["member"].full_name,
        course_title=course.title,
        study_hours=2,
        sha256=sha256(PDF),
    )
    certificate.file.save(f"authz-{code}.pdf", ContentFile(PDF))
    world.extra.update(course=course, run=run, certificate=certificate)


def _course(w: World) -> dict[str, int]:
    return {"pk": w.extra["course"].pk}


def _run(w: World) -> dict[str, int]:
    return {"pk": w.extra["course"].pk, "run_pk": w.extra["run"].pk}


def _certificate(w: World) -> dict[str, int]:
    return {"pk": w.extra["course"].pk, "cert_pk": w.extra["certificate"].pk}


CASES = [
    Case("attendance:certificates", COURSE_VIEW, kwargs=_course),
    Case("attendance:certificate_generate", ISSUER_POST, kwargs=_course, method="post"),
    Case("attendance:certificate_run", ISSUER, kwargs=_run),
    Case("attendance:certificates_all", ISSUER, kwargs=_course),
    Case("attendance:certificate_download", OWN_CERTIFICATE, kwargs=_certificate),
    Case("attendance:certificate_revoke", ISSUER_POST, kwargs=_certificate, method="post"),
    Case("attendance:certificate_lookup", PUBLIC),
    Case(
        "attendance:certificate_verify",
        PUBLIC,
        kwargs=lambda w: {"code": w.extra["certificate"].code},
    ),
    Case("attendance:attendance_list_print", RECORDS, kwargs=_course),
    Case("attendance:attendance_list_print", CONFIRM_POST, kwargs=_course, method="post"),
    Case("attendance:attendance_list_pdf", RECORDS, kwargs=_course),
]

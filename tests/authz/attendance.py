"""Authorization table for the study-work URLs (attendance app)."""

from __future__ import annotations

from attendance.models import CourseStatus, Exemption, ExemptionGround
from tests.authz import GROUP_MANAGE, GROUP_VIEW, LOGGED_IN, PUBLIC, Case, _all
from tests.factories.attendance import (
    default_plan,
    make_course,
    make_presence,
    make_session_meeting,
)

# Group members see the course; course administrators see every course.
COURSE_VIEW = _all(
    404, anonymous=302, member=200, faction_leader=200, leader=200, course_admin=200, site_admin=200
)
# Course leader, group leader/deputy (and site admins) run it.
COURSE_LEAD = _all(
    404, anonymous=302, member=403, faction_leader=403, leader=200, course_admin=403, site_admin=200
)
COURSE_LEAD_POST = _all(
    404, anonymous=302, member=403, faction_leader=403, leader=302, course_admin=403, site_admin=302
)
# Everyone's presence (special-category data): leaders and course administrators.
COURSE_RECORDS = _all(
    404, anonymous=302, member=403, faction_leader=403, leader=200, course_admin=200, site_admin=200
)
COURSE_DECIDE = _all(
    404, anonymous=302, member=403, faction_leader=403, leader=403, course_admin=200, site_admin=200
)
ADMIN_ONLY = _all(403, anonymous=302, course_admin=200, site_admin=200)
VIEWER_POST = _all(
    404, anonymous=302, member=302, faction_leader=302, leader=302, course_admin=302, site_admin=302
)


def setup(world):
    meeting = make_session_meeting(world.group)
    course = make_course(world.group, world.users["leader"], meetings=[meeting])
    world.extra["course"] = course
    world.extra["meeting"] = meeting
    world.extra["session"] = course.sessions.get()
    world.extra["presence"] = make_presence(meeting, world.users["member"])
    world.extra["approved"] = make_course(
        world.group,
        world.users["leader"],
        status=CourseStatus.APPROVED,
        meetings=[make_session_meeting(world.group)],
    )
    world.extra["exemption"] = Exemption.objects.create(
        course=course,
        ground=ExemptionGround.ILLNESS,
        reason="Sykdom",
        requested_by=world.users["leader"],
        requested_at=meeting.starts_at,
    )
    world.extra["plan"] = default_plan()
    from attendance.models import StudyChapter, StudyPlan

    draft = StudyPlan.objects.create(
        series="utkast-plan", name="Utkast til plan", learning_objectives="Mål"
    )
    world.extra["draft_plan"] = draft
    world.extra["draft_chapter"] = StudyChapter.objects.create(
        plan=draft, number=1, title="Første kapittel"
    )


def _course(w):
    return {"pk": w.extra["course"].pk}


def _meeting(w):
    return {"meeting_pk": w.extra["meeting"].pk}


CASES = [
    Case("attendance:my_hours", LOGGED_IN),
    Case("attendance:plan_detail", LOGGED_IN, kwargs=lambda w: {"pk": w.extra["plan"].pk}),
    Case("attendance:group_courses", GROUP_VIEW, kwargs=lambda w: {"group_pk": w.group.pk}),
    Case("attendance:course_create", GROUP_MANAGE, kwargs=lambda w: {"group_pk": w.group.pk}),
    Case("attendance:course_detail", COURSE_VIEW, kwargs=_course),
    Case("attendance:announcement", PUBLIC, kwargs=lambda w: {"pk": w.extra["approved"].pk}),
    Case(
        "attendance:announcement",
        _all(404),
        kwargs=_course,
        label="draft course is not announced",
    ),
    Case("attendance:course_edit", COURSE_LEAD, kwargs=_course),
    Case("attendance:session_add", COURSE_LEAD, kwargs=_course),
    Case(
        "attendance:session_remove",
        COURSE_LEAD_POST,
        method="post",
        kwargs=lambda w: {"pk": w.extra["course"].pk, "session_pk": w.extra["session"].pk},
    ),
    Case("attendance:course_transition", COURSE_LEAD_POST, method="post", kwargs=_course),
    Case("attendance:exemption_request", COURSE_LEAD, kwargs=_course),
    Case("attendance:consent_withdraw", VIEWER_POST, method="post", kwargs=_course),
    Case("attendance:live", COURSE_RECORDS, kwargs=_course),
    Case("attendance:attendance_list", COURSE_RECORDS, kwargs=_course),
    Case("attendance:attendance_list_csv", COURSE_RECORDS, kwargs=_course),
    Case("attendance:qr_screen", COURSE_LEAD, kwargs=_meeting),
    Case("attendance:qr_code", COURSE_LEAD, kwargs=_meeting, fragment=True),
    # S9: the projector mode and its polled count, for those who may show the QR code.
    Case("attendance:qr_projector", COURSE_LEAD, kwargs=_meeting),
    Case("attendance:qr_projector_status", COURSE_LEAD, kwargs=_meeting, fragment=True),
    Case("attendance:presence_edit", COURSE_LEAD, kwargs=_meeting),
    # S10, S16: the leader's check-in list on their own phone: who may correct presence.
    Case("attendance:checkin_list", COURSE_LEAD, kwargs=_meeting),
    Case("attendance:checkin_list", COURSE_LEAD, kwargs=_meeting, query="q=kari", label="search"),
    Case(
        "attendance:checkin_list",
        COURSE_LEAD_POST,
        method="post",
        data=lambda w: {"user": str(w.users["member"].pk), "action": "in"},
        kwargs=_meeting,
    ),
    # Importing the meeting tool's report (S9): who may correct presence.
    Case("attendance:presence_import", COURSE_LEAD, kwargs=_meeting),
    Case(
        "attendance:presence_import",
        _all(
            404,
            anonymous=302,
            member=403,
            faction_leader=403,
            leader=400,
            course_admin=403,
            site_admin=400,
        ),
        method="post",
        data=lambda w: {},
        kwargs=_meeting,
    ),
    Case(
        "attendance:presence_correct",
        COURSE_LEAD,
        kwargs=lambda w: {"pk": w.extra["presence"].pk},
    ),
    # Check-in needs a scan of the current code first; without one, those who may see the
    # course read that they must scan (the member, who has checked in, sees their presence);
    # anyone else does not learn of the session (S10, S16).
    Case("attendance:checkin", COURSE_VIEW, kwargs=_meeting),
    Case(
        "attendance:checkout",
        _all(404, anonymous=302, member=302),
        method="post",
        kwargs=_meeting,
    ),
    Case("attendance:scan", _all(400), kwargs=lambda w: {"token": "not-a-valid-token"}),
    Case("attendance:admin_queue", ADMIN_ONLY),
    Case("attendance:admin_decide", COURSE_DECIDE, kwargs=_course),
    Case(
        "attendance:exemption_decide",
        ADMIN_ONLY,
        kwargs=lambda w: {"pk": w.extra["exemption"].pk},
    ),
    Case("attendance:subsidy_report", ADMIN_ONLY),
    Case("attendance:subsidy_csv", ADMIN_ONLY),
    Case("attendance:quarter_close", ADMIN_ONLY),
    Case("attendance:policies", ADMIN_ONLY),
    Case("attendance:rates", ADMIN_ONLY),
    # Study plans and versions (S2, S9, S13): course administrators only.
    Case("attendance:plan_list", ADMIN_ONLY),
    Case("attendance:plan_create", ADMIN_ONLY),
    Case("attendance:plan_create", ADMIN_ONLY, method="post", data=lambda w: {}),
    Case("attendance:plan_edit", ADMIN_ONLY, kwargs=lambda w: {"pk": w.extra["plan"].pk}),
    Case(
        "attendance:plan_edit",
        ADMIN_ONLY,
        kwargs=lambda w: {"pk": w.extra["draft_plan"].pk},
        method="post",
        data=lambda w: {},
        label="draft-post",
    ),
    Case(
        "attendance:chapter_create", ADMIN_ONLY, kwargs=lambda w: {"pk": w.extra["draft_plan"].pk}
    ),
    Case(
        "attendance:chapter_edit",
        ADMIN_ONLY,
        kwargs=lambda w: {
            "pk": w.extra["draft_plan"].pk,
            "chapter_pk": w.extra["draft_chapter"].pk,
        },
    ),
    Case(
        "attendance:chapter_edit",
        ADMIN_ONLY,
        kwargs=lambda w: {
            "pk": w.extra["draft_plan"].pk,
            "chapter_pk": w.extra["draft_chapter"].pk,
        },
        method="post",
        data=lambda w: {},
    ),
    Case("attendance:plan_approve", ADMIN_ONLY, kwargs=lambda w: {"pk": w.extra["draft_plan"].pk}),
    Case(
        "attendance:plan_approve",
        ADMIN_ONLY,
        kwargs=lambda w: {"pk": w.extra["draft_plan"].pk},
        method="post",
        data=lambda w: {},
    ),
    Case(
        "attendance:plan_new_version",
        _all(403, anonymous=302, course_admin=302, site_admin=302),
        kwargs=lambda w: {"pk": w.extra["plan"].pk},
        method="post",
    ),
]

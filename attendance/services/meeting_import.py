"""Import a digital session's attendance from the meeting tool's report (S9, S10, S16).

The leader uploads the report; ``report_read`` parses it (``attendance.meeting_reports``)
and signs the parsed result, so the preview's confirmation carries it back without the file
being kept anywhere. ``import_preview`` matches each attendee to a member (by e-mail, else
by a name only one member has) and clips the intervals to the session; members without
consent on file (S10) and rows that match nobody are listed, never stored.
``presence_import`` stores what is not yet covered by the member's presence at the
meeting, so the union counts once and importing the same file again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance import meeting_reports
from attendance.engine import is_digital
from attendance.models import Consent, CourseSession, Presence, PresenceSource
from attendance.services.checkin import _course_session, _require_lead_of
from groups.audit import audit
from groups.models import Membership, MembershipStatus, User

_SALT = "attendance.meeting_import"
# How long a preview may be confirmed.
PREVIEW_MAX_AGE = 2 * 60 * 60

Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class ReadReport:
    """A parsed report with the file's SHA-256, signed for the confirmation."""

    report: meeting_reports.Report
    sha256: str
    token: str


@dataclass
class PreviewLine:
    name: str
    email: str
    organiser: bool
    intervals: tuple[Interval, ...]  # as in the report
    user: User | None = None
    clipped: tuple[Interval, ...] = ()  # within the session
    new: tuple[Interval, ...] = ()  # not yet covered by presence at the meeting
    status: str = "unmatched"  # "record", "no_consent", "independent", "outside", "unmatched"

    @property
    def minutes(self) -> int:
        return sum(int((b - a).total_seconds()) for a, b in self.clipped) // 60


@dataclass
class Preview:
    tool: str
    sha256: str
    row_count: int
    leftover_count: int
    lines: list[PreviewLine] = field(default_factory=list)

    def with_status(self, *statuses: str) -> list[PreviewLine]:
        return [line for line in self.lines if line.status in statuses]

    @property
    def to_record(self) -> list[PreviewLine]:
        return self.with_status("record")

    @property
    def new_interval_count(self) -> int:
        return sum(len(line.new) for line in self.to_record)


_ERRORS = {
    "empty": lambda: _("Filen er tom."),
    "too_large": lambda: _("Filen er for stor til å være en frammøterapport."),
    "not_text": lambda: _("Filen kan ikke leses som tekst. Last opp rapporten som CSV."),
    "not_csv": lambda: _("Filen er ikke en CSV-fil vi kan lese."),
    "no_table": lambda: _(
        "Fant ingen deltakerliste med tider i filen. Last opp frammøterapporten fra Teams "
        "eller deltakereksporten fra Zoom som CSV."
    ),
    "no_rows": lambda: _("Deltakerlisten i filen er tom."),
}


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _require_digital(session: CourseSession) -> None:
    """S9: only a digital or hybrid session has a meeting tool that knows who was there."""
    if not is_digital(session.meeting):
        raise ValidationError(
            {
                "report": _(
                    "Samlingen er fysisk. Frammøte kan bare importeres for digitale og "
                    "hybride samlinger."
                )
            }
        )


def report_read(*, session: CourseSession, data: bytes) -> ReadReport:
    """Parse an uploaded report; ValidationError on the ``report`` field if it is none."""
    _course_session(session.meeting)
    _require_digital(session)
    try:
        report = meeting_reports.parse_report(data, _tz())
    except meeting_reports.ReportError as exc:
        message = _ERRORS.get(exc.code)
        raise ValidationError({"report": message() if message else exc.message}) from None
    sha256 = hashlib.sha256(data).hexdigest()
    return ReadReport(report, sha256, _sign(session, report, sha256))


def _sign(session: CourseSession, report: meeting_reports.Report, sha256: str) -> str:
    payload = {
        "m": session.meeting_id,
        "h": sha256,
        "t": report.tool,
        "n": report.row_count,
        "l": len(report.leftovers),
        "a": [
            [
                a.name,
                a.email,
                int(a.organiser),
                [[s.isoformat(), e.isoformat()] for s, e in a.intervals],
            ]
            for a in report.attendees
        ],
    }
    return signing.dumps(payload, salt=_SALT, compress=True)


def report_unsign(*, session: CourseSession, token: str) -> tuple[meeting_reports.Report, str]:
    """The report a preview carried (ValidationError if tampered with, stale or foreign)."""
    refused = ValidationError(
        _("Forhåndsvisningen er utløpt eller ugyldig. Last opp rapporten på nytt.")
    )
    try:
        payload: dict[str, Any] = signing.loads(token, salt=_SALT, max_age=PREVIEW_MAX_AGE)
        if payload["m"] != session.meeting_id:
            raise refused
        attendees = tuple(
            meeting_reports.Attendee(
                key=email or "name:" + name.casefold(),
                name=str(name),
                email=str(email),
                organiser=bool(organiser),
                intervals=tuple(
                    (dt.datetime.fromisoformat(s), dt.datetime.fromisoformat(e))
                    for s, e in intervals
                ),
            )
            for name, email, organiser, intervals in payload["a"]
        )
        leftovers = tuple(
            meeting_reports.Leftover(0, "", "", "unread") for _n in range(int(payload["l"]))
        )
        report = meeting_reports.Report(str(payload["t"]), attendees, leftovers, int(payload["n"]))
        return report, str(payload["h"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise refused from None


def _clip(intervals: tuple[Interval, ...], start: dt.datetime, end: dt.datetime) -> list[Interval]:
    return [(max(a, start), min(b, end)) for a, b in intervals if min(b, end) > max(a, start)]


def _subtract(intervals: list[Interval], covered: list[Interval]) -> tuple[Interval, ...]:
    """What of ``intervals`` (merged) lies outside every interval of ``covered``."""
    result: list[Interval] = []
    for start, end in intervals:
        pieces = [(start, end)]
        for c_start, c_end in covered:
            pieces = [
                part
                for a, b in pieces
                for part in ((a, min(b, c_start)), (max(a, c_end), b))
                if part[1] > part[0]
            ]
        result.extend(pieces)
    return meeting_reports.merge(result)


def _candidates(session: CourseSession) -> list[User]:
    """Who an attendee may be: the group's members, the course leader, whoever consented."""
    course = session.course
    member_ids = Membership.objects.filter(group=course.group).exclude(status=MembershipStatus.LEFT)
    return list(
        User.objects.filter(
            Q(pk__in=member_ids.values("user_id"))
            | Q(pk=course.course_leader_id)
            | Q(course_consents__course=course, course_consents__withdrawn_at__isnull=True)
        ).distinct()
    )


def import_preview(
    *, session: CourseSession, report: meeting_reports.Report, sha256: str
) -> Preview:
    """Each attendee matched to a member, with what would be recorded (nothing is stored)."""
    meeting = session.meeting
    users = _candidates(session)
    by_email = {u.email.casefold(): u for u in users if u.email}
    by_name: dict[str, list[User]] = {}
    for candidate in users:
        by_name.setdefault(candidate.full_name.casefold().strip(), []).append(candidate)
    consenting = set(
        Consent.objects.filter(
            course=session.course, withdrawn_at__isnull=True, user__in=users
        ).values_list("user_id", flat=True)
    )
    covered: dict[int, list[Interval]] = {}
    for user_id, start, end in Presence.objects.filter(
        meeting=meeting, ended_at__isnull=False
    ).values_list("user_id", "started_at", "ended_at"):
        if end is not None:
            covered.setdefault(user_id, []).append((start, end))
    on = timezone.localdate(meeting.starts_at)
    independent = {
        m.user_id
        for m in Membership.objects.filter(group=session.course.group, user__in=users)
        if m.is_independent(on)
    }
    preview = Preview(report.tool, sha256, report.row_count, len(report.leftovers))
    for attendee in report.attendees:
        line = PreviewLine(attendee.name, attendee.email, attendee.organiser, attendee.intervals)
        user: User | None = by_email.get(attendee.email.casefold()) if attendee.email else None
        if user is None and attendee.name:
            same = by_name.get(attendee.name.casefold().strip(), [])
            user = same[0] if len(same) == 1 else None
        preview.lines.append(line)
        if user is None:
            continue
        line.user = user
        line.clipped = tuple(_clip(attendee.intervals, meeting.starts_at, meeting.ends_at))
        if user.pk in independent:
            line.status = "independent"
        elif user.pk not in consenting:
            line.status = "no_consent"
        elif not line.clipped:
            line.status = "outside"
        else:
            line.status = "record"
            # One person under two names in the file counts once, too.
            line.new = _subtract(list(line.clipped), covered.get(user.pk, []))
            covered.setdefault(user.pk, []).extend(line.new)
    return preview


@dataclass(frozen=True)
class ImportResult:
    created: int
    members: int


def presence_import(
    *, actor: User, session: CourseSession, report: meeting_reports.Report, sha256: str
) -> ImportResult:
    """Store the matched, consenting members' intervals within the session as presence,
    only what their presence at the meeting does not already cover (S16)."""
    meeting = session.meeting
    _course_session(meeting)
    _require_lead_of(actor, session.course)
    _require_digital(session)
    now = timezone.now()
    with transaction.atomic():
        # Locking the consents serialises two confirmations of the same preview.
        consents = {
            c.user_id: c
            for c in Consent.objects.select_for_update().filter(
                course=session.course, withdrawn_at__isnull=True
            )
        }
        preview = import_preview(session=session, report=report, sha256=sha256)
        created = 0
        for line in preview.to_record:
            if line.user is None or line.user.pk not in consents:
                continue
            for start, end in line.new:
                Presence.objects.create(
                    meeting=meeting,
                    user=line.user,
                    consent=consents[line.user.pk],
                    started_at=start,
                    ended_at=end,
                    source=PresenceSource.IMPORT,
                    created_by=actor,
                    created_at=now,
                )
                created += 1
        audit(
            actor=actor,
            action="presence.import",
            target=meeting,
            group=session.course.group,
            meeting=meeting.pk,
            tool=report.tool,
            sha256=sha256,
            rows=report.row_count,
            rows_left_over=len(report.leftovers),
            attendees=len(preview.lines),
            matched=len([line for line in preview.lines if line.user is not None]),
            recorded_members=len(preview.to_record),
            intervals_created=created,
        )
    return ImportResult(created, len(preview.to_record))

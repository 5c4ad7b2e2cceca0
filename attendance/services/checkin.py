"""Check-in (S9, S10, S16): rotating tokens, consent, and every write of presence.

A physical session shows a QR code whose token changes every 30 seconds: it is signed,
bound to the meeting and to a 30-second window, and accepted in that window and the next
(so a code scanned at the turn of a window still works, and a photo sent home does not).
A digital session has a link that is accepted only while the session runs.

Scanning grants the member's browser session a short-lived right to check in to that
meeting; the member then consents once (S10) and is present from that minute. A second
check-in while present changes nothing, also when two arrive at the same time (the
member's consent row is locked, and a partial unique index allows one open interval).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.engine import is_digital
from attendance.models import (
    CHECKIN_OPENS_BEFORE,
    CORRECTION_REASON_LENGTH,
    Consent,
    Course,
    CourseSession,
    Presence,
    PresenceCorrection,
    PresenceSource,
)
from attendance.permissions import can_lead
from groups.audit import audit
from groups.models import User
from groups.permissions import declared_independent, require_open_period
from meetings.models import Meeting, MeetingStatus

WINDOW_SECONDS = 30
OPENS_BEFORE = CHECKIN_OPENS_BEFORE  # the QR screen may be shown before the start
GRANT_SECONDS = 15 * 60  # a scan lets the member log in and consent within 15 minutes
CONSENT_VERSION = "2024-1"
# A leader's correction may put arrival or departure this far outside the meeting (a
# meeting that ran late, a time typed on the wrong side of midnight), but no further.
CORRECTION_SLACK = dt.timedelta(hours=12)
# Check-in attempts when SQLite reports a concurrent writer, and the pause between them
# (growing by this much each time).
LOCK_RETRIES = 20
LOCK_BACKOFF_SECONDS = 0.02
_SALT = "attendance.checkin"
_SESSION_KEY = "attendance_checkin_grants"


# --- tokens ------------------------------------------------------------------------------
def _window(now: dt.datetime) -> int:
    return int(now.timestamp()) // WINDOW_SECONDS


def qr_token(meeting: Meeting, now: dt.datetime) -> str:
    return signing.dumps({"m": meeting.pk, "w": _window(now)}, salt=_SALT, compress=False)


def link_token(meeting: Meeting) -> str:
    return signing.dumps({"m": meeting.pk, "d": 1}, salt=_SALT, compress=False)


def checkin_open(meeting: Meeting, now: dt.datetime, *, digital_link: bool = False) -> bool:
    if meeting.status == MeetingStatus.CANCELLED:
        return False
    if digital_link:  # S9: the link works only while the session runs
        return meeting.starts_at <= now < meeting.ends_at
    return meeting.starts_at - OPENS_BEFORE <= now < meeting.ends_at


@dataclass(frozen=True)
class Grant:
    meeting_id: int
    source: str


def token_redeem(token: str, now: dt.datetime) -> Grant:
    """The meeting a scanned token grants check-in to, or ValidationError saying why not."""
    try:
        data = signing.loads(token, salt=_SALT)
        meeting_id = int(data["m"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError(
            _("Koden er ikke gyldig. Skann QR-koden på skjermen på nytt.")
        ) from None
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        raise ValidationError(_("Koden er ikke gyldig. Skann QR-koden på skjermen på nytt."))
    if data.get("d"):
        if not is_digital(meeting):
            raise ValidationError(_("Koden er ikke gyldig. Skann QR-koden på skjermen på nytt."))
        if not checkin_open(meeting, now, digital_link=True):
            raise ValidationError(_("Lenken virker bare mens den digitale samlingen pågår."))
        return Grant(meeting_id, PresenceSource.LINK)
    window = data.get("w")
    if not isinstance(window, int) or _window(now) - window not in (0, 1):
        raise ValidationError(_("Koden er utløpt. Skann QR-koden på skjermen i møtet på nytt."))
    if not checkin_open(meeting, now):
        raise ValidationError(_("Innsjekkingen til dette møtet er ikke åpen nå."))
    return Grant(meeting_id, PresenceSource.QR)


def grant_store(session: Any, grant: Grant, now: dt.datetime) -> None:
    grants = dict(session.get(_SESSION_KEY, {}))
    grants[str(grant.meeting_id)] = {"s": grant.source, "t": int(now.timestamp())}
    session[_SESSION_KEY] = grants


def grant_load(session: Any, meeting_id: int, now: dt.datetime) -> Grant | None:
    item = session.get(_SESSION_KEY, {}).get(str(meeting_id))
    if not item or int(now.timestamp()) - int(item["t"]) > GRANT_SECONDS:
        return None
    return Grant(meeting_id, str(item["s"]))


# --- consent (S10) -------------------------------------------------------------------------
def active_consent(course: Course, user: User) -> Consent | None:
    return Consent.objects.filter(course=course, user=user, withdrawn_at__isnull=True).first()


def consent_give(*, actor: User, course: Course) -> Consent:
    """The member consents to be on the course's attendance list (idempotent)."""
    with transaction.atomic():
        existing = active_consent(course, actor)
        if existing:
            return existing
        try:
            with transaction.atomic():
                consent = Consent.objects.create(
                    course=course, user=actor, text_version=CONSENT_VERSION, given_at=timezone.now()
                )
        except IntegrityError:
            # A concurrent request gave it first; that one is the consent.
            return Consent.objects.get(course=course, user=actor, withdrawn_at__isnull=True)
        audit(
            actor=actor,
            action="course.consent_give",
            target=consent,
            group=course.group,
            subject_user=actor,
            version=CONSENT_VERSION,
        )
    return consent


def consent_withdraw(*, actor: User, course: Course) -> None:
    """Stops recording from now on: an open interval is closed now. What was recorded
    before stays on the attendance list for as long as the rules demand (S10)."""
    now = timezone.now()
    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update()
            .filter(course=course, user=actor, withdrawn_at__isnull=True)
            .first()
        )
        if consent is None:
            raise ValidationError(_("Du har ikke gitt samtykke til dette kurset."))
        for presence in Presence.objects.filter(consent=consent, ended_at__isnull=True):
            presence.ended_at = max(presence.started_at, now)
            presence.save(update_fields=["ended_at"])
        consent.withdrawn_at = now
        consent.save(update_fields=["withdrawn_at"])
        audit(
            actor=actor,
            action="course.consent_withdraw",
            target=consent,
            group=course.group,
            subject_user=actor,
        )


# --- presence ------------------------------------------------------------------------------
def _course_session(meeting: Meeting) -> CourseSession:
    session: CourseSession | None
    if Meeting.course_session.is_cached(meeting):  # loaded with it by the caller
        session = getattr(meeting, "course_session", None)
    else:
        session = (
            CourseSession.objects.select_related("course", "course__group", "meeting")
            .filter(meeting=meeting)
            .first()
        )
    if session is None:
        raise ValidationError(_("Møtet er ikke en samling i et kurs."))
    if session.course.is_finished:
        raise ValidationError(_("Kurset er avsluttet; frammøtet kan ikke endres."))
    return session


def is_independent_at(user: User, meeting: Meeting, on: dt.date) -> bool:
    """G16: ``user`` has declared themselves independent of the meeting's group, and so
    takes no part in its meetings, a course session held as a group meeting included."""
    membership = declared_independent(meeting.group).get(user.pk)
    return membership is not None and membership.is_independent(on)


def _refuse_independent(user: User, meeting: Meeting, on: dt.date) -> None:
    if is_independent_at(user, meeting, on):
        raise ValidationError(
            _(
                "%(name)s har meldt seg uavhengig og deltar ikke på gruppas møter, heller ikke "
                "når møtet er en samling i et kurs."
            )
            % {"name": user.full_name}
        )


def _minute(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


def presence_check_in(
    *, actor: User, meeting: Meeting, source: str, now: dt.datetime | None = None
) -> tuple[Presence, bool]:
    """Present from this minute (S16), for a member who has consented (S10). Returns
    (presence, created); a repeat changes nothing."""
    return _checked_in(actor, meeting, source, now, consent_given=None)


def presence_check_in_with_consent(
    *,
    actor: User,
    meeting: Meeting,
    consent_given: bool,
    source: str,
    now: dt.datetime | None = None,
) -> tuple[Presence, bool]:
    """S10, S16: the member is present from this minute, consenting first if they have not
    yet (``consent_given``: they ticked the box). Consent and presence are stored in one
    transaction: a refused check-in stores no consent. Returns (presence, created)."""
    return _checked_in(actor, meeting, source, now, consent_given=consent_given)


def _checked_in(
    actor: User,
    meeting: Meeting,
    source: str,
    now: dt.datetime | None,
    *,
    consent_given: bool | None,
) -> tuple[Presence, bool]:
    now = now or timezone.now()
    course = _course_session(meeting).course
    if not checkin_open(meeting, now, digital_link=source == PresenceSource.LINK):
        raise ValidationError(_("Innsjekkingen til dette møtet er ikke åpen nå."))
    _refuse_independent(actor, meeting, timezone.localdate(now))

    def without_consent() -> Consent:
        if consent_given:  # ticked on the check-in page: consent first, in this transaction
            return consent_give(actor=actor, course=course)
        if consent_given is None:
            raise ValidationError(
                _("Du må samtykke til å bli ført på frammøtelisten før du kan sjekkes inn.")
            )
        raise ValidationError(_("Du må krysse av for samtykke for å bli registrert som til stede."))

    # A repeat (a second tap, the page sent twice) changes nothing, and is answered without
    # taking the write lock: an open interval stays open until a check-out, and a check-out
    # that lands just after this read is the same as one that came just after the check-in.
    # Unordered: the model's ordering joins the meeting and the user, for nothing here.
    intervals = list(Presence.objects.filter(meeting=meeting, user=actor).order_by())
    open_presence = next((p for p in intervals if p.ended_at is None), None)
    if open_presence is not None:
        return open_presence, False
    # The write's first try starts from these intervals; a try again reads them afresh.
    first_try = [intervals]
    return _retrying(
        lambda: _check_in(
            actor,
            actor,
            meeting,
            course,
            source,
            now,
            without_consent,
            intervals=first_try.pop() if first_try else None,
        )
    )


def _retrying[T](write: Callable[[], T]) -> T:
    """``write`` in a transaction, tried again when SQLite reports a concurrent writer, and
    once when the one open interval (``one_open_presence``) was taken between the write's
    read and its insert (a leader's correction that reopened an interval): the second try
    reads that interval and changes nothing."""
    raced = False
    for attempt in range(LOCK_RETRIES):
        try:
            with transaction.atomic():
                return write()
        except IntegrityError:
            if raced:
                raise
            raced = True
        except OperationalError as exc:
            # SQLite reports a concurrent writer as "locked" instead of waiting (its
            # in-memory test database ignores the busy timeout); a check-in is safe to
            # retry, so try again shortly. PostgreSQL waits on the row lock instead.
            if "locked" not in str(exc) or attempt == LOCK_RETRIES - 1:
                raise
            time.sleep(LOCK_BACKOFF_SECONDS * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def _check_in(
    actor: User,
    user: User,
    meeting: Meeting,
    course: Course,
    source: str,
    now: dt.datetime,
    without_consent: Callable[[], Consent],
    *,
    intervals: list[Presence] | None = None,
) -> tuple[Presence, bool]:
    """``user`` present from this minute; ``actor`` is who did it (the user, or the leader).
    ``without_consent`` records the consent the user has not given yet, or refuses. Runs in
    the transaction of ``_retrying``.

    ``intervals``: the user's intervals at this meeting as read just before the transaction
    (by the member's own check-in, which found none open), or None to read them here. Read
    before, they can differ from now only by an open interval that a concurrent check-in has
    added (the member's other tap, the leader's list), and then the insert below fails on the
    one open interval and the try again reads afresh; or by a closed one that a leader has
    registered meanwhile (a correction does not take this lock, so reading here would not
    keep it out either), which could start this interval earlier than its end only when it
    ended within this same minute, and the rules count the union of a member's intervals."""
    # Locking the member's consent row keeps a withdrawal from passing this check-in (the
    # withdrawal closes what is open once it holds the row).
    consent = (
        Consent.objects.select_for_update()
        .filter(course=course, user=user, withdrawn_at__isnull=True)
        .first()
    ) or without_consent()
    if intervals is None:
        # Unordered: the model's ordering joins the meeting and the user, for nothing here.
        intervals = list(Presence.objects.filter(meeting=meeting, user=user).order_by())
    open_presence = next((p for p in intervals if p.ended_at is None), None)
    if open_presence is not None:
        return open_presence, False
    # Back after leaving (S16): a new interval, from this minute but never before the last
    # one ended (a check-out and a check-in in the same minute do not overlap).
    last_end = max(
        (p.ended_at for p in intervals if p.ended_at and p.ended_at <= now), default=None
    )
    started_at = max(_minute(now), last_end) if last_end else _minute(now)
    # No savepoint: if the open interval was taken meanwhile, the insert fails, the whole
    # transaction is rolled back and _retrying tries once more.
    presence = Presence.objects.create(
        meeting=meeting,
        user=user,
        consent=consent,
        started_at=started_at,
        source=source,
        created_by=actor,
        created_at=now,
    )
    audit(
        actor=actor,
        action="presence.check_in",
        target=presence,
        group=course.group,
        subject_user=user,
        meeting=meeting.pk,
        source=source,
    )
    return presence, True


def presence_check_out(*, actor: User, meeting: Meeting) -> Presence:
    now = timezone.now()
    _course_session(meeting)
    with transaction.atomic():
        presence = _check_out(actor, actor, meeting, now)
        if presence is None:
            raise ValidationError(_("Du er ikke sjekket inn på dette møtet."))
    return presence


def _check_out(actor: User, user: User, meeting: Meeting, now: dt.datetime) -> Presence | None:
    """Closes ``user``'s open interval now (never after the meeting's end); None if none."""
    presence = (
        Presence.objects.select_for_update()
        .filter(meeting=meeting, user=user, ended_at__isnull=True)
        .first()
    )
    if presence is None:
        return None
    presence.ended_at = max(presence.started_at, min(now, meeting.ends_at))
    presence.save(update_fields=["ended_at"])
    audit(
        actor=actor,
        action="presence.check_out",
        target=presence,
        subject_user=user,
        meeting=meeting.pk,
    )
    return presence


# --- the leader's check-in list (S10, S16) -------------------------------------------------
def presence_check_in_by_leader(
    *,
    actor: User,
    meeting: Meeting,
    user: User,
    consent_informed: bool = False,
    now: dt.datetime | None = None,
) -> tuple[Presence, bool]:
    """The leader checks ``user`` in from the list on their own phone: present from this
    minute, the same intervals as a QR check-in (S16), while check-in is open, and a repeat
    changes nothing. Never without consent (S10): the participant's own on file, or
    ``consent_informed`` (the leader told them about the attendance list and they
    consented), stored as given to the leader in the same transaction; a refused check-in
    stores no consent. Returns (presence, created)."""
    now = now or timezone.now()
    session = _course_session(meeting)
    course = session.course
    _require_lead_of(actor, course)
    if not checkin_open(meeting, now):
        raise ValidationError(
            _(
                "Innsjekkingen til dette møtet er ikke åpen nå. Bruk «Registrer eller rett "
                "frammøte» for å føre tidene i etterkant."
            )
        )
    _refuse_independent(user, meeting, timezone.localdate(now))

    def without_consent() -> Consent:
        if not consent_informed:
            raise ValidationError(
                _(
                    "%(name)s har ikke samtykket til å stå på frammøtelisten. Fortell hen "
                    "at deltakerne føres på frammøtelisten, og kryss av når hen samtykker."
                )
                % {"name": user.full_name}
            )
        return consent_record_by_leader(actor=actor, course=course, user=user)

    return _retrying(
        lambda: _check_in(actor, user, meeting, course, PresenceSource.LEADER, now, without_consent)
    )


def presence_check_out_by_leader(
    *, actor: User, meeting: Meeting, user: User, now: dt.datetime | None = None
) -> tuple[Presence, bool]:
    """The leader checks ``user`` out from the list: their open interval ends now (S16).
    A repeat changes nothing: it returns the interval that already ended and False."""
    now = now or timezone.now()
    session = _course_session(meeting)
    _require_lead_of(actor, session.course)
    with transaction.atomic():
        presence = _check_out(actor, user, meeting, now)
        if presence is not None:
            return presence, True
        last = Presence.objects.filter(meeting=meeting, user=user).order_by("-started_at").first()
    if last is None:
        raise ValidationError(
            _("%(name)s er ikke sjekket inn på dette møtet.") % {"name": user.full_name}
        )
    return last, False


def _check_interval(
    meeting: Meeting, started_at: dt.datetime | None, ended_at: dt.datetime | None
) -> dt.datetime:
    if started_at is None:
        raise ValidationError({"started_at": _("Oppgi når deltakeren kom.")})
    if ended_at is not None and ended_at < started_at:
        raise ValidationError({"ended_at": _("Deltakeren kan ikke gå før hen kom.")})
    if (
        started_at < meeting.starts_at - CORRECTION_SLACK
        or (ended_at or started_at) > meeting.ends_at + CORRECTION_SLACK
    ):
        raise ValidationError({"started_at": _("Tidene må ligge rundt møtet.")})
    return started_at


def _require_lead_of(actor: User, course: Course) -> None:
    require_open_period(course.group)
    if not can_lead(actor, course):
        raise PermissionDenied(_("Bare kursleder, gruppeleder og nestleder kan gjøre dette."))


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv en grunn; den lagres i endringsloggen.")})
    return reason.strip()[:CORRECTION_REASON_LENGTH]


def _hm(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def session_bounds_error(
    meeting: Meeting, started_at: dt.datetime, ended_at: dt.datetime | None
) -> dict[str, str]:
    """The fields of an interval that lie outside the session, each with its message
    (empty when the interval lies within it). The leader's form clips to the session and
    shows these; the service refuses them, so nothing outside is saved silently."""
    errors: dict[str, str] = {}
    window = {"start": _hm(meeting.starts_at), "end": _hm(meeting.ends_at)}
    if started_at < meeting.starts_at or started_at >= meeting.ends_at:
        errors["started_at"] = (
            _("Samlingen varte fra kl. %(start)s til kl. %(end)s; «Kom» må ligge innenfor.")
            % window
        )
    if ended_at is not None and (ended_at > meeting.ends_at or ended_at < meeting.starts_at):
        errors["ended_at"] = (
            _("Samlingen varte fra kl. %(start)s til kl. %(end)s; «Gikk» må ligge innenfor.")
            % window
        )
    return errors


def _refuse_overlap(
    meeting: Meeting,
    user: User,
    started_at: dt.datetime,
    ended_at: dt.datetime | None,
    *,
    exclude: int | None = None,
) -> None:
    """S16: presence is intervals; one person's intervals at a meeting never overlap."""
    end = ended_at or meeting.ends_at
    others = Presence.objects.filter(meeting=meeting, user=user)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    for other in others.order_by("started_at"):
        other_end = other.ended_at or meeting.ends_at
        if started_at < other_end and other.started_at < end:
            raise ValidationError(
                {
                    "started_at": _(
                        "%(name)s er allerede registrert fra kl. %(start)s til kl. %(end)s. "
                        "Velg tider utenfor det, eller rett det intervallet."
                    )
                    % {
                        "name": user.full_name,
                        "start": _hm(other.started_at),
                        "end": _hm(other_end),
                    }
                },
                code="overlap",
            )


def consent_record_by_leader(*, actor: User, course: Course, user: User) -> Consent:
    """S10: the course leader has informed ``user`` that they are recorded on the
    attendance list, and ``user`` consented to the leader (an evening without QR). Stored
    with who recorded it and when; idempotent. Call inside the caller's transaction."""
    _require_lead_of(actor, course)
    existing = active_consent(course, user)
    if existing:
        return existing
    consent = Consent.objects.create(
        course=course,
        user=user,
        text_version=CONSENT_VERSION,
        given_at=timezone.now(),
        recorded_by=actor,
    )
    audit(
        actor=actor,
        action="course.consent_record",
        target=consent,
        group=course.group,
        subject_user=user,
        version=CONSENT_VERSION,
    )
    return consent


def presence_add(
    *,
    actor: User,
    meeting: Meeting,
    user: User,
    started_at: dt.datetime | None,
    ended_at: dt.datetime | None,
    reason: str,
    consent_informed: bool = False,
) -> Presence:
    """The leader records presence, always with a reason, within the session and not
    overlapping the person's other intervals (S16). Never without consent (S10): either
    the participant's own, or ``consent_informed``: the leader ticks that the participant
    was informed and consents, and the consent is stored as given to the leader."""
    session = _course_session(meeting)
    _require_lead_of(actor, session.course)
    reason = _require_reason(reason)
    started_at = _check_interval(meeting, started_at, ended_at)
    outside = session_bounds_error(meeting, started_at, ended_at)
    if outside:
        raise ValidationError(outside, code="outside_session")
    _refuse_independent(user, meeting, timezone.localdate(meeting.starts_at))
    now = timezone.now()
    with transaction.atomic():
        consent = (
            Consent.objects.select_for_update()
            .filter(course=session.course, user=user, withdrawn_at__isnull=True)
            .first()
        )
        if consent is None and consent_informed:
            consent = consent_record_by_leader(actor=actor, course=session.course, user=user)
        if consent is None:
            raise ValidationError(
                {
                    "consent_informed": _(
                        "%(name)s har ikke samtykket til å stå på frammøtelisten. Fortell hen "
                        "at deltakerne føres på frammøtelisten, og kryss av når hen samtykker."
                    )
                    % {"name": user.full_name}
                }
            )
        if (
            ended_at is None
            and Presence.objects.filter(meeting=meeting, user=user, ended_at__isnull=True).exists()
        ):
            raise ValidationError(
                {"ended_at": _("Deltakeren er allerede sjekket inn; oppgi når hen gikk.")}
            )
        _refuse_overlap(meeting, user, started_at, ended_at)
        presence = Presence.objects.create(
            meeting=meeting,
            user=user,
            consent=consent,
            started_at=started_at,
            ended_at=ended_at,
            source=PresenceSource.LEADER,
            created_by=actor,
            created_at=now,
        )
        PresenceCorrection.objects.create(
            presence=presence,
            meeting=meeting,
            user=user,
            actor=actor,
            at=now,
            reason=reason,
            new_started_at=started_at,
            new_ended_at=ended_at,
        )
        audit(
            actor=actor,
            action="presence.add",
            target=presence,
            group=session.course.group,
            subject_user=user,
            meeting=meeting.pk,
        )
    return presence


def presence_correct(
    *,
    actor: User,
    presence: Presence,
    started_at: dt.datetime | None,
    ended_at: dt.datetime | None,
    reason: str,
    delete: bool = False,
) -> Presence | None:
    """The leader corrects arrival or departure (or removes an interval), with a reason."""
    meeting = presence.meeting
    session = _course_session(meeting)
    _require_lead_of(actor, session.course)
    reason = _require_reason(reason)
    start = None if delete else _check_interval(meeting, started_at, ended_at)
    now = timezone.now()
    with transaction.atomic():
        locked = Presence.objects.select_for_update().get(pk=presence.pk)
        correction = PresenceCorrection(
            presence=None if delete else locked,
            meeting=meeting,
            user_id=locked.user_id,
            actor=actor,
            at=now,
            reason=reason,
            old_started_at=locked.started_at,
            old_ended_at=locked.ended_at,
        )
        if delete:
            subject = locked.user
            locked.delete()
            correction.save()
            audit(
                actor=actor,
                action="presence.delete",
                target=correction,
                group=session.course.group,
                subject_user=subject,
                meeting=meeting.pk,
            )
            return None
        if start is None:  # unreachable: checked above, kept for the type checker
            raise ValidationError({"started_at": _("Oppgi når deltakeren kom.")})
        _refuse_overlap(meeting, locked.user, start, ended_at, exclude=locked.pk)
        locked.started_at, locked.ended_at = start, ended_at
        try:
            with transaction.atomic():
                locked.save(update_fields=["started_at", "ended_at"])
        except IntegrityError:
            raise ValidationError(
                {"ended_at": _("Deltakeren har allerede et åpent intervall; oppgi når hen gikk.")}
            ) from None
        correction.new_started_at, correction.new_ended_at = start, ended_at
        correction.save()
        audit(
            actor=actor,
            action="presence.correct",
            target=locked,
            group=session.course.group,
            subject_user=locked.user,
            meeting=meeting.pk,
        )
    return locked

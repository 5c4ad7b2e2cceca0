"""Check-in (S9, S10, S16): the QR screen, the scan, consent and check-in, check-out, and
the leader's corrections of presence."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from attendance import engine, selectors, services
from attendance.forms import (
    MeetingReportConfirmForm,
    MeetingReportForm,
    PresenceAddForm,
    PresenceCorrectForm,
)
from attendance.models import CHECKIN_OPENS_BEFORE, Consent, CourseSession, Presence
from attendance.permissions import can_view, get_session_for_user
from attendance.services import meeting_import
from config.pagecache import remember
from config.params import parse_id
from config.web import add_service_errors, current_user, is_htmx, run_form
from groups.models import User
from meetings.models import Meeting, MeetingStatus


@never_cache
def qr_screen(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    session = get_session_for_user(current_user(request), meeting_pk, "lead")
    return render(request, "attendance/qr_screen.html", _qr_context(request, session))


@never_cache
def qr_code(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    session = get_session_for_user(current_user(request), meeting_pk, "lead")
    return render(request, "attendance/_qr_code.html", _qr_context(request, session))


@never_cache
def qr_projector(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """S9: the QR screen for a projector: no site chrome, a code sized to the screen, the
    meeting's name, the time left to check in and a live count. Same rights as the QR screen."""
    session = get_session_for_user(current_user(request), meeting_pk, "lead")
    now = timezone.now()
    context = _qr_context(request, session, now)
    context.update(_projector_status(session, now))
    return render(request, "attendance/qr_projector.html", context)


@never_cache
def qr_projector_status(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """The projector's count and time left, polled by htmx."""
    session = get_session_for_user(current_user(request), meeting_pk, "lead")
    now = timezone.now()
    context = {"session": session, "meeting": session.meeting, **_projector_status(session, now)}
    return render(request, "attendance/_qr_projector_status.html", context)


def _projector_status(session: CourseSession, now: dt.datetime) -> dict[str, Any]:
    meeting = session.meeting
    counts = selectors.checkin_counts(session, now)
    status: dict[str, Any] = {"checked_in": counts[0], "expected": counts[1]}
    opens_at = meeting.starts_at - CHECKIN_OPENS_BEFORE
    if services.checkin_open(meeting, now):
        status["window"] = "open"
        status["time_left"] = _time_left_text(meeting.ends_at - now)
    elif meeting.status != MeetingStatus.CANCELLED and now < opens_at:
        status["window"] = "not_yet"
        status["opens_at"] = opens_at
    else:
        status["window"] = "closed"
    return status


def _time_left_text(left: dt.timedelta) -> str:
    minutes = max(1, math.ceil(left.total_seconds() / 60))
    if minutes < 60:
        return ngettext("%(n)s minutt", "%(n)s minutter", minutes) % {"n": minutes}
    return engine.duration_text(minutes)


def _qr_context(
    request: HttpRequest, session: CourseSession, now: dt.datetime | None = None
) -> dict[str, Any]:
    now = now or timezone.now()
    meeting = session.meeting
    is_open = services.checkin_open(meeting, now)
    context: dict[str, Any] = {"session": session, "meeting": meeting, "course": session.course}
    context["is_open"] = is_open
    if is_open:
        url = request.build_absolute_uri(
            reverse("attendance:scan", args=[services.qr_token(meeting, now)])
        )
        qr = segno.make(url, error="m")
        # segno writes the SVG itself and XML-escapes the title and our own URL in it.
        context["qr_svg"] = mark_safe(  # noqa: S308
            qr.svg_inline(scale=8, omitsize=True, title=_("QR-kode for innsjekking"), dark="#000")
        )
        context["checkin_url"] = url
    if engine.is_digital(meeting):
        context["digital_url"] = request.build_absolute_uri(
            reverse("attendance:scan", args=[services.link_token(meeting)])
        )
    return context


@login_not_required
@never_cache
def scan(request: HttpRequest, token: str) -> HttpResponse:
    """The QR code's URL: checks the token now (it expires in seconds), grants this browser
    the right to check in for a while, then sends the member to log in if needed."""
    now = timezone.now()
    try:
        grant = services.token_redeem(token, now)
    except ValidationError as exc:
        return render(request, "attendance/scan_refused.html", {"errors": exc.messages}, status=400)
    services.grant_store(request.session, grant, now)
    target = reverse("attendance:checkin", args=[grant.meeting_id])
    if not request.user.is_authenticated:
        return redirect_to_login(target)
    return redirect(target)


# G16, said to the member on their own check-in page (the service's refusal names them).
INDEPENDENT = gettext_lazy(
    "Du har meldt deg uavhengig og deltar ikke på gruppas møter, heller ikke når møtet er en "
    "samling i et kurs."
)


@never_cache
def checkin_view(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """The member's check-in page (S10, S16). A scan grants it for a while; after that a
    member who has checked in keeps it until the session ends (check out, or in again
    after leaving), and then reads that the session is over. A group member without a scan
    is told to scan the code; anyone else gets 404."""
    user = current_user(request)
    now = timezone.now()
    # One read for the session, its course and its meeting with the meeting's group, kept
    # while 300 phones check in (their writes touch none of these tables; issue 13). The
    # check-in service takes the session from the meeting.
    session = remember(
        f"checkin-session:{meeting_pk}",
        lambda: (
            CourseSession.objects.select_related(
                "course", "course__plan", "course__group", "meeting", "meeting__group"
            )
            .filter(meeting_id=meeting_pk)
            .first()
        ),
        kind="course-session",
    )
    if session is None:
        raise Http404
    meeting, course = session.meeting, session.course
    grant = services.grant_load(request.session, meeting_pk, now)
    state = selectors.checkin_state(user, session, now)
    if grant is None and not state.intervals and not can_view(user, course):
        raise Http404
    source = grant.source if grant else state.rejoin_source
    may_check_in = source is not None and not state.ended
    # G16: an independent representative reads why on the page, before tapping.
    independent = (
        INDEPENDENT
        if may_check_in and services.is_independent_at(user, meeting, timezone.localdate(now))
        else None
    )
    errors: list[str] = []
    if request.method == "POST":
        if state.ended:
            errors = [_("Samlingen er slutt. Du kan ikke sjekke inn eller ut lenger.")]
        elif source is None:
            errors = [_("Skann QR-koden på skjermen i møtet for å sjekke inn.")]
        elif independent:
            errors = [str(independent)]
        else:
            try:
                presence, created = services.presence_check_in_with_consent(
                    actor=user,
                    meeting=meeting,
                    consent_given=request.POST.get("consent") == "yes",
                    source=source,
                    now=now,
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                if created:
                    messages.success(
                        request,
                        _("Du er registrert som til stede fra kl. %(time)s.")
                        % {"time": timezone.localtime(presence.started_at).strftime("%H:%M")},
                    )
                else:
                    messages.info(request, _("Du var allerede sjekket inn. Ingenting er endret."))
                return redirect("attendance:checkin", meeting.pk)
    return render(
        request,
        "attendance/checkin.html",
        {
            "meeting": meeting,
            "course": course,
            "state": state,
            "consent": services.active_consent(course, user),
            "may_check_in": may_check_in,
            "independent": independent,
            "errors": errors,
            "retention_years": engine.course_policy(course).retention_years,
        },
        status=400 if errors else 200,
    )


@require_POST
def checkout(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = get_object_or_404(Meeting, pk=meeting_pk)
    if not Presence.objects.filter(meeting=meeting, user=user).exists():
        raise Http404
    try:
        presence = services.presence_check_out(actor=user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Du er sjekket ut kl. %(time)s.")
            % {"time": timezone.localtime(presence.ended_at).strftime("%H:%M")},
        )
    # Back to the page the member checked out from (home, "Mine studietimer", the meeting).
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)  # a path, never a view name to reverse
    return redirect("attendance:checkin", meeting.pk)


def presence_edit(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """The leader registers presence for any participant by name (S10, S16): with the
    participant's own consent, or one they give the leader here (ticked, with who and
    when). Always with a reason."""
    user = current_user(request)
    session = get_session_for_user(user, meeting_pk, "lead")
    meeting = session.meeting
    participants = selectors.registrable_participants(
        session.course, timezone.localdate(meeting.starts_at)
    )
    consenting = set(
        Consent.objects.filter(course=session.course, withdrawn_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    form = PresenceAddForm(
        request.POST or None, users=participants, consenting=consenting, meeting=meeting
    )
    response = run_form(
        request,
        form,
        lambda d: services.presence_add(
            actor=user,
            meeting=meeting,
            user=d["user"],
            started_at=d["started_at"],
            ended_at=d["ended_at"],
            reason=d["reason"],
            consent_informed=d["consent_informed"],
        ),
        _("Frammøtet er registrert."),
        reverse("attendance:presence_edit", args=[meeting_pk]),
    )
    if response:
        return response
    presences = (
        Presence.objects.filter(meeting=meeting)
        .select_related("user", "consent__recorded_by")
        .order_by("user__full_name", "started_at")
    )
    return render(
        request,
        "attendance/presence_edit.html",
        {"session": session, "course": session.course, "form": form, "presences": presences},
    )


SEARCH_LENGTH = 100


@never_cache
def checkin_list(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """S10, S16: the leader checks people in and out from a list of the expected
    participants on their own phone, searched by name (``q``; htmx filters as they type).
    The same intervals as a QR check-in, with the leader as the source; consent first, if
    the participant has none on file, ticked by the leader."""
    user = current_user(request)
    session = get_session_for_user(user, meeting_pk, "lead")
    meeting = session.meeting
    data = request.POST if request.method == "POST" else request.GET
    query = " ".join(str(data.get("q", "")).split())[:SEARCH_LENGTH]
    if request.method == "POST":
        _checkin_list_post(request, user, session)
        target = reverse("attendance:checkin_list", args=[meeting_pk])
        person = parse_id(request.POST.get("user"))
        params = f"?{urlencode({'q': query})}" if query else ""
        return HttpResponseRedirect(target + params + (f"#deltaker-{person}" if person else ""))
    now = timezone.now()
    context: dict[str, Any] = {
        "session": session,
        "meeting": meeting,
        "course": session.course,
        "q": query,
        "rows": selectors.checkin_rows(session, query, now),
        "is_open": services.checkin_open(meeting, now),
        **_projector_status(session, now),
    }
    if is_htmx(request):  # the search as one types, or the count's polling
        part = {"checkin-results": "results", "checkin-count": "count"}
        if request.headers.get("HX-Target") in part:
            name = part[request.headers["HX-Target"]]
            return render(request, f"attendance/_checkin_list_{name}.html", context)
    return render(request, "attendance/checkin_list.html", context)


def _checkin_list_post(request: HttpRequest, actor: User, session: CourseSession) -> None:
    """One tap on the list: check the chosen person in or out; the outcome as a message."""
    meeting = session.meeting
    now = timezone.now()
    person_id = parse_id(request.POST.get("user"))
    person = next(
        (
            u
            for u in selectors.registrable_participants(session.course, timezone.localdate(now))
            if u.pk == person_id
        ),
        None,
    )
    action = request.POST.get("action")
    if person is None or action not in ("in", "out"):
        messages.error(
            request, _("Velg en deltaker på listen og trykk «Sjekk inn» eller «Sjekk ut».")
        )
        return
    name = person.full_name
    try:
        if action == "in":
            presence, changed = services.presence_check_in_by_leader(
                actor=actor,
                meeting=meeting,
                user=person,
                consent_informed=request.POST.get("consent") == "yes",
                now=now,
            )
        else:
            presence, changed = services.presence_check_out_by_leader(
                actor=actor, meeting=meeting, user=person, now=now
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Du har ikke tilgang til dette."))
        return
    if action == "in" and changed:
        text = _("%(name)s er sjekket inn fra kl. %(time)s.")
        moment = presence.started_at
    elif action == "in":
        text = _("%(name)s var allerede sjekket inn fra kl. %(time)s. Ingenting er endret.")
        moment = presence.started_at
    elif changed:
        text = _("%(name)s er sjekket ut kl. %(time)s.")
        moment = presence.ended_at or now
    else:
        text = _("%(name)s var allerede sjekket ut kl. %(time)s. Ingenting er endret.")
        moment = presence.ended_at or now
    (messages.success if changed else messages.info)(
        request, text % {"name": name, "time": timezone.localtime(moment).strftime("%H:%M")}
    )


def presence_correct(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    presence = get_object_or_404(Presence.objects.select_related("meeting", "user"), pk=pk)
    session = get_session_for_user(user, presence.meeting_id, "lead")
    initial = {
        "started_at": timezone.localtime(presence.started_at),
        "ended_at": timezone.localtime(presence.ended_at) if presence.ended_at else None,
    }
    form = PresenceCorrectForm(request.POST or None, initial=initial)
    response = run_form(
        request,
        form,
        lambda d: services.presence_correct(
            actor=user,
            presence=presence,
            started_at=d["started_at"],
            ended_at=d["ended_at"],
            reason=d["reason"],
            delete=d["delete"],
        ),
        _("Frammøtet er rettet."),
        reverse("attendance:presence_edit", args=[presence.meeting_id]),
    )
    if response:
        return response
    return render(
        request,
        "attendance/presence_correct.html",
        {"form": form, "presence": presence, "session": session, "course": session.course},
    )


@never_cache
def presence_import(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """S9, S10, S16: the leader uploads the meeting tool's report, sees what would be
    recorded, and confirms. The file is read in memory and not kept."""
    user = current_user(request)
    session = get_session_for_user(user, meeting_pk, "lead")
    upload = MeetingReportForm()
    confirm = None
    preview = None
    errors: list[str] = []
    status = 200
    if request.method == "POST" and "token" in request.POST:
        confirm = MeetingReportConfirmForm(request.POST)
        try:
            if not confirm.is_valid():
                raise ValidationError(
                    _("Forhåndsvisningen er utløpt eller ugyldig. Last opp rapporten på nytt.")
                )
            report, sha256 = meeting_import.report_unsign(
                session=session, token=confirm.cleaned_data["token"]
            )
            result = meeting_import.presence_import(
                actor=user, session=session, report=report, sha256=sha256
            )
        except ValidationError as exc:
            errors = exc.messages
            status = 400
        else:
            if result.created:
                messages.success(
                    request,
                    ngettext(
                        "Frammøtet er importert: %(n)s nytt intervall.",
                        "Frammøtet er importert: %(n)s nye intervaller.",
                        result.created,
                    )
                    % {"n": result.created},
                )
            else:
                messages.info(request, _("Rapporten er lest. Alt i den var allerede registrert."))
            return redirect("attendance:presence_edit", meeting_pk)
    elif request.method == "POST":
        upload = MeetingReportForm(request.POST, request.FILES)
        if upload.is_valid():
            try:
                read = meeting_import.report_read(
                    session=session, data=upload.cleaned_data["report"]
                )
            except ValidationError as exc:
                add_service_errors(upload, exc)
            else:
                preview = meeting_import.import_preview(
                    session=session, report=read.report, sha256=read.sha256
                )
                confirm = MeetingReportConfirmForm(initial={"token": read.token})
                upload = MeetingReportForm()
        if preview is None:
            status = 400
    return render(
        request,
        "attendance/presence_import.html",
        {
            "session": session,
            "course": session.course,
            "form": upload,
            "confirm": confirm if preview else None,
            "preview": preview,
            "errors": errors,
        },
        status=status,
    )

"""A member's calendar feed as iCalendar (RFC 5545), built with the icalendar library."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from meetings.models import Meeting, MeetingMode, MeetingStatus

PRODID = "-//Senterpartiet//Gruppeportalen//NO"


def meeting_url(meeting: Meeting) -> str:
    return settings.SITE_URL + reverse("meetings:detail", kwargs={"pk": meeting.pk})


def meeting_uid(meeting: Meeting) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    return f"meeting-{meeting.pk}@{host}"


def build_calendar(
    meetings: Iterable[Meeting],
    *,
    name: str,
    now: dt.datetime | None = None,
    method: str = "PUBLISH",
) -> bytes:
    """The feed (PUBLISH) or one meeting's "Legg til i kalender" (PUBLISH, or CANCEL once it
    is cancelled). UID and SEQUENCE are the same in both, so a calendar that has the meeting
    from either updates it rather than adding a copy."""
    now = now or timezone.now()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    for meeting in meetings:
        url = meeting_url(meeting)
        event = Event()
        event.add("uid", meeting_uid(meeting))
        event.add("sequence", meeting.sequence)
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
        event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
        event.add("last-modified", meeting.updated_at.astimezone(dt.UTC))
        event.add("summary", meeting.display_title)
        location = meeting.place
        if meeting.mode != MeetingMode.PHYSICAL and meeting.digital_link:
            location = f"{location} / {meeting.digital_link}" if location else meeting.digital_link
        if location:
            event.add("location", location)
        lines = [f"{meeting.get_kind_display()} – {meeting.group}"]
        if meeting.status == MeetingStatus.CANCELLED:
            lines.append(_("Avlyst: %(reason)s") % {"reason": meeting.cancel_reason})
        lines.append(_("Saksliste og referat: %(url)s") % {"url": url})
        event.add("description", "\n".join(lines))
        event.add("url", url)
        event.add("categories", [meeting.get_kind_display()])
        event.add(
            "status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED"
        )
        event.add("class", "PRIVATE" if meeting.is_board_meeting else "PUBLIC")
        cal.add_component(event)
    return cal.to_ical()


def meeting_calendar(meeting: Meeting, *, now: dt.datetime | None = None) -> bytes:
    """One meeting as its own calendar entry (G14): METHOD:CANCEL when it is cancelled."""
    method = "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "PUBLISH"
    return build_calendar([meeting], name=meeting.display_title, now=now, method=method)


def build_cycle_calendar(
    groups: Iterable[tuple[object, Iterable[Any]]], *, name: str, now: dt.datetime | None = None
) -> bytes:
    """The year's cycle (G27) as all-day entries, one per deadline: ``groups`` pairs each
    group with its ``meetings.services.cycle.Occurrence`` list. The UID is the entry's, so
    a moved deadline moves the calendar's entry; its state is in the summary."""
    now = now or timezone.now()
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    for group, found in groups:
        for occ in found:
            url = settings.SITE_URL + occ.url
            event = Event()
            event.add("uid", f"{occ.uid}@{host}")
            event.add("dtstamp", now.astimezone(dt.UTC))
            event.add("dtstart", occ.due)
            event.add("dtend", occ.due + dt.timedelta(days=1))
            if occ.updated_at is not None:
                event.add("last-modified", occ.updated_at.astimezone(dt.UTC))
            event.add("summary", f"{occ.title} ({occ.state_label.lower()})")
            lines = [_("Årshjul – %(group)s") % {"group": group}]
            if occ.responsible is not None:
                lines.append(_("Ansvarlig: %(name)s") % {"name": occ.responsible.user.full_name})
            if occ.hint:
                lines.append(occ.hint)
            lines.append(_("Her gjøres arbeidet: %(url)s") % {"url": url})
            event.add("description", "\n".join(lines))
            event.add("url", url)
            event.add("categories", [_("Årshjul")])
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    return cal.to_ical()

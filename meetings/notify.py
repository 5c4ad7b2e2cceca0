"""E-mails the tasks send. Each function takes ids and loads what it needs."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from config.singleline import email_subject
from groups.models import BoardRole, Membership, MembershipStatus
from groups.outbox import message_headers
from meetings.models import AgendaItem, CouncilCase, MeetingRequest, VoteDeviationNotice


def _leader_emails(group_id: int) -> list[str]:
    return list(
        Membership.objects.filter(
            group_id=group_id, board_role=BoardRole.LEADER, status=MembershipStatus.ACTIVE
        ).values_list("user__email", flat=True)
    )


def _send(subject: str, template: str, context: dict[str, object], to: list[str]) -> int:
    if not to:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template, {**context, "SITE_URL": settings.SITE_URL})
    message = EmailMessage(email_subject(subject), body, None, to, headers=message_headers())
    return message.send()


def request_satisfied(request_id: int) -> int:
    """G6, G10, G17: tell the leader a meeting has been required."""
    req = MeetingRequest.objects.select_related("group").get(pk=request_id)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Krav om møte: %(kind)s") % {"kind": req.get_kind_display()}
    url = settings.SITE_URL + reverse("meetings:requests", kwargs={"group_pk": req.group_id})
    return _send(
        subject,
        "meetings/email/request_satisfied.txt",
        {"request": req, "url": url},
        _leader_emails(req.group_id),
    )


def item_submitted(item_id: int) -> int:
    """G9: items go to the leader."""
    item = AgendaItem.objects.select_related("meeting").get(pk=item_id)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Ny sak meldt inn til %(title)s") % {"title": item.meeting.title}
    url = settings.SITE_URL + reverse("meetings:detail", kwargs={"pk": item.meeting_id})
    return _send(
        subject,
        "meetings/email/item_submitted.txt",
        {"item": item, "url": url},
        _leader_emails(item.meeting.group_id),
    )


def case_assigned(case_id: int) -> int:
    """G12: the member responsible for a council case is told, with the due date."""
    case = CouncilCase.objects.select_related("council_meeting", "responsible__user").get(
        pk=case_id
    )
    if case.responsible is None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Du har fått ansvar for en sak: %(title)s") % {"title": case.title}
    url = settings.SITE_URL + reverse("meetings:case", kwargs={"pk": case.pk})
    return _send(
        subject,
        "meetings/email/case_assigned.txt",
        {"case": case, "url": url},
        [case.responsible.user.email],
    )


def deviation_notified(notice_id: int) -> int:
    """G19: the leader and, for a committee case, the faction leader are told."""
    notice = VoteDeviationNotice.objects.select_related(
        "case__council_meeting__committee__faction_leader__user"
    ).get(pk=notice_id)
    cm = notice.case.council_meeting
    to = _leader_emails(cm.group_id)
    if cm.committee is not None and cm.committee.faction_leader is not None:
        to.append(cm.committee.faction_leader.user.email)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Melding om avvikende stemme: %(title)s") % {"title": notice.case.title}
    url = settings.SITE_URL + reverse("meetings:case", kwargs={"pk": notice.case_id})
    return _send(
        subject, "meetings/email/deviation.txt", {"notice": notice, "url": url}, sorted(set(to))
    )

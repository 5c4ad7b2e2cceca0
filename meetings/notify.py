"""E-mails the tasks send. Each function takes ids and loads what it needs."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.singleline import email_subject
from groups.mail import language_of
from groups.models import BoardRole, Membership, MembershipStatus, User
from groups.outbox import message_headers
from meetings.models import (
    AgendaItem,
    CouncilCase,
    MeetingRequest,
    SummonsKind,
    SummonsRevision,
    Vote,
    VoteDeviationNotice,
)


def _send_to(user: User, subject: str, template: str, context: dict[str, object]) -> int:
    """One e-mail to one person, written in their language."""
    with translation.override(language_of(user)):
        body = render_to_string(template, {**context, "SITE_URL": settings.SITE_URL})
        message = EmailMessage(
            email_subject(str(subject)), body, None, [user.email], headers=message_headers()
        )
        return message.send()


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
        subject = _("Ny sak meldt inn til %(title)s") % {"title": item.meeting.display_title}
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


SUMMONS_SUBJECTS = {
    SummonsKind.SUMMONS: gettext_lazy("Innkalling: %(title)s"),
    SummonsKind.UPDATE: gettext_lazy("Endret møte: %(title)s"),
    SummonsKind.CANCEL: gettext_lazy("Avlyst: %(title)s"),
}


def summons(revision: SummonsRevision, membership: Membership, replaces: Membership | None) -> int:
    """G6, G9, G12, G14, G20: the summons with the agenda (each item's case number and the
    member responsible), an update naming what changed, or a cancellation; with links to the
    meeting and to its calendar entry."""
    from meetings.services.summons import CHANGE_LABELS

    meeting = revision.meeting
    content = revision.content
    responsible = {
        m.pk: m.user.full_name
        for m in Membership.objects.filter(
            pk__in=[i["responsible_id"] for i in content["agenda"] if i["responsible_id"]]
        ).select_related("user")
    }
    url = settings.SITE_URL + reverse("meetings:detail", kwargs={"pk": meeting.pk})
    ics = settings.SITE_URL + reverse("meetings:meeting_ics", kwargs={"pk": meeting.pk})
    user = membership.user
    with translation.override(language_of(user)):
        subject = str(SUMMONS_SUBJECTS[SummonsKind(revision.kind)]) % {
            "title": meeting.display_title
        }
        changed = [str(CHANGE_LABELS[c]) for c in revision.changed if c in CHANGE_LABELS]
    context = {
        "revision": revision,
        "meeting": meeting,
        "starts_at": datetime.fromisoformat(content["starts_at"]),
        "ends_at": datetime.fromisoformat(content["ends_at"]),
        "content": content,
        "agenda": [
            {**item, "responsible": responsible.get(item["responsible_id"], "")}
            for item in content["agenda"]
        ],
        "changed": changed,
        "replaces": replaces,
        "url": url,
        "ics": ics,
        "kind": revision.kind,
    }
    return _send_to(user, subject, "meetings/email/summons.txt", context)


def vote_message(vote: Vote, membership: Membership, *, outcome: bool) -> int:
    """G18, G22, G6: a vote is open (to those with the vote) or its outcome (to everyone)."""
    url = settings.SITE_URL + reverse("meetings:vote", kwargs={"pk": vote.pk})
    with translation.override(language_of(membership.user)):
        subject = (
            _("Resultat av avstemning: %(title)s") if outcome else _("Ny avstemning: %(title)s")
        ) % {"title": vote.title}
    return _send_to(
        membership.user,
        subject,
        "meetings/email/vote.txt",
        {"vote": vote, "outcome": outcome, "url": url},
    )

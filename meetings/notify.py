"""E-mails the tasks send. Each function takes ids and loads what it needs."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from config import mail
from groups.models import BoardRole, Membership, MembershipStatus
from groups.outbox import message_headers
from meetings.models import (
    AgendaItem,
    CouncilCase,
    Meeting,
    MeetingRequest,
    RequestKind,
    SummonsKind,
    SummonsRevision,
    Vote,
    VoteDeviationNotice,
)


def shown_title(meeting: Meeting) -> str:
    """The meeting's title as shown, worked out when the mail is written in its reader's
    language (a generated title is made from translatable parts)."""
    return lazy(lambda: meeting.display_title, str)()


def _leader_emails(group_id: int) -> list[str]:
    return list(
        Membership.objects.filter(
            group_id=group_id, board_role=BoardRole.LEADER, status=MembershipStatus.ACTIVE
        ).values_list("user__email", flat=True)
    )


def request_satisfied(request_id: int) -> int:
    """G6, G10, G17: tell the leader a meeting has been required."""
    req = MeetingRequest.objects.select_related("group").get(pk=request_id)
    url = settings.SITE_URL + reverse("meetings:requests", kwargs={"group_pk": req.group_id})
    return mail.send(
        _leader_emails(req.group_id),
        subject=_("Krav om møte: %(kind)s"),
        subject_params={"kind": RequestKind(req.kind).label},
        template="meetings/email/request_satisfied.txt",
        context={"request": req, "url": url},
        headers=message_headers(),
    )


def item_submitted(item_id: int) -> int:
    """G9: items go to the leader."""
    item = AgendaItem.objects.select_related("meeting").get(pk=item_id)
    url = settings.SITE_URL + reverse("meetings:detail", kwargs={"pk": item.meeting_id})
    return mail.send(
        _leader_emails(item.meeting.group_id),
        subject=_("Ny sak meldt inn til %(title)s"),
        subject_params={"title": shown_title(item.meeting)},
        template="meetings/email/item_submitted.txt",
        context={"item": item, "url": url},
        headers=message_headers(),
    )


def case_assigned(case_id: int) -> int:
    """G12: the member responsible for a council case is told, with the due date."""
    case = CouncilCase.objects.select_related("council_meeting", "responsible__user").get(
        pk=case_id
    )
    if case.responsible is None:
        return 0
    url = settings.SITE_URL + reverse("meetings:case", kwargs={"pk": case.pk})
    return mail.send(
        [case.responsible.user.email],
        subject=_("Du har fått ansvar for en sak: %(title)s"),
        subject_params={"title": case.title},
        template="meetings/email/case_assigned.txt",
        context={"case": case, "url": url},
        headers=message_headers(),
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
    url = settings.SITE_URL + reverse("meetings:case", kwargs={"pk": notice.case_id})
    return mail.send(
        sorted(set(to)),
        subject=_("Melding om avvikende stemme: %(title)s"),
        subject_params={"title": notice.case.title},
        template="meetings/email/deviation.txt",
        context={"notice": notice, "url": url},
        headers=message_headers(),
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
    changed = [CHANGE_LABELS[c] for c in revision.changed if c in CHANGE_LABELS]
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
    return mail.send(
        user,
        subject=SUMMONS_SUBJECTS[SummonsKind(revision.kind)],
        subject_params={"title": shown_title(meeting)},
        template="meetings/email/summons.txt",
        context=context,
        headers=message_headers(),
    )


def vote_message(vote: Vote, membership: Membership, *, outcome: bool) -> int:
    """G18, G22, G6: a vote is open (to those with the vote) or its outcome (to everyone)."""
    url = settings.SITE_URL + reverse("meetings:vote", kwargs={"pk": vote.pk})
    return mail.send(
        membership.user,
        subject=(
            _("Resultat av avstemning: %(title)s") if outcome else _("Ny avstemning: %(title)s")
        ),
        subject_params={"title": vote.title},
        template="meetings/email/vote.txt",
        context={"vote": vote, "outcome": outcome, "url": url},
        headers=message_headers(),
    )

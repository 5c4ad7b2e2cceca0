"""Authorization cases for questions and interpellations to the council (G28). Drafts are
seen by their author and the group's leaders only; the author and the leaders act on a
question; only the leaders approve it and enter the council's deadlines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from meetings import services
from meetings.models import CouncilQuestion, QuestionKind
from tests.authz import GROUP_MANAGE, GROUP_VIEW, Case, _all
from tests.factories.meetings import make_council_meeting

# Drafting: the group's representatives; a site admin has no seat to ask from.
DRAFT_PAGE = _all(404, anonymous=302, member=200, faction_leader=200, leader=200, site_admin=403)
DRAFT_POST = _all(404, anonymous=302, member=302, faction_leader=302, leader=302, site_admin=403)
# A draft: its author and the leader; nobody else may know it exists.
DRAFT_VIEW = _all(404, anonymous=302, member=200, leader=200)
DRAFT_ACT = _all(404, anonymous=302, member=302, leader=302)
# A question past the draft: the group sees it; the author (member) and leaders act on it.
ACT_PAGE = _all(404, anonymous=302, member=200, faction_leader=403, leader=200, site_admin=200)
ACT_POST = _all(404, anonymous=302, member=302, faction_leader=403, leader=302, site_admin=302)
APPROVE_PAGE = GROUP_MANAGE
APPROVE_POST = _all(404, anonymous=302, member=403, faction_leader=403, leader=302, site_admin=302)


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def setup(world: Any) -> None:
    group, member, leader = world.group, world.users["member"], world.users["leader"]
    council = make_council_meeting(group, timezone.now() + dt.timedelta(days=12))

    def draft(title: str) -> CouncilQuestion:
        return services.question_create(
            actor=member,
            group=group,
            council_meeting=council,
            kind=QuestionKind.QUESTION,
            title=title,
            addressee="Ordføreren",
            text="Når kommer den nye brannstasjonen?",
        )

    q_draft = draft("Brannstasjonen")
    q_awaiting = services.question_send_for_approval(actor=member, question=draft("Skolevei"))
    q_approved = services.question_send_for_approval(actor=member, question=draft("Barnehage"))
    services.question_approve(actor=leader, question=q_approved)
    q_submitted = services.question_send_for_approval(actor=member, question=draft("Fergen"))
    services.question_approve(actor=leader, question=q_submitted)
    services.question_submit(actor=member, question=q_submitted, submitted_at=timezone.now())
    world.extra.update(
        council=council,
        q_draft=q_draft,
        q_awaiting=q_awaiting,
        q_approved=q_approved,
        q_submitted=q_submitted,
    )


def _pk(name: str) -> Any:
    return lambda w: {"pk": w.extra[name].pk}


def _new(w: Any) -> dict[str, Any]:
    return {
        "kind": "interpellation",
        "council_meeting": w.extra["council"].pk,
        "addressee": "Ordføreren",
        "title": "Bredbånd i grendene",
        "text": "Hva gjør kommunen for å få bredbånd til alle?",
    }


CASES = [
    Case("meetings:questions", GROUP_VIEW, kwargs=lambda w: {"group_pk": w.group.pk}),
    Case(
        "meetings:questions",
        GROUP_VIEW,
        kwargs=lambda w: {"group_pk": w.group.pk},
        query="status=approved&council_meeting=99999999999999999999",
        label="filtered",
    ),
    Case("meetings:question_create", DRAFT_PAGE, kwargs=lambda w: {"group_pk": w.group.pk}),
    Case(
        "meetings:question_create",
        DRAFT_PAGE,
        method="post",
        data=lambda w: {},
        kwargs=lambda w: {"group_pk": w.group.pk},
        label="empty",
    ),
    Case(
        "meetings:question_create",
        DRAFT_POST,
        method="post",
        data=_new,
        kwargs=lambda w: {"group_pk": w.group.pk},
    ),
    Case("meetings:question", DRAFT_VIEW, kwargs=_pk("q_draft"), label="draft"),
    Case("meetings:question", GROUP_VIEW, kwargs=_pk("q_awaiting"), label="awaiting"),
    Case("meetings:question", GROUP_VIEW, kwargs=_pk("q_submitted"), label="submitted"),
    Case("meetings:question_edit", DRAFT_VIEW, kwargs=_pk("q_draft")),
    Case("meetings:question_edit", ACT_PAGE, kwargs=_pk("q_approved"), label="correction"),
    Case(
        "meetings:question_edit",
        ACT_POST,
        method="post",
        data=_new,
        kwargs=_pk("q_approved"),
        label="correct",
    ),
    Case("meetings:question_send", DRAFT_ACT, method="post", kwargs=_pk("q_draft")),
    Case("meetings:question_approve", APPROVE_PAGE, kwargs=_pk("q_awaiting")),
    Case(
        "meetings:question_approve",
        APPROVE_POST,
        method="post",
        data=lambda w: {"agenda_item": ""},
        kwargs=_pk("q_awaiting"),
        label="approve",
    ),
    Case(
        "meetings:question_return",
        APPROVE_POST,
        method="post",
        data=lambda w: {"comment": "Gjør det kortere."},
        kwargs=_pk("q_awaiting"),
    ),
    Case("meetings:question_submit", ACT_PAGE, kwargs=_pk("q_approved")),
    Case(
        "meetings:question_submit",
        ACT_POST,
        method="post",
        data=lambda w: {"submitted_at": _local(timezone.now())},
        kwargs=_pk("q_approved"),
        label="submit",
    ),
    Case("meetings:question_answer", ACT_PAGE, kwargs=_pk("q_submitted")),
    Case(
        "meetings:question_answer",
        ACT_POST,
        method="post",
        data=lambda w: {
            "answered_on": timezone.localdate().isoformat(),
            "answer_text": "Ordføreren svarte at saken kommer i juni.",
        },
        kwargs=_pk("q_submitted"),
        label="answer",
    ),
    Case("meetings:question_withdraw", ACT_PAGE, kwargs=_pk("q_awaiting")),
    Case(
        "meetings:question_withdraw",
        ACT_POST,
        method="post",
        data=lambda w: {"reason": "Besvart i media."},
        kwargs=_pk("q_awaiting"),
        label="withdraw",
    ),
    Case("meetings:council_questions", GROUP_VIEW, kwargs=_pk("council")),
    Case(
        "meetings:council_questions",
        APPROVE_POST,
        method="post",
        data=lambda w: {
            "question_deadline": _local(w.extra["council"].starts_at - dt.timedelta(days=2)),
            "interpellation_deadline": _local(w.extra["council"].starts_at - dt.timedelta(days=8)),
        },
        kwargs=_pk("council"),
        label="deadlines",
    ),
]

"""Writes: members vote themselves (G18, G22, G6). The leader opens a vote with a deadline to
the members who have the vote (G1); each casts one ballot; at the close the outcome is
recorded where it belongs (the rules history through ``groups.services.ruleset_decide``, a
conflict of interest through ``conflict_vote``) and everyone is told, once.

A secret vote stores only that a member voted (a ``Ballot`` with no choice) and the tally on
the ``Vote``; nothing links a member to a choice. A show of hands in the room is recorded as
typed counts, marked as such (``VoteMethod.HANDS``)."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from config.singleline import require_single_line
from groups.audit import audit
from groups.models import (
    BoardRole,
    CouncilGroup,
    Membership,
    MembershipStatus,
    RuleSet,
    RuleSetStatus,
    User,
)
from groups.permissions import require_group_manager
from groups.services import ruleset_decide
from meetings import tasks
from meetings.models import (
    Ballot,
    Choice,
    ConflictDecision,
    ConflictOfInterest,
    Meeting,
    Vote,
    VoteMethod,
    VoteStatus,
    VoteSubject,
)
from meetings.permissions import membership_in
from meetings.services.members import refuse_binding

log = logging.getLogger(__name__)
MAX_DAYS_OPEN = 60


def eligible_voters(vote: Vote, today: dt.date | None = None) -> list[Membership]:
    """G1: the regular members with member rights; on a conflict of interest (G18) the member
    concerned does not vote."""
    today = today or timezone.localdate()
    rows = Membership.objects.filter(
        group_id=vote.group_id, status=MembershipStatus.ACTIVE
    ).select_related("user")
    concerned = vote.conflict.membership_id if vote.conflict_id and vote.conflict else None
    return [m for m in rows if m.can_vote(today) and m.pk != concerned]


def may_vote(vote: Vote, membership: Membership | None) -> bool:
    return membership is not None and any(m.pk == membership.pk for m in eligible_voters(vote))


def _check_subject(
    group: CouncilGroup,
    subject: str,
    ruleset: RuleSet | None,
    conflict: ConflictOfInterest | None,
) -> None:
    if subject not in VoteSubject.values:
        raise ValidationError({"subject": _("Velg hva det skal stemmes over.")})
    if subject == VoteSubject.RULES:
        if ruleset is None or ruleset.group_id != group.pk:
            raise ValidationError({"ruleset": _("Velg forslaget til nytt reglement.")})
        if ruleset.status != RuleSetStatus.PROPOSED:
            raise ValidationError({"ruleset": _("Forslaget er allerede behandlet.")})
    if subject == VoteSubject.CONFLICT:
        if conflict is None or conflict.agenda_item.meeting.group_id != group.pk:
            raise ValidationError({"conflict": _("Velg habilitetsspørsmålet.")})
        if conflict.decision != ConflictDecision.PENDING:
            raise ValidationError({"conflict": _("Habilitetsspørsmålet er allerede avgjort.")})
    open_votes = Vote.objects.filter(status=VoteStatus.OPEN)
    if ruleset is not None and open_votes.filter(ruleset=ruleset).exists():
        raise ValidationError({"ruleset": _("Det pågår allerede en avstemning om forslaget.")})
    if conflict is not None and open_votes.filter(conflict=conflict).exists():
        raise ValidationError(
            {"conflict": _("Det pågår allerede en avstemning om habilitetsspørsmålet.")}
        )


def _clean_title(title: str) -> str:
    title = title.strip()
    require_single_line(title=title)
    if not title:
        raise ValidationError({"title": _("Skriv hva det stemmes over.")})
    return title


def vote_open(
    *,
    actor: User,
    group: CouncilGroup,
    subject: str,
    title: str,
    deadline: dt.datetime,
    text: str = "",
    secret: bool = False,
    ruleset: RuleSet | None = None,
    conflict: ConflictOfInterest | None = None,
    meeting: Meeting | None = None,
) -> Vote:
    """The leader opens a vote with a deadline; those with the vote are told."""
    require_group_manager(actor, group.pk)
    title = _clean_title(title)
    now = timezone.now()
    if deadline <= now:
        raise ValidationError({"deadline": _("Fristen må være fram i tid.")})
    if deadline > now + dt.timedelta(days=MAX_DAYS_OPEN):
        raise ValidationError(
            {"deadline": _("Fristen kan være høyst %(days)s dager fram.") % {"days": MAX_DAYS_OPEN}}
        )
    if meeting is not None and meeting.group_id != group.pk:
        raise PermissionDenied
    # G26: a members' meeting advises the group; nothing voted there binds it
    refuse_binding(meeting or (conflict.agenda_item.meeting if conflict else None))
    with transaction.atomic():
        CouncilGroup.objects.select_for_update().filter(pk=group.pk).first()
        _check_subject(group, subject, ruleset, conflict)
        vote = Vote(
            group=group,
            subject=subject,
            title=title,
            text=text.strip(),
            secret=secret,
            ruleset=ruleset if subject == VoteSubject.RULES else None,
            conflict=conflict if subject == VoteSubject.CONFLICT else None,
            meeting=meeting or (conflict.agenda_item.meeting if conflict else None),
            opened_at=now,
            deadline=deadline,
            opened_by=actor,
        )
        vote.eligible = len(eligible_voters(vote))
        if vote.eligible == 0:
            raise ValidationError(_("Ingen i gruppa har stemmerett i denne saken."))
        vote.save()
        audit(
            actor=actor,
            action="meeting.vote_open",
            target=vote,
            group=group,
            subject=subject,
            secret=secret,
        )
        transaction.on_commit(partial(tasks.notify_vote_opened.delay, vote.pk))
    return vote


def vote_cast(*, actor: User, vote: Vote, choice: str) -> Ballot:
    """One ballot per member and vote (a database constraint). In a secret vote the ballot
    records only that the member voted; the choice goes to the tally alone."""
    if choice not in Choice.values:
        raise ValidationError({"choice": _("Velg for, mot eller blank.")})
    m = membership_in(actor, vote.group_id)
    with transaction.atomic():
        locked = Vote.objects.select_for_update().get(pk=vote.pk)
        if locked.status != VoteStatus.OPEN or locked.deadline <= timezone.now():
            raise ValidationError(_("Avstemningen er avsluttet."))
        if not may_vote(locked, m):
            raise ValidationError(_("Du har ikke stemmerett i denne avstemningen."))
        assert m is not None  # noqa: S101 (may_vote checked it)
        try:
            with transaction.atomic():
                ballot = Ballot.objects.create(
                    vote=locked, membership=m, choice="" if locked.secret else choice
                )
        except IntegrityError:
            raise ValidationError(_("Du har allerede stemt.")) from None
        counter = {
            Choice.FOR: "votes_for",
            Choice.AGAINST: "votes_against",
            Choice.BLANK: "votes_blank",
        }[Choice(choice)]
        Vote.objects.filter(pk=locked.pk).update(**{counter: F(counter) + 1})
        audit(actor=actor, action="meeting.vote_cast", target=locked, group=locked.group)
    return ballot


def _leader_user(group_id: int) -> User | None:
    m = (
        Membership.objects.filter(
            group_id=group_id, board_role=BoardRole.LEADER, status=MembershipStatus.ACTIVE
        )
        .select_related("user")
        .first()
    )
    return m.user if m else None


def outcome_note(vote: Vote) -> str:
    how = (
        _("Avstemning i portalen")
        if vote.method == VoteMethod.PORTAL
        else _("Håndsopprekning i møtet")
    )
    secret = _(", hemmelig") if vote.secret else ""
    return _(
        "%(how)s%(secret)s: %(f)s for, %(a)s mot, %(b)s blanke av %(n)s stemmeberettigede."
    ) % {
        "how": how,
        "secret": secret,
        "f": vote.votes_for,
        "a": vote.votes_against,
        "b": vote.votes_blank,
        "n": vote.eligible,
    }


def _record_outcome(actor: User | None, vote: Vote) -> None:
    """Record the decision where it belongs, through the service that owns that record."""
    if vote.subject == VoteSubject.RULES and vote.ruleset is not None:
        # G22: the rules history; the leader enters the decision (ruleset_decide's rule)
        leader = actor if actor is not None and _is_leader(actor, vote.group_id) else None
        leader = leader or _leader_user(vote.group_id)
        if leader is None:
            raise ValidationError(_("Gruppa har ingen gruppeleder som kan føre vedtaket inn."))
        ruleset_decide(
            actor=leader,
            ruleset=vote.ruleset,
            votes_for=vote.votes_for,
            votes_against=vote.votes_against,
            note=outcome_note(vote),
        )
    elif vote.subject == VoteSubject.CONFLICT and vote.conflict is not None:
        from meetings.services.minutes import conflict_vote

        if vote.votes_for + vote.votes_against == 0:
            return  # nobody took a side: the question stays open for the meeting
        runner = actor or _leader_user(vote.group_id)
        if runner is None:
            raise ValidationError(_("Gruppa har ingen gruppeleder som kan føre vedtaket inn."))
        conflict_vote(
            actor=runner,
            conflict=vote.conflict,
            votes_for=vote.votes_for,
            votes_against=vote.votes_against,
        )


def _is_leader(user: User, group_id: int) -> bool:
    m = membership_in(user, group_id)
    return bool(m and m.is_leader)


def vote_close(*, actor: User | None, vote: Vote) -> Vote:
    """Close a vote (the leader, or the sweep with ``actor=None`` at the deadline): the
    result is fixed, recorded, and everyone is told once. A vote closes exactly once."""
    if actor is not None:
        require_group_manager(actor, vote.group_id)
    with transaction.atomic():
        locked = Vote.objects.select_for_update().select_related("group").get(pk=vote.pk)
        if locked.status != VoteStatus.OPEN:
            raise ValidationError(_("Avstemningen er allerede avsluttet."))
        locked.status = VoteStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.adopted = locked.votes_for > locked.votes_against
        locked.save(update_fields=["status", "closed_at", "adopted"])
        _record_outcome(actor, locked)
        audit(
            actor=actor,
            action="meeting.vote_close",
            target=locked,
            group=locked.group,
            votes_for=locked.votes_for,
            votes_against=locked.votes_against,
            votes_blank=locked.votes_blank,
        )
        transaction.on_commit(partial(tasks.notify_vote_outcome.delay, locked.pk))
    return locked


def vote_record_hands(
    *,
    actor: User,
    group: CouncilGroup,
    subject: str,
    title: str,
    votes_for: int,
    votes_against: int,
    votes_blank: int = 0,
    ruleset: RuleSet | None = None,
    conflict: ConflictOfInterest | None = None,
    meeting: Meeting | None = None,
) -> Vote:
    """A vote by show of hands in the room: the leader types the counts; recorded like a
    portal vote and marked as a show of hands."""
    require_group_manager(actor, group.pk)
    title = _clean_title(title)
    if min(votes_for, votes_against, votes_blank) < 0:
        raise ValidationError({"votes_for": _("Antall stemmer kan ikke være negativt.")})
    refuse_binding(meeting or (conflict.agenda_item.meeting if conflict else None))  # G26
    now = timezone.now()
    with transaction.atomic():
        _check_subject(group, subject, ruleset, conflict)
        vote = Vote(
            group=group,
            subject=subject,
            method=VoteMethod.HANDS,
            title=title,
            ruleset=ruleset if subject == VoteSubject.RULES else None,
            conflict=conflict if subject == VoteSubject.CONFLICT else None,
            meeting=meeting or (conflict.agenda_item.meeting if conflict else None),
            opened_at=now,
            deadline=now + dt.timedelta(seconds=1),
            opened_by=actor,
            status=VoteStatus.CLOSED,
            closed_at=now,
            votes_for=votes_for,
            votes_against=votes_against,
            votes_blank=votes_blank,
            adopted=votes_for > votes_against,
        )
        vote.eligible = len(eligible_voters(vote))
        if votes_for + votes_against + votes_blank > vote.eligible:
            raise ValidationError(
                {"votes_for": _("Flere stemmer enn gruppa har stemmeberettigede medlemmer.")}
            )
        vote.save()
        _record_outcome(actor, vote)
        audit(actor=actor, action="meeting.vote_hands", target=vote, group=group)
        transaction.on_commit(partial(tasks.notify_vote_outcome.delay, vote.pk))
    return vote


def votes_close_due(now: dt.datetime | None = None) -> int:
    """The sweep: every open vote past its deadline is closed, once. A vote whose outcome
    cannot be recorded is left for the leader and logged."""
    now = now or timezone.now()
    closed = 0
    for pk in Vote.objects.filter(status=VoteStatus.OPEN, deadline__lte=now).values_list(
        "pk", flat=True
    ):
        try:
            vote_close(actor=None, vote=Vote(pk=pk))
        except ValidationError as error:
            log.warning("vote %s not closed by the sweep: %s", pk, error.messages)
            continue
        closed += 1
    return closed


def _deliver(vote_id: int, *, outcome: bool) -> int:
    """Send a vote's notice once: the opening to those with the vote, the outcome to every
    member with member rights."""
    from meetings import notify

    with transaction.atomic():
        vote = Vote.objects.select_for_update().select_related("group").get(pk=vote_id)
        if outcome:
            if vote.outcome_sent_at is not None or vote.status != VoteStatus.CLOSED:
                return 0
            today = timezone.localdate()
            to = [
                m
                for m in Membership.objects.filter(
                    group_id=vote.group_id, status=MembershipStatus.ACTIVE
                ).select_related("user")
                if m.has_member_rights(today)
            ]
        else:
            if vote.opened_sent_at is not None:
                return 0
            to = eligible_voters(vote)
        sent = sum(notify.vote_message(vote, m, outcome=outcome) for m in to)
        if outcome:
            vote.outcome_sent_at = timezone.now()
            vote.save(update_fields=["outcome_sent_at"])
        else:
            vote.opened_sent_at = timezone.now()
            vote.save(update_fields=["opened_sent_at"])
    return sent


def vote_opened_deliver(vote_id: int) -> int:
    return _deliver(vote_id, outcome=False)


def vote_outcome_deliver(vote_id: int) -> int:
    return _deliver(vote_id, outcome=True)

"""The group's rules (G22, G23)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from groups.audit import audit
from groups.models import (
    MAX_QUARANTINE_MONTHS,
    CouncilGroup,
    RuleAcknowledgement,
    RuleSet,
    RuleSetStatus,
    User,
)
from groups.permissions import membership_for, require_open_period
from groups.selectors import group_overview


# --- the group's rules (G22, G23) and the ethical guidelines (E1) -------------------------
@dataclass(frozen=True)
class RuleFields:
    meeting_place: str
    meeting_weekdays: list[int]
    meeting_start: dt.time
    meeting_end: dt.time
    quarantine_months: int
    cooperation: str


def _validate_rule_fields(fields: RuleFields) -> None:
    errors: dict[str, str] = {}
    if not fields.meeting_place.strip():
        errors["meeting_place"] = _("Oppgi fast møtested.")
    if not fields.meeting_weekdays or any(d not in range(7) for d in fields.meeting_weekdays):
        errors["meeting_weekdays"] = _("Velg minst én møtedag.")
    if fields.meeting_end <= fields.meeting_start:
        errors["meeting_end"] = _("Møtet må slutte etter at det begynner.")
    if not 0 <= fields.quarantine_months <= MAX_QUARANTINE_MONTHS:
        errors["quarantine_months"] = _("Karantenetiden må være mellom 0 og %(max)d måneder.") % {
            "max": MAX_QUARANTINE_MONTHS
        }
    if errors:
        raise ValidationError(errors)


def _ruleset_values(fields: RuleFields) -> dict[str, object]:
    return {
        "meeting_place": fields.meeting_place.strip(),
        "meeting_weekdays": ",".join(str(d) for d in sorted(set(fields.meeting_weekdays))),
        "meeting_start": fields.meeting_start,
        "meeting_end": fields.meeting_end,
        "quarantine_months": fields.quarantine_months,
        "cooperation": fields.cooperation.strip(),
    }


@transaction.atomic
def ruleset_propose(
    *, actor: User, group: CouncilGroup, fields: RuleFields, change_summary: str
) -> RuleSet:
    """G22: changes are proposed through the group leader; the group then decides."""
    require_open_period(group)
    membership = membership_for(actor, group)
    if not (membership and membership.is_leader) and not actor.is_superuser:
        raise PermissionDenied(_("Endringer i reglementet fremmes gjennom gruppeleder."))
    _validate_rule_fields(fields)
    if group.rulesets.filter(status=RuleSetStatus.PROPOSED).exists():
        raise ValidationError(
            _("Det ligger allerede et forslag til behandling. Vedta eller forkast det først.")
        )
    last = group.rulesets.order_by("-version").first()
    ruleset = RuleSet.objects.create(
        group=group,
        version=(last.version + 1) if last else 1,
        status=RuleSetStatus.PROPOSED,
        change_summary=change_summary.strip(),
        proposed_by=actor,
        proposed_at=timezone.now(),
        **_ruleset_values(fields),
    )
    audit(
        actor=actor, action="ruleset.propose", target=ruleset, group=group, version=ruleset.version
    )
    return ruleset


def ruleset_document(ruleset: RuleSet) -> str:
    """The rules as the group adopts them: sections 1.0-14.0 with today's members, board and
    factions, in Norwegian (the official text), as the fixed record of the adoption."""
    with translation.override("nb"):
        return render_to_string(
            "groups/_rules_document.html",
            {
                "group": ruleset.group,
                "ruleset": ruleset,
                "overview": group_overview(ruleset.group, timezone.localdate()),
            },
        )


@transaction.atomic
def ruleset_decide(
    *, actor: User, ruleset: RuleSet, votes_for: int, votes_against: int, note: str = ""
) -> RuleSet:
    """G22: adopted by simple majority of the group (more for than against)."""
    group = ruleset.group
    require_open_period(group)
    membership = membership_for(actor, group)
    if not (membership and membership.is_leader) and not actor.is_superuser:
        raise PermissionDenied(_("Bare gruppeleder kan føre vedtaket inn."))
    if ruleset.status != RuleSetStatus.PROPOSED:
        raise ValidationError(_("Dette forslaget er allerede behandlet."))
    if votes_for < 0 or votes_against < 0:
        raise ValidationError(
            {
                "votes_for" if votes_for < 0 else "votes_against": _(
                    "Antall stemmer kan ikke være negativt."
                )
            }
        )
    voters = sum(
        1 for m in group.memberships.select_related("user") if m.can_vote(timezone.localdate())
    )
    if votes_for + votes_against > voters:
        raise ValidationError(
            {
                "votes_for": _(
                    "Det er avgitt flere stemmer (%(given)s) enn gruppa har stemmeberettigede (%(voters)s)."
                )
                % {"given": votes_for + votes_against, "voters": voters}
            }
        )
    now = timezone.now()
    adopted = votes_for > votes_against
    if adopted:
        group.rulesets.filter(status=RuleSetStatus.ADOPTED).update(status=RuleSetStatus.SUPERSEDED)
    ruleset.status = RuleSetStatus.ADOPTED if adopted else RuleSetStatus.REJECTED
    ruleset.decided_at, ruleset.votes_for, ruleset.votes_against = now, votes_for, votes_against
    ruleset.decision_note = note.strip()
    if adopted:
        ruleset.adopted_document = ruleset_document(ruleset)
    first_of_new_period = (
        adopted
        and group.previous_period_id is not None
        and not group.rulesets.filter(status=RuleSetStatus.SUPERSEDED).exists()
    )
    ruleset.save()
    audit(
        actor=actor,
        action="ruleset.adopt" if adopted else "ruleset.reject",
        target=ruleset,
        group=group,
        votes_for=votes_for,
        votes_against=votes_against,
    )
    if first_of_new_period:
        # G23, G24: the new period's first rules go to everyone newly elected.
        from groups.services.dispatch import rules_dispatch_to_all

        rules_dispatch_to_all(actor=actor, group=group)
    return ruleset


@transaction.atomic
def rules_acknowledge(*, actor: User, ruleset: RuleSet) -> RuleAcknowledgement:
    """G23: members and observers confirm they have read the rules in force."""
    if ruleset.status != RuleSetStatus.ADOPTED:
        raise ValidationError(_("Du kan bare bekrefte reglementet som gjelder."))
    if not membership_for(actor, ruleset.group):
        raise PermissionDenied(_("Du er ikke med i denne gruppa."))
    ack, created = RuleAcknowledgement.objects.get_or_create(
        ruleset=ruleset, user=actor, defaults={"acknowledged_at": timezone.now()}
    )
    if created:
        audit(
            actor=actor,
            action="ruleset.acknowledge",
            target=ruleset,
            group=ruleset.group,
            subject_user=actor,
        )
    return ack

"""G23: the leader sends the rules in force to every member and observer in one step, and
reminds those who have not acknowledged. One e-mail each, queued on commit, with a record
per recipient (who got which version, and when). A double click is one send: the form's
token names the dispatch, and a version is sent to a person once.

Also the hook that asks for the ethical guidelines' acknowledgement (E1)."""

from __future__ import annotations

import functools
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config import mail
from groups.audit import audit
from groups.models import (
    CouncilGroup,
    EthicsAcknowledgement,
    EthicsRequest,
    Membership,
    RulesDelivery,
    RulesDispatch,
    RulesDispatchKind,
    RuleSet,
    User,
)
from groups.permissions import can_manage, require_open_period
from groups.selectors import current_ethics
from groups.services.members import rules_in_force


def rules_recipients(group: CouncilGroup) -> list[Membership]:
    """Members and observers: everyone summoned to the group's meetings today (G1, G2)."""
    today = timezone.localdate()
    return [
        m
        for m in group.memberships.select_related("user").order_by("user__full_name")
        if m.is_summoned(today) and m.user.is_active
    ]


def _targets(group: CouncilGroup, ruleset: RuleSet, kind: str) -> list[Membership]:
    members = rules_recipients(group)
    if kind == RulesDispatchKind.SEND:
        done = set(
            RulesDelivery.objects.filter(ruleset=ruleset, kind=RulesDispatchKind.SEND).values_list(
                "user_id", flat=True
            )
        )
    else:
        done = set(ruleset.acknowledgements.values_list("user_id", flat=True))
    return [m for m in members if m.user_id not in done]


def _dispatch(*, actor: User, group: CouncilGroup, kind: str, token: uuid.UUID) -> RulesDispatch:
    earlier = RulesDispatch.objects.filter(token=token).first()
    if earlier is not None:
        if earlier.group_id != group.pk:
            raise ValidationError(_("Skjemaet er utløpt. Last siden på nytt."))
        return earlier
    if kind not in RulesDispatchKind.values:
        raise ValidationError(_("Ukjent utsending."))
    ruleset = rules_in_force(group)
    if ruleset is None:
        raise ValidationError(_("Gruppa har ikke noe vedtatt reglement å sende ut."))
    targets = _targets(group, ruleset, kind)
    if not targets:
        if kind == RulesDispatchKind.SEND:
            raise ValidationError(
                _("Alle medlemmer og observatører har allerede fått versjon %(version)s.")
                % {"version": ruleset.version}
            )
        raise ValidationError(_("Alle har bekreftet reglementet. Ingen trenger påminnelse."))
    now = timezone.now()
    try:
        with transaction.atomic():
            dispatch = RulesDispatch.objects.create(
                group=group,
                ruleset=ruleset,
                kind=kind,
                token=token,
                created_by=actor if actor.is_authenticated else None,
                created_at=now,
            )
            deliveries = [
                RulesDelivery.objects.create(
                    dispatch=dispatch, ruleset=ruleset, user=m.user, kind=kind, queued_at=now
                )
                for m in targets
            ]
    except IntegrityError:
        # The same click, sent twice at the same moment: the first one is the send.
        earlier = RulesDispatch.objects.filter(token=token).first()
        if earlier is None:
            raise
        return earlier
    audit(
        actor=actor,
        action=f"ruleset.{kind}",
        target=ruleset,
        group=group,
        dispatch_id=dispatch.pk,
        recipients=len(deliveries),
    )
    from groups.tasks import send_rules_delivery

    for delivery in deliveries:
        transaction.on_commit(functools.partial(send_rules_delivery.delay, delivery.pk))
    return dispatch


@transaction.atomic
def rules_send(*, actor: User, group: CouncilGroup, kind: str, token: uuid.UUID) -> RulesDispatch:
    """G23: the leader sends the rules in force (``send``: to everyone who has not had this
    version) or a reminder (``remind``: to everyone who has not acknowledged it)."""
    require_open_period(group)
    if not can_manage(actor, group):
        raise PermissionDenied(_("Bare gruppeleder og nestleder kan sende ut reglementet."))
    return _dispatch(actor=actor, group=group, kind=kind, token=token)


def rules_dispatch_to_all(*, actor: User, group: CouncilGroup) -> RulesDispatch | None:
    """Send the rules in force to everyone who has not had them (the new period's members
    are asked to acknowledge them); nothing when everyone has."""
    ruleset = rules_in_force(group)
    if ruleset is None or not _targets(group, ruleset, RulesDispatchKind.SEND):
        return None
    return _dispatch(actor=actor, group=group, kind=RulesDispatchKind.SEND, token=uuid.uuid4())


def rules_delivery_send(*, delivery_id: int) -> bool:
    """Send one delivery's e-mail, once: a delivery already sent is left alone (a task run
    twice sends one e-mail). In the member's language; no personal data in the subject."""
    with transaction.atomic():
        delivery = (
            RulesDelivery.objects.select_for_update()
            .select_related("ruleset__group", "user")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.sent_at is not None or not delivery.user.is_active:
            return False
        ruleset = delivery.ruleset
        context = {
            "group": ruleset.group,
            "ruleset": ruleset,
            "reminder": delivery.kind == RulesDispatchKind.REMIND,
            "url": settings.SITE_URL
            + reverse(
                "groups:rules_version",
                kwargs={"pk": ruleset.group_id, "version": ruleset.version},
            ),
        }
        mail.send(
            delivery.user,
            subject_template="groups/email/rules_subject.txt",
            template="groups/email/rules_body.txt",
            context=context,
        )
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["sent_at"])
    return True


# --- the ethical guidelines (E1) --------------------------------------------------------------
def ethics_ask_acknowledgement(*, user_ids: list[int]) -> int:
    """E1, G24: ask these people (newly elected) to acknowledge the ethical guidelines in
    force: one ``EthicsRequest`` each, mailed after commit by the same idempotent task that
    publishing uses. Those who have acknowledged, or were asked already, are left out.
    Returns how many were asked now."""
    guidelines = current_ethics()
    if guidelines is None or not user_ids:
        return 0
    done = set(
        EthicsAcknowledgement.objects.filter(
            guidelines=guidelines, user_id__in=user_ids
        ).values_list("user_id", flat=True)
    ) | set(
        EthicsRequest.objects.filter(guidelines=guidelines, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )
    asked = sorted(set(user_ids) - done)
    now = timezone.now()
    EthicsRequest.objects.bulk_create(
        [EthicsRequest(guidelines=guidelines, user_id=uid, requested_at=now) for uid in asked],
        ignore_conflicts=True,
    )
    from groups.tasks import send_ethics_requests

    transaction.on_commit(functools.partial(send_ethics_requests.delay, guidelines.pk))
    return len(asked)

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from celery.signals import before_task_publish
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from config import mail
from config.celery import MAIL_RETRY
from groups import outbox, privacy
from groups.models import CouncilGroup, Heartbeat, User
from groups.outbox import OutboxTask

PRIVACY_SWEEP = "groups.privacy_sweep"

HEARTBEAT = "groups.tasks.heartbeat"


@before_task_publish.connect
def _stamp_heartbeat(
    sender: str | None = None, headers: dict[str, Any] | None = None, **_: Any
) -> None:
    # The publisher (beat) stamps the time it sent the heartbeat, so the health page can
    # tell a stopped beat from a stopped worker.
    if sender == HEARTBEAT and headers is not None:
        headers["portal_sent_at"] = timezone.now().isoformat()


@shared_task(bind=True, ignore_result=True, name=HEARTBEAT)
def heartbeat(self: Task) -> None:
    """Record when beat sent this and when the worker ran it. Idempotent."""
    now = timezone.now()
    stamp = getattr(self.request, "portal_sent_at", None)
    sent = parse_datetime(stamp) if isinstance(stamp, str) else None
    Heartbeat.objects.update_or_create(
        name="celery", defaults={"sent_at": sent or now, "ran_at": now}
    )


@shared_task(base=OutboxTask, ignore_result=True, **MAIL_RETRY)
def send_invitation(user_id: int, group_id: int) -> None:
    """E-mail a person who was added to a group without an account a link to choose a
    password. Takes ids only; the subject names nobody. Does nothing once the person has a
    password (so running it twice sends at most one usable invitation). Queued through
    the outbox: at least once, a resend under the same Message-ID."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.conf import settings
    from django.urls import reverse

    user = User.objects.filter(pk=user_id, is_active=True).first()
    group = CouncilGroup.objects.filter(pk=group_id).first()
    if user is None or group is None or user.has_usable_password():
        return
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    context = {
        "group": group,
        "url": settings.SITE_URL + path,
        "reset_url": settings.SITE_URL + reverse("account_reset_password"),
    }
    mail.send(
        user,
        subject_template="groups/email/invitation_subject.txt",
        template="groups/email/invitation_body.txt",
        context=context,
        # before the first sign-in nobody has chosen a language: the portal's own
        language=settings.LANGUAGE_CODE,
        headers=outbox.message_headers(),
    )


@shared_task(ignore_result=True, **MAIL_RETRY)
def send_ethics_requests(guidelines_id: int) -> int:
    """E1: one e-mail to each elected representative asked to acknowledge a version of the
    ethical guidelines, with a link to it. Idempotent: a request is claimed (``emailed_at``
    set) before its mail goes, so a rerun or a retry sends nobody a second mail; a failed
    send releases the claim for the retry. Returns the number of mails sent."""
    from django.conf import settings
    from django.urls import reverse

    from groups.models import EthicsRequest

    url = settings.SITE_URL + reverse("groups:ethics")
    sent = 0
    pending = EthicsRequest.objects.filter(
        guidelines_id=guidelines_id,
        emailed_at__isnull=True,
        user__is_active=True,
    ).select_related("user", "guidelines")
    for request in pending.exclude(user__ethics_acknowledgements__guidelines_id=guidelines_id):
        claimed = EthicsRequest.objects.filter(pk=request.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            continue
        try:
            mail.send(
                request.user,
                subject_template="groups/email/ethics_subject.txt",
                template="groups/email/ethics_body.txt",
                context={"guidelines": request.guidelines, "url": url},
            )
        except Exception:
            EthicsRequest.objects.filter(pk=request.pk).update(emailed_at=None)
            raise
        sent += 1
    return sent


@shared_task(ignore_result=True, name=PRIVACY_SWEEP)
def privacy_sweep() -> int:
    """Delete or anonymise what the inventory says is due. Idempotent; returns runs made."""
    return len(privacy.sweep_all())


@shared_task(ignore_result=True, **MAIL_RETRY)
def send_rules_delivery(delivery_id: int) -> None:
    """G23: one member's copy of the rules (or a reminder). Idempotent: see
    ``groups.services.rules_delivery_send``."""
    from groups.services import rules_delivery_send

    rules_delivery_send(delivery_id=delivery_id)


@shared_task(ignore_result=True, **MAIL_RETRY)
def send_constitution_summons(group_id: int, user_id: int, stamp: str) -> None:
    """G24: the summons to the constituting meeting. Sends nothing when the meeting has been
    moved since (a newer summons is on its way) or the group is constituted."""
    from django.conf import settings
    from django.urls import reverse

    from groups.models import PeriodConstitution

    constitution = (
        PeriodConstitution.objects.select_related("group", "convener")
        .filter(group_id=group_id)
        .first()
    )
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if (
        constitution is None
        or user is None
        or constitution.summoned_at is None
        or constitution.summoned_at.isoformat() != stamp
        or constitution.completed_at is not None
    ):
        return
    context = {
        "constitution": constitution,
        "group": constitution.group,
        "url": settings.SITE_URL + reverse("groups:detail", kwargs={"pk": group_id}),
    }
    mail.send(
        user,
        subject_template="groups/email/summons_subject.txt",
        template="groups/email/summons_body.txt",
        context=context,
    )


@shared_task(ignore_result=True, name="groups.outbox_sweep")
def outbox_sweep() -> int:
    """Queue again the outbox's tasks a broker restart lost (issue 20). Idempotent."""
    return outbox.sweep()

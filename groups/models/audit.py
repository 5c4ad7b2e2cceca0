from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who did what, when. Holds ids and codes only, never personal data in ``data``."""

    at = models.DateTimeField(_("tidspunkt"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utført av"),
    )
    action = models.CharField(_("handling"), max_length=80)
    group = models.ForeignKey(
        "groups.CouncilGroup", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Personen handlingen gjelder, om noen."),
    )
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("logginnslag")
        verbose_name_plural = _("revisjonslogg")
        ordering = ("-at",)
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class Heartbeat(models.Model):
    """Beat sends the heartbeat task every minute; the worker records when it ran."""

    name = models.CharField(max_length=40, unique=True)
    sent_at = models.DateTimeField(null=True)
    ran_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.name


class TaskFailure(models.Model):
    """A Celery task that failed for good (its retries spent), for the health page.

    Holds no personal data on purpose: the task's dotted name, Celery's own task id (to find
    the worker's log line), the exception's class and how many retries were spent; never the
    task's arguments (user ids, whistleblowing case ids) nor the error text (an SMTP refusal
    quotes the address)."""

    task = models.CharField(max_length=200)
    task_id = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=200)
    retries = models.PositiveSmallIntegerField(default=0)
    failed_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ("-failed_at",)

    def __str__(self) -> str:
        return f"{self.failed_at:%Y-%m-%d %H:%M} {self.task}"


class QueuedTask(models.Model):
    """The task outbox of groups, meetings and attendance (issue 20; ``groups.outbox``).

    A one-off task (an invitation, a notice to the leader) is a row written in the same
    transaction as the change that asks for it; after commit the task is queued with the
    row's id, and the row is marked done when the task has run (or failed for good, which
    ``TaskFailure`` records). Beat's sweep queues again what a broker restart lost. Holds
    the task's name and its ids, nothing else; done rows are deleted after a week."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField()
    queued_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["queued_at"],
                condition=models.Q(done_at__isnull=True),
                name="groups_queuedtask_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.pk}"

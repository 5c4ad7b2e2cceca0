"""G28: questions ("spørsmål") and interpellations ("interpellasjoner") to the council.

A member drafts one for a council meeting; the leader approves it (on their own, or as the
group decided on a group meeting's agenda item). The approved text is an official record:
each approval is a numbered ``QuestionVersion`` that is never changed; a correction is a
new version. The portal tracks the council's submission deadline (``QuestionDeadline`` per
council meeting, or the default) and then the answer.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meetings.models.agenda import AgendaItem
from meetings.models.followup import ProgrammeIssue
from meetings.models.meetings import CouncilMeeting


class QuestionKind(models.TextChoices):
    QUESTION = "question", _("Spørsmål")
    INTERPELLATION = "interpellation", _("Interpellasjon")


class QuestionStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    AWAITING = "awaiting_approval", _("Til godkjenning")
    APPROVED = "approved", _("Godkjent")
    SUBMITTED = "submitted", _("Sendt inn")
    ANSWERED = "answered", _("Besvart")
    WITHDRAWN = "withdrawn", _("Trukket")


# Not yet sent to the council: the deadline still matters, reminders go out.
OPEN_STATUSES = (QuestionStatus.DRAFT, QuestionStatus.AWAITING, QuestionStatus.APPROVED)
FINAL_STATUSES = (QuestionStatus.ANSWERED, QuestionStatus.WITHDRAWN)


class ApprovalWay(models.TextChoices):
    LEADER = "leader", _("Godkjent av gruppeleder")
    GROUP_MEETING = "group_meeting", _("Vedtatt i gruppemøte")


class CouncilQuestion(models.Model):
    """A question or interpellation to the council, from its draft to the answer."""

    group = models.ForeignKey(
        "groups.CouncilGroup", on_delete=models.CASCADE, related_name="council_questions"
    )
    council_meeting = models.ForeignKey(
        CouncilMeeting,
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("kommunestyremøte"),
    )
    kind = models.CharField(_("type"), max_length=16, choices=QuestionKind.choices)
    author = models.ForeignKey(
        "groups.Membership",
        on_delete=models.PROTECT,
        related_name="council_questions",
        verbose_name=_("forslagsstiller"),
    )
    programme_issue = models.ForeignKey(
        ProgrammeIssue,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="council_questions",
        verbose_name=_("programpunkt"),
    )
    addressee = models.CharField(_("til"), max_length=200)
    title = models.CharField(_("tittel"), max_length=200)
    # The working text: edited while a draft; the approved texts are in the versions.
    text = models.TextField(_("tekst"))
    status = models.CharField(
        _("status"), max_length=20, choices=QuestionStatus.choices, default=QuestionStatus.DRAFT
    )
    created_at = models.DateTimeField(_("opprettet"))
    updated_at = models.DateTimeField(_("sist endret"))
    returned_comment = models.TextField(_("merknad fra gruppeleder"), blank=True)
    submitted_at = models.DateTimeField(_("sendt inn"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_version = models.ForeignKey(
        "QuestionVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The deadline as it stood when the question was sent in, and why it came late.
    deadline_at_submission = models.DateTimeField(null=True, blank=True)
    late_reason = models.TextField(_("grunn til sen innlevering"), blank=True)
    answered_on = models.DateField(_("besvart"), null=True, blank=True)
    answer_text = models.TextField(_("svar"), blank=True)
    answer_reference = models.CharField(_("svar (vedlegg eller lenke)"), max_length=300, blank=True)
    answer_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("trukket"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.TextField(_("grunn"), blank=True)

    class Meta:
        verbose_name = _("spørsmål eller interpellasjon")
        verbose_name_plural = _("spørsmål og interpellasjoner")
        ordering = ("-council_meeting__starts_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["submitted", "answered"]) | Q(submitted_at__isnull=False),
                name="question_submitted_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(answered_on__isnull=False),
                name="question_answered_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def was_late(self) -> bool:
        return bool(self.late_reason)


class QuestionVersion(models.Model):
    """An approved text, numbered; never changed once written (a correction is a new one)."""

    question = models.ForeignKey(CouncilQuestion, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("versjon"))
    kind = models.CharField(_("type"), max_length=16, choices=QuestionKind.choices)
    addressee = models.CharField(_("til"), max_length=200)
    title = models.CharField(_("tittel"), max_length=200)
    text = models.TextField(_("tekst"))
    approved_at = models.DateTimeField(_("godkjent"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    way = models.CharField(_("godkjent ved"), max_length=16, choices=ApprovalWay.choices)
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sak i gruppemøtet"),
    )

    class Meta:
        verbose_name = _("godkjent tekst")
        verbose_name_plural = _("godkjente tekster")
        ordering = ("question", "number")
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="one_question_version_no"),
            models.CheckConstraint(
                condition=~Q(way="group_meeting") | Q(agenda_item__isnull=False),
                name="question_group_decision_has_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An official record: written once. A correction is a new version.
        if not self._state.adding:
            raise ValueError("an approved question text is never changed")
        super().save(*args, **kwargs)


class QuestionDeadline(models.Model):
    """The council's deadlines for one council meeting, entered by the leader. Without a
    row the portal uses its defaults (services.questions.DEFAULT_DAYS_BEFORE)."""

    council_meeting = models.OneToOneField(
        CouncilMeeting, on_delete=models.CASCADE, related_name="question_deadline"
    )
    question_deadline = models.DateTimeField(_("frist for spørsmål"))
    interpellation_deadline = models.DateTimeField(_("frist for interpellasjoner"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField()

    class Meta:
        verbose_name = _("innleveringsfrist")
        verbose_name_plural = _("innleveringsfrister")

    def __str__(self) -> str:
        return f"{self.council_meeting_id}"


class QuestionReminder(models.Model):
    """One row per deadline reminder sent; the unique constraint keeps the sweep to one."""

    question = models.ForeignKey(CouncilQuestion, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="one_question_reminder")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}/{self.user_id}"

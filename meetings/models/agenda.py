"""Agenda items, council cases, minutes, dissent, conflicts of interest, vote deviations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from meetings.models.meetings import CouncilMeeting, Meeting


class CouncilCase(models.Model):
    """G12: a case before the council, given to a member to prepare by a due date."""

    council_meeting = models.ForeignKey(
        CouncilMeeting, on_delete=models.CASCADE, related_name="cases"
    )
    number = models.CharField(_("saksnummer"), max_length=40, blank=True)
    title = models.CharField(_("sak"), max_length=300)
    recommendation = models.TextField(_("innstilling"), blank=True)
    responsible = models.ForeignKey(
        "groups.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_cases",
        verbose_name=_("ansvarlig"),
    )
    due_date = models.DateField(_("frist"), null=True, blank=True)
    # G19: elections of persons where Sp members are candidates bind everyone to the majority
    is_election_with_sp_candidates = models.BooleanField(
        _("personvalg med Sp-kandidater"), default=False
    )
    group_conclusion = models.TextField(_("gruppas konklusjon"), blank=True)

    class Meta:
        verbose_name = _("sak til kommunestyret")
        verbose_name_plural = _("saker til kommunestyret")
        ordering = ("council_meeting__starts_at", "number", "id")

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class AgendaStatus(models.TextChoices):
    PROPOSED = "proposed", _("Meldt inn")
    ACCEPTED = "accepted", _("Satt på saklista")
    DEFERRED = "deferred", _("Utsatt")
    DECLINED = "declined", _("Avvist")


# G20: the standing media item's text, stored in Norwegian as made and translated when shown.
MEDIA_TITLE = gettext_noop("Mediestrategi")
MEDIA_DESCRIPTION = gettext_noop("Hvordan gjør vi gruppas arbeid synlig i media og sosiale medier?")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    title = models.CharField(_("sak"), max_length=300)
    description = models.TextField(_("beskrivelse"), blank=True)
    order = models.PositiveIntegerField(_("rekkefølge"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=AgendaStatus.choices, default=AgendaStatus.PROPOSED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_agenda_items",
        verbose_name=_("meldt inn av"),
    )
    submitted_at = models.DateTimeField(_("meldt inn"))
    decided_at = models.DateTimeField(_("behandlet av leder"), null=True, blank=True)
    decision_reason = models.CharField(_("begrunnelse"), max_length=500, blank=True)
    # G20: the standing media-strategy item
    is_media_strategy = models.BooleanField(_("mediestrategi"), default=False)
    council_case = models.ForeignKey(
        CouncilCase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("sak til kommunestyret"),
    )
    # G13: the minutes of this item
    recommendation = models.TextField(_("innstilling"), blank=True)
    discussion = models.TextField(_("referat"), blank=True)
    disagrees_with_recommendation = models.BooleanField(
        _("gruppa er uenig i innstillingen"), default=False
    )
    conclusion = models.TextField(_("konklusjon"), blank=True)
    closed_at = models.DateTimeField(_("ferdigbehandlet"), null=True, blank=True)
    # G26: the group concludes on a matter only after the leader has briefed the local
    # chapter's board ("orientere styret ved lokallagsleder"). The leader marks the item as
    # needing it, or links the members' meeting item where the matter was discussed.
    needs_chapter_briefing = models.BooleanField(
        _("lokallagsstyret skal orienteres"), default=False
    )
    members_item = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_up_in",
        verbose_name=_("drøftet på medlemsmøte"),
    )
    # G9, G13: the agenda with time: planned length, who presents it, when it was taken up
    duration_minutes = models.PositiveSmallIntegerField(
        _("planlagt varighet (minutter)"), null=True, blank=True
    )
    presenter = models.ForeignKey(
        "groups.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="presented_items",
        verbose_name=_("innleder"),
    )
    started_at = models.DateTimeField(_("tatt opp"), null=True, blank=True)
    # One key per rendering of the submit form: sending the same form twice (a double
    # click, two tabs, a retry) gives one item, never two (issue 15 item 14).
    submit_key = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("sak på saklista")
        verbose_name_plural = _("saksliste")
        ordering = ("meeting", "order", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(disagrees_with_recommendation=False) | ~Q(conclusion=""),
                name="agenda_conclusion_when_disagreeing",
            ),
            models.UniqueConstraint(
                fields=["meeting", "submit_key"],
                condition=~Q(submit_key=""),
                name="agenda_item_submitted_once",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def is_fixed_media_text(self) -> bool:
        return self.is_media_strategy and self.title == MEDIA_TITLE

    @property
    def display_title(self) -> str:
        """G20: the standing media item, as the system made it, reads in the reader's
        language; any other title (or one the leader changed) is shown as written."""
        return gettext(MEDIA_TITLE) if self.is_fixed_media_text else self.title

    @property
    def display_description(self) -> str:
        if self.is_media_strategy and self.description == MEDIA_DESCRIPTION:
            return gettext(MEDIA_DESCRIPTION)
        return self.description

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def in_progress(self) -> bool:
        return self.started_at is not None and self.closed_at is None


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    APPROVED = "approved", _("Godkjent")


class Minutes(models.Model):
    """G13, G17: the minutes of a meeting. Approval locks them and stores a version."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    status = models.CharField(
        _("status"), max_length=10, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    notes = models.TextField(_("merknader"), blank=True)
    # Who was there: the group's members (pre-filled from check-in, see meetings.presence),
    # the one who led the meeting, and a free line for guests.
    present = models.ManyToManyField(
        "groups.Membership", blank=True, related_name="minutes_present", verbose_name=_("til stede")
    )
    leader = models.ForeignKey(
        "groups.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("møteleder"),
    )
    present_text = models.TextField(_("andre til stede"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("godkjent"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Why approved minutes were opened again; goes with the next approved version.
    reopen_reason = models.CharField(_("grunn til ny versjon"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("referat")
        verbose_name_plural = _("referater")

    def __str__(self) -> str:
        return f"{self.meeting} ({self.get_status_display()})"

    @property
    def is_approved(self) -> bool:
        return self.status == MinutesStatus.APPROVED


class MinutesVersion(models.Model):
    """An approved, frozen copy of the minutes; the PDF is rendered from ``content``."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("versjon"))
    content = models.JSONField()
    approved_at = models.DateTimeField(_("godkjent"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reopen_reason = models.CharField(_("grunn til ny versjon"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("referatversjon")
        verbose_name_plural = _("referatversjoner")
        ordering = ("minutes", "-number")
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="minutes_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.minutes.meeting} v{self.number}"


class Dissent(models.Model):
    """G25: a protokolltilførsel on an agenda item, added before the minutes are approved."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="dissents")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dissents"
    )
    text = models.TextField(_("protokolltilførsel"))
    created_at = models.DateTimeField(_("skrevet"))

    class Meta:
        verbose_name = _("protokolltilførsel")
        verbose_name_plural = _("protokolltilførsler")
        ordering = ("created_at",)

    def __str__(self) -> str:
        return f"{self.agenda_item} – {self.author}"


class ConflictDecision(models.TextChoices):
    PENDING = "pending", _("Til avgjørelse")
    DISQUALIFIED = "disqualified", _("Inhabil")
    NOT_DISQUALIFIED = "not_disqualified", _("Habil")


class ConflictOfInterest(models.Model):
    """G18: a member raises their own possible disqualification on an item.

    ``left_at``/``returned_at`` (S16) is the interval the disqualified member was out of the
    room; attendance subtracts it from their presence.
    """

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="conflicts")
    membership = models.ForeignKey(
        "groups.Membership", on_delete=models.CASCADE, related_name="conflicts"
    )
    reason = models.TextField(_("grunn"))
    declared_at = models.DateTimeField(_("meldt"))
    decision = models.CharField(
        _("avgjørelse"),
        max_length=20,
        choices=ConflictDecision.choices,
        default=ConflictDecision.PENDING,
    )
    votes_for = models.PositiveSmallIntegerField(
        _("stemmer for inhabilitet"), null=True, blank=True
    )
    votes_against = models.PositiveSmallIntegerField(
        _("stemmer mot inhabilitet"), null=True, blank=True
    )
    decided_at = models.DateTimeField(_("avgjort"), null=True, blank=True)
    left_at = models.DateTimeField(_("fratrådte"), null=True, blank=True)
    returned_at = models.DateTimeField(_("tiltrådte igjen"), null=True, blank=True)

    class Meta:
        verbose_name = _("habilitetsspørsmål")
        verbose_name_plural = _("habilitetsspørsmål")
        ordering = ("declared_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["agenda_item", "membership"], name="one_conflict_per_item_member"
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True)
                | Q(left_at__isnull=False, returned_at__gt=F("left_at")),
                name="conflict_returned_after_left",
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(decision="disqualified"),
                name="conflict_only_disqualified_leave",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agenda_item} – {self.membership.user}"


class DeviationChannel(models.TextChoices):
    MEETING = "meeting", _("Sagt fra på gruppemøtet")
    PORTAL = "portal", _("Meldt i portalen før kommunestyremøtet")


class VoteDeviationNotice(models.Model):
    """G19: a member will vote against the group's conclusion on a council case."""

    case = models.ForeignKey(CouncilCase, on_delete=models.CASCADE, related_name="deviations")
    membership = models.ForeignKey(
        "groups.Membership", on_delete=models.CASCADE, related_name="vote_deviations"
    )
    channel = models.CharField(_("meldt"), max_length=10, choices=DeviationChannel.choices)
    reason = models.TextField(_("begrunnelse"), blank=True)
    wants_vote_explanation = models.BooleanField(_("ønsker å gi stemmeforklaring"), default=False)
    explanation_agreed = models.BooleanField(_("stemmeforklaring avtalt med leder"), default=False)
    created_at = models.DateTimeField(_("meldt"))

    class Meta:
        verbose_name = _("melding om avvikende stemme")
        verbose_name_plural = _("meldinger om avvikende stemme")
        ordering = ("created_at",)
        constraints = [
            models.UniqueConstraint(fields=["case", "membership"], name="one_deviation_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.case} – {self.membership.user}"

"""Meetings, the council's own meetings they prepare for, half-year plans and requests."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from config.dates import day


class MeetingKind(models.TextChoices):
    GROUP = "group", _("Gruppemøte")
    BOARD = "board", _("Styremøte")
    FACTION = "faction", _("Fraksjonsmøte")
    MEMBERS = "members", _("Medlemsmøte")
    SOCIAL = "social", _("Sosial samling")


class CouncilSlot(models.TextChoices):
    """G11: a short group meeting right before or after a council meeting."""

    NONE = "", _("Ordinært møte")
    BEFORE = "before", _("Kort møte før kommunestyret")
    AFTER = "after", _("Kort møte etter kommunestyret")


class MeetingMode(models.TextChoices):
    """S9: physical, digital (everyone at the same time) or both."""

    PHYSICAL = "physical", _("Fysisk")
    DIGITAL = "digital", _("Digitalt")
    HYBRID = "hybrid", _("Fysisk og digitalt")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    HELD = "held", _("Avholdt")
    CANCELLED = "cancelled", _("Avlyst")


class CouncilMeeting(models.Model):
    """A meeting of the council or one of its committees, entered by the leader (G6, G11).

    ``committee`` is empty for the council itself (kommunestyret / fylkestinget).
    """

    group = models.ForeignKey(
        "groups.CouncilGroup", on_delete=models.CASCADE, related_name="council_meetings"
    )
    committee = models.ForeignKey(
        "groups.Committee",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="council_meetings",
        verbose_name=_("utvalg"),
    )
    starts_at = models.DateTimeField(_("starter"))
    ends_at = models.DateTimeField(_("slutter"))
    place = models.CharField(_("sted"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("kommunestyremøte / utvalgsmøte")
        verbose_name_plural = _("kommunestyremøter og utvalgsmøter")
        ordering = ("starts_at",)
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="council_meeting_time_order"
            )
        ]

    def __str__(self) -> str:
        body = self.committee.name if self.committee else str(_("Kommunestyret"))
        return f"{body} {self.starts_at:%d.%m.%Y}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    ADOPTED = "adopted", _("Vedtatt")


class MeetingPlan(models.Model):
    """G7: the half-year meeting plan. ``half`` is 1 (January–June) or 2 (July–December)."""

    group = models.ForeignKey(
        "groups.CouncilGroup", on_delete=models.CASCADE, related_name="meeting_plans"
    )
    year = models.PositiveSmallIntegerField(_("år"))
    half = models.PositiveSmallIntegerField(
        _("halvår"), choices=[(1, _("Vårhalvåret")), (2, _("Høsthalvåret"))]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    ruleset = models.ForeignKey(
        "groups.RuleSet",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reglement brukt"),
    )
    adopted_at = models.DateTimeField(_("vedtatt"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("møteplan")
        verbose_name_plural = _("møteplaner")
        ordering = ("-year", "-half")
        constraints = [
            models.UniqueConstraint(fields=["group", "year", "half"], name="one_plan_per_half"),
            models.CheckConstraint(condition=Q(half__in=[1, 2]), name="plan_half_1_or_2"),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.year}/{self.half}"

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT


# G6, G7, G11: the titles the half-year plan gives its meetings, made when shown (in the
# reader's language) from the meeting's kind, council slot, the council or committee
# meeting it prepares for and the committee. Such a meeting stores no title of its own.
GENERATED_TITLES = {
    ("group", ""): _("Gruppemøte før kommunestyret %(date)s"),
    ("group", "before"): _("Formøte før kommunestyret %(date)s"),
    ("group", "after"): _("Ettermøte etter kommunestyret %(date)s"),
    ("faction", ""): _("Fraksjonsmøte før %(date)s"),
}


def generated_title(
    kind: str, council_slot: str, prepares_for: dt.datetime | None, committee: str | None
) -> str:
    """The title the plan gives a meeting of ``kind`` and ``council_slot`` preparing for
    the council or committee meeting at ``prepares_for`` (a datetime), in the active
    language; a faction meeting's ends with its committee's name."""
    text = GENERATED_TITLES.get((kind, council_slot))
    if text is None or prepares_for is None:
        return str(MeetingKind(kind).label) if kind in MeetingKind.values else ""
    title = str(text) % {"date": day(prepares_for, "document")}
    if kind == MeetingKind.FACTION and committee is not None:
        title = f"{title} ({committee})"
    return title


class Meeting(models.Model):
    group = models.ForeignKey(
        "groups.CouncilGroup", on_delete=models.CASCADE, related_name="meetings"
    )
    kind = models.CharField(_("type møte"), max_length=10, choices=MeetingKind.choices)
    council_slot = models.CharField(
        _("kort møte"), max_length=10, choices=CouncilSlot.choices, blank=True, default=""
    )
    # What the leader wrote; blank for a meeting the plan made (``display_title`` then
    # makes its title from its parts, in the reader's language).
    title = models.CharField(_("tittel"), max_length=200, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    starts_at = models.DateTimeField(_("starter"), db_index=True)
    ends_at = models.DateTimeField(_("slutter"))
    place = models.CharField(_("sted"), max_length=200, blank=True)
    mode = models.CharField(
        _("møteform"), max_length=10, choices=MeetingMode.choices, default=MeetingMode.PHYSICAL
    )
    digital_link = models.URLField(_("lenke til digitalt møte"), blank=True)
    committee = models.ForeignKey(
        "groups.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="faction_meetings",
        verbose_name=_("utvalg (fraksjon)"),
    )
    is_decision_meeting = models.BooleanField(
        _("beslutningsmøte"),
        default=False,
        help_text=_("Årsmøte o.l. Styremøter regnes alltid som beslutningsmøter."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    cancel_reason = models.CharField(_("grunn til avlysning"), max_length=300, blank=True)
    # G10: held while the council is in session, called through the leader
    during_council_session = models.BooleanField(_("under kommunestyremøtet"), default=False)
    plan = models.ForeignKey(
        MeetingPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    council_meeting = models.ForeignKey(
        CouncilMeeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_meetings",
        verbose_name=_("forbereder"),
    )
    # G3, G5: members summoned to a board or faction meeting beyond its own members
    summoned = models.ManyToManyField(
        "groups.Membership", blank=True, related_name="summoned_to", verbose_name=_("innkalt")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)
    # The calendar's SEQUENCE: raised by each change of time, place or title, and by the
    # cancellation, so calendars update the entry with the same UID (G14)
    sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("møte")
        verbose_name_plural = _("møter")
        ordering = ("starts_at",)
        indexes = [models.Index(fields=["group", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(kind="faction", committee__isnull=False)
                | (~Q(kind="faction") & Q(committee__isnull=True)),
                name="meeting_faction_has_committee",
            ),
            models.CheckConstraint(
                condition=Q(council_slot="") | Q(kind="group"),
                name="meeting_council_slot_only_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_title} {self.starts_at:%d.%m.%Y}"

    @property
    def is_generated_title(self) -> bool:
        return not self.title

    @property
    def display_title(self) -> str:
        """The title as shown: the leader's as written, else made from the meeting's parts
        (kind, council slot, the date it prepares for, committee) in the active language;
        a meeting without them is called by its kind and date."""
        if self.title:
            return self.title
        council = self.council_meeting if self.council_meeting_id else None
        if council is not None:
            committee = self.committee.name if self.committee_id and self.committee else None
            title = generated_title(self.kind, self.council_slot, council.starts_at, committee)
            if title:
                return title
        kind = str(MeetingKind(self.kind).label) if self.kind in MeetingKind.values else ""
        return f"{kind} {day(self.starts_at, 'document')}".strip()

    @property
    def counts_as_decision_meeting(self) -> bool:
        """S13: board meetings and annual meetings are decision meetings, not study work."""
        return self.is_decision_meeting or self.kind == MeetingKind.BOARD

    @property
    def is_ordinary_group_meeting(self) -> bool:
        """G20: an ordinary group meeting (not a short before/after-council meeting)."""
        return self.kind == MeetingKind.GROUP and not self.council_slot

    @property
    def is_board_meeting(self) -> bool:
        return self.kind == MeetingKind.BOARD

    @property
    def is_faction_meeting(self) -> bool:
        return self.kind == MeetingKind.FACTION

    @property
    def is_planned(self) -> bool:
        return self.status == MeetingStatus.PLANNED

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED


class RequestKind(models.TextChoices):
    GROUP = "group", _("Gruppemøte (tre faste medlemmer)")
    BOARD = "board", _("Styremøte (de to andre styremedlemmene)")
    SESSION = "session", _("Gruppemøte under kommunestyremøtet (gjennom gruppeleder)")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Samler underskrifter")
    SATISFIED = "satisfied", _("Krav oppfylt, venter på møte")
    SCHEDULED = "scheduled", _("Møte satt opp")


class MeetingRequest(models.Model):
    """G6, G10, G17: members require a meeting; the leader sets one up."""

    group = models.ForeignKey(
        "groups.CouncilGroup", on_delete=models.CASCADE, related_name="meeting_requests"
    )
    kind = models.CharField(_("type krav"), max_length=10, choices=RequestKind.choices)
    reason = models.TextField(_("hva skal møtet handle om"))
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("opprettet"))
    satisfied_at = models.DateTimeField(_("krav oppfylt"), null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )

    class Meta:
        verbose_name = _("krav om møte")
        verbose_name_plural = _("krav om møte")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%d.%m.%Y}"

    @property
    def is_open(self) -> bool:
        """Still gathering signatures."""
        return self.status == RequestStatus.OPEN


class RequestSignature(models.Model):
    request = models.ForeignKey(MeetingRequest, on_delete=models.CASCADE, related_name="signatures")
    membership = models.ForeignKey(
        "groups.Membership", on_delete=models.CASCADE, related_name="request_signatures"
    )
    signed_at = models.DateTimeField(_("signert"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "membership"], name="sign_request_once")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.membership_id}"

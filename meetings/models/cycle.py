"""The year's cycle ("årshjul", G27): the booklet's recurring work, per group and period.

The default is data (``DEFAULTS`` below, in the booklet's words), loaded for each group's
period by ``meetings.services.cycle.cycle_load``: one ``CycleEntry`` per piece of work and
year (or once per period). A group is one four-year period (G24), so the entries are
versioned with the period; a new period starts from the defaults, keeping the dates and
responsible roles the last period's leader adjusted. The leader adjusts the date to the
municipality's own calendar and names who is responsible; a deadline is the leader's date
or, when none is set, the default rule's (``meetings/cycle.py``). Programme deadlines (E2)
are not stored here: they are the programme issues' own dates.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from meetings.cycle import Rule
from meetings.models.followup import ProgrammeIssue
from meetings.models.meetings import Meeting


class CycleKey(models.TextChoices):
    RULES = "rules", _("Reglementet sendes til medlemmene")
    PLAN_HEARING = "plan_hearing", _("Høringsfrist for kommunal planstrategi")
    PLAN_STRATEGY = "plan_strategy", _("Kommunal planstrategi")
    ACTION_PLAN = "action_plan", _("Årlig oppdatering av handlingsdelen")
    BUDGET = "budget", _("Budsjett")
    MEETING_PLAN = "meeting_plan", _("Halvårig møteplan")
    SOCIAL = "social", _("Sosial samling")
    MEMBERS = "members", _("Medlemsmøte")
    TESTAMENT = "testament", _("Politisk testament")


class CycleRole(models.TextChoices):
    """Who is responsible when no member is named."""

    LEADER = "leader", _("Gruppeleder")
    DEPUTY = "deputy", _("Nestleder")
    BOARD = "board", _("Gruppestyremedlem")
    CHAPTER_LEADER = "chapter_leader", _("Lokallagsleder / fylkesleder")


@dataclass(frozen=True)
class CycleDefault:
    """One piece of the booklet's yearly rhythm. ``title`` may use ``%(year)s`` (the year
    the work is for); ``scope`` is ``"year"`` (every year of the period), ``"first"`` or
    ``"last"`` (once, in the period's first or last year)."""

    key: str
    seq: int
    title: Promise
    hint: Promise
    rule: Rule
    role: str
    scope: str = "year"
    for_next_year: bool = False


DEFAULTS: tuple[CycleDefault, ...] = (
    CycleDefault(
        CycleKey.RULES,
        1,
        _("Reglementet sendes til alle medlemmer"),
        _("Medlemmer og observatører forplikter seg til å lese og følge reglementet."),
        Rule("period_start", months=1),
        CycleRole.LEADER,
        scope="first",
    ),
    CycleDefault(
        CycleKey.PLAN_HEARING,
        1,
        _("Høringsfrist for kommunal planstrategi"),
        _(
            "Forslaget offentliggjøres med en høringsfrist på minst en måned før "
            "kommunestyrets behandling."
        ),
        Rule("before", of=CycleKey.PLAN_STRATEGY, days=42),
        CycleRole.LEADER,
        scope="first",
    ),
    CycleDefault(
        CycleKey.PLAN_STRATEGY,
        1,
        _("Kommunal planstrategi behandles i kommunestyret"),
        _("Det nye kommunestyret tar stilling til planstrategi og rullering av kommuneplanen."),
        Rule("period_start", months=11),
        CycleRole.LEADER,
        scope="first",
    ),
    CycleDefault(
        CycleKey.MEMBERS,
        1,
        _("Medlemsmøte med lokallaget (vår)"),
        _("Medlemsmøtene er obligatoriske; vedtakene er rådgivende for gruppa."),
        Rule("month_day", month=4, day=15),
        CycleRole.CHAPTER_LEADER,
    ),
    CycleDefault(
        CycleKey.MEETING_PLAN,
        1,
        _("Møteplan for høsthalvåret %(year)s"),
        _("Det vedtas halvårige møteplaner for gruppa."),
        Rule("month_day", month=6, day=1),
        CycleRole.LEADER,
    ),
    CycleDefault(
        CycleKey.SOCIAL,
        1,
        _("Første sosiale samling i %(year)s"),
        _("Minst to ganger i året skal gruppa ha en sosial samling."),
        Rule("month_day", month=6, day=15),
        CycleRole.LEADER,
    ),
    CycleDefault(
        CycleKey.ACTION_PLAN,
        1,
        _("Oppdatering av handlingsdelen (handlingsplan)"),
        _("Handlingsdelen av kommuneplanen bør oppdateres årlig."),
        Rule("month_day", month=10, day=15),
        CycleRole.LEADER,
    ),
    CycleDefault(
        CycleKey.MEMBERS,
        2,
        _("Medlemsmøte med lokallaget (høst)"),
        _("Medlemsmøtene er obligatoriske; vedtakene er rådgivende for gruppa."),
        Rule("month_day", month=10, day=31),
        CycleRole.CHAPTER_LEADER,
    ),
    CycleDefault(
        CycleKey.BUDGET,
        1,
        _("Budsjett for %(year)s"),
        _("Neste års budsjett legges ferdig på høsten. Behandle det i et gruppemøte i god tid."),
        Rule("council", month=11, day=15, days=7),
        CycleRole.LEADER,
        for_next_year=True,
    ),
    CycleDefault(
        CycleKey.MEETING_PLAN,
        2,
        _("Møteplan for vårhalvåret %(year)s"),
        _("Det vedtas halvårige møteplaner for gruppa."),
        Rule("month_day", month=12, day=1),
        CycleRole.LEADER,
        for_next_year=True,
    ),
    CycleDefault(
        CycleKey.SOCIAL,
        2,
        _("Andre sosiale samling i %(year)s"),
        _("Minst to ganger i året skal gruppa ha en sosial samling."),
        Rule("month_day", month=12, day=10),
        CycleRole.LEADER,
    ),
    CycleDefault(
        CycleKey.TESTAMENT,
        1,
        _("Politisk testament"),
        _("Oppsummer fireårsperioden: en oversikt over hva Senterpartiet har fått til."),
        Rule("period_end", months=-3),
        CycleRole.LEADER,
        scope="last",
    ),
)
DEFAULTS_BY_KEY: dict[tuple[str, int], CycleDefault] = {(d.key, d.seq): d for d in DEFAULTS}


class CycleEntry(models.Model):
    """One piece of the year's cycle for one year of a group's period."""

    group = models.ForeignKey(
        "groups.CouncilGroup", on_delete=models.CASCADE, related_name="cycle_entries"
    )
    key = models.CharField(_("hva"), max_length=20, choices=CycleKey.choices)
    year = models.PositiveSmallIntegerField(_("år"))
    seq = models.PositiveSmallIntegerField(default=1)
    due_on = models.DateField(
        _("frist"),
        null=True,
        blank=True,
        help_text=_("Tom: standardfristen fra heftet."),
    )
    responsible_role = models.CharField(
        _("ansvarlig verv"), max_length=20, choices=CycleRole.choices, default=CycleRole.LEADER
    )
    responsible = models.ForeignKey(
        "groups.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarlig person"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("møtet der saken behandles"),
    )
    done_at = models.DateTimeField(_("markert som gjort"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)

    class Meta:
        verbose_name = _("oppgave i årshjulet")
        verbose_name_plural = _("årshjul")
        ordering = ("group", "year", "key", "seq")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "key", "year", "seq"], name="one_cycle_entry_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()} {self.year}/{self.seq}"

    @property
    def default(self) -> CycleDefault:
        return DEFAULTS_BY_KEY[(self.key, self.seq)]


class CycleReminder(models.Model):
    """One row per reminder sent: the entry (or programme issue, E2), the person, the lead
    (days before) and the deadline it was for. The unique constraints make the sweep send
    each once; a deadline the leader moves is a new deadline with its own reminders."""

    entry = models.ForeignKey(CycleEntry, on_delete=models.CASCADE, null=True, related_name="+")
    issue = models.ForeignKey(ProgrammeIssue, on_delete=models.CASCADE, null=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lead_days = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "user", "lead_days", "due_on"],
                condition=Q(entry__isnull=False),
                name="one_cycle_reminder_per_deadline",
            ),
            models.UniqueConstraint(
                fields=["issue", "user", "lead_days", "due_on"],
                condition=Q(issue__isnull=False),
                name="one_programme_reminder_per_deadline",
            ),
            models.CheckConstraint(
                condition=Q(entry__isnull=False, issue__isnull=True)
                | Q(entry__isnull=True, issue__isnull=False),
                name="cycle_reminder_entry_or_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id or self.issue_id}/{self.user_id}/{self.lead_days}"

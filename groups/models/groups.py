from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

PERIOD_YEARS = 4  # G24: a group's period is four years


class GroupKind(models.TextChoices):
    MUNICIPAL = "municipal", _("Kommunestyregruppe")
    COUNTY = "county", _("Fylkestingsgruppe")


class CouncilGroup(models.Model):
    """A council group: Senterpartiet's members of one municipal or county council."""

    area_name = models.CharField(_("kommune / fylke"), max_length=120)
    kind = models.CharField(_("type gruppe"), max_length=10, choices=GroupKind.choices)
    period_start = models.DateField(_("perioden starter"))
    period_end = models.DateField(_("perioden slutter"))
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    # G24: each four-year period is its own group; the new one points back at the last.
    previous_period = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_period",
        verbose_name=_("forrige periode"),
    )
    # The day the next period starts: from then this period's records are read-only.
    closed_from = models.DateField(_("avsluttet fra"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("gruppe")
        verbose_name_plural = _("grupper")
        ordering = ("area_name",)
        permissions = [("manage_councilgroup", _("Kan lede gruppa"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")), name="group_period_order"
            )
        ]

    def __str__(self) -> str:
        # The whole name is one translatable sentence, so English does not read
        # "Municipal council group i Grønnbygd".
        if self.kind == GroupKind.COUNTY:
            return _("Fylkestingsgruppa i %(area)s") % {"area": self.area_name}
        return _("Kommunestyregruppa i %(area)s") % {"area": self.area_name}

    @property
    def is_municipal(self) -> bool:
        return self.kind == GroupKind.MUNICIPAL

    @property
    def period_label(self) -> str:
        return f"{self.period_start.year}–{self.period_end.year}"

    def is_closed(self, on: dt.date) -> bool:
        """G24: a period is closed (readable, not editable) once the next one has begun."""
        return self.closed_from is not None and on >= self.closed_from

    @staticmethod
    def period_end_for(start: dt.date) -> dt.date:
        try:
            return start.replace(year=start.year + PERIOD_YEARS)
        except ValueError:  # 29 February
            return start.replace(year=start.year + PERIOD_YEARS, day=28)


class CouncilGroupUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(CouncilGroup, on_delete=models.CASCADE)


class CouncilGroupGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(CouncilGroup, on_delete=models.CASCADE)


class Seat(models.TextChoices):
    """G1, G2: the kind of seat decides the rights."""

    REGULAR = "regular", _("Fast medlem")
    SUBSTITUTE = "substitute", _("Vararepresentant")
    OTHER_BODY = "other_body", _("Medlem av annet styre, råd eller utvalg")
    CHAPTER_LEADER = "chapter_leader", _("Lokallagsleder / fylkesleder")
    PARTY_MEMBER = "party_member", _("Medlem i lokallaget")


class BoardRole(models.TextChoices):
    """G3: the group board, with the mayor or deputy mayor as observer."""

    NONE = "", _("Ingen")
    LEADER = "leader", _("Gruppeleder")
    DEPUTY = "deputy", _("Nestleder")
    MEMBER = "member", _("Gruppestyremedlem")
    OBSERVER = "observer", _("Observatør (ordfører/varaordfører)")


BOARD_SEATS = (BoardRole.LEADER, BoardRole.DEPUTY, BoardRole.MEMBER)


class MembershipStatus(models.TextChoices):
    PROPOSED = "proposed", _("Foreslått overgang")
    ACTIVE = "active", _("Aktiv")
    LEFT = "left", _("Gått ut")


class Membership(models.Model):
    group = models.ForeignKey(CouncilGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    seat = models.CharField(_("plass"), max_length=20, choices=Seat.choices)
    board_role = models.CharField(
        _("rolle i gruppestyret"), max_length=10, choices=BoardRole.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MembershipStatus.choices, default="active"
    )
    joined_on = models.DateField(_("inn i gruppa"))
    left_on = models.DateField(_("ut av gruppa"), null=True, blank=True)
    # G15: transfer from another party
    transfer_from_party = models.CharField(_("overgang fra parti"), max_length=120, blank=True)
    transfer_approved_at = models.DateTimeField(_("overgang godkjent"), null=True, blank=True)
    quarantine_until = models.DateField(_("karantene til"), null=True, blank=True)
    # G16: declared independent from this date
    independent_from = models.DateField(_("uavhengig fra"), null=True, blank=True)

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        ordering = ("user__full_name",)
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_group"),
            models.UniqueConstraint(
                fields=["group", "board_role"],
                condition=Q(board_role__in=["leader", "deputy", "member"]) & ~Q(status="left"),
                name="one_person_per_board_seat",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_seat_display()})"

    @property
    def is_proposed(self) -> bool:
        """A transfer from another party waiting for the board (G2)."""
        return self.status == MembershipStatus.PROPOSED

    # --- rights, G1, G2, G15, G16 ---------------------------------------------------------
    def has_member_rights(self, on: dt.date) -> bool:
        if self.status != MembershipStatus.ACTIVE:
            return False
        if self.left_on and on >= self.left_on:
            return False
        if self.quarantine_until and on < self.quarantine_until:
            return False
        return not (self.independent_from and on >= self.independent_from)

    def is_independent(self, on: dt.date) -> bool:
        return bool(self.independent_from and on >= self.independent_from)

    def can_vote(self, on: dt.date) -> bool:
        return self.seat == Seat.REGULAR and self.has_member_rights(on)

    def can_speak(self, on: dt.date) -> bool:
        return self.has_member_rights(on)

    def can_propose(self, on: dt.date) -> bool:
        return self.has_member_rights(on)

    def is_summoned(self, on: dt.date) -> bool:
        """Summoned to group meetings (party members may attend open meetings, G8)."""
        return self.seat != Seat.PARTY_MEMBER and self.has_member_rights(on)

    @property
    def is_leader(self) -> bool:
        return self.board_role == BoardRole.LEADER and self.status == MembershipStatus.ACTIVE

    @property
    def manages_group(self) -> bool:
        return (
            self.board_role in (BoardRole.LEADER, BoardRole.DEPUTY)
            and self.status == MembershipStatus.ACTIVE
        )

    @property
    def on_board(self) -> bool:
        return self.board_role in (*BOARD_SEATS, BoardRole.OBSERVER) and (
            self.status == MembershipStatus.ACTIVE
        )


class CommitteeKind(models.TextChoices):
    EXECUTIVE = "executive", _("Formannskap")
    MAIN = "main", _("Hovedutvalg")
    COMMITTEE = "committee", _("Komité")
    OTHER = "other", _("Annet utvalg")


class Committee(models.Model):
    """A council committee where the group has seats; G5: its faction."""

    group = models.ForeignKey(CouncilGroup, on_delete=models.CASCADE, related_name="committees")
    name = models.CharField(_("navn"), max_length=160)
    kind = models.CharField(_("type"), max_length=10, choices=CommitteeKind.choices)
    faction_leader = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_factions",
        verbose_name=_("fraksjonsleder"),
    )

    class Meta:
        verbose_name = _("utvalg")
        verbose_name_plural = _("utvalg")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="committee_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class CommitteeRole(models.TextChoices):
    REGULAR = "regular", _("Fast medlem")
    FIRST_SUBSTITUTE = "first_substitute", _("1. vara")


class CommitteeSeat(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="seats")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="committee_seats"
    )
    role = models.CharField(_("rolle"), max_length=20, choices=CommitteeRole.choices)

    class Meta:
        verbose_name = _("plass i utvalg")
        verbose_name_plural = _("plasser i utvalg")
        constraints = [
            models.UniqueConstraint(fields=["committee", "membership"], name="one_seat_each"),
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(role="first_substitute"),
                name="one_first_substitute",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} – {self.committee} ({self.get_role_display()})"

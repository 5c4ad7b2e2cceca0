"""Forms hold input and field-level checks only; the rules are in services.

Every form is a ``config.forms.AccessibleForm``. The forms of a sub-domain with many live in
their own module (``questions``) and are re-exported here.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.dateinputs import DateField, DateTimeField
from config.dates import day
from config.forms import DATETIME_FORMAT, AccessibleForm
from config.numbers import WholeNumberField
from config.params import ModelMultipleIdChoiceField
from config.singleline import SingleLineCharField
from groups.models import Committee, CouncilGroup, Membership, MembershipStatus
from meetings.forms.questions import (
    AnswerForm,
    ApproveForm,
    CouncilMeetingChoice,
    DeadlineForm,
    IdChoiceField,
    QuestionFilterForm,
    QuestionForm,
    ReturnForm,
    SubmitForm,
    WithdrawForm,
)
from meetings.models import (
    REMINDER_CHOICES,
    AgendaItem,
    AgendaStatus,
    BriefingChannel,
    CouncilMeeting,
    CouncilSlot,
    CycleRole,
    Meeting,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    ProgrammeStatus,
    RequestKind,
    Sector,
)
from meetings.permissions import MeetingScope

# The question forms (G28) live in their own module, the base in config/forms.py; these
# names are public here too.
__all__ = [
    "DATETIME_FORMAT",
    "AccessibleForm",
    "AnswerForm",
    "ApproveForm",
    "CouncilMeetingChoice",
    "DeadlineForm",
    "IdChoiceField",
    "QuestionFilterForm",
    "QuestionForm",
    "ReturnForm",
    "SubmitForm",
    "WithdrawForm",
]


def _dt_field(label: Any) -> forms.DateTimeField:
    return DateTimeField(
        label=label,
    )


def _date_field(label: Any, required: bool = True) -> forms.DateField:
    return DateField(label=label, required=required)


def _members(group: CouncilGroup) -> Any:
    return Membership.objects.filter(group=group, status=MembershipStatus.ACTIVE).select_related(
        "user"
    )


class MembershipChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.user.full_name


class MembershipMultipleChoice(ModelMultipleIdChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.user.full_name


class MeetingForm(AccessibleForm):
    kind = forms.ChoiceField(label=_("Type møte"), choices=MeetingKind.choices)
    title = SingleLineCharField(label=_("Tittel"), max_length=200)
    starts_at = _dt_field(_("Starter"))
    ends_at = _dt_field(_("Slutter"))
    place = SingleLineCharField(label=_("Sted"), max_length=200, required=False)
    mode = forms.ChoiceField(label=_("Møteform"), choices=MeetingMode.choices)
    digital_link = forms.URLField(label=_("Lenke til digitalt møte"), required=False)
    committee = forms.ModelChoiceField(
        label=_("Utvalg (bare for fraksjonsmøter)"),
        queryset=Committee.objects.none(),
        required=False,
    )
    council_slot = forms.ChoiceField(
        label=_("Kort møte før/etter kommunestyret"),
        choices=CouncilSlot.choices,
        required=False,
    )
    is_decision_meeting = forms.BooleanField(
        label=_("Beslutningsmøte (årsmøte o.l.)"), required=False
    )
    description = forms.CharField(label=_("Beskrivelse"), widget=forms.Textarea, required=False)

    def __init__(
        self,
        *args: Any,
        group: CouncilGroup,
        scope: MeetingScope | None = None,
        **kwargs: Any,
    ) -> None:
        """``scope``: what someone who does not lead the group may set up: a faction leader
        the faction meetings of their committees (G5), the chapter leader members'
        meetings (G26)."""
        super().__init__(*args, **kwargs)
        committees = Committee.objects.filter(group=group)
        if scope is not None:
            committees = committees.filter(pk__in=[c.pk for c in scope.committees])
            self.fields["kind"].choices = [  # type: ignore[attr-defined]
                (k, MeetingKind(k).label) for k in scope.kinds
            ]
            if MeetingKind.FACTION in scope.kinds:
                self.fields["committee"].required = scope.kinds == (MeetingKind.FACTION,)
                self.fields["committee"].label = _("Utvalg (fraksjon)")
            else:
                del self.fields["committee"]
            for name in ("council_slot", "is_decision_meeting"):
                del self.fields[name]
        if "committee" in self.fields:
            self.fields["committee"].queryset = committees  # type: ignore[attr-defined]


class CouncilMeetingForm(AccessibleForm):
    committee = forms.ModelChoiceField(
        label=_("Organ"),
        queryset=Committee.objects.none(),
        required=False,
        empty_label=_("Kommunestyret / fylkestinget"),
    )
    starts_at = _dt_field(_("Starter"))
    ends_at = _dt_field(_("Slutter"))
    place = SingleLineCharField(label=_("Sted"), max_length=200, required=False)

    def __init__(self, *args: Any, group: CouncilGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Committee.objects.filter(group=group)  # type: ignore[attr-defined]


class PlanForm(AccessibleForm):
    year = WholeNumberField(label=_("År"), min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(
        label=_("Halvår"), coerce=int, choices=[(1, _("Vårhalvåret")), (2, _("Høsthalvåret"))]
    )


class CancelForm(AccessibleForm):
    reason = SingleLineCharField(label=_("Grunn til avlysning"), max_length=300)


class SummonForm(AccessibleForm):
    memberships = MembershipMultipleChoice(
        label=_("Innkalte medlemmer"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, group: CouncilGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["memberships"].queryset = _members(group)  # type: ignore[attr-defined]


SUBMIT_KEY = re.compile(r"[A-Za-z0-9_-]{22,64}")


def new_submit_key() -> str:
    return secrets.token_urlsafe(24)


class AgendaItemForm(AccessibleForm):
    """G9. Each rendering carries its own ``submit_key``: the service stores it with the
    item, and a unique constraint turns a second send of the same form into the first
    item (as check-in turns a second scan into the open presence)."""

    title = SingleLineCharField(label=_("Sak"), max_length=300)
    description = forms.CharField(
        label=_("Beskrivelse"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    submit_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["submit_key"] = new_submit_key()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not SUBMIT_KEY.fullmatch(cleaned.get("submit_key") or ""):
            # The form shown again gets a good key, so sending it once more works.
            fresh = {name: self.data.get(name) for name in self.data}
            fresh[self.add_prefix("submit_key")] = new_submit_key()
            self.data = fresh
            raise forms.ValidationError(
                _("Skjemaet var ufullstendig eller for gammelt. Send saken på nytt.")
            )
        return cleaned


class DecideForm(AccessibleForm):
    decision = forms.ChoiceField(
        label=_("Avgjørelse"),
        choices=[
            (AgendaStatus.ACCEPTED, _("Sett på saklista")),
            (AgendaStatus.DEFERRED, _("Utsett")),
            (AgendaStatus.DECLINED, _("Avvis")),
        ],
    )
    reason = SingleLineCharField(label=_("Begrunnelse"), max_length=500, required=False)


class MinutesItemForm(AccessibleForm):
    recommendation = forms.CharField(
        label=_("Innstilling"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    discussion = forms.CharField(
        label=_("Hva ble drøftet"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    disagrees_with_recommendation = forms.BooleanField(
        label=_("Gruppa er uenig i innstillingen"), required=False
    )
    conclusion = forms.CharField(
        label=_("Gruppas konklusjon"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, advisory: bool = False, **kwargs: Any) -> None:
        """``advisory``: a members' meeting (G26), whose conclusion advises the group."""
        super().__init__(*args, **kwargs)
        if advisory:
            self.fields["disagrees_with_recommendation"].label = _(
                "Medlemsmøtet er uenig i innstillingen"
            )
            self.fields["conclusion"].label = _("Medlemsmøtets konklusjon (rådgivende)")
            self.fields["conclusion"].help_text = _(
                "Konklusjonen er rådgivende for gruppa. Gruppa konkluderer selv på et gruppemøte."
            )


class MinutesForm(AccessibleForm):
    """G13: who was present (the group's members as checkboxes, guests as text), who led
    the meeting, and notes."""

    present = MembershipMultipleChoice(
        label=_("Til stede"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Forhåndsutfylt med dem som har sjekket inn. Rett det som ikke stemmer."),
    )
    leader = MembershipChoice(
        label=_("Møteleder"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("Velg møteleder"),
    )
    present_text = forms.CharField(
        label=_("Andre til stede (gjester)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    notes = forms.CharField(
        label=_("Merknader"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, group: CouncilGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = _members(group)  # type: ignore[attr-defined]
        self.fields["leader"].queryset = _members(group)  # type: ignore[attr-defined]


class ConfirmForm(AccessibleForm):
    """An explicit yes before an action that cannot be undone (issue 17)."""

    confirm = forms.BooleanField(
        label=_("Jeg har sett over dette og vil gå videre"),
        error_messages={"required": _("Kryss av for å bekrefte.")},
    )

    def __init__(self, *args: Any, label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["confirm"].label = label


class ReopenForm(AccessibleForm):
    reason = SingleLineCharField(label=_("Hvorfor må referatet rettes?"), max_length=300)


class DissentForm(AccessibleForm):
    text = forms.CharField(label=_("Protokolltilførsel"), widget=forms.Textarea(attrs={"rows": 2}))


class ConflictDeclareForm(AccessibleForm):
    reason = SingleLineCharField(label=_("Hva kan gjøre deg inhabil?"), max_length=1000)
    certain = forms.BooleanField(
        label=_("Jeg er inhabil og fratrer saken (ingen tvil)"), required=False
    )


class ConflictVoteForm(AccessibleForm):
    votes_for = WholeNumberField(label=_("Stemmer for inhabilitet"), min_value=0)
    votes_against = WholeNumberField(label=_("Stemmer mot inhabilitet"), min_value=0)


class ConflictLeaveForm(AccessibleForm):
    left_at = _dt_field(_("Fratrådte"))
    returned_at = DateTimeField(
        label=_("Tilbake (tomt: når saken avsluttes)"),
        required=False,
    )


class RequestForm(AccessibleForm):
    kind = forms.ChoiceField(
        label=_("Hva krever du?"),
        choices=[
            (RequestKind.GROUP, RequestKind.GROUP.label),
            (RequestKind.BOARD, RequestKind.BOARD.label),
        ],
    )
    reason = forms.CharField(
        label=_("Hva skal møtet handle om?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CaseForm(AccessibleForm):
    council_meeting = forms.ModelChoiceField(
        label=_("Kommunestyremøte / utvalgsmøte"), queryset=CouncilMeeting.objects.none()
    )
    number = SingleLineCharField(label=_("Saksnummer"), max_length=40, required=False)
    title = SingleLineCharField(label=_("Sak"), max_length=300)
    recommendation = forms.CharField(
        label=_("Innstilling"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    responsible = MembershipChoice(
        label=_("Ansvarlig"), queryset=Membership.objects.none(), required=False
    )
    due_date = _date_field(_("Frist"), required=False)
    is_election_with_sp_candidates = forms.BooleanField(
        label=_("Personvalg der Sp-medlemmer er kandidater"), required=False
    )

    def __init__(self, *args: Any, group: CouncilGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["council_meeting"].queryset = CouncilMeeting.objects.filter(  # type: ignore[attr-defined]
            group=group
        ).select_related("committee")
        self.fields["responsible"].queryset = _members(group)  # type: ignore[attr-defined]


class CaseUpdateForm(AccessibleForm):
    responsible = MembershipChoice(
        label=_("Ansvarlig"), queryset=Membership.objects.none(), required=False
    )
    due_date = _date_field(_("Frist"), required=False)
    group_conclusion = forms.CharField(
        label=_("Gruppas konklusjon"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, group: CouncilGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _members(group)  # type: ignore[attr-defined]


class DeviationForm(AccessibleForm):
    reason = forms.CharField(
        label=_("Hvorfor vil du stemme annerledes?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    wants_vote_explanation = forms.BooleanField(
        label=_("Jeg ønsker å gi stemmeforklaring (etter avtale med gruppeleder)"),
        required=False,
    )


class DeviationRecordForm(AccessibleForm):
    membership = MembershipChoice(label=_("Medlem"), queryset=Membership.objects.none())
    reason = SingleLineCharField(label=_("Begrunnelse"), required=False)

    def __init__(self, *args: Any, group: CouncilGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = _members(group)  # type: ignore[attr-defined]


class ProgrammeIssueForm(AccessibleForm):
    title = SingleLineCharField(label=_("Programpunkt"), max_length=300)
    sector = forms.ChoiceField(label=_("Sektor"), choices=Sector.choices)
    assignee = MembershipChoice(
        label=_("Ansvarlig"), queryset=Membership.objects.none(), required=False
    )
    start_on = _date_field(_("Start"))
    present_by = _date_field(_("Legges fram for gruppa innen"))

    def __init__(self, *args: Any, group: CouncilGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _members(group)  # type: ignore[attr-defined]


class ProgrammeUpdateForm(AccessibleForm):
    status = forms.ChoiceField(label=_("Status"), choices=ProgrammeStatus.choices)
    outcome = forms.CharField(
        label=_("Hva er oppnådd"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReminderForm(AccessibleForm):
    minutes_before = forms.TypedChoiceField(
        label=_("E-post før hvert møte"),
        coerce=int,
        empty_value=None,
        choices=[("", _("Ingen påminnelser")), *REMINDER_CHOICES],
        required=False,
    )


class SearchForm(AccessibleForm):
    q = SingleLineCharField(label=_("Søk"), required=False, max_length=100)
    date_from = _date_field(_("Fra dato"), required=False)
    date_to = _date_field(_("Til dato"), required=False)


# --- summons, absence, substitutes, votes (issue 19) -----------------------------------------
class AbsenceForm(AccessibleForm):
    reason = SingleLineCharField(
        label=_("Grunn (valgfritt)"),
        max_length=300,
        required=False,
        help_text=_("Bare gruppeleder og nestleder ser grunnen."),
    )


class SubstituteCallForm(AccessibleForm):
    replaces = WholeNumberField(widget=forms.HiddenInput)
    substitute = WholeNumberField(widget=forms.HiddenInput)


class VoteOpenForm(AccessibleForm):
    subject = forms.ChoiceField(label=_("Hva skal det stemmes over?"), choices=())
    title = SingleLineCharField(label=_("Tittel"), max_length=200, required=False)
    text = forms.CharField(
        label=_("Forslaget"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    ruleset = forms.TypedChoiceField(
        label=_("Forslag til reglement"), coerce=int, required=False, empty_value=None
    )
    conflict = forms.TypedChoiceField(
        label=_("Habilitetsspørsmål"), coerce=int, required=False, empty_value=None
    )
    method = forms.ChoiceField(label=_("Hvordan stemmes det?"), choices=())
    deadline = DateTimeField(
        label=_("Frist for å stemme"),
        required=False,
        help_text=_("Avstemningen lukkes av seg selv ved fristen."),
    )
    secret = forms.BooleanField(label=_("Hemmelig avstemning"), required=False)
    votes_for = WholeNumberField(label=_("For (håndsopprekning)"), min_value=0, required=False)
    votes_against = WholeNumberField(label=_("Mot (håndsopprekning)"), min_value=0, required=False)
    votes_blank = WholeNumberField(label=_("Blanke (håndsopprekning)"), min_value=0, required=False)

    def __init__(
        self,
        *args: Any,
        rulesets: list[tuple[int, str]],
        conflicts: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        from meetings.models import VoteMethod, VoteSubject

        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = VoteSubject.choices  # type: ignore[attr-defined]
        self.fields["method"].choices = VoteMethod.choices  # type: ignore[attr-defined]
        self.fields["ruleset"].choices = [("", "–"), *rulesets]  # type: ignore[attr-defined]
        self.fields["conflict"].choices = [("", "–"), *conflicts]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("method") == "portal" and not data.get("deadline"):
            self.add_error("deadline", _("Sett en frist for avstemningen."))
        if data.get("method") == "hands":
            for name in ("votes_for", "votes_against"):
                if data.get(name) is None:
                    self.add_error(name, _("Skriv inn antall stemmer."))
        return data


class BallotForm(AccessibleForm):
    choice = forms.ChoiceField(label=_("Din stemme"), choices=(), widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from meetings.models import Choice

        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = Choice.choices  # type: ignore[attr-defined]


class VoteCloseForm(AccessibleForm):
    confirm = forms.BooleanField(
        label=_("Ja, avslutt avstemningen nå"),
        error_messages={"required": _("Kryss av for å bekrefte.")},
    )


class AgendaPlanForm(AccessibleForm):
    """G9: an item's planned length and presenter."""

    duration_minutes = WholeNumberField(
        label=_("Planlagt varighet (minutter)"), min_value=1, max_value=480, required=False
    )
    presenter = MembershipChoice(
        label=_("Innleder"), queryset=Membership.objects.none(), required=False
    )

    def __init__(self, *args: Any, group: CouncilGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = _members(group)  # type: ignore[attr-defined]


class MoveForm(AccessibleForm):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


class MeetingChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_title} ({day(obj.starts_at, 'list')})"


class CycleEntryForm(AccessibleForm):
    """G27: the leader adjusts one deadline of the year's cycle."""

    due_on = _date_field(_("Frist"), required=False)
    responsible_role = forms.ChoiceField(label=_("Ansvarlig verv"), choices=CycleRole.choices)
    responsible = MembershipChoice(
        label=_("Ansvarlig person (i stedet for vervet)"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("Den som har vervet"),
    )
    meeting = MeetingChoice(
        label=_("Møtet der saken behandles"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("Ikke valgt"),
    )
    done = forms.BooleanField(label=_("Gjort"), required=False)

    def __init__(
        self,
        *args: Any,
        group: CouncilGroup,
        default_due: Any,
        by_portal: bool,
        linkable: bool = True,
        **kwargs: Any,
    ) -> None:
        """``linkable``: the entry may name the meeting where it is treated (not for the
        entries whose state the portal reads itself: plans, gatherings, the rules)."""
        super().__init__(*args, **kwargs)
        self.fields["due_on"].help_text = _(
            "Tilpass fristen til kommunens egen kalender. Tom: standardfristen (%(date)s)."
        ) % {"date": day(default_due, "document")}
        self.fields["responsible"].queryset = _members(group)  # type: ignore[attr-defined]
        self.fields["meeting"].queryset = (  # type: ignore[attr-defined]
            Meeting.objects.filter(
                group=group,
                kind__in=(MeetingKind.GROUP, MeetingKind.BOARD, MeetingKind.MEMBERS),
                starts_at__date__gte=group.period_start,
                starts_at__date__lt=group.period_end,
            )
            .exclude(status=MeetingStatus.CANCELLED)
            .order_by("starts_at")
        )
        self.fields["meeting"].help_text = _(
            "Når møtet er holdt, regnes oppgaven som gjort (for eksempel budsjettet i et gruppemøte)."
        )
        if not linkable:
            del self.fields["meeting"]
        self.fields["done"].help_text = (
            _("Portalen ser allerede at dette er gjort.")
            if by_portal
            else _("Kryss av når arbeidet er gjort og portalen ikke kan se det selv.")
        )


class MembersItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        day = timezone.localtime(obj.meeting.starts_at).strftime("%d.%m.%Y")
        return f"{obj.meeting.display_title} ({day}): {obj.title}"


class ChapterLinkForm(AccessibleForm):
    """G26: does the chapter board need the leader's briefing before the group concludes,
    and which members' meeting item discussed the matter."""

    needs_chapter_briefing = forms.BooleanField(
        label=_("Lokallagsstyret skal orienteres før gruppa konkluderer"), required=False
    )
    members_item = MembersItemChoice(
        label=_("Drøftet på medlemsmøte"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("Ikke drøftet på et medlemsmøte"),
        help_text=_("En sak fra et medlemsmøte gjør at styret skal orienteres."),
    )

    def __init__(self, *args: Any, choices: list[AgendaItem] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pks = [i.pk for i in choices or []]
        self.fields["members_item"].queryset = (  # type: ignore[attr-defined]
            AgendaItem.objects.filter(pk__in=pks)
            .select_related("meeting")
            .order_by("-meeting__starts_at", "order", "id")
        )


class ChapterBriefingForm(AccessibleForm):
    """G26: the leader briefed the chapter board (through the chapter leader)."""

    briefed_on = _date_field(_("Dato for orienteringen"))
    briefed_by = MembershipChoice(label=_("Orientert av"), queryset=Membership.objects.none())
    channel = forms.ChoiceField(label=_("Hvordan"), choices=BriefingChannel.choices)
    note = SingleLineCharField(label=_("Merknad"), max_length=500, required=False)

    def __init__(self, *args: Any, group: CouncilGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["briefed_by"].queryset = _members(group)  # type: ignore[attr-defined]

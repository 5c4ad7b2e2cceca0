from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.dateinputs import DateField, DateTimeField, TimeField
from config.forms import AccessibleForm
from config.numbers import WholeNumberField
from config.singleline import SingleLineCharField, validate_single_line
from groups.models import (
    MAX_QUARANTINE_MONTHS,
    WEEKDAYS,
    BoardRole,
    CommitteeKind,
    CommitteeRole,
    Gender,
    GroupKind,
    Membership,
    RulesDispatchKind,
    Seat,
    SeatDecision,
)


class ProfileForm(AccessibleForm):
    full_name = SingleLineCharField(label=_("Fullt navn"), max_length=200)
    birth_year = WholeNumberField(
        label=_("Fødselsår"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=_("Brukes på deltakerlista for studiearbeid (alder ved kursår)."),
    )
    gender = forms.ChoiceField(
        label=_("Kjønn"), choices=[("", _("Velg")), *Gender.choices], required=False
    )
    postcode = forms.RegexField(
        label=_("Postnummer (hjemsted)"),
        regex=r"^[0-9]{4}\Z",  # ASCII digits: \d would take other scripts' digits too
        required=False,
        validators=[validate_single_line],
        error_messages={"invalid": _("Postnummer er fire sifre.")},
    )


class GroupCreateForm(AccessibleForm):
    area_name = SingleLineCharField(label=_("Kommune eller fylke"), max_length=120)
    kind = forms.ChoiceField(label=_("Type gruppe"), choices=GroupKind.choices)
    period_start = DateField(
        label=_("Perioden starter"),
        help_text=_("En periode er fire år."),
    )
    leader_name = SingleLineCharField(label=_("Gruppeleders navn"), max_length=200)
    leader_email = forms.EmailField(label=_("Gruppeleders e-post"))


class MemberAddForm(AccessibleForm):
    full_name = SingleLineCharField(label=_("Navn"), max_length=200)
    email = forms.EmailField(label=_("E-post"))
    seat = forms.ChoiceField(label=_("Plass i gruppa"), choices=Seat.choices)
    joined_on = DateField(
        label=_("Med fra"),
        required=False,
        help_text=_("Tomt betyr i dag."),
    )


class MembershipEditForm(AccessibleForm):
    seat = forms.ChoiceField(label=_("Plass i gruppa"), choices=Seat.choices)
    board_role = forms.ChoiceField(
        label=_("Rolle i gruppestyret"), choices=BoardRole.choices, required=False
    )


class DateForm(AccessibleForm):
    date = DateField(label=_("Fra dato"))

    def __init__(self, *args: object, label: str | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["date"].label = label
        self.fields["date"].initial = timezone.localdate()


class TransferForm(AccessibleForm):
    full_name = SingleLineCharField(label=_("Navn"), max_length=200)
    email = forms.EmailField(label=_("E-post"))
    from_party = SingleLineCharField(label=_("Valgt inn for partiet"), max_length=120)
    seat = forms.ChoiceField(label=_("Plass i gruppa"), choices=Seat.choices, initial=Seat.REGULAR)


class VotesForm(AccessibleForm):
    votes_for = WholeNumberField(label=_("Stemmer for"), min_value=0, max_value=999)
    votes_against = WholeNumberField(label=_("Stemmer mot"), min_value=0, max_value=999)


class RulesDecisionForm(VotesForm):
    note = forms.CharField(label=_("Vedtak / merknad"), required=False, widget=forms.Textarea)


class CommitteeForm(AccessibleForm):
    name = SingleLineCharField(label=_("Navn på utvalget"), max_length=160)
    kind = forms.ChoiceField(label=_("Type"), choices=CommitteeKind.choices)


class CommitteeSeatForm(AccessibleForm):
    membership = forms.ModelChoiceField(label=_("Person"), queryset=Membership.objects.none())
    role = forms.ChoiceField(label=_("Rolle i utvalget"), choices=CommitteeRole.choices)

    def __init__(self, *args: object, memberships: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if memberships is not None:
            self.fields["membership"].queryset = memberships  # type: ignore[attr-defined]


class FactionLeaderForm(AccessibleForm):
    membership = forms.ModelChoiceField(
        label=_("Fraksjonsleder"), queryset=Membership.objects.none()
    )

    def __init__(self, *args: object, memberships: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if memberships is not None:
            self.fields["membership"].queryset = memberships  # type: ignore[attr-defined]


class RulesForm(AccessibleForm):
    meeting_place = SingleLineCharField(label=_("Fast møtested (møtelokale)"), max_length=200)
    meeting_weekdays = forms.TypedMultipleChoiceField(
        label=_("Møtedager"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    meeting_start = TimeField(label=_("Fra kl."))
    meeting_end = TimeField(label=_("Til kl."))
    quarantine_months = WholeNumberField(
        label=_("Karantenetid ved overgang fra andre parti (måneder)"),
        min_value=0,
        max_value=MAX_QUARANTINE_MONTHS,
        initial=0,
        help_text=_("0 betyr ingen karantene."),
    )
    cooperation = forms.CharField(
        label=_("Samarbeid med andre parti"), required=False, widget=forms.Textarea
    )
    change_summary = forms.CharField(
        label=_("Hva endres, og hvorfor?"), widget=forms.Textarea, required=False
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("meeting_start"), data.get("meeting_end")
        if isinstance(start, dt.time) and isinstance(end, dt.time) and end <= start:
            self.add_error("meeting_end", _("Møtet må slutte etter at det begynner."))
        return data


class EthicsPublishForm(AccessibleForm):
    """E1: a new version of the ethical guidelines, written in the editing format of
    ``groups.services.sections_to_text`` ("## " starts a section)."""

    title = SingleLineCharField(label=_("Tittel"), max_length=200)
    change_summary = forms.CharField(
        label=_("Hva er endret?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Står øverst i den nye versjonen og i e-posten til de folkevalgte."),
    )
    text = forms.CharField(
        label=_("Retningslinjene"),
        max_length=200_000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_(
            "En linje som begynner med «## » er en overskrift og starter et nytt avsnitt. "
            "Tom linje skiller mellom avsnitt."
        ),
    )
    confirm = forms.BooleanField(
        label=_(
            "Jeg har sett endringene. Versjonen gjelder fra nå, og alle folkevalgte blir bedt "
            "om å bekrefte den."
        ),
        required=False,
    )


class EthicsAcknowledgeForm(AccessibleForm):
    version = WholeNumberField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


# --- a new period (G24) -------------------------------------------------------------------
class PeriodOpenForm(AccessibleForm):
    period_start = DateField(
        label=_("Den nye perioden starter"),
        help_text=_("En periode er fire år."),
    )
    convener_name = SingleLineCharField(
        label=_("Lokallagsleder som kaller inn (navn)"), max_length=200
    )
    convener_email = forms.EmailField(label=_("Lokallagsleders e-post"))


class ConveneForm(AccessibleForm):
    meeting_at = DateTimeField(
        label=_("Tidspunkt for konstituerende møte"),
    )
    place = SingleLineCharField(label=_("Sted"), max_length=200)


class SeatsForm(AccessibleForm):
    """One choice per seat of the last period: carried over or ended."""

    def __init__(self, *args: Any, seats: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seats = seats
        for m in seats:
            self.fields[f"seat_{m.pk}"] = forms.ChoiceField(
                label=f"{m.user.full_name} ({m.get_seat_display()})",
                choices=SeatDecision.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Velg om plassen videreføres eller avsluttes.")},
            )

    def decisions(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[f"seat_{m.pk}"] for m in self.seats}


class NewMemberForm(AccessibleForm):
    full_name = SingleLineCharField(label=_("Navn"), max_length=200)
    email = forms.EmailField(label=_("E-post"))
    seat = forms.ChoiceField(label=_("Plass i gruppa"), choices=Seat.choices)


class ElectionForm(AccessibleForm):
    leader = forms.ModelChoiceField(label=_("Gruppeleder"), queryset=Membership.objects.none())
    leader_votes_for = WholeNumberField(
        label=_("Stemmer for gruppeleder"), min_value=0, max_value=999
    )
    leader_votes_against = WholeNumberField(
        label=_("Stemmer mot gruppeleder"), min_value=0, max_value=999
    )
    deputy = forms.ModelChoiceField(label=_("Nestleder"), queryset=Membership.objects.none())
    deputy_votes_for = WholeNumberField(
        label=_("Stemmer for nestleder"), min_value=0, max_value=999
    )
    deputy_votes_against = WholeNumberField(
        label=_("Stemmer mot nestleder"), min_value=0, max_value=999
    )
    note = forms.CharField(
        label=_("Merknad til protokollen"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, candidates: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if candidates is not None:
            for name in ("leader", "deputy"):
                field = self.fields[name]
                field.queryset = candidates  # type: ignore[attr-defined]
                field.label_from_instance = lambda m: m.user.full_name  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        leader, deputy = data.get("leader"), data.get("deputy")
        if leader is not None and deputy is not None and leader == deputy:
            self.add_error("deputy", _("Nestlederen må være en annen enn gruppelederen."))
        return data


class RulesSendForm(AccessibleForm):
    token = forms.UUIDField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=RulesDispatchKind.choices)

"""Forms: input shape only. The rules are in services (and uploads.py for files)."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from config.dateinputs import DateField
from config.forms import AccessibleForm
from config.singleline import SingleLineCharField
from whistleblowing import routing, uploads
from whistleblowing.models import (
    BodyLevel,
    Category,
    ContactRoute,
    HandlerGender,
    HandlerRole,
    HoldReason,
    Relation,
    TriggerKind,
)
from whistleblowing.services.handling import (
    AGE_BANDS,
    LOG_KINDS,
    NOT_REPORTED_REASONS,
    POLICE_DECISIONS,
    REPRIMAND_PARTS,
    SANCTIONS,
)
from whistleblowing.services.reporting import ReportInput, report_problems

FORM_SALT = "whistleblowing.report-form"
TOKEN_MAX_AGE = 24 * 60 * 60


def new_form_token() -> str:
    return signing.dumps(secrets.token_hex(16), salt=FORM_SALT)


def check_form_token(token: str) -> bool:
    try:
        signing.loads(token, salt=FORM_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return False
    return True


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files; the browser's picker offers the allowed types (uploads.TYPES), and the
    help text states the limits (issue 15 items 5, 14)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": uploads.accept_attribute()}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        uploads.check_files(files)
        return files


YES_NO = [("no", _("Nei")), ("yes", _("Ja"))]


class ReportForm(AccessibleForm):
    category = forms.ChoiceField(
        label=_("Hva gjelder varselet?"), choices=Category.choices, widget=forms.RadioSelect
    )
    youth_wing = forms.ChoiceField(
        label=_("Gjelder det Senterungdommen?"),
        choices=YES_NO,
        initial="no",
        widget=forms.RadioSelect,
        help_text=_("Varsler om Senterungdommen går alltid til Senterungdommens generalsekretær."),
    )
    addressed_to = forms.ChoiceField(
        label=_("Hvem skal få varselet?"),
        initial=routing.TO_CENTRAL,
        required=False,  # nothing chosen: the central recipients, as the first choice says
        widget=forms.RadioSelect,
    )
    leader = forms.TypedChoiceField(
        label=_("Hvilken leder?"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Bare hvis du sender til nærmeste leder over."),
    )
    relation = forms.ChoiceField(
        label=_("Hvordan kjenner du til saken?"), choices=Relation.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Hva har skjedd?"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Skriv med egne ord hva som skjedde, når og hvor. Du trenger ikke ha alle detaljene."
        ),
        required=False,
    )
    involved = forms.CharField(
        label=_("Hvem er involvert? (valgfritt)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    anonymous = forms.ChoiceField(
        label=_("Vil du være anonym?"),
        choices=[
            ("yes", _("Ja, jeg vil være anonym")),
            ("no", _("Nei, jeg oppgir navn og hvordan dere kan nå meg")),
        ],
        initial="yes",
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Navn"), required=False, max_length=200)
    contact = forms.CharField(
        label=_("Telefon eller e-post"),
        required=False,
        max_length=200,
        help_text=_("Vi bruker dette bare til å kontakte deg om saken."),
    )
    excluded_handler = forms.TypedChoiceField(
        label=_("Er det noen av mottakerne som ikke skal se varselet? (valgfritt)"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "Velg en person her hvis hen er involvert i saken. Personen får aldri tilgang."
        ),
    )
    attachments = MultipleFileField(label=_("Vedlegg"))
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        recipients: list[tuple[int, str]],
        youth_ready: bool = True,
        leaders: list[tuple[int, str]] | None = None,
        union_ready: bool = False,
        general_ready: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.youth_ready = youth_ready
        self.fields["excluded_handler"].choices = [("", _("Ingen")), *recipients]  # type: ignore[attr-defined]
        # W8: only the routes someone can read now are offered (no silent fallback).
        choices = [(routing.TO_CENTRAL, ADDRESS_LABELS[routing.TO_CENTRAL])]
        if leaders:
            choices.append((routing.TO_LEADER, ADDRESS_LABELS[routing.TO_LEADER]))
        if union_ready:
            choices.append((routing.TO_UNION, ADDRESS_LABELS[routing.TO_UNION]))
        if general_ready:
            choices.append((routing.TO_GENERAL, ADDRESS_LABELS[routing.TO_GENERAL]))
        self.fields["addressed_to"].choices = choices  # type: ignore[attr-defined]
        self.fields["addressed_to"].help_text = " ".join(
            [*(str(ADDRESS_EXPLAINED[code]) for code, _label in choices), str(ADDRESS_ALWAYS)]
        )
        if leaders:
            self.fields["leader"].choices = [("", _("Velg leder")), *leaders]  # type: ignore[attr-defined]
        else:
            del self.fields["leader"]
        self.fields["attachments"].help_text = uploads.limits_help()
        if not youth_ready:
            # W8: no youth-wing reader holds a key, so the channel is not offered as if it
            # worked, and nothing goes silently to someone else.
            self.fields["youth_wing"].choices = [  # type: ignore[attr-defined]
                ("no", _("Nei")),
                ("yes", _("Ja (kan ikke sendes her ennå, se under)")),
            ]
            self.fields["youth_wing"].help_text = YOUTH_NOT_READY

    def clean(self) -> dict[str, Any]:
        """Every missing or conflicting answer at once, with the fields' own errors (issue
        17: not first the choices, then the text); the rules are the service's."""
        data = super().clean() or {}
        report = ReportInput(
            category=str(data.get("category") or ""),
            youth_wing=data.get("youth_wing") == "yes",
            relation=str(data.get("relation") or ""),
            description=str(data.get("description") or ""),
            anonymous=data.get("anonymous", "yes") == "yes",
            name=str(data.get("name") or ""),
            contact=str(data.get("contact") or ""),
            excluded_handler_id=data.get("excluded_handler"),
            addressed_to=str(data.get("addressed_to") or routing.TO_CENTRAL),
            leader_id=data.get("leader"),
        )
        for field, errors in report_problems(report).items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, errors)
        return data

    def clean_addressed_to(self) -> str:
        return str(self.cleaned_data.get("addressed_to") or routing.TO_CENTRAL)

    def clean_youth_wing(self) -> str:
        value = str(self.cleaned_data.get("youth_wing", "no"))
        if value == "yes" and not self.youth_ready:
            raise forms.ValidationError(YOUTH_NOT_READY)
        return value


ADDRESS_LABELS = {
    routing.TO_CENTRAL: _("Varslingsmottakerne sentralt (velg dette hvis du er usikker)"),
    routing.TO_LEADER: _("Nærmeste leder i gruppa, lokallaget eller fylkeslaget"),
    routing.TO_UNION: _("De ansattes tillitsvalgte (saker som gjelder ansatte)"),
    routing.TO_GENERAL: _("Generalsekretæren direkte"),
}
# What each choice means, in plain words; the help text joins those offered.
ADDRESS_EXPLAINED = {
    routing.TO_CENTRAL: _(
        "Varslingsmottakerne sentralt er partiets utpekte mottakere; varsler om seksuell "
        "trakassering går til dem som er utpekt for slike saker."
    ),
    routing.TO_LEADER: _(
        "Nærmeste leder er lederen i det organet saken gjelder, og bare lederen du velger "
        "under, leser varselet."
    ),
    routing.TO_UNION: _(
        "Saker som gjelder ansatte i partiet kan gå til de ansattes tillitsvalgte."
    ),
    routing.TO_GENERAL: _(
        "Generalsekretæren kan du velge når det ikke er naturlig å gå til nærmeste leder, og "
        "for saker som gjelder ansatte."
    ),
}
ADDRESS_ALWAYS = _(
    "Gjelder varselet Senterungdommen, går det alltid til Senterungdommens generalsekretær: "
    "velg da det første valget. Får du ingen reaksjon innen 14 dager, blir generalsekretæren "
    "i partiet varslet."
)

YOUTH_NOT_READY = _(
    "Varsler om Senterungdommen kan ikke sendes her ennå: Senterungdommens generalsekretær "
    "har ikke satt opp mottaket sitt. Ingenting blir sendt til andre i stedet. Kontakt "
    "Senterungdommens generalsekretær på telefon eller e-post."
)


class ReceiptForm(AccessibleForm):
    receipt = forms.CharField(
        label=_("Kvitteringskode"),
        max_length=40,
        help_text=_("16 sifre. Mellomrom spiller ingen rolle."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class ReporterMessageForm(AccessibleForm):
    body = forms.CharField(
        label=_("Din melding"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    attachments = MultipleFileField(label=_("Legg ved filer"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = uploads.limits_help()


class KeySetupForm(AccessibleForm):
    passphrase = forms.CharField(
        label=_("Velg en passordfrase"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Minst 12 tegn, gjerne flere ord. Bare du kjenner den. Glemmer du den, kan du ikke "
            "lese sakene dine før en annen mottaker gir deg tilgang på nytt."
        ),
    )
    passphrase2 = forms.CharField(
        label=_("Gjenta passordfrasen"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("passphrase") != data.get("passphrase2"):
            self.add_error("passphrase2", _("Passordfrasene er ikke like."))
        return data


class KeyChangeForm(KeySetupForm):
    old = forms.CharField(
        label=_("Nåværende passordfrase"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["old", "passphrase", "passphrase2"]


class UnlockForm(AccessibleForm):
    passphrase = forms.CharField(
        label=_("Passordfrase"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class AcknowledgeForm(AccessibleForm):
    message = forms.CharField(
        label=_("Melding til varsleren"),
        widget=forms.Textarea(attrs={"rows": 5}),
        initial=_(
            "Takk for at du varslet. Vi har mottatt varselet ditt og tar det opp til "
            "behandling. Vi tar kontakt her hvis vi trenger mer informasjon."
        ),
    )


class HandlerMessageForm(AccessibleForm):
    body = forms.CharField(
        label=_("Melding til varsleren"), widget=forms.Textarea(attrs={"rows": 4})
    )
    is_feedback = forms.BooleanField(
        label=_("Dette er tilbakemelding om hvordan saken er fulgt opp"), required=False
    )
    attachments = MultipleFileField(label=_("Vedlegg"))


class LogEntryForm(AccessibleForm):
    kind = forms.ChoiceField(label=_("Hva vil du dokumentere?"), choices=list(LOG_KINDS.items()))
    text = forms.CharField(label=_("Beskrivelse"), widget=forms.Textarea(attrs={"rows": 4}))
    meeting_date = DateField(label=_("Dato for møtet"), required=False)
    trusted_person_offered = forms.BooleanField(
        label=_("Begge parter fikk tilbud om å ta med en person de har tillit til"),
        required=False,
    )
    both_sides_heard = forms.BooleanField(label=_("Begge sider er hørt"), required=False)
    guardian_present = forms.BooleanField(
        label=_("Foreldre eller foresatte deltok"),
        required=False,
        help_text=_("Må krysses av når fornærmede er under 18 år."),
    )
    objected_to_guardian = forms.BooleanField(
        label=_("Fornærmede er over 16 år og motsatte seg at foresatte deltok"), required=False
    )
    other_adult_present = forms.BooleanField(
        label=_("En annen myndig person deltok i stedet"), required=False
    )
    police_decision = forms.ChoiceField(
        label=_("Vurdering av anmeldelse"),
        choices=[("", "—"), *POLICE_DECISIONS.items()],
        required=False,
    )
    guardians_accused = forms.BooleanField(
        label=_("Fornærmede eller foresatte er selv anklaget i saken"),
        required=False,
        help_text=_(
            "Ellers må det først være dokumentert at synspunktet til fornærmede eller "
            "foresatte er innhentet."
        ),
    )
    not_reported_reason = forms.ChoiceField(
        label=_("Hvorfor saken ikke er meldt"),
        choices=[("", "—"), *NOT_REPORTED_REASONS.items()],
        required=False,
        help_text=_("Må velges når saken gjelder en person under 16 år og ikke er meldt."),
    )
    sanction = forms.ChoiceField(
        label=_("Reaksjon"), choices=[("", "—"), *SANCTIONS.items()], required=False
    )
    reprimand_parts = forms.MultipleChoiceField(
        label=_("Irettesettelsen omfatter"),
        choices=list(REPRIMAND_PARTS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class GrantForm(AccessibleForm):
    target = forms.TypedChoiceField(label=_("Gi tilgang til"), coerce=int)

    def __init__(self, *args: Any, candidates: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = candidates  # type: ignore[attr-defined]


class ReasonForm(AccessibleForm):
    reason = forms.CharField(label=_("Begrunnelse"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(ReasonForm):
    """Closing: the reason for the documentation, and a last message the reporter reads
    (issue 17). ``confirm`` and ``seen`` come from the confirmation step."""

    reason = forms.CharField(
        label=_("Begrunnelse (i saksdokumentasjonen)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    message = forms.CharField(
        label=_("Avslutningsmelding"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial=_(
            "Saken er nå avsluttet. Takk for at du sa fra. Etter dette kan du ikke lenger "
            "svare eller legge til noe i saken her."
        ),
        help_text=_("Til varsleren, som ser meldingen når hen logger inn med kvitteringskoden."),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    seen = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def clean_seen(self) -> list[int]:
        raw = str(self.cleaned_data.get("seen") or "")
        try:
            return [int(part) for part in raw.split(",") if part.strip()]
        except ValueError:
            return []


class NotACaseForm(CloseForm):
    """Triage as not a whistleblowing case: closed like any case, with a last message that
    tells the reporter why and where else to turn (W2)."""

    message = forms.CharField(
        label=_("Avslutningsmelding"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial=_(
            "Vi har vurdert det du sendte inn. Det gjelder ikke kritikkverdige forhold i "
            "partiet, så vi behandler det ikke som en varslingssak, og saken er avsluttet. "
            "Etter dette kan du ikke lenger svare eller legge til noe i saken her."
        ),
        help_text=_("Til varsleren: si hvorfor, og gjerne hvor hen kan ta saken opp i stedet."),
    )


CONFIRM_TRIGGER = _(
    "Jeg forstår at generalsekretæren får beskjed med en gang, og at det ikke kan trekkes tilbake."
)


class TriggerForm(AccessibleForm):
    """W10: why the secretary general is to be informed now."""

    kind = forms.ChoiceField(
        label=_("Hvorfor skal generalsekretæren informeres?"),
        choices=TriggerKind.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Forklaring"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Lagres kryptert i saksdokumentasjonen. E-posten sier ingenting om saken."),
    )
    confirm = forms.BooleanField(label=CONFIRM_TRIGGER)


class HelpRequestForm(AccessibleForm):
    """W11: ask the central party for help."""

    text = forms.CharField(
        label=_("Hva trenger dere hjelp til?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Lagres kryptert i saksdokumentasjonen."),
    )
    confirm = forms.BooleanField(
        label=_(
            "Jeg forstår at partiet sentralt får beskjed med en gang, og at de skal svare "
            "innen 14 dager."
        )
    )


class AgeForm(AccessibleForm):
    """W13, W15: the age of the person the case is about."""

    band = forms.ChoiceField(
        label=_("Alder på den det gjelder (fornærmede)"),
        choices=list(AGE_BANDS.items()),
        widget=forms.RadioSelect,
    )


class HoldForm(AccessibleForm):
    """W14: stop the deletion while the police or a court needs the documentation."""

    reason = forms.ChoiceField(
        label=_("Hvem trenger dokumentasjonen?"),
        choices=HoldReason.choices,
        widget=forms.RadioSelect,
    )
    ends_on = DateField(label=_("Stansen varer til"))
    text = forms.CharField(
        label=_("Forklaring (for eksempel hvem som ba om det)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Lagres kryptert i saksdokumentasjonen."),
    )
    confirm = forms.BooleanField(
        label=_(
            "Jeg forstår at stansen ikke kan oppheves før datoen, og at saken slettes ved "
            "første sletting etter den."
        )
    )


# --- the secretariat: people and routes (W8, W9, W17) ---------------------------------


class HandlerRoleForm(AccessibleForm):
    """A recipient's role and designations; ``with_email`` for a new one."""

    email = forms.EmailField(
        label=_("Personens e-postadresse i portalen"),
        max_length=254,
        help_text=_("Personen må ha en bruker i portalen. Hen lager sin egen nøkkel etterpå."),
    )
    role = forms.ChoiceField(label=_("Rolle"), choices=HandlerRole.choices)
    body_level = forms.ChoiceField(
        label=_("Nivå (for nærmeste leder)"),
        choices=[("", "—"), *BodyLevel.choices],
        required=False,
    )
    body_name = SingleLineCharField(
        label=_("Organet personen leder (for nærmeste leder)"),
        max_length=120,
        required=False,
        help_text=_("Slik varsleren kjenner det, for eksempel «Grønnbygd Senterparti»."),
    )
    gender = forms.ChoiceField(
        label=_("Kjønn"),
        choices=HandlerGender.choices,
        initial=HandlerGender.OTHER,
        help_text=_(
            "Mottakerne for seksuell trakassering skal som hovedregel være av begge kjønn."
        ),
    )
    hr_competence = forms.BooleanField(label=_("Har HR-kompetanse"), required=False)
    sexual_harassment_recipient = forms.BooleanField(
        label=_("Utpekt mottaker for varsler om seksuell trakassering"), required=False
    )

    def __init__(self, *args: Any, with_email: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_email:
            del self.fields["email"]


class ContactForm(AccessibleForm):
    route = forms.ChoiceField(label=_("Gjelder"), choices=ContactRoute.choices)
    name = SingleLineCharField(label=_("Navn"), max_length=120)
    title = SingleLineCharField(
        label=_("Tittel (valgfritt)"),
        max_length=120,
        required=False,
        help_text=_("For eksempel «Personal- og økonomirådgiver i Senterpartiet»."),
    )
    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-post"), max_length=254, required=False)

"""The personal-data inventory: the ONE place that says, for every model holding personal
data, why we hold it, on what legal basis, for how long, whose it is and how it goes away.

Everything privacy-related is generated from this list: the member's "Mine data" page and
JSON export, the site admin's data inventory page, the public privacy notice, the
retention sweeps and the erasure of a person (``groups.privacy``). A test fails when a
model with personal fields has no entry here (or in ``NOT_PERSONAL`` with a reason).

Plain data only: no model imports, so every app can be described without importing it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Text = str | Promise


class Erasure(enum.StrEnum):
    """What happens to a person's rows when they are erased (art. 17) or their time is up."""

    DELETE = "delete"  # the rows go
    ANONYMISE = "anonymise"  # the row stays (it is someone else's record too); the link goes
    KEEP = "keep"  # a retention duty: kept until the retention ends, then deleted
    OWN_APP = "own_app"  # handled by the owning app (whistleblowing: not linked to accounts)


@dataclass(frozen=True)
class Retention:
    """How long. ``anchors`` are lookups to dates: a row is due ``years`` after the earliest
    of them has passed. No anchors: kept while the account exists (or the owning app's
    ``enforced_by`` sweep decides)."""

    text: Text
    anchors: tuple[str, ...] = ()
    years: int = 0
    enforced_by: str = ""  # dotted name of another app's sweep, shown on the inventory page


@dataclass(frozen=True)
class Entry:
    model: str  # "app_label.ModelName"
    title: Text  # what the member sees as the heading ("Plasser i grupper")
    purpose: Text
    legal_basis: Text  # GDPR art. 6
    retention: Retention
    erasure: Erasure
    personal_fields: tuple[str, ...]
    # Lookups from the model to the person (the User); several when the person may appear
    # in more than one role. Empty: the row is not linked to an account. "pk": the User.
    subjects: tuple[str, ...] = ()
    special_category: Text = ""  # GDPR art. 9, where the data reveals political opinion etc.
    # Fields cleared (None or "") when the row is anonymised; default: the subject fields.
    anonymise: tuple[str, ...] = ()
    # Fields left out of the member's export (other people's data, secrets).
    export_exclude: tuple[str, ...] = ()
    in_export: bool = True
    # The model stands for a person in a role (a seat, a handler): models pointing to it
    # hold personal data too.
    represents_person: bool = False
    notes: Text = ""

    @property
    def app_label(self) -> str:
        return self.model.split(".", 1)[0]

    @property
    def key(self) -> str:
        return self.model.lower()

    @property
    def anonymised_fields(self) -> tuple[str, ...]:
        return self.anonymise or tuple(s for s in self.subjects if "__" not in s and s != "pk")


# --- legal bases, in plain Norwegian ---------------------------------------------------------
ART6_CONTRACT = _("GDPR art. 6 nr. 1 b: nødvendig for å gi deg tilgang til gruppas arbeid")
ART6_LEGAL = _("GDPR art. 6 nr. 1 c: rettslig plikt (regnskap og tilskudd)")
ART6_INTEREST = _("GDPR art. 6 nr. 1 f: berettiget interesse i å drive gruppearbeidet")
ART6_CONSENT = _("GDPR art. 6 nr. 1 a: samtykke")
ART9_PARTY = _(
    "GDPR art. 9 nr. 2 d: et politisk partis berettigede aktiviteter overfor egne medlemmer "
    "(opplysningen viser politisk tilhørighet)"
)
ART9_CONSENT = _(
    "GDPR art. 9 nr. 2 a: uttrykkelig samtykke (frammøte på partikurs viser politisk tilhørighet)"
)
ART9_WB = _(
    "GDPR art. 9 nr. 2 d og f: partiets varslingsrutiner; rettskrav (kan vise politisk "
    "tilhørighet, helse eller seksualliv)"
)

# --- retention rules -------------------------------------------------------------------------
AFTER_MEMBERSHIP = Retention(
    _("Ett år etter at du gikk ut av gruppa eller gruppas periode sluttet, så slettes det."),
    anchors=("left_on", "group__period_end"),
    years=1,
)
GROUP_ARCHIVE = Retention(
    _("Så lenge gruppas periode varer og ett år etter; deretter fjernes koblingen til deg."),
    anchors=("group__period_end",),
    years=1,
)
WHILE_ACCOUNT = Retention(_("Så lenge du har konto i portalen."))
ATTENDANCE_LIST = Retention(
    _(
        "Frammøtelister lagres i minst fem år etter kursslutt fordi tilskuddet krever det "
        "(Senterpartiskolen), og slettes deretter."
    ),
    enforced_by="attendance.services.retention_sweep",
)
AUDIT = Retention(
    _("Fem år; deretter fjernes koblingen til deg. Loggen har bare id-er og koder."),
    anchors=("at",),
    years=5,
)
WHISTLEBLOWING = Retention(
    _("Slettes senest fem år etter at saken er avsluttet."),
    enforced_by="whistleblowing.tasks.retention_sweep",
)

WB_NOTE = _(
    "Varslingssaker er ikke knyttet til brukerkontoer. Den som varslet, når saken med "
    "kvitteringskoden sin."
)

INVENTORY: tuple[Entry, ...] = (
    # --- groups ------------------------------------------------------------------------------
    Entry(
        "groups.User",
        _("Profil"),
        _("Innlogging, og navn, fødselsår, kjønn og postnummer til frammøtelista."),
        ART6_CONTRACT,
        WHILE_ACCOUNT,
        Erasure.ANONYMISE,
        (
            "email",
            "full_name",
            "birth_year",
            "gender",
            "postcode",
            "language",
            "last_login",
            "date_joined",
        ),
        subjects=("pk",),
        anonymise=("email", "full_name", "birth_year", "gender", "postcode"),
        export_exclude=("password",),
        notes=_(
            "Når noe må lagres videre (frammøtelister), beholdes bare det frammøtelista krever, "
            "og kontoen stenges."
        ),
    ),
    Entry(
        "groups.Membership",
        _("Plasser i grupper"),
        _("Hvem som er med i gruppa, med hvilken plass og rolle."),
        ART6_INTEREST,
        AFTER_MEMBERSHIP,
        Erasure.DELETE,
        ("user", "seat", "board_role", "transfer_from_party", "independent_from"),
        subjects=("user",),
        special_category=ART9_PARTY,
        represents_person=True,
    ),
    Entry(
        "groups.CommitteeSeat",
        _("Plasser i utvalg"),
        _("Hvem som er i fraksjonen i et utvalg."),
        ART6_INTEREST,
        Retention(
            AFTER_MEMBERSHIP.text,
            anchors=("membership__left_on", "membership__group__period_end"),
            years=1,
        ),
        Erasure.DELETE,
        ("membership", "role"),
        subjects=("membership__user",),
        special_category=ART9_PARTY,
    ),
    Entry(
        "groups.CouncilGroupUserObjectPermission",
        _("Tilgang til grupper"),
        _("Hvilke grupper du har tilgang til i portalen."),
        ART6_CONTRACT,
        Retention(_("Så lenge du er med i gruppa.")),
        Erasure.DELETE,
        ("user", "content_object"),
        subjects=("user",),
        special_category=ART9_PARTY,
    ),
    Entry(
        "groups.RuleSet",
        _("Reglement du har foreslått"),
        _("Hvem som foreslo en endring i reglementet."),
        ART6_INTEREST,
        GROUP_ARCHIVE,
        Erasure.ANONYMISE,
        ("proposed_by", "adopted_document"),
        subjects=("proposed_by",),
        anonymise=("proposed_by",),
        export_exclude=("adopted_document",),
        notes=_(
            "Den vedtatte teksten er gruppas protokoll over vedtaket og nevner medlemmene slik "
            "de var da; den endres ikke."
        ),
    ),
    Entry(
        "groups.RuleAcknowledgement",
        _("Bekreftelser av reglementet"),
        _("Hvem som har lest gruppas reglement."),
        ART6_INTEREST,
        Retention(GROUP_ARCHIVE.text, anchors=("ruleset__group__period_end",), years=1),
        Erasure.DELETE,
        ("user", "acknowledged_at"),
        subjects=("user",),
    ),
    Entry(
        "groups.RulesDelivery",
        _("Utsendinger av reglementet"),
        _("Hvem som har fått reglementet eller en påminnelse, og når."),
        ART6_INTEREST,
        Retention(GROUP_ARCHIVE.text, anchors=("ruleset__group__period_end",), years=1),
        Erasure.DELETE,
        ("user", "queued_at", "sent_at"),
        subjects=("user",),
    ),
    Entry(
        "groups.RulesDispatch",
        _("Reglement du har sendt ut"),
        _("Hvem som sendte reglementet til gruppa."),
        ART6_INTEREST,
        GROUP_ARCHIVE,
        Erasure.ANONYMISE,
        ("created_by",),
        subjects=("created_by",),
    ),
    Entry(
        "groups.PeriodConstitution",
        _("Innkalling til konstituerende møte"),
        _("Hvem som kalte inn den nye gruppa etter valget."),
        ART6_INTEREST,
        GROUP_ARCHIVE,
        Erasure.ANONYMISE,
        ("convener",),
        subjects=("convener",),
    ),
    Entry(
        "groups.Election",
        _("Valg av gruppeleder og nestleder"),
        _("Hvem gruppa valgte på det konstituerende møtet, og hvem som førte valget inn."),
        ART6_INTEREST,
        GROUP_ARCHIVE,
        Erasure.ANONYMISE,
        ("elected", "recorded_by"),
        subjects=("elected__user", "recorded_by"),
        anonymise=("elected", "recorded_by"),
        special_category=ART9_PARTY,
    ),
    Entry(
        "groups.SeatTransition",
        _("Plasser ført over til ny periode"),
        _("Om plassen din ble videreført eller avsluttet da gruppa fikk ny periode."),
        ART6_INTEREST,
        Retention(GROUP_ARCHIVE.text, anchors=("period__period_end",), years=1),
        Erasure.DELETE,
        ("previous", "decision", "decided_by"),
        subjects=("previous__user",),
        special_category=ART9_PARTY,
    ),
    Entry(
        "groups.EthicsAcknowledgement",
        _("Bekreftelser av etiske retningslinjer"),
        _("Hvem som har lest partiets etiske retningslinjer."),
        ART6_INTEREST,
        WHILE_ACCOUNT,
        Erasure.DELETE,
        ("user", "acknowledged_at"),
        subjects=("user",),
    ),
    Entry(
        "groups.EthicsRequest",
        _("Forespørsler om å bekrefte etiske retningslinjer"),
        _("Hvem som er bedt om å gå gjennom en ny versjon, og når e-posten ble sendt."),
        ART6_INTEREST,
        WHILE_ACCOUNT,
        Erasure.DELETE,
        ("user", "requested_at", "emailed_at"),
        subjects=("user",),
    ),
    Entry(
        "groups.EthicsGuidelines",
        _("Etiske retningslinjer du har publisert"),
        _("Hvem i sekretariatet som publiserte en versjon av retningslinjene."),
        ART6_INTEREST,
        Retention(_("Så lenge versjonen finnes.")),
        Erasure.ANONYMISE,
        ("published_by",),
        subjects=("published_by",),
    ),
    Entry(
        "groups.AuditEntry",
        _("Logg over hva som er gjort som gjelder deg"),
        _("Sporbarhet: hvem gjorde hva, når. Bare id-er og koder."),
        ART6_INTEREST,
        AUDIT,
        Erasure.ANONYMISE,
        ("actor", "subject_user"),
        subjects=("subject_user",),
        anonymise=("subject_user",),
        export_exclude=("actor",),
    ),
    Entry(
        "groups.PersonErasure",
        _("Sletteforespørsler"),
        _("At en person er slettet, og hva som må lagres til fristen går ut (art. 17)."),
        ART6_LEGAL,
        Retention(_("Fem år etter at slettingen er fullført."), anchors=("completed_at",), years=5),
        Erasure.ANONYMISE,
        ("person_id", "requested_by"),
        subjects=(),
        anonymise=("requested_by",),
        in_export=False,
        notes=_("Bare id-er og antall."),
    ),
    # --- meetings ----------------------------------------------------------------------------
    Entry(
        "meetings.Meeting",
        _("Møter du har satt opp"),
        _("Hvem som kalte inn til møtet."),
        ART6_INTEREST,
        GROUP_ARCHIVE,
        Erasure.ANONYMISE,
        ("created_by",),
        subjects=("created_by",),
    ),
    Entry(
        "meetings.MeetingPlan",
        _("Møteplaner du har vedtatt"),
        _("Hvem som vedtok halvårsplanen."),
        ART6_INTEREST,
        GROUP_ARCHIVE,
        Erasure.ANONYMISE,
        ("adopted_by",),
        subjects=("adopted_by",),
    ),
    Entry(
        "meetings.MeetingRequest",
        _("Krav om møte"),
        _("Hvem som ba om et gruppemøte eller styremøte."),
        ART6_INTEREST,
        GROUP_ARCHIVE,
        Erasure.ANONYMISE,
        ("created_by", "reason"),
        subjects=("created_by",),
        anonymise=("created_by",),
    ),
    Entry(
        "meetings.RequestSignature",
        _("Underskrifter på krav om møte"),
        _("Hvem som støttet kravet om møte."),
        ART6_INTEREST,
        Retention(GROUP_ARCHIVE.text, anchors=("request__group__period_end",), years=1),
        Erasure.DELETE,
        ("membership", "signed_at"),
        subjects=("membership__user",),
        special_category=ART9_PARTY,
    ),
    Entry(
        "meetings.CouncilCase",
        _("Saker du har fått ansvar for"),
        _("Fordeling av kommunestyrets saker blant medlemmene."),
        ART6_INTEREST,
        Retention(GROUP_ARCHIVE.text, anchors=("council_meeting__group__period_end",), years=1),
        Erasure.ANONYMISE,
        ("responsible",),
        subjects=("responsible__user",),
        anonymise=("responsible",),
    ),
    Entry(
        "meetings.AgendaItem",
        _("Saker du har meldt inn til saklista"),
        _("Medlemmene melder inn saker til lederen."),
        ART6_INTEREST,
        Retention(GROUP_ARCHIVE.text, anchors=("meeting__group__period_end",), years=1),
        Erasure.ANONYMISE,
        ("submitted_by", "description"),
        subjects=("submitted_by",),
    ),
    Entry(
        "meetings.Minutes",
        _("Referater du har skrevet eller godkjent"),
        _("Referat fra gruppemøter."),
        ART6_INTEREST,
        Retention(GROUP_ARCHIVE.text, anchors=("meeting__group__period_end",), years=1),
        Erasure.ANONYMISE,
        ("written_by", "approved_by", "present_text", "present", "leader"),
        subjects=("written_by", "approved_by", "leader__user", "present__user"),
        anonymise=("written_by", "approved_by"),
        export_exclude=("present_text", "notes"),
        notes=_(
            "Hvem som var til stede og møteleder er koblet til medlemskapet og går når det "
            "slettes; det godkjente referatet beholder navnene."
        ),
    ),
    Entry(
        "meetings.MinutesVersion",
        _("Referatversjoner du har godkjent"),
        _("Godkjente, låste referater."),
        ART6_INTEREST,
        Retention(GROUP_ARCHIVE.text, anchors=("minutes__meeting__group__period_end",), years=1),
        Erasure.ANONYMISE,
        ("approved_by", "content"),
        subjects=("approved_by",),
        anonymise=("approved_by",),
        export_exclude=("content",),
    ),
    Entry(
        "meetings.Dissent",
        _("Protokolltilførsler"),
        _("Din protokolltilførsel i referatet."),
        ART6_INTEREST,
        Retention(
            GROUP_ARCHIVE.text, anchors=("agenda_item__meeting__group__period_end",), years=1
        ),
        Erasure.KEEP,
        ("author", "text"),
        subjects=("author",),
        special_category=ART9_PARTY,
        notes=_("Er en del av et godkjent referat og blir stående til fristen går ut."),
    ),
    Entry(
        "meetings.ConflictOfInterest",
        _("Habilitet"),
        _("Når du har tatt opp din egen habilitet, og gruppas avgjørelse."),
        ART6_LEGAL,
        Retention(
            GROUP_ARCHIVE.text, anchors=("agenda_item__meeting__group__period_end",), years=1
        ),
        Erasure.KEEP,
        ("membership", "reason"),
        subjects=("membership__user",),
        special_category=ART9_PARTY,
        notes=_("Er en del av et godkjent referat og blir stående til fristen går ut."),
    ),
    Entry(
        "meetings.VoteDeviationNotice",
        _("Meldinger om avvikende stemme"),
        _("At du vil stemme mot gruppas konklusjon."),
        ART6_INTEREST,
        Retention(
            GROUP_ARCHIVE.text, anchors=("case__council_meeting__group__period_end",), years=1
        ),
        Erasure.DELETE,
        ("membership", "reason"),
        subjects=("membership__user",),
        special_category=ART9_PARTY,
    ),
    Entry(
        "meetings.ProgrammeIssue",
        _("Programpunkter du følger opp"),
        _("Oppfølging av programmet."),
        ART6_INTEREST,
        GROUP_ARCHIVE,
        Erasure.ANONYMISE,
        ("assignee",),
        subjects=("assignee__user",),
        anonymise=("assignee",),
    ),
    Entry(
        "meetings.CouncilQuestion",
        _("Spørsmål og interpellasjoner til kommunestyret"),
        _(
            "Spørsmål og interpellasjoner du har skrevet, sendt inn, registrert svar på eller trukket."
        ),
        ART6_INTEREST,
        Retention(GROUP_ARCHIVE.text, anchors=("group__period_end",), years=1),
        Erasure.KEEP,
        ("author", "text", "submitted_by", "answer_recorded_by", "withdrawn_by", "late_reason"),
        subjects=("author__user", "submitted_by", "answer_recorded_by", "withdrawn_by"),
        special_category=ART9_PARTY,
        notes=_(
            "Det som er sendt inn til kommunestyret, er offentlig og blir stående til fristen "
            "går ut."
        ),
    ),
    Entry(
        "meetings.QuestionVersion",
        _("Spørsmål du har godkjent"),
        _("Godkjente, låste tekster av spørsmål og interpellasjoner."),
        ART6_INTEREST,
        Retention(GROUP_ARCHIVE.text, anchors=("question__group__period_end",), years=1),
        Erasure.KEEP,
        ("approved_by", "text"),
        subjects=("approved_by",),
        notes=_("Er en godkjent tekst og blir stående til fristen går ut."),
    ),
    Entry(
        "meetings.QuestionDeadline",
        _("Frister for spørsmål du har lagt inn"),
        _("Kommunens frister for å sende inn spørsmål og interpellasjoner."),
        ART6_INTEREST,
        Retention(GROUP_ARCHIVE.text, anchors=("council_meeting__group__period_end",), years=1),
        Erasure.ANONYMISE,
        ("set_by",),
        subjects=("set_by",),
    ),
    Entry(
        "meetings.QuestionReminder",
        _("Sendte påminnelser om frister for spørsmål"),
        _("At en påminnelse om fristen er sendt, så den ikke sendes to ganger."),
        ART6_CONTRACT,
        Retention(GROUP_ARCHIVE.text, anchors=("question__group__period_end",), years=1),
        Erasure.DELETE,
        ("user", "sent_at"),
        subjects=("user",),
    ),
    Entry(
        "meetings.CalendarFeed",
        _("Kalenderabonnement"),
        _("Din private kalenderlenke."),
        ART6_CONTRACT,
        WHILE_ACCOUNT,
        Erasure.DELETE,
        ("user", "token_digest"),
        subjects=("user",),
        export_exclude=("token_digest",),
    ),
    Entry(
        "meetings.ReminderPreference",
        _("Påminnelser"),
        _("Når du vil ha påminnelse om møter."),
        ART6_CONTRACT,
        WHILE_ACCOUNT,
        Erasure.DELETE,
        ("user", "minutes_before"),
        subjects=("user",),
    ),
    Entry(
        "meetings.SentReminder",
        _("Sendte påminnelser"),
        _("At en påminnelse er sendt, så den ikke sendes to ganger."),
        ART6_CONTRACT,
        Retention(GROUP_ARCHIVE.text, anchors=("meeting__group__period_end",), years=1),
        Erasure.DELETE,
        ("user", "sent_at"),
        subjects=("user",),
    ),
    Entry(
        "meetings.CycleEntry",
        _("Ansvar i årshjulet"),
        _(
            "Hvem som er ansvarlig for en oppgave i gruppas årshjul, og hvem som markerte den gjort."
        ),
        ART6_INTEREST,
        Retention(GROUP_ARCHIVE.text, anchors=("group__period_end",), years=1),
        Erasure.ANONYMISE,
        ("responsible", "done_by"),
        subjects=("responsible__user", "done_by"),
        anonymise=("responsible", "done_by"),
    ),
    Entry(
        "meetings.CycleReminder",
        _("Sendte påminnelser om frister i årshjulet"),
        _("At en påminnelse om en frist er sendt, så den ikke sendes to ganger."),
        ART6_CONTRACT,
        Retention(
            GROUP_ARCHIVE.text,
            anchors=("entry__group__period_end", "issue__group__period_end"),
            years=1,
        ),
        Erasure.DELETE,
        ("user", "sent_at"),
        subjects=("user",),
    ),
    Entry(
        "meetings.SummonsRevision",
        _("Innkallinger du har sendt"),
        _("Innkallinger, endringer og avlysninger av møter, så hver går ut én gang."),
        ART6_INTEREST,
        Retention(GROUP_ARCHIVE.text, anchors=("meeting__group__period_end",), years=1),
        Erasure.ANONYMISE,
        ("created_by",),
        subjects=("created_by",),
        export_exclude=("content", "changed"),
    ),
    Entry(
        "meetings.SummonsDispatch",
        _("Innkallinger sendt til deg"),
        _("At innkallingen er sendt til deg, så den ikke sendes to ganger."),
        ART6_CONTRACT,
        Retention(GROUP_ARCHIVE.text, anchors=("revision__meeting__group__period_end",), years=1),
        Erasure.DELETE,
        ("membership", "sent_at"),
        subjects=("membership__user",),
    ),
    Entry(
        "meetings.MeetingReply",
        _("Svar på innkallinger og forfall"),
        _("Om du kommer til møtet, eller har meldt forfall med grunn."),
        ART6_INTEREST,
        Retention(GROUP_ARCHIVE.text, anchors=("meeting__group__period_end",), years=1),
        Erasure.DELETE,
        ("membership", "attending", "reason"),
        subjects=("membership__user",),
    ),
    Entry(
        "meetings.SubstituteCall",
        _("Innkalling av vararepresentanter"),
        _("Hvilken vararepresentant som møtte for hvem; en del av referatet."),
        ART6_INTEREST,
        Retention(GROUP_ARCHIVE.text, anchors=("meeting__group__period_end",), years=1),
        Erasure.KEEP,
        ("substitute", "replaces", "called_by"),
        subjects=("substitute__user", "replaces__user", "called_by"),
        notes=_("Er en del av møtets referat og blir stående til fristen går ut."),
    ),
    Entry(
        "meetings.Vote",
        _("Avstemninger du har åpnet"),
        _("Avstemninger blant gruppas medlemmer, med resultat."),
        ART6_INTEREST,
        Retention(GROUP_ARCHIVE.text, anchors=("group__period_end",), years=1),
        Erasure.ANONYMISE,
        ("opened_by", "text"),
        subjects=("opened_by",),
        anonymise=("opened_by",),
    ),
    Entry(
        "meetings.Ballot",
        _("Dine stemmer"),
        _(
            "At du har stemt, så ingen stemmer to ganger; hva du stemte bare ved åpen "
            "avstemning (hemmelig: bare at du stemte)."
        ),
        ART6_INTEREST,
        Retention(GROUP_ARCHIVE.text, anchors=("vote__group__period_end",), years=1),
        Erasure.DELETE,
        ("membership", "choice"),
        subjects=("membership__user",),
        special_category=ART9_PARTY,
        notes=_("Resultatet av avstemningen er lagret for seg og endres ikke når stemmen slettes."),
    ),
    # --- attendance --------------------------------------------------------------------------
    Entry(
        "attendance.Consent",
        _("Samtykker til frammøtelista"),
        _("Samtykke til å stå på kursets frammøteliste."),
        ART6_CONSENT,
        ATTENDANCE_LIST,
        Erasure.KEEP,
        ("user", "given_at", "withdrawn_at"),
        subjects=("user",),
        special_category=ART9_CONSENT,
    ),
    Entry(
        "attendance.Presence",
        _("Frammøte"),
        _("Når du var til stede på kurssamlinger, for studietimer og kursbevis."),
        ART6_LEGAL,
        ATTENDANCE_LIST,
        Erasure.KEEP,
        ("user", "started_at", "ended_at"),
        subjects=("user",),
        special_category=ART9_CONSENT,
        export_exclude=("created_by",),
    ),
    Entry(
        "attendance.PresenceCorrection",
        _("Endringer i frammøtet ditt"),
        _("Kurslederens rettelser av frammøte, med grunn."),
        ART6_LEGAL,
        ATTENDANCE_LIST,
        Erasure.KEEP,
        ("user", "reason"),
        subjects=("user",),
        special_category=ART9_CONSENT,
        export_exclude=("actor",),
    ),
    Entry(
        "attendance.Course",
        _("Kurs du leder eller har behandlet"),
        _("Kursleder og behandling av kurset."),
        ART6_LEGAL,
        ATTENDANCE_LIST,
        Erasure.ANONYMISE,
        ("course_leader", "created_by", "decided_by"),
        subjects=("course_leader", "created_by", "decided_by"),
        anonymise=("created_by", "decided_by"),
        special_category=ART9_CONSENT,
        export_exclude=("reported_hours",),
    ),
    Entry(
        "attendance.Exemption",
        _("Søknader om unntak"),
        _("Søknad om unntak fra deltakerkravet og avgjørelsen."),
        ART6_LEGAL,
        ATTENDANCE_LIST,
        Erasure.ANONYMISE,
        ("requested_by", "decided_by", "reason"),
        subjects=("requested_by", "decided_by"),
        notes=_("Begrunnelsen kan gjelde sykdom; den lagres med kurset."),
    ),
    Entry(
        "attendance.Certificate",
        _("Kursbevis"),
        _("Kursbeviset ditt, med navn, kurs og studietimer, og en kontrollkode."),
        ART6_LEGAL,
        Retention(
            _("Så lenge frammøtelista lagres (minst fem år). Last ned kursbeviset før det."),
            enforced_by="attendance.services.retention_sweep",
        ),
        Erasure.KEEP,
        ("user", "participant_name", "file"),
        subjects=("user",),
        special_category=ART9_CONSENT,
        export_exclude=("sha256",),
    ),
    Entry(
        "attendance.CertificateRun",
        _("Utskrifter av kursbevis du har bestilt"),
        _("Hvem som bestilte kursbevisene for et kurs."),
        ART6_INTEREST,
        ATTENDANCE_LIST,
        Erasure.ANONYMISE,
        ("requested_by",),
        subjects=("requested_by",),
        export_exclude=("merged", "merged_sha256", "error"),
    ),
    Entry(
        "attendance.AttendanceListConfirmation",
        _("Frammøtelister du har bekreftet"),
        _("Kurslederen bekrefter frammøtelista før rapportering."),
        ART6_LEGAL,
        ATTENDANCE_LIST,
        Erasure.KEEP,
        ("confirmed_by", "confirmed_name"),
        subjects=("confirmed_by",),
        anonymise=("confirmed_by", "confirmed_name"),
        special_category=ART9_CONSENT,
    ),
    Entry(
        "attendance.StudyPolicy",
        _("Regelsett du har lagt inn"),
        _("Hvem som endret reglene for studiearbeid."),
        ART6_INTEREST,
        Retention(_("Så lenge regelsettet finnes.")),
        Erasure.ANONYMISE,
        ("created_by",),
        subjects=("created_by",),
    ),
    Entry(
        "attendance.StudyPlan",
        _("Studieplaner du har godkjent"),
        _("Hvem som godkjente en versjon av en studieplan."),
        ART6_INTEREST,
        Retention(_("Så lenge studieplanen finnes.")),
        Erasure.ANONYMISE,
        ("approved_by",),
        subjects=("approved_by",),
    ),
    Entry(
        "attendance.SubsidyRate",
        _("Satser du har lagt inn"),
        _("Hvem som endret satsen for opplæringstilskudd."),
        ART6_INTEREST,
        Retention(_("Så lenge satsen finnes.")),
        Erasure.ANONYMISE,
        ("updated_by",),
        subjects=("updated_by",),
    ),
    Entry(
        "attendance.QuarterClosing",
        _("Kvartaler du har lukket"),
        _("Hvem som lukket kvartalsrapporten for opplæringstilskudd."),
        ART6_LEGAL,
        Retention(_("Så lenge kvartalsrapporten finnes.")),
        Erasure.ANONYMISE,
        ("closed_by", "closed_by_name"),
        subjects=("closed_by",),
        anonymise=("closed_by", "closed_by_name"),
    ),
    # --- whistleblowing: not linked to accounts; its own sweep enforces W14 --------------------
    Entry(
        "whistleblowing.Case",
        _("Varslingssaker"),
        _("Behandle varsler om kritikkverdige forhold."),
        ART6_LEGAL,
        WHISTLEBLOWING,
        Erasure.OWN_APP,
        ("content_blob",),
        special_category=ART9_WB,
        in_export=False,
        notes=WB_NOTE,
    ),
    Entry(
        "whistleblowing.Message",
        _("Meldinger i varslingssaker"),
        _("Dialog mellom varsler og mottaker."),
        ART6_LEGAL,
        WHISTLEBLOWING,
        Erasure.OWN_APP,
        ("body_blob", "handler"),
        special_category=ART9_WB,
        in_export=False,
        notes=WB_NOTE,
    ),
    Entry(
        "whistleblowing.LogEntry",
        _("Saksnotater i varslingssaker"),
        _("Dokumentasjon av behandlingen."),
        ART6_LEGAL,
        WHISTLEBLOWING,
        Erasure.OWN_APP,
        ("payload_blob", "handler"),
        special_category=ART9_WB,
        in_export=False,
        notes=WB_NOTE,
    ),
    Entry(
        "whistleblowing.Attachment",
        _("Vedlegg i varslingssaker"),
        _("Dokumentasjon fra varsler eller mottaker."),
        ART6_LEGAL,
        WHISTLEBLOWING,
        Erasure.OWN_APP,
        ("file", "meta_blob"),
        special_category=ART9_WB,
        in_export=False,
        notes=WB_NOTE,
    ),
    Entry(
        "whistleblowing.KeyGrant",
        _("Tilgang til varslingssaker"),
        _("Hvilke mottakere som kan lese en sak (krypteringsnøkler)."),
        ART6_LEGAL,
        WHISTLEBLOWING,
        Erasure.OWN_APP,
        ("handler", "granted_by"),
        in_export=False,
        notes=_(
            "Partiets generalsekretær har en nøkkel i reserve til partiets saker, slik at "
            "saken kan løftes til hen etter 14 dager uten reaksjon. Ved varsler om "
            "Senterungdommen får partiets generalsekretær bare vite at saken finnes, uten "
            "nøkkel, med mindre en av Senterungdommens lesere gir tilgang eller varsleren "
            "har bedt om at Senterungdommens generalsekretær ikke skal se saken."
        ),
    ),
    Entry(
        "whistleblowing.Handler",
        _("Varslingsmottakere"),
        _("Hvem som tar imot varsler, med rolle og kjønn."),
        ART6_LEGAL,
        Retention(
            _("Så lenge personen er varslingsmottaker."),
            enforced_by="whistleblowing (deaktivering av mottaker)",
        ),
        Erasure.OWN_APP,
        ("user", "gender", "role"),
        subjects=("user",),
        in_export=False,
        represents_person=True,
        notes=_("Varslingsmottakere får innsyn gjennom sekretariatet, ikke gjennom Mine data."),
    ),
    Entry(
        "whistleblowing.Unlock",
        _("Opplåste nøkler i varslingsmottaket"),
        _(
            "En opplåst nøkkel holdes i en låst boks i 15 minutter; nøkkelen til boksen "
            "finnes bare i nettleseren som låste den opp."
        ),
        ART6_LEGAL,
        Retention(
            _("Femten minutter; slettes når nøkkelen låses, ved utlogging eller når tiden er ute."),
            enforced_by="whistleblowing.tasks.unlock_sweep",
        ),
        Erasure.OWN_APP,
        ("handler",),
        in_export=False,
        notes=WB_NOTE,
    ),
    Entry(
        "whistleblowing.CaseTrigger",
        _("Generalsekretæren informert i varslingssaker"),
        _(
            "Når en mottaker har bedt om at generalsekretæren informeres om en sak. Hvorfor "
            "står kryptert i saksdokumentasjonen."
        ),
        ART6_LEGAL,
        WHISTLEBLOWING,
        Erasure.OWN_APP,
        ("handler",),
        in_export=False,
        notes=WB_NOTE,
    ),
    Entry(
        "whistleblowing.HelpRequest",
        _("Bistand fra partiet sentralt i varslingssaker"),
        _("Hvem som ba om bistand og når, og når bistanden ble gitt (fristen på 14 dager)."),
        ART6_LEGAL,
        WHISTLEBLOWING,
        Erasure.OWN_APP,
        ("requested_by", "answered_by"),
        in_export=False,
        notes=WB_NOTE,
    ),
    Entry(
        "whistleblowing.LegalHold",
        _("Stans av sletting i varslingssaker"),
        _(
            "Politiet eller en domstol trenger dokumentasjonen: saken slettes ikke før "
            "datoen. Hvem som trenger den, står kryptert i saksdokumentasjonen."
        ),
        ART6_LEGAL,
        Retention(
            _("Slettes med saken, ved første sletting etter at stansen er over."),
            enforced_by="whistleblowing.tasks.retention_sweep",
        ),
        Erasure.OWN_APP,
        ("placed_by",),
        in_export=False,
        notes=WB_NOTE,
    ),
    Entry(
        "whistleblowing.PublicContact",
        _("Offentlige varslingskontakter"),
        _(
            "Navn, telefon og e-post varslingssiden viser for dem som vil varsle på telefon "
            "eller e-post."
        ),
        ART6_LEGAL,
        Retention(
            _("Så lenge personen er varslingskontakt; sekretariatet fjerner kontakten."),
            enforced_by="whistleblowing (sekretariatet fjerner kontakten)",
        ),
        Erasure.OWN_APP,
        ("name", "phone", "email"),
        in_export=False,
        notes=_("Kontaktene er offentlige og ikke knyttet til en brukerkonto."),
    ),
    Entry(
        "whistleblowing.AuditEvent",
        _("Logg i varslingsmottaket"),
        _("Hvem som leste og gjorde hva i en sak."),
        ART6_LEGAL,
        WHISTLEBLOWING,
        Erasure.OWN_APP,
        ("actor",),
        in_export=False,
        notes=WB_NOTE,
    ),
)

# Models the heuristic in tests/privacy flags but that hold no personal data, with why.
NOT_PERSONAL: dict[str, Text] = {
    "groups.CouncilGroup": _("Navnet er kommunens eller fylkets, ikke en persons."),
    "groups.Committee": _("Navnet er utvalgets."),
    "attendance.CourseSession": _("Kobler et møte til et kurs; ingen personopplysninger."),
    "meetings.CouncilMeeting": _("Kommunestyrets møter er offentlige."),
    "groups.Heartbeat": _("Driftsmåling; navnet er en kø, ikke en person."),
    "groups.SweepRun": _("Navnet er sletterutinens; bare tall."),
    "groups.CouncilGroupGroupObjectPermission": _("Tilgang for roller, ikke for personer."),
}


def entry_for(label: str) -> Entry | None:
    """The entry for ``"app_label.ModelName"`` (case-insensitive), or None."""
    label = label.lower()
    return next((e for e in INVENTORY if e.key == label), None)

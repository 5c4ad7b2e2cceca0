"""The personal data of groups' models: why, on what basis, how long, whose and how it goes
(merged into the inventory by ``config.privacy``). Plain data only: no model imports."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from config.personal_data import (
    ART6_CONTRACT,
    ART6_INTEREST,
    ART6_LEGAL,
    ART9_PARTY,
    GROUP_ARCHIVE,
    WHILE_ACCOUNT,
    Entry,
    Erasure,
    Retention,
    Text,
    archive,
    recorded_by,
)

AFTER_MEMBERSHIP_TEXT = _(
    "Ett år etter at du gikk ut av gruppa eller gruppas periode sluttet, så slettes det."
)
AFTER_MEMBERSHIP = Retention(
    AFTER_MEMBERSHIP_TEXT, anchors=("left_on", "group__period_end"), years=1
)
AUDIT = Retention(
    _("Fem år; deretter fjernes koblingen til deg. Loggen har bare id-er og koder."),
    anchors=("at",),
    years=5,
)

ENTRIES: tuple[Entry, ...] = (
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
            AFTER_MEMBERSHIP_TEXT,
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
        archive("ruleset__group"),
        Erasure.DELETE,
        ("user", "acknowledged_at"),
        subjects=("user",),
    ),
    Entry(
        "groups.RulesDelivery",
        _("Utsendinger av reglementet"),
        _("Hvem som har fått reglementet eller en påminnelse, og når."),
        ART6_INTEREST,
        archive("ruleset__group"),
        Erasure.DELETE,
        ("user", "queued_at", "sent_at"),
        subjects=("user",),
    ),
    recorded_by(
        "groups.RulesDispatch",
        _("Reglement du har sendt ut"),
        _("Hvem som sendte reglementet til gruppa."),
        "created_by",
    ),
    recorded_by(
        "groups.PeriodConstitution",
        _("Innkalling til konstituerende møte"),
        _("Hvem som kalte inn den nye gruppa etter valget."),
        "convener",
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
        archive("period"),
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
    recorded_by(
        "groups.EthicsGuidelines",
        _("Etiske retningslinjer du har publisert"),
        _("Hvem i sekretariatet som publiserte en versjon av retningslinjene."),
        "published_by",
        retention=Retention(_("Så lenge versjonen finnes.")),
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
    # The outbox (groups/outbox.py): a task's name and its ids, a user's among them.
    Entry(
        "groups.QueuedTask",
        _("Oppgaver i kø"),
        _(
            "E-poster og varsler som skal sendes etter en endring, så de blir sendt også om "
            "køen har vært nede. Bare oppgavens navn og id-er, for eksempel din."
        ),
        ART6_INTEREST,
        Retention(
            _("En uke etter at oppgaven er utført; deretter slettes den."),
            enforced_by="groups.outbox.sweep",
        ),
        Erasure.DELETE,
        ("args",),
        in_export=False,
        notes=_("Id-ene er ikke koblet til kontoen, så raden går først når uka er omme."),
    ),
)

# Models the heuristic in tests/privacy flags but that hold no personal data, with why.
NOT_PERSONAL: dict[str, Text] = {
    "groups.CouncilGroup": _("Navnet er kommunens eller fylkets, ikke en persons."),
    "groups.Committee": _("Navnet er utvalgets."),
    "groups.Heartbeat": _("Driftsmåling; navnet er en kø, ikke en person."),
    "groups.SweepRun": _("Navnet er sletterutinens; bare tall."),
    "groups.CouncilGroupGroupObjectPermission": _("Tilgang for roller, ikke for personer."),
}

"""The personal data of whistleblowing's models (merged into the inventory by
``config.privacy``). Not linked to accounts: this app's own sweeps enforce W14, and nothing
here is in a member's export. Plain data only: no model imports."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from config.personal_data import ART6_LEGAL, WB_NOTE, Entry, Erasure, Retention, Text

ART9_WB = _(
    "GDPR art. 9 nr. 2 d og f: partiets varslingsrutiner; rettskrav (kan vise politisk "
    "tilhørighet, helse eller seksualliv)"
)
RETENTION_SWEEP = "whistleblowing.tasks.retention_sweep"
WHISTLEBLOWING = Retention(
    _("Slettes senest fem år etter at saken er avsluttet."), enforced_by=RETENTION_SWEEP
)


def wb_entry(
    model: str,
    title: Text,
    purpose: Text,
    personal_fields: tuple[str, ...],
    *,
    retention: Retention = WHISTLEBLOWING,
    notes: Text = WB_NOTE,
    **extra: Any,
) -> Entry:
    """An entry of this app: a legal duty, erased by the app itself, never in the export."""
    return Entry(
        model,
        title,
        purpose,
        ART6_LEGAL,
        retention,
        Erasure.OWN_APP,
        personal_fields,
        in_export=False,
        notes=notes,
        **extra,
    )


ENTRIES: tuple[Entry, ...] = (
    wb_entry(
        "whistleblowing.Case",
        _("Varslingssaker"),
        _("Behandle varsler om kritikkverdige forhold."),
        ("content_blob",),
        special_category=ART9_WB,
    ),
    wb_entry(
        "whistleblowing.Message",
        _("Meldinger i varslingssaker"),
        _("Dialog mellom varsler og mottaker."),
        ("body_blob", "handler"),
        special_category=ART9_WB,
    ),
    wb_entry(
        "whistleblowing.LogEntry",
        _("Saksnotater i varslingssaker"),
        _("Dokumentasjon av behandlingen."),
        ("payload_blob", "handler"),
        special_category=ART9_WB,
    ),
    wb_entry(
        "whistleblowing.Attachment",
        _("Vedlegg i varslingssaker"),
        _("Dokumentasjon fra varsler eller mottaker."),
        ("file", "meta_blob"),
        special_category=ART9_WB,
    ),
    wb_entry(
        "whistleblowing.KeyGrant",
        _("Tilgang til varslingssaker"),
        _("Hvilke mottakere som kan lese en sak (krypteringsnøkler)."),
        ("handler", "granted_by"),
        notes=_(
            "Partiets generalsekretær har en nøkkel i reserve til partiets saker, slik at "
            "saken kan løftes til hen etter 14 dager uten reaksjon. Ved varsler om "
            "Senterungdommen får partiets generalsekretær bare vite at saken finnes, uten "
            "nøkkel, med mindre en av Senterungdommens lesere gir tilgang eller varsleren "
            "har bedt om at Senterungdommens generalsekretær ikke skal se saken."
        ),
    ),
    wb_entry(
        "whistleblowing.Handler",
        _("Varslingsmottakere"),
        _("Hvem som tar imot varsler, med rolle og kjønn."),
        ("user", "gender", "role"),
        retention=Retention(
            _("Så lenge personen er varslingsmottaker."),
            enforced_by="whistleblowing (deaktivering av mottaker)",
        ),
        subjects=("user",),
        represents_person=True,
        notes=_("Varslingsmottakere får innsyn gjennom sekretariatet, ikke gjennom Mine data."),
    ),
    wb_entry(
        "whistleblowing.Unlock",
        _("Opplåste nøkler i varslingsmottaket"),
        _(
            "En opplåst nøkkel holdes i en låst boks i 15 minutter; nøkkelen til boksen "
            "finnes bare i nettleseren som låste den opp."
        ),
        ("handler",),
        retention=Retention(
            _("Femten minutter; slettes når nøkkelen låses, ved utlogging eller når tiden er ute."),
            enforced_by="whistleblowing.tasks.unlock_sweep",
        ),
    ),
    wb_entry(
        "whistleblowing.CaseTrigger",
        _("Generalsekretæren informert i varslingssaker"),
        _(
            "Når en mottaker har bedt om at generalsekretæren informeres om en sak. Hvorfor "
            "står kryptert i saksdokumentasjonen."
        ),
        ("handler",),
    ),
    wb_entry(
        "whistleblowing.HelpRequest",
        _("Bistand fra partiet sentralt i varslingssaker"),
        _("Hvem som ba om bistand og når, og når bistanden ble gitt (fristen på 14 dager)."),
        ("requested_by", "answered_by"),
    ),
    wb_entry(
        "whistleblowing.LegalHold",
        _("Stans av sletting i varslingssaker"),
        _(
            "Politiet eller en domstol trenger dokumentasjonen: saken slettes ikke før "
            "datoen. Hvem som trenger den, står kryptert i saksdokumentasjonen."
        ),
        ("placed_by",),
        retention=Retention(
            _("Slettes med saken, ved første sletting etter at stansen er over."),
            enforced_by=RETENTION_SWEEP,
        ),
    ),
    wb_entry(
        "whistleblowing.PublicContact",
        _("Offentlige varslingskontakter"),
        _(
            "Navn, telefon og e-post varslingssiden viser for dem som vil varsle på telefon "
            "eller e-post."
        ),
        ("name", "phone", "email"),
        retention=Retention(
            _("Så lenge personen er varslingskontakt; sekretariatet fjerner kontakten."),
            enforced_by="whistleblowing (sekretariatet fjerner kontakten)",
        ),
        notes=_("Kontaktene er offentlige og ikke knyttet til en brukerkonto."),
    ),
    wb_entry(
        "whistleblowing.AuditEvent",
        _("Logg i varslingsmottaket"),
        _("Hvem som leste og gjorde hva i en sak."),
        ("actor",),
    ),
)

# Models the heuristic in tests/privacy flags but that hold no personal data, with why.
NOT_PERSONAL: dict[str, Text] = {}

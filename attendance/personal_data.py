"""The personal data of attendance's models: why, on what basis, how long, whose and how it
goes (merged into the inventory by ``config.privacy``). Plain data only: no model imports."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from config.personal_data import (
    ART6_CONSENT,
    ART6_LEGAL,
    Entry,
    Erasure,
    Retention,
    Text,
    recorded_by,
)

ART9_CONSENT = _(
    "GDPR art. 9 nr. 2 a: uttrykkelig samtykke (frammøte på partikurs viser politisk tilhørighet)"
)
# attendance.services.retention_sweep deletes a course's list data when its time is up.
RETENTION_SWEEP = "attendance.services.retention_sweep"
ATTENDANCE_LIST = Retention(
    _(
        "Frammøtelister lagres i minst fem år etter kursslutt fordi tilskuddet krever det "
        "(Senterpartiskolen), og slettes deretter."
    ),
    enforced_by=RETENTION_SWEEP,
)

ENTRIES: tuple[Entry, ...] = (
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
            enforced_by=RETENTION_SWEEP,
        ),
        Erasure.KEEP,
        ("user", "participant_name", "file"),
        subjects=("user",),
        special_category=ART9_CONSENT,
        export_exclude=("sha256",),
    ),
    recorded_by(
        "attendance.CertificateRun",
        _("Utskrifter av kursbevis du har bestilt"),
        _("Hvem som bestilte kursbevisene for et kurs."),
        "requested_by",
        retention=ATTENDANCE_LIST,
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
    recorded_by(
        "attendance.StudyPolicy",
        _("Regelsett du har lagt inn"),
        _("Hvem som endret reglene for studiearbeid."),
        "created_by",
        retention=Retention(_("Så lenge regelsettet finnes.")),
    ),
    recorded_by(
        "attendance.StudyPlan",
        _("Studieplaner du har godkjent"),
        _("Hvem som godkjente en versjon av en studieplan."),
        "approved_by",
        retention=Retention(_("Så lenge studieplanen finnes.")),
    ),
    recorded_by(
        "attendance.SubsidyRate",
        _("Satser du har lagt inn"),
        _("Hvem som endret satsen for opplæringstilskudd."),
        "updated_by",
        retention=Retention(_("Så lenge satsen finnes.")),
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
)

# Models the heuristic in tests/privacy flags but that hold no personal data, with why.
NOT_PERSONAL: dict[str, Text] = {
    "attendance.CourseSession": _("Kobler et møte til et kurs; ingen personopplysninger."),
}

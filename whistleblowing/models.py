"""Whistleblowing data. Everything a person wrote is in ``*_blob`` fields, encrypted with
the case key (see ``crypto.py``); only what deadlines, routing and retention need is clear:
dates, status, category, the youth-wing flag and who holds a key.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

HANDLERS_GROUP = "whistleblowing_handlers"


class HandlerRole(models.TextChoices):
    SECRETARIAT = "secretariat", _("Sekretariatet")
    SECRETARY_GENERAL = "secretary_general", _("Generalsekretær")
    YOUTH_SECRETARY_GENERAL = "youth_secretary_general", _("Senterungdommens generalsekretær")
    # W5, W10: informed (metadata, no key) when a youth-wing report gets no reaction in 14 days.
    YOUTH_DEPUTY = "youth_deputy", _("Stedfortreder for Senterungdommens generalsekretær")
    # W8: the leader of the body a report concerns, and the union representative for
    # staff matters.
    LEADER = "leader", _("Nærmeste leder")
    UNION_REPRESENTATIVE = "union_representative", _("Tillitsvalgt for ansatte")


CENTRAL_ROLES = (HandlerRole.SECRETARIAT, HandlerRole.SECRETARY_GENERAL)


class BodyLevel(models.TextChoices):
    """W8: the bodies whose leader may receive a report."""

    GROUP = "group", _("Gruppe")
    LOCAL = "local", _("Lokallag")
    COUNTY = "county", _("Fylkeslag")


class HandlerGender(models.TextChoices):
    FEMALE = "female", _("Kvinne")
    MALE = "male", _("Mann")
    OTHER = "other", _("Annet / vil ikke oppgi")


class Handler(models.Model):
    """A person who receives reports. Being in the auth group is what grants the role; this
    row holds the routing facts (W8, W9) and the handler's keypair."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="wb_handler"
    )
    role = models.CharField(
        _("rolle"), max_length=32, choices=HandlerRole.choices, default=HandlerRole.SECRETARIAT
    )
    gender = models.CharField(
        _("kjønn"), max_length=10, choices=HandlerGender.choices, default=HandlerGender.OTHER
    )
    hr_competence = models.BooleanField(_("HR-kompetanse"), default=False)
    sexual_harassment_recipient = models.BooleanField(
        _("utpekt mottaker for seksuell trakassering"), default=False
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    # W8: for a leader, the body they lead (its name as the reporter knows it).
    body_level = models.CharField(
        _("nivå"), max_length=10, choices=BodyLevel.choices, blank=True, default=""
    )
    body_name = models.CharField(_("organ"), max_length=120, blank=True, default="")
    public_key = models.BinaryField(null=True, blank=True, editable=False)
    private_key_blob = models.BinaryField(null=True, blank=True, editable=False)
    kdf_salt = models.BinaryField(null=True, blank=True, editable=False)
    kdf_opslimit = models.PositiveIntegerField(null=True, blank=True, editable=False)
    kdf_memlimit = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    key_created_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("varselmottaker")
        verbose_name_plural = _("varselmottakere")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def has_keys(self) -> bool:
        return self.public_key is not None


class ContactRoute(models.TextChoices):
    """W17: which way of reporting a public contact belongs to."""

    CENTRAL = "central", _("Varslingsmottaker sentralt")
    SECRETARY_GENERAL = "secretary_general", _("Generalsekretær i Senterpartiet")
    YOUTH_WING = "youth_wing", _("Senterungdommens generalsekretær")
    STAFF = "staff", _("Tillitsvalgt for ansatte")


class PublicContact(models.Model):
    """W17: the one record of the phone and e-mail a reporter can use instead of the form,
    shown on the report page and on the "try again shortly" pages. The secretariat edits
    them (``whistleblowing.services.people``); nothing is hard-coded."""

    route = models.CharField(_("gjelder"), max_length=20, choices=ContactRoute.choices)
    title = models.CharField(
        _("tittel"),
        max_length=120,
        blank=True,
        help_text=_("For eksempel «Personal- og økonomirådgiver i Senterpartiet»."),
    )
    name = models.CharField(_("navn"), max_length=120)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email = models.EmailField(_("e-post"), blank=True)

    class Meta:
        ordering = ["route", "name", "pk"]
        verbose_name = _("offentlig varslingskontakt")
        verbose_name_plural = _("offentlige varslingskontakter")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_route_display()})"

    @property
    def label(self) -> str:
        return self.title or str(self.get_route_display())


class Category(models.TextChoices):
    """W3, in the booklet's words."""

    DISCRIMINATION = "discrimination", _("Diskriminering og trakassering")
    SEXUAL_HARASSMENT = (
        "sexual_harassment",
        _("Seksuell trakassering / uønsket seksuell oppmerksomhet"),
    )
    SUBSTANCE_ABUSE = "substance_abuse", _("Misbruk av rusmidler")
    INTEGRITY = "integrity", _("Integritet / inhabilitet")
    ROLES = "roles", _("Rolleforståelse")
    YOUNGEST = "youngest", _("Ivaretakelse av de yngste")
    FINANCIAL = "financial", _("Økonomisk mislighold")
    OTHER = "other", _("Annet")


class Relation(models.TextChoices):
    """W7, W12. Stored only inside the encrypted report."""

    AFFECTED = "affected", _("Det gjelder meg selv")
    WITNESS = "witness", _("Jeg har sett eller hørt om det")
    OUTSIDE = "outside", _("Jeg er utenfor saken, men kjenner til den")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Mottatt, ikke bekreftet")
    ACKNOWLEDGED = "acknowledged", _("Bekreftet, under behandling")
    CLOSED = "closed", _("Avsluttet")
    NOT_A_CASE = "not_a_case", _("Avsluttet: ikke en varslingssak")


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("mottatt"), db_index=True)
    category = models.CharField(_("tema"), max_length=32, choices=Category.choices)
    youth_wing = models.BooleanField(_("gjelder Senterungdommen"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    acknowledged_at = models.DateTimeField(_("bekreftet"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("løftet til generalsekretær"), null=True, blank=True)
    overdue = models.BooleanField(_("fristen på 14 dager er oversittet"), default=False)
    feedback_due_at = models.DateTimeField(_("tilbakemelding senest"), null=True, blank=True)
    feedback_given_at = models.DateTimeField(_("tilbakemelding gitt"), null=True, blank=True)
    closed_at = models.DateTimeField(_("avsluttet"), null=True, blank=True)
    delete_after = models.DateTimeField(_("slettes"), null=True, blank=True, db_index=True)
    content_blob = models.BinaryField()
    # W13, W15: the affected person's age band, encrypted with the case key like the report.
    age_blob = models.BinaryField(null=True, blank=True)
    # The reporter's access: see crypto.py.
    receipt_index = models.CharField(max_length=8, db_index=True)
    receipt_hash = models.CharField(max_length=200)
    receipt_key_blob = models.BinaryField()
    receipt_salt = models.BinaryField()
    receipt_opslimit = models.PositiveIntegerField()
    receipt_memlimit = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Varsel {self.short_ref}"

    @property
    def short_ref(self) -> str:
        return str(self.id)[:8].upper()

    @property
    def is_open(self) -> bool:
        return self.status in (CaseStatus.RECEIVED, CaseStatus.ACKNOWLEDGED)


class Access(models.TextChoices):
    """What a key grant lets the handler do in the portal.

    Readers hold the case key sealed to their public key. On party reports the secretaries
    general hold it in reserve ("standby"), so that escalation on day 14 (W10) needs nobody
    to be unlocked at that moment. "Informed" (the party secretary general on youth-wing
    reports) holds no key at all: the row is the metadata, nothing in it opens the case."""

    READ = "read", _("Kan lese")
    INFORMED = "informed", _("Informert (bare at saken finnes)")
    STANDBY = "standby", _("I reserve for eskalering")
    # The youth wing's deputy on a youth-wing report: nothing until day 14 without a
    # reaction, then informed. No key. Made at submission, so a deputy the reporter
    # excluded never gets a row (the sweep cannot read whom the reporter excluded).
    ON_ESCALATION = "on_escalation", _("Informeres ved eskalering")


class KeyGrant(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="grants")
    handler = models.ForeignKey(Handler, on_delete=models.CASCADE, related_name="grants")
    access = models.CharField(max_length=16, choices=Access.choices)
    sealed_key = models.BinaryField(null=True, blank=True)  # None for "informed"
    created_at = models.DateTimeField()
    granted_by = models.ForeignKey(
        Handler, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "handler"], name="wb_one_grant_per_handler")
        ]

    def __str__(self) -> str:
        return f"{self.handler_id}:{self.access}"


class Author(models.TextChoices):
    REPORTER = "reporter", _("Varsler")
    HANDLER = "handler", _("Saksbehandler")


class Message(models.Model):
    """Between reporter and handlers. Body encrypted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=16, choices=Author.choices)
    handler = models.ForeignKey(Handler, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField()
    body_blob = models.BinaryField()

    class Meta:
        # By id: a reporter's message is stored with its day only (dates.day_start), so
        # its time cannot order it among the handlers' messages of that day.
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Melding {self.pk}"


class LogEntry(models.Model):
    """The case documentation (W14). Kind and text are both inside the encrypted payload."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="log_entries")
    handler = models.ForeignKey(Handler, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField()
    payload_blob = models.BinaryField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Logg {self.pk}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is random; the real name is encrypted in meta_blob.
    return f"whistleblowing/{uuid.uuid4().hex}.bin"


class Attachment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    author = models.CharField(max_length=16, choices=Author.choices)
    created_at = models.DateTimeField()
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    meta_blob = models.BinaryField()
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Vedlegg {self.pk}"


class NotificationKind(models.TextChoices):
    NEW_REPORT = "new_report", _("Nytt varsel")
    REMINDER_DAY_7 = "reminder_7", _("Påminnelse dag 7")
    REMINDER_DAY_12 = "reminder_12", _("Påminnelse dag 12")
    ESCALATION_DAY_14 = "escalation_14", _("Eskalert dag 14")
    FEEDBACK_REMINDER = "feedback_reminder", _("Påminnelse om tilbakemelding")
    FEEDBACK_OVERDUE = "feedback_overdue", _("Tilbakemelding over frist")
    REPORTER_MESSAGE = "reporter_message", _("Ny melding fra varsler")
    TRIGGER = "trigger", _("Generalsekretæren informert")
    HELP_REQUESTED = "help_requested", _("Bistand fra sentralt bedt om")
    HELP_REMINDER_7 = "help_reminder_7", _("Påminnelse om bistand dag 7")
    HELP_REMINDER_12 = "help_reminder_12", _("Påminnelse om bistand dag 12")
    HELP_OVERDUE = "help_overdue", _("Bistand ikke gitt innen 14 dager")
    DELETION_NOTICE = "deletion_notice", _("Varsel om sletting om 30 dager")


class Notification(models.Model):
    """A notice, and the whistleblowing outbox (config/outbox.py, issue 20).

    The row is written in the same transaction as the change that causes it (a report, a
    reporter's message, a deadline passed); the unique constraint makes each notice exist
    once, however often the sweep runs or a worker restarts. ``delivered`` False means
    deliberately skipped (superseded by a later notice). ``sent`` turns True once the mail
    server has taken the e-mails. The row holds no case content and no address: who is
    told is worked out when it is sent (``whistleblowing.services.sweeps``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    ref = models.BigIntegerField(default=0)
    created_at = models.DateTimeField()
    delivered = models.BooleanField(default=True)
    sent = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "ref"], name="wb_notification_once")
        ]
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(delivered=True, sent=False),
                name="wb_notification_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_id}"


class TriggerKind(models.TextChoices):
    """W10: when the secretary general is informed without delay (the booklet's words)."""

    IN_DOUBT = "in_doubt", _("Det er tvil om sak og håndtering")
    AUTHORITIES = "authorities", _("Saken forutsetter håndtering av offentlig tilsyn eller politi")
    BEYOND = "beyond", _("Saken kan ha betydning utover i organisasjonen og offentligheten")


class CaseTrigger(models.Model):
    """A handler marked the case (W10); the secretary general was informed at once. The
    kind is metadata the informed general sees; the handler's words are in the case log."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="triggers")
    kind = models.CharField(max_length=16, choices=TriggerKind.choices)
    created_at = models.DateTimeField()
    handler = models.ForeignKey(
        Handler, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_id}"


class HelpRequest(models.Model):
    """W11: a local handler asked the central party for help. Its own 14-day clock runs
    from ``requested_at`` (reminders and escalation in ``deadline_sweep``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="help_requests")
    requested_by = models.ForeignKey(
        Handler, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        Handler, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    overdue = models.BooleanField(default=False)

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"Bistand {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class HoldReason(models.TextChoices):
    POLICE = "police", _("Politiet trenger dokumentasjonen")
    COURT = "court", _("Domstolen trenger dokumentasjonen")


class LegalHold(models.Model):
    """W14: the case is not deleted before ``ends_at`` (the start of the end date)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="holds")
    reason = models.CharField(max_length=16, choices=HoldReason.choices)
    ends_at = models.DateTimeField(db_index=True)
    placed_at = models.DateTimeField()
    placed_by = models.ForeignKey(
        Handler, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["placed_at", "id"]

    def __str__(self) -> str:
        return f"Hold {self.pk}"


class UsedFormToken(models.Model):
    """One row per submitted report form, so a replayed POST never makes a second case."""

    token_hash = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.token_hash[:8]


class UnlockKind(models.TextChoices):
    HANDLER = "handler", _("Saksbehandlers nøkkel")
    REPORTER = "reporter", _("Varslers sak")


class Unlock(models.Model):
    """A secret unlocked for a few minutes (see ``whistleblowing.unlock``).

    ``blob`` is the secret encrypted under a random key that only the browser holds (in a
    cookie); ``key_hash`` finds the row from that key and reveals nothing of it. The row is
    deleted at lock, at logout, on the first access after ``expires_at`` and by the sweep."""

    key_hash = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=16, choices=UnlockKind.choices)
    handler = models.ForeignKey(
        Handler, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    blob = models.BinaryField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class AuditEvent(models.Model):
    """Who did what when. Ids and codes only, never content or identity of a reporter.

    ``case_ref`` is an HMAC of the case id, so the history outlives the case (W14) without
    pointing back to it."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=64)
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    case_ref = models.CharField(max_length=64, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class RateCounter(models.Model):
    """One rate-limit counter (``whistleblowing.ratelimit``). ``bucket`` is an HMAC under a
    secret that lives only in memory, so no row points back to an address; ``expires_at``
    is Unix seconds, after which the row is deleted."""

    bucket = models.CharField(max_length=96, primary_key=True)
    hits = models.IntegerField()
    expires_at = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.bucket[:12]}… {self.hits}"

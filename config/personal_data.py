"""The words every app's ``personal_data.py`` describes its models in: the entry shape, the
legal bases and the retention rules more than one app uses. ``config.privacy`` merges the
apps' entries into the one inventory.

Plain data only: no model imports, so every app can be described without importing it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

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
        """The name the inventory, the sweeps' runs and the export know the entry by."""
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

# --- retention rules more than one app uses ----------------------------------------------------
GROUP_ARCHIVE_TEXT = _(
    "Så lenge gruppas periode varer og ett år etter; deretter fjernes koblingen til deg."
)


def archive(group_path: str = "group") -> Retention:
    """Kept while the group's period lasts and one year after; ``group_path`` is the lookup
    from the model to its group (``"meeting__group"``)."""
    return Retention(GROUP_ARCHIVE_TEXT, anchors=(f"{group_path}__period_end",), years=1)


GROUP_ARCHIVE = archive()
WHILE_ACCOUNT = Retention(_("Så lenge du har konto i portalen."))

# Shown where the whistleblowing cases are left out of "Mine data" and the export.
WB_NOTE = _(
    "Varslingssaker er ikke knyttet til brukerkontoer. Den som varslet, når saken med "
    "kvitteringskoden sin."
)


def recorded_by(
    model: str,
    title: Text,
    purpose: Text,
    field: str,
    *,
    retention: Retention = GROUP_ARCHIVE,
    basis: Text = ART6_INTEREST,
    **extra: Any,
) -> Entry:
    """A record that names the user who made it (``field``): the record stays when the
    person goes, only the link to them is cleared."""
    return Entry(
        model,
        title,
        purpose,
        basis,
        retention,
        Erasure.ANONYMISE,
        (field,),
        subjects=(field,),
        **extra,
    )

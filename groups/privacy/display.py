""" "Mine data" as a person reads it: the same rows as the export (``person_sections``), each
field under its label in the reader's language, choices by their label, yes/no, dates in
the portal's list form (``config.dates``), links to other records by their name.

Another person is never named: a link to another account or to a seat that stands for a
person (``represents_person``) is written as "another person" / "no. 12".
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.dates import day, when
from config.privacy import INVENTORY, Entry
from groups.models import User
from groups.privacy.services import _export_fields, present_entries, subject_q

# At most this many records of one kind on the page; the JSON file has all of them.
SHOWN_PER_KIND = 50

_PERSON_MODELS = {e.key for e in INVENTORY if e.represents_person}


@dataclass(frozen=True)
class Shown:
    label: str
    value: str


@dataclass(frozen=True)
class Kind:
    """One kind of record: the inventory entry, how many rows, and the first rows shown."""

    entry: Entry
    count: int
    rows: list[list[Shown]]
    objects: list[models.Model] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


def _text(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("Ja") if value else _("Nei")
    if isinstance(value, dt.datetime):
        return when(value, "list")
    if isinstance(value, dt.date):
        return day(value, "list")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False) if value else "–"
    if isinstance(value, bytes | memoryview):
        return "–"
    if hasattr(value, "name") and hasattr(value, "storage"):  # a stored file
        return str(value.name or "–")
    return str(value)


class _Names:
    """The names of the records the shown rows link to, read once per field."""

    def __init__(self, person: User) -> None:
        self.person = person
        self.user_model = apps.get_model(settings.AUTH_USER_MODEL)

    def for_field(self, model_field: models.Field[Any, Any], ids: set[Any]) -> dict[Any, str]:
        related = model_field.related_model
        ids.discard(None)
        if not isinstance(related, type) or not ids:
            return {}
        if related is self.user_model:
            mine, other = self.person.full_name, _("en annen person")
            return {pk: mine if pk == self.person.pk else other for pk in ids}
        if related._meta.label_lower in _PERSON_MODELS:
            return {pk: _("nr. %(id)s") % {"id": pk} for pk in ids}
        return {pk: str(obj) for pk, obj in related._default_manager.in_bulk(list(ids)).items()}


# Links to a person whose field has no verbose name of its own: who did what.
_BY = {
    "created_by": gettext_lazy("opprettet av"),
    "requested_by": gettext_lazy("bedt om av"),
    "decided_by": gettext_lazy("avgjort av"),
    "approved_by": gettext_lazy("godkjent av"),
    "written_by": gettext_lazy("skrevet av"),
    "updated_by": gettext_lazy("endret av"),
    "submitted_by": gettext_lazy("sendt av"),
    "recorded_by": gettext_lazy("registrert av"),
    "published_by": gettext_lazy("publisert av"),
    "proposed_by": gettext_lazy("foreslått av"),
    "opened_by": gettext_lazy("åpnet av"),
    "confirmed_by": gettext_lazy("bekreftet av"),
    "closed_by": gettext_lazy("lukket av"),
    "called_by": gettext_lazy("kalt inn av"),
    "adopted_by": gettext_lazy("vedtatt av"),
}


def label(model_field: models.Field[Any, Any]) -> str:
    """The field's verbose name; a link whose name was never written (``group``, shown
    as "Group") is named for what it says ("Opprettet av") or after the model it links
    to ("Gruppe")."""
    name: Any = model_field.verbose_name
    related = model_field.related_model
    if isinstance(related, type) and str(name) == model_field.name.replace("_", " "):
        name = _BY.get(model_field.name) or related._meta.verbose_name
    return str(capfirst(name))


def _rows(
    entry: Entry, model: type[models.Model], objects: list[models.Model], person: User
) -> list[list[Shown]]:
    names = _Names(person)
    # The row's own id means nothing to a reader (the JSON file keeps it).
    fields = [f for f in _export_fields(entry, model) if not f.primary_key]
    labels = {f.name: label(f) for f in fields}
    linked: dict[str, dict[Any, str]] = {}
    for model_field in fields:
        if model_field.is_relation:
            ids = {getattr(obj, model_field.attname) for obj in objects}
            linked[model_field.name] = names.for_field(model_field, ids)
    rows = []
    for obj in objects:
        row = []
        for model_field in fields:
            raw = getattr(obj, model_field.attname)
            if model_field.is_relation:
                value = linked[model_field.name].get(raw, _("nr. %(id)s") % {"id": raw})
                value = "–" if raw is None else value
            elif model_field.flatchoices and raw not in (None, ""):
                value = str(dict(model_field.flatchoices).get(raw, raw))
            else:
                value = _text(raw)
            row.append(Shown(labels[model_field.name], value))
        rows.append(row)
    return rows


def person_kinds(person: User, *, keep: tuple[str, ...] = ()) -> list[Kind]:
    """Every kind of record of the export, in the inventory's order, with labelled rows.
    ``keep``: entry keys whose model objects (all of them) the page needs as well."""
    kinds = []
    for entry, model in present_entries():
        if not entry.in_export or not entry.subjects:
            continue
        rows = model._default_manager.filter(subject_q(entry, person.pk)).distinct().order_by("pk")
        count = rows.count()
        objects = list(rows) if entry.key in keep else list(rows[:SHOWN_PER_KIND])
        shown = objects[:SHOWN_PER_KIND]
        kinds.append(
            Kind(
                entry=entry,
                count=count,
                rows=_rows(entry, model, shown, person) if shown else [],
                objects=objects if entry.key in keep else [],
            )
        )
    return kinds

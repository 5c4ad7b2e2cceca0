"""Privacy services, driven by the inventory in ``config.privacy`` and the app registry.

Nothing here imports another app's code: models are looked up by label, so a new model
that gets an inventory entry shows up in the export, on the inventory page, in the notice
and in the sweeps without touching this module. Audit entries hold ids and counts only.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, router, transaction
from django.db.models import Q
from django.db.models.deletion import Collector, ProtectedError
from django.utils import timezone

from config.privacy import INVENTORY, Entry, Erasure
from groups.audit import audit
from groups.models import PersonErasure, SweepRun, User

ERASURE_SWEEP = "groups.personerasure.completion"
ERASED_NAME = "Slettet person"


# --- the registry side of the inventory ----------------------------------------------------
def model_for(entry: Entry) -> type[models.Model] | None:
    """The model an entry describes, or None when its app is not installed."""
    try:
        return apps.get_model(entry.model)
    except LookupError:
        return None


def present_entries() -> list[tuple[Entry, type[models.Model]]]:
    return [(e, m) for e in INVENTORY if (m := model_for(e)) is not None]


def subject_q(entry: Entry, person_id: int) -> Q:
    """Rows of ``entry`` that are about the person ``person_id``."""
    query = Q(pk__in=[])
    for path in entry.subjects:
        query |= Q(**{"pk" if path == "pk" else path: person_id})
    return query


def _field_at(model: type[models.Model], path: str) -> models.Field[Any, Any]:
    parts = path.split("__")
    for part in parts[:-1]:
        related = model._meta.get_field(part).related_model
        if not isinstance(related, type):
            raise TypeError(f"{path}: {part} is not a relation")
        model = related
    found = model._meta.get_field(parts[-1])
    if not isinstance(found, models.Field):
        raise TypeError(f"{path} is not a concrete field")
    return found


def _years_before(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def due_q(entry: Entry, model: type[models.Model], now: dt.datetime) -> Q | None:
    """Rows whose retention has ended: ``years`` after the earliest anchor date."""
    if not entry.retention.anchors:
        return None
    cutoff = _years_before(timezone.localtime(now), entry.retention.years)
    query = Q(pk__in=[])
    for anchor in entry.retention.anchors:
        is_datetime = isinstance(_field_at(model, anchor), models.DateTimeField)
        query |= Q(**{f"{anchor}__lte": cutoff if is_datetime else cutoff.date()})
    return query


def _cleared(model: type[models.Model], names: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in names:
        model_field = _field_at(model, name)
        values[name] = None if model_field.null else ""
    return values


def _not_cleared_q(values: dict[str, Any]) -> Q:
    query = Q(pk__in=[])
    for name, empty in values.items():
        query |= ~Q(**{f"{name}__isnull": True}) if empty is None else ~Q(**{name: ""})
    return query


_KEEP_MODELS = {e.key for e in INVENTORY if e.erasure == Erasure.KEEP}


def _cascade_keeps(obj: models.Model) -> bool:
    """Would deleting ``obj`` also delete rows that a retention duty keeps?"""
    collector = Collector(using=router.db_for_write(type(obj)))
    try:
        collector.collect([obj])
    except ProtectedError:
        return True
    if any(m._meta.label_lower in _KEEP_MODELS and rows for m, rows in collector.data.items()):
        return True
    return any(
        qs.model._meta.label_lower in _KEEP_MODELS and qs.exists()
        for qs in collector.fast_deletes
        if isinstance(qs, models.QuerySet)
    )


def _delete_rows(queryset: models.QuerySet[Any], *, respect_keep: bool) -> tuple[int, int]:
    """Delete rows one by one; a row whose deletion would take kept rows with it (or that
    something protects) stays. Returns (deleted, kept)."""
    deleted = kept = 0
    for obj in queryset.iterator():
        if respect_keep and _cascade_keeps(obj):
            kept += 1
            continue
        try:
            with transaction.atomic():
                obj.delete()
        except ProtectedError:
            kept += 1
        else:
            deleted += 1
    return deleted, kept


# --- export (art. 15/20) ---------------------------------------------------------------------
def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    if hasattr(value, "name") and hasattr(value, "storage"):  # a stored file
        return value.name
    return value


def _export_fields(entry: Entry, model: type[models.Model]) -> list[models.Field[Any, Any]]:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    direct_subjects = {s for s in entry.subjects if "__" not in s}
    chosen = []
    for model_field in model._meta.concrete_fields:
        if model_field.name in entry.export_exclude:
            continue
        # Another person's account is never part of my export.
        if model_field.related_model is user_model and model_field.name not in direct_subjects:
            continue
        chosen.append(model_field)
    return chosen


def serialise(entry: Entry, model: type[models.Model], obj: models.Model) -> dict[str, Any]:
    return {f.attname: _value(getattr(obj, f.attname)) for f in _export_fields(entry, model)}


@dataclass(frozen=True)
class Section:
    entry: Entry
    records: list[dict[str, Any]]


def person_sections(person: User) -> list[Section]:
    """Everything the portal holds about ``person`` that is linked to their account."""
    sections = []
    for entry, model in present_entries():
        if not entry.in_export or not entry.subjects:
            continue
        rows = model._default_manager.filter(subject_q(entry, person.pk)).distinct().order_by("pk")
        sections.append(Section(entry, [serialise(entry, model, obj) for obj in rows]))
    return sections


def person_export(*, actor: User, person: User) -> dict[str, Any]:
    """The JSON document of art. 15/20. Audited with ids only."""
    from config.privacy import WB_NOTE

    now = timezone.now()
    document = {
        "generated_at": now.isoformat(),
        "person_id": person.pk,
        "sections": [
            {
                "model": s.entry.key,
                "title": str(s.entry.title),
                "purpose": str(s.entry.purpose),
                "legal_basis": str(s.entry.legal_basis),
                "special_category": str(s.entry.special_category),
                "retention": str(s.entry.retention.text),
                "records": s.records,
            }
            for s in person_sections(person)
        ],
        "not_included": str(WB_NOTE),
    }
    audit(actor=actor, action="privacy.export", target=person, subject_user=person)
    return document


# --- erasure (art. 17) -----------------------------------------------------------------------
def erasure_plan(person: User) -> list[tuple[Entry, int]]:
    """How many rows of each kind the person has, for the admin's confirmation page."""
    plan = []
    for entry, model in present_entries():
        if entry.subjects and entry.model.lower() != settings.AUTH_USER_MODEL.lower():
            count = model._default_manager.filter(subject_q(entry, person.pk)).distinct().count()
            if count:
                plan.append((entry, count))
    return plan


def _kept_rows(person_id: int) -> int:
    return sum(
        model._default_manager.filter(subject_q(entry, person_id)).count()
        for entry, model in present_entries()
        if entry.erasure == Erasure.KEEP and entry.subjects
    )


def _close_account(person: User, *, full: bool) -> None:
    """Close the account; ``full`` also clears what an attendance list still needs (S12)."""
    person.email = f"slettet-{person.pk}@slettet.invalid"
    person.is_active = person.is_staff = person.is_superuser = False
    person.set_unusable_password()
    person.last_login = None
    fields = ["email", "is_active", "is_staff", "is_superuser", "password", "last_login"]
    if full:
        person.full_name, person.birth_year, person.gender, person.postcode = (
            ERASED_NAME,
            None,
            "",
            "",
        )
        fields += ["full_name", "birth_year", "gender", "postcode"]
    person.save(update_fields=fields)
    person.groups.clear()
    person.user_permissions.clear()


def _finish(person: User) -> str:
    """Delete the account, or anonymise it in place where something still needs the row."""
    try:
        with transaction.atomic():
            person.delete()
    except ProtectedError:
        _close_account(person, full=True)
        return "anonymised"
    return "deleted"


@transaction.atomic
def person_erase(*, actor: User, person: User) -> PersonErasure:
    """Erase ``person`` (art. 17): delete or unlink everything no retention duty keeps.

    Rows a duty keeps (attendance lists for the subsidy, approved minutes) stay until their
    retention ends; the account is closed at once and fully removed by the completion sweep
    when nothing kept points to it any more.
    """
    if person.pk == actor.pk:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError(_("Du kan ikke slette deg selv."))
    now = timezone.now()
    counts: dict[str, dict[str, int]] = {}
    for entry, model in present_entries():
        if not entry.subjects or entry.subjects == ("pk",) or entry.erasure == Erasure.OWN_APP:
            continue
        rows = model._default_manager.filter(subject_q(entry, person.pk)).distinct()
        if entry.erasure == Erasure.DELETE:
            deleted, kept = _delete_rows(rows, respect_keep=True)
            counts[entry.key] = {"deleted": deleted, "kept": kept}
        elif entry.erasure == Erasure.ANONYMISE:
            values = _cleared(model, entry.anonymised_fields)
            # Only this person's links are cleared; another person on the same row keeps theirs.
            done = 0
            for name in values:
                match = next(
                    (s for s in entry.subjects if s == name or s.startswith(f"{name}__")), None
                )
                scope = Q(**{match: person.pk}) if match else subject_q(entry, person.pk)
                done += model._default_manager.filter(scope).update(**{name: values[name]})
            counts[entry.key] = {"anonymised": done}
        else:
            counts[entry.key] = {"kept": rows.count()}
    record = PersonErasure.objects.create(
        person_id=person.pk, requested_by=actor, requested_at=now, counts=counts
    )
    audit(
        actor=actor,
        action="privacy.erase",
        target=record,
        person_id=person.pk,
        kept=_kept_rows(person.pk),
    )
    if _kept_rows(person.pk):
        _close_account(person, full=False)
    else:
        _finish(person)
        record.completed_at = now
        record.save(update_fields=["completed_at"])
    return record


# --- sweeps ----------------------------------------------------------------------------------
def record_sweep(
    entry: Entry, *, ran_at: dt.datetime, deleted: int = 0, anonymised: int = 0
) -> SweepRun:
    """One run of the sweep for ``entry``, under the name the inventory page looks it up
    by. Every app's sweep records through here (by ``config.privacy.record_sweep``, which
    the groups app connects to this), so no run goes unseen."""
    return SweepRun.objects.create(
        name=entry.key, ran_at=ran_at, deleted=deleted, anonymised=anonymised
    )


def _due_rows(
    entry: Entry, model: type[models.Model], now: dt.datetime
) -> models.QuerySet[Any] | None:
    """The rows of ``entry`` this sweep would delete or anonymise now, or None when the
    inventory-driven sweep does not handle ``entry`` (no anchor, or another sweep does)."""
    due = due_q(entry, model, now)
    if due is None or entry.retention.enforced_by or entry.erasure == Erasure.OWN_APP:
        return None
    rows = model._default_manager.filter(due)
    if entry.erasure == Erasure.ANONYMISE:
        rows = rows.filter(_not_cleared_q(_cleared(model, entry.anonymised_fields)))
    return rows


def _sweep(
    entry: Entry, model: type[models.Model], rows: models.QuerySet[Any], now: dt.datetime
) -> SweepRun:
    """Delete or anonymise ``rows`` (``_due_rows``), and record the run. Idempotent."""
    deleted = anonymised = 0
    with transaction.atomic():
        if entry.erasure == Erasure.ANONYMISE:
            anonymised = rows.update(**_cleared(model, entry.anonymised_fields))
        else:
            deleted, _kept = _delete_rows(rows, respect_keep=entry.erasure == Erasure.DELETE)
        run = record_sweep(entry, ran_at=now, deleted=deleted, anonymised=anonymised)
        if deleted or anonymised:
            audit(
                actor=None,
                action="privacy.sweep",
                target=run,
                model=entry.key,
                deleted=deleted,
                anonymised=anonymised,
            )
    return run


def erasure_completion_sweep(now: dt.datetime) -> SweepRun:
    """Finish erasures whose kept rows are gone (their retention ended). Idempotent."""
    deleted = anonymised = 0
    for record in PersonErasure.objects.filter(completed_at__isnull=True).order_by("pk"):
        if _kept_rows(record.person_id):
            continue
        with transaction.atomic():
            person = User.objects.filter(pk=record.person_id).first()
            if person is not None:
                if _finish(person) == "deleted":
                    deleted += 1
                else:
                    anonymised += 1
            record.completed_at = now
            record.save(update_fields=["completed_at"])
            audit(
                actor=None,
                action="privacy.erase_complete",
                target=record,
                person_id=record.person_id,
            )
    return SweepRun.objects.create(
        name=ERASURE_SWEEP, ran_at=now, deleted=deleted, anonymised=anonymised
    )


def sweep_all(now: dt.datetime | None = None) -> list[SweepRun]:
    """Run every inventory-driven sweep once. Beat calls this daily."""
    now = now or timezone.now()
    runs, idle = [], []
    for entry, model in present_entries():
        rows = _due_rows(entry, model, now)
        if rows is None:
            continue
        if rows.exists():
            runs.append(_sweep(entry, model, rows, now))
        else:  # most days: a run that found nothing, recorded with the others at once
            idle.append(SweepRun(name=entry.key, ran_at=now))
    runs += SweepRun.objects.bulk_create(idle)
    runs.append(erasure_completion_sweep(now))
    return runs


# --- the inventory page ----------------------------------------------------------------------
@dataclass(frozen=True)
class InventoryRow:
    entry: Entry
    installed: bool
    rows: int
    last_run: SweepRun | None


def inventory_rows() -> list[InventoryRow]:
    result = []
    for entry in INVENTORY:
        model = model_for(entry)
        last = SweepRun.objects.filter(name=entry.key).first()
        count = model._default_manager.count() if model is not None else 0
        result.append(InventoryRow(entry, model is not None, count, last))
    return result


def last_erasure_sweep() -> SweepRun | None:
    return SweepRun.objects.filter(name=ERASURE_SWEEP).first()

"""Build one row of every inventoried model for a person, generically from the registry.

A new model that gets an inventory entry is built here without a change (required fields
get plain values, foreign keys get the person or a parent built the same way), so the
export test covers it automatically.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

from config.privacy import INVENTORY, Entry
from groups.models import CouncilGroup, User
from groups.privacy import model_for, subject_q
from tests.factories.groups import make_group, make_membership, make_ruleset
from tests.factories.meetings import at, make_council_meeting, make_meeting

Ctx = dict[str, models.Model]


def _special(label: str, person: User, ctx: Ctx) -> models.Model | None:
    def group() -> CouncilGroup:
        found = ctx.get("groups.councilgroup")
        if not isinstance(found, CouncilGroup):
            found = ctx["groups.councilgroup"] = make_group()
        return found

    if label == "groups.councilgroup":
        return group()
    if label == "groups.membership":
        return make_membership(group(), person)
    if label == "groups.councilgroupuserobjectpermission":
        build("groups.membership", person, ctx)  # the membership grants the permission
        return apps.get_model(label).objects.filter(user=person).first()
    if label == "groups.ruleset":
        return make_ruleset(group(), proposed_by=person)
    if label == "groups.election":  # a majority, as its check constraint demands
        return apps.get_model(label).objects.create(
            group=group(),
            role="leader",
            elected=build("groups.membership", person, ctx),
            votes_for=2,
            votes_against=1,
            decided_at=timezone.now(),
            recorded_by=person,
        )
    if label == "meetings.cyclereminder":  # about an entry of the year's cycle, or an issue
        return apps.get_model(label).objects.create(
            entry=build("meetings.cycleentry", person, ctx),
            user=person,
            lead_days=14,
            due_on=timezone.localdate(),
            sent_at=timezone.now(),
        )
    if label == "attendance.quarterclosing":  # one closing per quarter and version
        values = {
            f.name: _plain(f)
            for f in apps.get_model(label)._meta.concrete_fields
            if not f.primary_key and not f.has_default() and not f.null
        }
        values.update(year=2000 + uuid.uuid4().int % 900, quarter=1, closed_by=person)
        return apps.get_model(label).objects.create(**values)
    if label == "meetings.meeting":
        return make_meeting(group(), created_by=person)
    if label == "meetings.councilmeeting":
        return make_council_meeting(group(), at(2030, 6, 1))
    if label == "meetings.meetingplan":
        return apps.get_model("meetings", "MeetingPlan").objects.create(
            group=group(), year=2030, half=1, adopted_by=person
        )
    if label == "meetings.vote":  # a proposal needs no ruleset; the deadline after opening
        now = timezone.now()
        return apps.get_model("meetings", "Vote").objects.create(
            group=group(),
            subject="proposal",
            title="Uttalelse",
            opened_at=now,
            deadline=now + dt.timedelta(days=1),
            opened_by=person,
        )
    if label == "meetings.substitutecall":  # the substitute replaces someone else
        mine = build("groups.membership", person, ctx)
        meeting = build("meetings.meeting", person, ctx)
        return apps.get_model("meetings", "SubstituteCall").objects.create(
            meeting=meeting,  # type: ignore[misc]
            substitute=mine,  # type: ignore[misc]
            replaces=make_membership(group(), None),
            called_at=timezone.now(),
            called_by=person,
        )
    return None


# Values for unique fields: counted, never drawn at random (a random year collided with the
# seeded subsidy rates about once in fifty runs).
_UNIQUE = itertools.count(1)


def _plain(model_field: models.Field[Any, Any]) -> Any:
    if model_field.choices:
        return model_field.choices[0][0]
    unique = model_field.unique
    if isinstance(model_field, models.DateTimeField):
        return timezone.now()
    if isinstance(model_field, models.DateField):
        return dt.date(2024, 1, 1) + dt.timedelta(days=next(_UNIQUE) % 3000 if unique else 0)
    if isinstance(model_field, models.DecimalField):
        return Decimal("1")
    if isinstance(model_field, models.IntegerField):
        return 3000 + next(_UNIQUE) if unique else 1
    if isinstance(model_field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(model_field, models.BinaryField):
        return b"x"
    if isinstance(model_field, models.FileField):
        return "privacy-test.pdf"
    if isinstance(model_field, models.JSONField):
        return {}
    if isinstance(model_field, models.CharField | models.TextField):
        size = model_field.max_length or 32
        return uuid.uuid4().hex[:size] if unique else "x"[:size]
    return None


def build(label: str, person: User, ctx: Ctx, entry: Entry | None = None) -> models.Model:
    """One row of ``label`` about ``person``; parents come from ``ctx`` or are built."""
    if label in ctx:
        found = ctx[label]
        # A parent built earlier may already be the person's row of this kind.
        if (
            entry is None
            or type(found)
            ._default_manager.filter(subject_q(entry, person.pk), pk=found.pk)
            .exists()
        ):
            return found
    special = _special(label, person, ctx)
    if special is not None:
        ctx.setdefault(label, special)
        return special
    model = apps.get_model(label)
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    needed = {s.split("__")[0] for s in (entry.subjects if entry else ())}
    values: dict[str, Any] = {}
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or model_field.has_default():
            continue
        related = model_field.related_model
        if isinstance(related, type) and issubclass(related, models.Model):
            if related is user_model:
                values[model_field.name] = person
            elif related is not model and (not model_field.null or model_field.name in needed):
                values[model_field.name] = build(related._meta.label_lower, person, ctx)
        elif not model_field.null and not (
            model_field.blank and isinstance(model_field, models.CharField | models.TextField)
        ):
            values[model_field.name] = _plain(model_field)
    obj = model._default_manager.create(**values)
    ctx.setdefault(label, obj)
    return obj


def one_of_each(person: User) -> dict[str, models.Model]:
    """A row about ``person`` for every exportable inventory entry, keyed by entry key."""
    ctx: Ctx = {}
    rows: dict[str, models.Model] = {}
    for entry in INVENTORY:
        if not entry.in_export or not entry.subjects or model_for(entry) is None:
            continue
        if entry.subjects == ("pk",):
            rows[entry.key] = person
            continue
        rows[entry.key] = build(entry.key, person, ctx, entry)
    return rows

"""Every model holding personal data is declared in its app's personal_data.py, merged by
config/privacy.py (issues 7 and 14)."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from config.privacy import APPS_WITH_PERSONAL_DATA, INVENTORY, NOT_PERSONAL, Entry, Erasure
from groups.privacy.services import _field_at, due_q, model_for

OUR_APPS = ("groups", "meetings", "attendance", "whistleblowing")
PERSONAL_NAME = re.compile(
    r"(^|_)(name|email|birth_year|gender|postcode|phone|address|description|text|content)(_|$)"
)
PERSON_MODELS = {e.model.lower() for e in INVENTORY if e.represents_person}


def _models() -> list[type[models.Model]]:
    found = [m for app in OUR_APPS for m in apps.get_app_config(app).get_models()]
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return found if user_model in found else [*found, user_model]


def _looks_personal(model: type[models.Model]) -> list[str]:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    reasons = []
    for model_field in model._meta.concrete_fields:
        related = model_field.related_model
        if (
            related is user_model
            or (isinstance(related, type) and related._meta.label_lower in PERSON_MODELS)
            or PERSONAL_NAME.search(model_field.name)
        ):
            reasons.append(model_field.name)
    if model is user_model:
        reasons.append("(the user model)")
    return reasons


def test_every_model_with_personal_fields_has_an_inventory_entry() -> None:
    declared = {e.model.lower() for e in INVENTORY} | {k.lower() for k in NOT_PERSONAL}
    missing = {
        model._meta.label: reasons
        for model in _models()
        if (reasons := _looks_personal(model)) and model._meta.label_lower not in declared
    }
    assert not missing, (
        f"declare these in <app>/personal_data.py (purpose, basis, retention): {missing}"
    )


def test_the_heuristic_flags_a_model_pointing_to_a_person() -> None:
    # A model with only a membership link counts as personal: the test above can fail.
    assert _looks_personal(apps.get_model("groups", "CommitteeSeat")) == ["membership"]
    assert _looks_personal(apps.get_model("attendance", "StudyChapter")) == []


@pytest.mark.parametrize("entry", INVENTORY, ids=lambda e: e.model)
def test_each_entry_names_real_fields_and_paths(entry: Entry) -> None:
    model = model_for(entry)
    if model is None:
        pytest.skip(f"{entry.model} is not installed")
    for name in (*entry.personal_fields, *entry.anonymise, *entry.export_exclude):
        _field_at(model, name)
    for path in entry.subjects:
        if path != "pk":
            target = _field_at(model, path)
            assert target.related_model is apps.get_model(settings.AUTH_USER_MODEL), path
    for name in entry.anonymised_fields if entry.erasure == Erasure.ANONYMISE else ():
        assert _field_at(model, name).null or isinstance(
            _field_at(model, name), models.CharField | models.TextField
        ), f"{entry.model}.{name} cannot be cleared"
    if entry.retention.anchors:
        from django.utils import timezone

        assert due_q(entry, model, timezone.now()) is not None
    assert entry.purpose and entry.legal_basis and entry.retention.text
    if entry.erasure == Erasure.OWN_APP:
        assert not entry.in_export


def test_not_personal_and_inventory_do_not_overlap() -> None:
    assert not {e.model for e in INVENTORY} & set(NOT_PERSONAL)


def test_each_app_declares_its_own_models_and_the_inventory_merges_them_all() -> None:
    assert set(APPS_WITH_PERSONAL_DATA) == set(OUR_APPS)
    merged: list[str] = []
    for app in APPS_WITH_PERSONAL_DATA:
        module = importlib.import_module(f"{app}.personal_data")
        assert {e.app_label for e in module.ENTRIES} <= {app}, app
        assert {label.split(".")[0] for label in module.NOT_PERSONAL} <= {app}, app
        merged += [e.model for e in module.ENTRIES]
    assert merged == [e.model for e in INVENTORY]
    assert len({m.lower() for m in merged}) == len(merged)


def test_the_outbox_rows_are_declared_with_the_sweep_that_deletes_them() -> None:
    # Their args hold ids, a user's among them; groups.outbox.sweep deletes done rows.
    entry = next(e for e in INVENTORY if e.model == "groups.QueuedTask")
    assert entry.personal_fields == ("args",)
    assert entry.retention.enforced_by == "groups.outbox.sweep"
    assert not entry.in_export

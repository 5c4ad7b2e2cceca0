"""The personal-data inventory: for every model holding personal data, why we hold it, on
what legal basis, for how long, whose it is and how it goes away. Merged from each app's
``personal_data.py`` (plain data, no model imports), as ``config.schedule`` merges the
beat schedules; the shape and the shared terms are in ``config.personal_data``.

Everything privacy-related is generated from this list: the member's "Mine data" page and
JSON export, the site admin's data inventory page, the public privacy notice, the
retention sweeps and the erasure of a person (``groups.privacy``). A test fails when a
model with personal fields has no entry (or a ``NOT_PERSONAL`` reason) in its app.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable

from config.personal_data import WB_NOTE, Entry, Erasure, Retention, Text

__all__ = [
    "APPS_WITH_PERSONAL_DATA",
    "INVENTORY",
    "NOT_PERSONAL",
    "WB_NOTE",
    "Entry",
    "Erasure",
    "Retention",
    "entry_for",
    "inventory_entry",
    "record_sweep",
    "register_sweep_recorder",
]

APPS_WITH_PERSONAL_DATA = ("groups", "meetings", "attendance", "whistleblowing")

_entries: list[Entry] = []
NOT_PERSONAL: dict[str, Text] = {}
for _app in APPS_WITH_PERSONAL_DATA:
    _module = importlib.import_module(f"{_app}.personal_data")
    _entries.extend(_module.ENTRIES)
    NOT_PERSONAL.update(_module.NOT_PERSONAL)
INVENTORY: tuple[Entry, ...] = tuple(_entries)

_BY_KEY = {e.key: e for e in INVENTORY}
if len(_BY_KEY) != len(INVENTORY):  # pragma: no cover - a copy-paste slip in an app's list
    raise ValueError("two personal-data entries describe the same model")


def entry_for(label: str) -> Entry | None:
    """The entry for ``"app_label.ModelName"`` (case-insensitive), or None."""
    return _BY_KEY.get(label.lower())


def inventory_entry(label: str) -> Entry:
    """The entry for ``label``; a model the inventory does not describe is a bug, not a skip."""
    entry = entry_for(label)
    if entry is None:
        raise LookupError(f"{label} has no entry in the personal-data inventory")
    return entry


# --- sweep runs ----------------------------------------------------------------------------
# The groups app stores the runs (``groups.privacy.record_sweep`` writes a SweepRun under
# ``entry.key``, where the inventory page looks); config only passes them on, so an app that
# may import nothing but config (whistleblowing) records its sweeps the same way.
SweepRecorder = Callable[..., object]
_recorders: list[SweepRecorder] = []


def register_sweep_recorder(recorder: SweepRecorder) -> None:
    if recorder not in _recorders:
        _recorders.append(recorder)


def record_sweep(
    entry: Entry, *, ran_at: dt.datetime, deleted: int = 0, anonymised: int = 0
) -> None:
    """One run of an app's own sweep for ``entry``: every sweep records through here."""
    for recorder in _recorders:
        recorder(entry, ran_at=ran_at, deleted=deleted, anonymised=anonymised)

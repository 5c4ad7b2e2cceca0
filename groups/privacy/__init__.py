"""The engine of the personal-data inventory (``config.privacy``): "Mine data" and its
export, erasure of a person (art. 17), the retention sweeps and the inventory page.

``services`` holds the reads and writes, ``views`` the pages; the sweep's task is in
``groups.tasks`` with the app's other tasks."""

from groups.privacy.services import (
    due_q,
    erasure_completion_sweep,
    erasure_plan,
    inventory_rows,
    last_erasure_sweep,
    model_for,
    person_erase,
    person_export,
    person_sections,
    present_entries,
    record_sweep,
    subject_q,
    sweep_all,
)

__all__ = [
    "due_q",
    "erasure_completion_sweep",
    "erasure_plan",
    "inventory_rows",
    "last_erasure_sweep",
    "model_for",
    "person_erase",
    "person_export",
    "person_sections",
    "present_entries",
    "record_sweep",
    "subject_q",
    "sweep_all",
]

"""Celery beat schedule, merged from each app's ``schedule.py`` (plain dicts, no imports).

Every periodic task queries what is due and is idempotent, so nothing depends on an ETA.
"""

from __future__ import annotations

import importlib

APPS_WITH_SCHEDULES = ("groups", "meetings", "attendance", "whistleblowing")

CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}
for _app in APPS_WITH_SCHEDULES:
    _module = importlib.import_module(f"{_app}.schedule")
    CELERY_BEAT_SCHEDULE.update(_module.BEAT_SCHEDULE)

"""Celery tasks for the privacy sweeps. Thin: no arguments, the sweep queries what is due."""

from __future__ import annotations

from celery import shared_task

from groups import privacy

PRIVACY_SWEEP = "groups.tasks_privacy.privacy_sweep"


@shared_task(ignore_result=True, name=PRIVACY_SWEEP)
def privacy_sweep() -> int:
    """Delete or anonymise what the inventory says is due. Idempotent; returns runs made."""
    return len(privacy.sweep_all())

"""Whistleblowing test fixtures: cheap Argon2id (the real cost is measured by the
benchmark), an isolated MEDIA_ROOT, fresh rate-limit counts, and handlers with keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache

from whistleblowing import ratelimit

FAST_KDF = {"opslimit": 1, "memlimit": 8192}


@pytest.fixture(autouse=True)
def _fast_kdf_and_media(settings, tmp_path: Path) -> Iterator[None]:
    settings.WHISTLEBLOWING_KDF = FAST_KDF
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    ratelimit.forget_secret()  # as a restart does: no count carries over from another test
    yield
    cache.clear()

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

FALLBACK = "Using fontTools instead of HarfBuzz-Subset"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(autouse=True)
def _no_fonttools_fallback() -> Iterator[_Collect]:
    """Every PDF rendered by these tests must subset fonts with harfbuzz (~10× faster than
    WeasyPrint's fontTools fallback): the test fails if the fallback warning is logged."""
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
    fallbacks = [m for m in handler.messages if FALLBACK in m]
    assert not fallbacks, (
        "WeasyPrint fell back to fontTools: install libharfbuzz-subset0 (.ci/system-deps)"
    )

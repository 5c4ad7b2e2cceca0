"""A course's certificates share one laid out page and get what differs stamped on it
(``attendance.services.certificates_pdf``): it must look exactly like laying out every
certificate in full (``config.pdf.render_batch``), say the same, and fall back to a full
layout where a certificate's own parts would move the rest of its page (a long name, a
version line)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from attendance.services import certificates as service
from attendance.services.certificates_pdf import render_certificates
from config import pdf
from tests.attendance.certificates.builders import (
    CERTIFICATE_NAMES,
    certificate_contexts,
)


def _batches(contexts: list[dict[str, Any]] | None = None) -> tuple[pdf.Batch, pdf.Batch]:
    contexts = contexts or certificate_contexts()
    stamped = render_certificates(
        service.CERTIFICATE_TEMPLATE,
        service.CERTIFICATE_SLOTS_TEMPLATE,
        contexts,
        title="Kursbevis",
    )
    full = pdf.render_batch(service.CERTIFICATE_TEMPLATE, contexts, title="Kursbevis")
    return stamped, full


def _text(data: bytes) -> str:
    return " ".join(
        " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages).split()
    )


def _outline(data: bytes) -> list[tuple[int, str, int | None, float, float]]:
    reader = PdfReader(io.BytesIO(data))
    found: list[tuple[int, str, int | None, float, float]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                page = reader.get_destination_page_number(item)
                found.append((depth, item.title, page, round(item.left, 2), round(item.top, 2)))

    walk(reader.outline, 0)
    return found


def test_stamped_certificates_say_what_fully_laid_out_ones_say() -> None:
    stamped, full = _batches()

    assert len(stamped.parts) == len(full.parts) == len(CERTIFICATE_NAMES)
    assert len(PdfReader(io.BytesIO(stamped.merged)).pages) == len(CERTIFICATE_NAMES)
    for n, (part, reference) in enumerate(zip(stamped.parts, full.parts, strict=True)):
        assert len(PdfReader(io.BytesIO(part)).pages) == 1
        text = _text(part)
        assert sorted(text.split()) == sorted(_text(reference).split())
        for expected in (
            *re.split("[ -]", CERTIFICATE_NAMES[n]),
            f"ABCD-EFG{n + 2}-JKMN",
            "Politisk arbeid",
        ):
            assert expected in text
        assert service.verify_url(f"ABCD-EFG{n + 2}-JKMN") in text.replace(" ", "")
    assert _outline(stamped.merged) == _outline(full.merged)
    assert PdfReader(io.BytesIO(stamped.merged)).metadata.title == "Kursbevis"  # type: ignore[union-attr]


def test_the_shared_page_is_stored_once_in_the_merged_pdf() -> None:
    fitting = [
        c for c in certificate_contexts() if c["version"] == 1 and len(c["participant_name"]) < 20
    ]
    stamped, _ = _batches(fitting * 4)

    merged = PdfReader(io.BytesIO(stamped.merged))
    forms = {
        page["/Resources"]["/XObject"].raw_get("/PortalSharedNext").idnum  # type: ignore[index]
        for page in merged.pages[1:]
    }
    assert len(forms) == 1


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_stamped_certificates_look_exactly_like_fully_laid_out_ones(tmp_path: Path) -> None:
    stamped, full = _batches()

    for name, data in (("stamped", stamped.merged), ("full", full.merged)):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-r", "100", "-gray", tmp_path / f"{name}.pdf", tmp_path / name],
            check=True,
        )
    stamped_pages = sorted(tmp_path.glob("stamped-*.pgm"))
    assert len(stamped_pages) == len(CERTIFICATE_NAMES)
    for page in stamped_pages:
        reference = tmp_path / page.name.replace("stamped-", "full-")
        assert page.read_bytes() == reference.read_bytes(), page.name


def test_stamping_makes_weasyprint_warn_about_nothing(_no_fonttools_fallback: Any) -> None:
    _batches()

    assert _no_fonttools_fallback.messages == []  # e.g. "Anchor defined twice"

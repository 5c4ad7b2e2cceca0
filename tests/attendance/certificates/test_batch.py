"""A course's certificates are rendered in one WeasyPrint pass and cut into one PDF each
(``config.pdf.render_batch``): every cut PDF must say exactly what a single render of that
certificate says, and the batch holds one PDF per person, in order, with their name and code."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

from pypdf import PdfReader

from attendance.services import certificates as service
from config import pdf
from tests.attendance.certificates.builders import (
    CERTIFICATE_NAMES,
    certificate_code,
    certificate_contexts,
)


def _pdftotext(data: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return done.stdout


def test_each_cut_pdf_says_what_a_single_render_of_that_certificate_says(tmp_path: Path) -> None:
    contexts = certificate_contexts()

    batch = pdf.render_batch(service.CERTIFICATE_TEMPLATE, contexts, title="Kursbevis")

    assert len(batch.parts) == len(contexts)
    for n, (part, context) in enumerate(zip(batch.parts, contexts, strict=True)):
        single = pdf.render_pdf(service.CERTIFICATE_TEMPLATE, context, title="Kursbevis")
        text = _pdftotext(part, tmp_path, f"part-{n}")
        assert text == _pdftotext(single, tmp_path, f"single-{n}")
        assert len(PdfReader(io.BytesIO(part)).pages) == 1


def test_the_batch_has_one_pdf_per_person_in_order_with_their_name_and_code() -> None:
    contexts = certificate_contexts()

    batch = pdf.render_batch(service.CERTIFICATE_TEMPLATE, contexts, title="Kursbevis")

    merged = PdfReader(io.BytesIO(batch.merged))
    assert len(merged.pages) == len(CERTIFICATE_NAMES)
    assert merged.metadata is not None and merged.metadata.title == "Kursbevis"
    for n, part in enumerate(batch.parts):
        reader = PdfReader(io.BytesIO(part))
        text = " ".join(" ".join(p.extract_text() or "" for p in reader.pages).split())
        for word in re.split("[ -]", CERTIFICATE_NAMES[n]):
            assert word in text
        assert certificate_code(n) in text
        assert service.verify_url(certificate_code(n)) in text.replace(" ", "")
        others = [certificate_code(m) for m in range(len(CERTIFICATE_NAMES)) if m != n]
        assert not [code for code in others if code in text]
        assert reader.metadata is not None and reader.metadata.title == "Kursbevis"

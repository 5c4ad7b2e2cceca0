"""A course's certificates are rendered in one WeasyPrint pass and cut into one PDF each
(``config.pdf.render_batch``): every cut PDF must say exactly what a single render of that
certificate says, and the batch holds one PDF per person, in order, with their name and code."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from attendance.services import certificates as service
from config import pdf

NAMES = [
    "Kari Nordmann",
    "Ola Østby",
    # Two lines at 22 pt: the rest of the page moves down.
    "Anne-Kristine Margrethe Østby-Haraldsen Bjørnstad-Sørensen von Trondenes",
    "Åse Ødegård",
    "Per Li",
]


def _code(n: int) -> str:
    return f"ABCD-EFG{n + 2}-JKMN"


def _contexts() -> list[dict[str, Any]]:
    contexts = []
    for n, name in enumerate(NAMES):
        url = service.verify_url(_code(n))
        contexts.append(
            {
                "study_association": "Senterpartiskolen",
                "course_title": "Politisk arbeid i Grønnbygd",
                "plan_name": "Politisk arbeid",
                "objectives": ["Kjenne arbeidsformene i kommunestyregruppa.", "Lære sammen."],
                "chapters": ["1. Arbeidet i kommunestyregruppa"],
                "study_hours": 6,
                "dates": ["04.03.2025", "11.03.2025"],
                "group_name": "Kommunestyregruppe i Grønnbygd",
                "leader_name": "Liv Leder",
                "issued_on": "01.04.2025",
                "participant_name": name,
                "code": _code(n),
                "verify_url": url,
                "qr_data_uri": service.qr_data_uri(url),
                # A version line makes the verification block taller.
                "version": 2 if n == 3 else 1,
            }
        )
    return contexts


def _pdftotext(data: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return done.stdout


def test_each_cut_pdf_says_what_a_single_render_of_that_certificate_says(tmp_path: Path) -> None:
    contexts = _contexts()

    batch = pdf.render_batch(service.CERTIFICATE_TEMPLATE, contexts, title="Kursbevis")

    assert len(batch.parts) == len(contexts)
    for n, (part, context) in enumerate(zip(batch.parts, contexts, strict=True)):
        single = pdf.render_pdf(service.CERTIFICATE_TEMPLATE, context, title="Kursbevis")
        text = _pdftotext(part, tmp_path, f"part-{n}")
        assert text == _pdftotext(single, tmp_path, f"single-{n}")
        assert len(PdfReader(io.BytesIO(part)).pages) == 1


def test_the_batch_has_one_pdf_per_person_in_order_with_their_name_and_code() -> None:
    contexts = _contexts()

    batch = pdf.render_batch(service.CERTIFICATE_TEMPLATE, contexts, title="Kursbevis")

    merged = PdfReader(io.BytesIO(batch.merged))
    assert len(merged.pages) == len(NAMES)
    assert merged.metadata is not None and merged.metadata.title == "Kursbevis"
    for n, part in enumerate(batch.parts):
        reader = PdfReader(io.BytesIO(part))
        text = " ".join(" ".join(p.extract_text() or "" for p in reader.pages).split())
        for word in re.split("[ -]", NAMES[n]):
            assert word in text
        assert _code(n) in text
        assert service.verify_url(_code(n)) in text.replace(" ", "")
        others = [_code(m) for m in range(len(NAMES)) if m != n]
        assert not [code for code in others if code in text]
        assert reader.metadata is not None and reader.metadata.title == "Kursbevis"

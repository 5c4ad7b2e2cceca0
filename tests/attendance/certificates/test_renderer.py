from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from config import pdf
from tests.attendance.certificates.conftest import FALLBACK

SIMPLE = "<p>Kursbevis æøå ÆØÅ</p>"


def _html(body: str) -> str:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{body}</body></html>"


def _render(html: str) -> bytes:
    data: bytes = pdf.layout(html).write_pdf()
    return data


@pytest.mark.parametrize(
    "body",
    [
        '<img src="file:///etc/passwd" alt="">',
        '<link rel="stylesheet" href="file:///etc/hostname">',
        '<img src="http://127.0.0.1:9/tracker.png" alt="">',
        '<img src="https://example.org/logo.png" alt="">',
        '<link rel="stylesheet" href="https://example.org/print.css">',
        '<p style="background: url(http://169.254.169.254/latest/meta-data/)">x</p>',
        '<img src="ftp://example.org/x.png" alt="">',
        '<img src="../../config/settings.py" alt="">',
        '<img src="/etc/passwd" alt="">',
    ],
)
def test_the_renderer_refuses_to_fetch_anything_but_data_and_static_files(body: str) -> None:
    with pytest.raises(pdf.RefusedURL):
        _render(_html(body))


def test_the_renderer_reads_data_urls_and_the_portals_static_files() -> None:
    svg = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/%3E"
    fetcher = pdf.PortalURLFetcher()

    font = fetcher.fetch(pdf.BASE_URL + "fonts/DejaVuSans.ttf")
    data = _render(_html(f'<img src="{svg}" alt="">{SIMPLE}'))

    assert font.read()[:4] == b"\x00\x01\x00\x00"  # a TrueType font
    assert data.startswith(b"%PDF")


def test_the_portals_font_is_embedded_and_subset_with_harfbuzz(
    _no_fonttools_fallback: Any,
) -> None:
    data = pdf.render_pdf("pdf/_header.html", {"organisation": "Senterpartiet æøå"})

    assert pdf.harfbuzz_subset_available(), "libharfbuzz-subset0 is not installed"
    assert not [m for m in _no_fonttools_fallback.messages if FALLBACK in m]
    resources: Any = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]
    fonts = {str(font.get_object()["/BaseFont"]) for font in resources["/Font"].values()}
    # The project's own font (DejaVu Sans as "Portal Sans"), subset: "ABCDEF+" prefix.
    assert fonts and all("+Portal-Sans" in name for name in fonts), fonts


def test_a_batch_is_one_pass_cut_into_one_pdf_per_document() -> None:
    contexts = [{"organisation": f"Gruppe {n}", "meta": f"Side for dokument {n}"} for n in range(5)]

    batch = pdf.render_batch("pdf/_header.html", contexts, title="Test")

    merged = PdfReader(io.BytesIO(batch.merged))
    assert len(merged.pages) == 5
    assert len(batch.parts) == 5
    for n, part in enumerate(batch.parts):
        reader = PdfReader(io.BytesIO(part))
        assert len(reader.pages) == 1
        assert f"Gruppe {n}" in (reader.pages[0].extract_text() or "")


def test_data_urls_are_not_kept_in_the_process_wide_image_cache() -> None:
    cache = pdf.tools().cache
    for n in range(3):
        svg = (
            "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' "
            f"width='{n + 2}' height='4'/%3E"
        )
        _render(_html(f'<img src="{svg}" alt="">'))

    assert not [key for key in cache if isinstance(key, str) and key.startswith("data:")]


def test_garbage_collection_is_back_on_after_a_render_even_a_refused_one() -> None:
    import gc

    assert gc.isenabled()
    _render(_html(SIMPLE))
    assert gc.isenabled()
    with pytest.raises(pdf.RefusedURL):
        _render(_html('<img src="file:///etc/passwd" alt="">'))
    assert gc.isenabled()

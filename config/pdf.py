"""The one PDF renderer of the portal: certificates, attendance lists, rules, minutes.

WeasyPrint may fetch nothing but ``data:`` URLs and the portal's own static files: no
file://, no network (its default fetcher allows every protocol). One FontConfiguration and
one image cache are reused within the process, and the fonts are the project's own.
"""

from __future__ import annotations

import gc
import io
import mimetypes
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

BASE_URL = "https://static.portal.invalid/static/"


class RefusedURL(FatalURLFetchingError):
    """A template asked for a resource outside the portal's static files."""


class PortalURLFetcher(URLFetcher):
    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data", "https"), allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(BASE_URL):
            relative = url[len(BASE_URL) :].split("?", 1)[0].split("#", 1)[0]
            if ".." not in relative.split("/"):
                path = finders.find(relative)
                if isinstance(path, str):
                    with open(path, "rb") as handle:
                        body = handle.read()
                    mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})
        raise RefusedURL(f"PDF rendering may not fetch {url[:80]!r}")


_local = threading.local()


def _tools() -> tuple[FontConfiguration, dict[str, Any], PortalURLFetcher, CSS]:
    if not hasattr(_local, "font_config"):
        _local.font_config = FontConfiguration()
        _local.cache = _ImageCache()
        _local.fetcher = PortalURLFetcher()
        _local.css = CSS(
            string=render_to_string("pdf/base.css"),
            base_url=BASE_URL,
            font_config=_local.font_config,
            url_fetcher=_local.fetcher,
        )
    return _local.font_config, _local.cache, _local.fetcher, _local.css


def harfbuzz_subset_available() -> bool:
    """Without libharfbuzz-subset WeasyPrint subsets fonts with fontTools, ~10× slower."""
    from weasyprint.text import ffi

    return getattr(ffi, "harfbuzz_subset", None) is not None


class _ImageCache(dict[Any, Any]):
    """WeasyPrint's image cache, shared within the process for the static files. A data:
    URL (each certificate's QR code is a new one) is used once and never kept, so a worker
    rendering thousands of certificates does not grow."""

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(key, str) and key.startswith("data:"):
            return
        super().__setitem__(key, value)


# A backstop for entries no URL names (decoded raster data): emptied past this size.
CACHE_LIMIT = 256


_gc_lock = threading.Lock()
_gc_depth = 0
_gc_was_enabled = True


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection during a WeasyPrint pass: a render allocates hundreds
    of thousands of short-lived objects, and every full collection would also walk the
    whole process (Django, fonts, the document so far). What renders leave behind is
    collected normally once the last concurrent render has ended."""
    global _gc_depth, _gc_was_enabled
    with _gc_lock:
        if _gc_depth == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0 and _gc_was_enabled:
                gc.enable()


def _layout(html: str) -> Document:
    font_config, cache, fetcher, css = _tools()
    if len(cache) > CACHE_LIMIT:
        cache.clear()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    return document.render(stylesheets=[css], font_config=font_config, cache=cache)


def render_html_to_pdf(html: str) -> bytes:
    with _collector_paused():
        result: bytes = _layout(html).write_pdf(uncompressed_pdf=False)
    return result


def render_pdf(template_name: str, context: Mapping[str, Any], *, title: str = "") -> bytes:
    """Render one document. ``template_name`` is a body fragment (no <html>): the shared
    frame ``pdf/document.html`` gives every PDF of the portal the same look."""
    return render_many(template_name, [context], title=title)


def render_many(
    template_name: str, contexts: Iterable[Mapping[str, Any]], *, title: str = ""
) -> bytes:
    """Several documents of one template as one PDF in one WeasyPrint pass, each starting
    on a new page (batch rendering: no WeasyPrint start per document)."""
    bodies = [render_to_string(template_name, dict(context)) for context in contexts]
    html = render_to_string("pdf/document.html", {"bodies": bodies, "title": title})
    return render_html_to_pdf(html)


@dataclass(frozen=True)
class Batch:
    """One WeasyPrint pass over several documents: the whole as one PDF, and each document
    as its own PDF cut from it (no second layout or painting per document)."""

    merged: bytes
    parts: list[bytes]


def render_batch(
    template_name: str, contexts: Sequence[Mapping[str, Any]], *, title: str = ""
) -> Batch:
    bodies = [render_to_string(template_name, dict(context)) for context in contexts]
    html = render_to_string("pdf/document.html", {"bodies": bodies, "title": title})
    with _collector_paused():
        document = _layout(html)
        starts = []
        for number in range(len(bodies)):
            anchor = f"pdf-document-{number}"
            page = next((i for i, p in enumerate(document.pages) if anchor in p.anchors), None)
            if page is None:
                raise ValueError(f"document {number} of {template_name} produced no page")
            starts.append(page)
        ends = [*starts[1:], len(document.pages)]
        merged: bytes = document.write_pdf(uncompressed_pdf=False)
        del document
    # Cutting pages out with pypdf is ~8× cheaper than painting each document again.
    reader = PdfReader(io.BytesIO(merged))
    parts = []
    for start, end in zip(starts, ends, strict=True):
        writer = PdfWriter()
        for index in range(start, end):
            writer.add_page(reader.pages[index])
        if title:
            writer.add_metadata({"/Title": title})
        out = io.BytesIO()
        writer.write(out)
        parts.append(out.getvalue())
    return Batch(merged=merged, parts=parts)


def merge_pdfs(parts: Iterable[bytes]) -> bytes:
    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

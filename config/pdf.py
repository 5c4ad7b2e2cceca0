"""The one PDF renderer of the portal: certificates, attendance lists, rules, minutes.

``render_pdf`` renders one document; ``render_batch`` renders several of one template in a
single WeasyPrint pass and cuts the result into one PDF per document with pypdf.

WeasyPrint may fetch nothing but ``data:`` URLs and the portal's own static files: no
file://, no network (its default fetcher allows every protocol). One FontConfiguration,
one stylesheet and one image cache are reused within a thread, and the fonts are the
project's own. Only the public APIs of WeasyPrint and pypdf are used.
"""

from __future__ import annotations

import io
import mimetypes
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from pypdf import PdfReader, PdfWriter
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

BASE_URL = "https://static.portal.invalid/static/"
# A backstop for entries no URL names (decoded raster data): emptied past this size.
CACHE_LIMIT = 256


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


class ImageCache(dict[Any, Any]):
    """WeasyPrint's image cache, shared within the thread for the static files. A data:
    URL (each certificate's QR code is a new one) is used once and never kept, so a worker
    rendering thousands of certificates does not grow."""

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(key, str) and key.startswith("data:"):
            return
        super().__setitem__(key, value)


@dataclass(frozen=True)
class _Tools:
    font_config: FontConfiguration
    cache: ImageCache
    fetcher: PortalURLFetcher
    css: CSS


_local = threading.local()


def tools() -> _Tools:
    """This thread's FontConfiguration, image cache, fetcher and parsed base stylesheet."""
    found: _Tools | None = getattr(_local, "tools", None)
    if found is None:
        font_config, fetcher = FontConfiguration(), PortalURLFetcher()
        css = CSS(
            string=render_to_string("pdf/base.css"),
            base_url=BASE_URL,
            font_config=font_config,
            url_fetcher=fetcher,
        )
        found = _local.tools = _Tools(font_config, ImageCache(), fetcher, css)
    return found


def harfbuzz_subset_available() -> bool:
    """Without libharfbuzz-subset WeasyPrint subsets fonts with fontTools, ~10× slower."""
    from weasyprint.text import ffi

    return getattr(ffi, "harfbuzz_subset", None) is not None


def layout(html: str) -> Document:
    """``html`` (a whole document) laid out with the portal's stylesheet and fetcher."""
    kit = tools()
    if len(kit.cache) > CACHE_LIMIT:
        kit.cache.clear()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=kit.fetcher)
    return document.render(stylesheets=[kit.css], font_config=kit.font_config, cache=kit.cache)


def document_html(bodies: Sequence[str], title: str) -> str:
    """The shared frame ``pdf/document.html`` around the bodies (templates hold no <html>):
    every PDF of the portal has the same look; each body starts on a new page."""
    return render_to_string("pdf/document.html", {"bodies": bodies, "title": title})


def _bodies(template_name: str, contexts: Iterable[Mapping[str, Any]]) -> list[str]:
    return [render_to_string(template_name, dict(context)) for context in contexts]


def render_pdf(template_name: str, context: Mapping[str, Any], *, title: str = "") -> bytes:
    """Render one document of ``template_name`` (a body fragment) as PDF."""
    data: bytes = layout(document_html(_bodies(template_name, [context]), title)).write_pdf()
    return data


def pdf_download(
    request: HttpRequest,
    template_name: str,
    context: Mapping[str, Any],
    *,
    filename: str,
    title: str = "",
    etag_parts: tuple[object, ...] | None = None,
    cache_control: str = "private, no-cache",
) -> HttpResponse:
    """One document as a download that answers a repeat request with 304 and is cached per
    user until what it shows changes (``config.conditional``). The ETag is the digest of
    the document's HTML (a few milliseconds; the layout is what costs), or of
    ``etag_parts`` where the HTML holds a print time that should not count as a change."""
    from config.conditional import conditional_download, content_etag
    from config.web import pdf_headers

    html = document_html(_bodies(template_name, [context]), title)
    return conditional_download(
        request,
        kind="pdf",
        owner=getattr(request.user, "pk", None),
        etag=content_etag(template_name, *(etag_parts if etag_parts is not None else (html,))),
        build=lambda: bytes(layout(html).write_pdf()),
        content_type="application/pdf",
        headers=pdf_headers(filename, cache_control),
    )


@dataclass(frozen=True)
class Batch:
    """Several documents of one template: all of them as one PDF, and each as its own."""

    merged: bytes
    parts: list[bytes]


def render_batch(
    template_name: str, contexts: Sequence[Mapping[str, Any]], *, title: str = ""
) -> Batch:
    """One WeasyPrint pass over every context, each document starting on a new page; the
    pages of each document are then cut out of the merged PDF (no second layout)."""
    document = layout(document_html(_bodies(template_name, contexts), title))
    starts = first_pages(document, len(contexts))
    merged: bytes = document.write_pdf()
    return Batch(merged=merged, parts=cut(merged, starts, title))


def first_pages(document: Document, count: int) -> list[int]:
    """The index of the first page of each of the ``count`` bodies of ``document``."""
    starts = []
    for number in range(count):
        anchor = f"pdf-document-{number}"
        page = next((i for i, p in enumerate(document.pages) if anchor in p.anchors), None)
        if page is None:
            raise ValueError(f"document {number} produced no page")
        starts.append(page)
    return starts


def cut(merged: bytes, starts: Sequence[int], title: str) -> list[bytes]:
    """Each document's pages (from its start to the next one's) as its own PDF. Cutting
    pages out with pypdf is several times cheaper than painting each document again."""
    reader = PdfReader(io.BytesIO(merged))
    ends = [*starts[1:], len(reader.pages)]
    parts = []
    for start, end in zip(starts, ends, strict=True):
        writer = PdfWriter()
        for index in range(start, end):
            writer.add_page(reader.pages[index])
        if title:
            writer.add_metadata({"/Title": title})
        parts.append(_written(writer))
    return parts


def merge_pdfs(parts: Iterable[bytes]) -> bytes:
    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    return _written(writer)


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

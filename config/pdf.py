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
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    Fit,
    IndirectObject,
    NameObject,
)
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
    template_name: str,
    contexts: Sequence[Mapping[str, Any]],
    *,
    title: str = "",
    slots_template: str | None = None,
    cut: bool = True,
) -> Batch:
    """Several documents of one template as one PDF, and (``cut``) each as its own PDF.

    With ``slots_template``, documents that differ only in a few elements (a course's
    certificates: the name, code and QR code) share the rest: see ``_stamped``."""
    result = None
    if slots_template is not None and len(contexts) > 1:
        result = _stamped(template_name, slots_template, contexts, title)
    if result is None:
        bodies = [render_to_string(template_name, dict(context)) for context in contexts]
        result = _one_pass(bodies, template_name, title)
    parts = _cut(result.merged, result.starts, title) if cut else []
    return Batch(merged=result.merged, parts=parts)


def _document_html(bodies: Sequence[str], title: str) -> str:
    return render_to_string("pdf/document.html", {"bodies": bodies, "title": title})


def _first_page(document: Document, number: int) -> int | None:
    anchor = f"pdf-document-{number}"
    return next((i for i, p in enumerate(document.pages) if anchor in p.anchors), None)


def _one_pass(bodies: Sequence[str], template_name: str, title: str) -> _Pass:
    """The merged PDF of one WeasyPrint pass, the first page of each document, and the
    outline WeasyPrint made of its headings."""
    with _collector_paused():
        document = _layout(_document_html(bodies, title))
        starts = []
        for number in range(len(bodies)):
            page = _first_page(document, number)
            if page is None:
                raise ValueError(f"document {number} of {template_name} produced no page")
            starts.append(page)
        merged: bytes = document.write_pdf(uncompressed_pdf=False)
        outline = _outline(document)
    return _Pass(merged, starts, outline)


# WeasyPrint's outline: (title, (page, x, y), children, "open" or "closed"), in PDF points.
Outline = list[tuple[str, tuple[int, float, float], "Outline", str]]


@dataclass(frozen=True)
class _Pass:
    merged: bytes
    starts: list[int]
    outline: Outline


def _outline(document: Document) -> Outline:
    tree: Outline = document.make_bookmark_tree(scale=0.75, transform_pages=True)
    return tree


def _cut(merged: bytes, starts: Sequence[int], title: str) -> list[bytes]:
    """Each document's pages as its own PDF. Cutting pages out with pypdf is ~8× cheaper
    than painting each document again."""
    reader = PdfReader(io.BytesIO(merged))
    ends = [*starts[1:], len(reader.pages)]
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
    return parts


# --- shared page, stamped slots ----------------------------------------------------------
# A course's certificates are the same page but for a few elements (marked
# ``data-pdf-slot="<name>"`` in the template, and rendered alone by the slots template).
# Laying out and painting the same page thirty times is most of a batch's time, so:
#   1. the first document is laid out with its slots hidden (``visibility: hidden`` keeps
#      their size) and painted once as the shared page. Twice in fact: a document after a
#      page break starts higher than the first of a pass (the body's top margin is only
#      on the first page), and each keeps exactly the place a full layout gives it;
#   2. every document's slots are laid out alone, each absolutely at the place and width
#      it has on the shared page, one page per document;
#   3. each output page draws the shared page (a PDF form XObject, referenced by every
#      page, stored once) under its own slots.
# A document whose slots do not have exactly the shared page's sizes (a name on two lines,
# a version line) would move the rest of its page: those are laid out in full instead.
SLOT = "data-pdf-slot"
_MARGIN_BOXES = (
    *("top-left-corner", "top-left", "top-center", "top-right", "top-right-corner"),
    *("right-top", "right-middle", "right-bottom"),
    *("bottom-right-corner", "bottom-right", "bottom-center", "bottom-left", "bottom-left-corner"),
    *("left-bottom", "left-middle", "left-top"),
)
_SHARED = ("/PortalSharedFirst", "/PortalSharedNext")
_EPSILON = 1e-3  # CSS px


@dataclass(frozen=True)
class _Slot:
    x: float
    y: float
    width: float  # content width
    outer_width: float  # border box
    outer_height: float


def _slots(page: Any) -> dict[str, _Slot]:
    """Where each slot's element is on a laid out page: its principal box (the first,
    before any anonymous or pseudo-element box of it) as border box."""
    found: dict[str, _Slot] = {}
    for box in page._page_box.descendants():
        element = getattr(box, "element", None)
        name = element.get(SLOT) if element is not None else None
        if name and name not in found:
            found[name] = _Slot(
                x=box.border_box_x(),
                y=box.border_box_y(),
                width=box.width,
                outer_width=box.border_width(),
                outer_height=box.border_height(),
            )
    return found


def _same(a: dict[str, _Slot], b: dict[str, _Slot]) -> bool:
    return a.keys() == b.keys() and all(
        abs(getattr(a[k], f) - getattr(b[k], f)) < _EPSILON
        for k in a
        for f in ("x", "y", "outer_width", "outer_height")
    )


def _slots_css(width: float, height: float, first: dict[str, _Slot], nxt: dict[str, _Slot]) -> str:
    margin_boxes = " ".join(f"@{name} {{ content: none; }}" for name in _MARGIN_BOXES)
    rules = [
        f"@page pdf-slots {{ size: {width!r}px {height!r}px; margin: 0; {margin_boxes} }}",
        ".document { page: pdf-slots; }",
    ]
    for scope, slots in (("", nxt), ("#pdf-document-0 ", first)):
        for name, slot in slots.items():
            rules.append(
                f'{scope}[{SLOT}="{name}"] {{ position: absolute; left: {slot.x!r}px; '
                f"top: {slot.y!r}px; width: {slot.width!r}px; box-sizing: content-box; "
                "margin: 0; float: none; }"
            )
    return "\n".join(rules)


def _stamped(
    template_name: str, slots_template: str, contexts: Sequence[Mapping[str, Any]], title: str
) -> _Pass | None:
    """The merged PDF of shared pages and stamped slots, or None where the documents do
    not fit that (the caller then lays them all out in full)."""
    font_config, cache, fetcher, css = _tools()
    first = render_to_string(template_name, dict(contexts[0]))
    with _collector_paused():
        shared_doc = HTML(
            string=_document_html([first, first], title), base_url=BASE_URL, url_fetcher=fetcher
        ).render(stylesheets=[css, _hide_slots()], font_config=font_config, cache=cache)
        pages = shared_doc.pages
        if (
            len(pages) != 2
            or any(f"pdf-document-{n}" not in page.anchors for n, page in enumerate(pages))
            or any(page.links for page in pages)
            or (pages[0].width, pages[0].height) != (pages[1].width, pages[1].height)
        ):
            return None
        shared_slots = (_slots(pages[0]), _slots(pages[1]))
        if not shared_slots[0] or shared_slots[0].keys() != shared_slots[1].keys():
            return None
        sheet = CSS(
            string=_slots_css(pages[0].width, pages[0].height, *shared_slots),
            base_url=BASE_URL,
            font_config=font_config,
            url_fetcher=fetcher,
        )
        shared = _Pass(shared_doc.write_pdf(uncompressed_pdf=False), [0, 1], _outline(shared_doc))
        del shared_doc, pages
        bodies = [render_to_string(slots_template, dict(c)) for c in contexts]
        slots_doc = HTML(
            string=_document_html(bodies, title), base_url=BASE_URL, url_fetcher=fetcher
        ).render(stylesheets=[css, sheet], font_config=font_config, cache=cache)
        if len(slots_doc.pages) != len(contexts):
            return None
        # Document n fits when it is page n and its slots have the shared page's sizes.
        fitting = {
            n
            for n, page in enumerate(slots_doc.pages)
            if f"pdf-document-{n}" in page.anchors and _same(_slots(page), shared_slots[min(n, 1)])
        }
        if not fitting:
            return None
        slots_pdf = slots_doc.write_pdf(uncompressed_pdf=False)
        del slots_doc
    misfits = [n for n in range(len(contexts)) if n not in fitting]
    full = None
    if misfits:
        # Laid out after a first document, as in one pass over all of them.
        numbers = misfits if misfits[0] == 0 else [0, *misfits]
        bodies = [render_to_string(template_name, dict(contexts[n])) for n in numbers]
        full = _one_pass(bodies, template_name, title)
        if numbers is not misfits:
            full = _Pass(full.merged, full.starts[1:], full.outline)
    return _assemble(shared, slots_pdf, len(contexts), misfits, full, title)


def _hide_slots() -> CSS:
    if not hasattr(_local, "hide_slots"):
        _local.hide_slots = CSS(string=f"[{SLOT}] {{ visibility: hidden; }}")
    sheet: CSS = _local.hide_slots
    return sheet


def _form(writer: PdfWriter, page: PageObject) -> IndirectObject:
    """A page's content and resources as a form XObject in ``writer``."""
    contents = page.get_contents()
    resources = page["/Resources"].get_object()
    if contents is None or not isinstance(resources, DictionaryObject):
        raise ValueError("the shared page has no content")
    form = DecodedStreamObject()
    form.set_data(contents.get_data())
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): page.mediabox,
            NameObject("/Resources"): resources.clone(writer),
        }
    )
    return writer._add_object(form.flate_encode())


def _assemble(
    shared: _Pass,
    slots_pdf: bytes,
    count: int,
    misfits: Sequence[int],
    full: _Pass | None,
    title: str,
) -> _Pass:
    """Page n: a shared page as a form XObject (stored once) under document n's slots;
    documents in ``misfits`` are taken whole from their full layout ``full``. The outline
    is the one WeasyPrint makes of the headings of all documents."""
    writer = PdfWriter()
    shared_reader = PdfReader(io.BytesIO(shared.merged))
    forms = [_form(writer, page) for page in shared_reader.pages]
    prefixes = []
    for name in _SHARED:
        prefix = DecodedStreamObject()
        prefix.set_data(f"q {name} Do Q\n".encode())
        prefixes.append(writer._add_object(prefix))
    shared_outlines = [[e for e in shared.outline if e[1][0] == n] for n in (0, 1)]
    slots_reader = PdfReader(io.BytesIO(slots_pdf))
    full_reader = PdfReader(io.BytesIO(full.merged)) if full is not None else None
    full_pages: dict[int, list[int]] = {}
    if full is not None and full_reader is not None:
        ends = [*full.starts[1:], len(full_reader.pages)]
        for n, start, end in zip(misfits, full.starts, ends, strict=True):
            full_pages[n] = list(range(start, end))
    starts: list[int] = []
    outline: Outline = []
    for number in range(count):
        start = len(writer.pages)
        starts.append(start)
        if full is not None and full_reader is not None and number in full_pages:
            indexes = full_pages[number]
            for index in indexes:
                writer.add_page(full_reader.pages[index])
            moved = {index: start + i for i, index in enumerate(indexes)}
            outline += _move_outline([e for e in full.outline if e[1][0] in moved], moved)
            continue
        which = min(number, 1)
        page = writer.add_page(slots_reader.pages[number])
        resources = page["/Resources"].get_object()
        if not isinstance(resources, DictionaryObject):
            raise ValueError("a slots page has no resources")
        xobjects = resources.get("/XObject")
        if not isinstance(xobjects, DictionaryObject):
            xobjects = resources[NameObject("/XObject")] = DictionaryObject()
        xobjects[NameObject(_SHARED[which])] = forms[which]
        page[NameObject("/Contents")] = ArrayObject([prefixes[which], page.raw_get("/Contents")])
        outline += _move_outline(shared_outlines[which], {which: start})
    _add_outline(writer, outline, None)
    info = shared_reader.metadata
    if info is not None and info.producer:
        writer.add_metadata({"/Producer": info.producer})
    if title:
        writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return _Pass(out.getvalue(), starts, outline)


def _move_outline(outline: Outline, pages: Mapping[int, int]) -> Outline:
    return [
        (label, (pages[page], x, y), _move_outline(children, pages), state)
        for label, (page, x, y), children, state in outline
    ]


def _add_outline(writer: PdfWriter, outline: Outline, parent: Any) -> None:
    for label, (page, x, y), children, state in outline:
        item = writer.add_outline_item(
            title=label,
            page_number=page,
            parent=parent,
            fit=Fit.xyz(left=x, top=y, zoom=0),
            is_open=state != "closed",
        )
        _add_outline(writer, children, item)


def merge_pdfs(parts: Iterable[bytes]) -> bytes:
    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

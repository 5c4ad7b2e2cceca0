"""A course's certificates as PDF: one shared page, with what differs stamped on it (S8).

The certificates of a course are the same page but for three elements: the participant's
name, the QR code and the verification code (``data-pdf-slot`` in
``attendance/pdf/_certificate_slot.html``; rendered with ``pdf_number`` in the context,
each also gets an id, ``pdf-slot-<name>-<number>``, so that its place can be read).
``config.pdf.render_batch`` lays out and paints every page in full, which is most of a
run's time and no faster than rendering the certificates one by one: the certificate
benchmark (tests/benchmarks/certificates_bench.py) shows that it misses the batch goal (30
in a batch at least 2× as fast as 30 singles). So here:

1. the first certificate is laid out with its slots hidden (``visibility: hidden`` keeps
   their size) and painted once as the shared page. Twice in fact: a document after a
   page break starts higher than the first of a pass (the body's top margin is only on
   the first page), and each keeps exactly the place a full layout gives it;
2. every certificate's slots are laid out alone, each absolutely at the place and width
   it has on the shared page (read from WeasyPrint's public ``Page.anchors``), one page
   per certificate;
3. each output page draws the shared page (a PDF form XObject, referenced by every page
   and stored once) under its own slots.

A certificate whose slots do not have exactly the shared page's sizes (a name on two
lines, a version line) would move the rest of its page: those are laid out in full. One
private pypdf call remains, ``PdfWriter._add_object`` (pypdf has no public way to add a
form XObject); tests/attendance/certificates/test_batch_stamping.py guards this path
(pixel for pixel against the full layout), so a library upgrade that changes it fails the
suite.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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

from config.pdf import BASE_URL, Batch, cut, document_html, first_pages, layout, tools

SLOT = "data-pdf-slot"
_MARGIN_BOXES = (
    *("top-left-corner", "top-left", "top-center", "top-right", "top-right-corner"),
    *("right-top", "right-middle", "right-bottom"),
    *("bottom-right-corner", "bottom-right", "bottom-center", "bottom-left", "bottom-left-corner"),
    *("left-bottom", "left-middle", "left-top"),
)
_SHARED = ("/PortalSharedFirst", "/PortalSharedNext")
_EPSILON = 1e-3  # CSS px
_HIDE_SLOTS = f"[{SLOT}] {{ visibility: hidden; }}"

# WeasyPrint's outline: (title, (page, x, y), children, "open" or "closed"), in PDF points.
Outline = list[tuple[str, tuple[int, float, float], "Outline", str]]


def render_certificates(
    template_name: str,
    slots_template: str,
    contexts: Sequence[Mapping[str, Any]],
    *,
    title: str = "",
) -> Batch:
    """The certificates of ``contexts`` as one PDF and one PDF each, as
    ``config.pdf.render_batch`` makes them, but laid out once and stamped."""
    result = _stamped(template_name, slots_template, contexts, title) if len(contexts) > 1 else None
    if result is None:
        bodies = [render_to_string(template_name, dict(c)) for c in contexts]
        result = _full(bodies, title)
    return Batch(merged=result.merged, parts=cut(result.merged, result.starts, title))


@dataclass(frozen=True)
class _Pass:
    merged: bytes
    starts: list[int]  # the first page of each document
    outline: Outline


@dataclass(frozen=True)
class _Slot:
    x: float  # border box, CSS px
    y: float
    width: float
    height: float


def _outline(document: Document) -> Outline:
    tree: Outline = document.make_bookmark_tree(scale=0.75, transform_pages=True)
    return tree


def _full(bodies: Sequence[str], title: str) -> _Pass:
    """Every body laid out in full, in one pass."""
    document = layout(document_html(bodies, title))
    starts = first_pages(document, len(bodies))
    return _Pass(document.write_pdf(), starts, _outline(document))


def _numbered(contexts: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{**context, "pdf_number": n} for n, context in enumerate(contexts)]


def _slots(page: Any, number: int) -> dict[str, _Slot]:
    """Where each slot's element of document ``number`` is on a laid out page: its border
    box, from the anchor its id makes."""
    found = {}
    for anchor, (x1, y1, x2, y2) in page.anchors.items():
        name, _, suffix = anchor.removeprefix("pdf-slot-").rpartition("-")
        if anchor.startswith("pdf-slot-") and suffix == str(number):
            found[name] = _Slot(x1, y1, x2 - x1, y2 - y1)
    return found


def _same(a: dict[str, _Slot], b: dict[str, _Slot]) -> bool:
    return a.keys() == b.keys() and all(
        abs(getattr(a[k], f) - getattr(b[k], f)) < _EPSILON
        for k in a
        for f in ("x", "y", "width", "height")
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
                f"top: {slot.y!r}px; width: {slot.width!r}px; box-sizing: border-box; "
                "margin: 0; float: none; }"
            )
    return "\n".join(rules)


def _stamped(
    template_name: str, slots_template: str, contexts: Sequence[Mapping[str, Any]], title: str
) -> _Pass | None:
    """The merged PDF of shared pages and stamped slots, or None where the certificates do
    not fit that (the caller then lays them all out in full)."""
    kit = tools()
    numbered = _numbered([contexts[0], contexts[0]])
    shared_bodies = [render_to_string(template_name, c) for c in numbered]
    hide = CSS(string=_HIDE_SLOTS)
    shared_doc = HTML(
        string=document_html(shared_bodies, title), base_url=BASE_URL, url_fetcher=kit.fetcher
    ).render(stylesheets=[kit.css, hide], font_config=kit.font_config, cache=kit.cache)
    pages = shared_doc.pages
    if (
        len(pages) != 2
        or any(f"pdf-document-{n}" not in page.anchors for n, page in enumerate(pages))
        or any(page.links for page in pages)
        or (pages[0].width, pages[0].height) != (pages[1].width, pages[1].height)
    ):
        return None
    shared_slots = (_slots(pages[0], 0), _slots(pages[1], 1))
    if not shared_slots[0] or shared_slots[0].keys() != shared_slots[1].keys():
        return None
    sheet = CSS(
        string=_slots_css(pages[0].width, pages[0].height, *shared_slots),
        base_url=BASE_URL,
        font_config=kit.font_config,
        url_fetcher=kit.fetcher,
    )
    shared = _Pass(shared_doc.write_pdf(), [0, 1], _outline(shared_doc))
    del shared_doc, pages
    bodies = [render_to_string(slots_template, c) for c in _numbered(contexts)]
    slots_doc = HTML(
        string=document_html(bodies, title), base_url=BASE_URL, url_fetcher=kit.fetcher
    ).render(stylesheets=[kit.css, sheet], font_config=kit.font_config, cache=kit.cache)
    if len(slots_doc.pages) != len(contexts):
        return None
    # Certificate n fits when it is page n and its slots have the shared page's sizes.
    fitting = {
        n
        for n, page in enumerate(slots_doc.pages)
        if f"pdf-document-{n}" in page.anchors and _same(_slots(page, n), shared_slots[min(n, 1)])
    }
    if not fitting:
        return None
    slots_pdf = slots_doc.write_pdf()
    del slots_doc
    misfits = [n for n in range(len(contexts)) if n not in fitting]
    full = None
    if misfits:
        # Laid out after a first certificate, as in one pass over all of them.
        numbers = misfits if misfits[0] == 0 else [0, *misfits]
        full = _full([render_to_string(template_name, dict(contexts[n])) for n in numbers], title)
        if numbers is not misfits:
            full = _Pass(full.merged, full.starts[1:], full.outline)
    return _assemble(shared, slots_pdf, len(contexts), misfits, full, title)


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
    """Page n: a shared page as a form XObject (stored once) under certificate n's slots;
    certificates in ``misfits`` are taken whole from their full layout ``full``. The
    outline is the one WeasyPrint makes of the headings of all certificates."""
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

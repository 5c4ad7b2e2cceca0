"""Small but structurally real files of every type a report may carry, and the bypasses
issue 15 item 14 found (.chm, .msix, .docm, a zip holding an .exe) with their relatives."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

PE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"This program cannot be run in DOS mode."
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504

CT_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
)
MAIN = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "docm": ("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}


def _zip(members: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        if stored_first:
            zf.writestr(zipfile.ZipInfo(stored_first), members[stored_first], zipfile.ZIP_STORED)
        for name, data in members.items():
            if name != stored_first:
                zf.writestr(name, data)
    return buffer.getvalue()


def ooxml(kind: str, extra: dict[str, bytes] | None = None, overrides: str = "") -> bytes:
    part, content_type = MAIN[kind]
    types = (
        CT_HEAD + f'<Override PartName="/{part}" ContentType="{content_type}"/>{overrides}</Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        f'Target="{part}"/></Relationships>'
    )
    members = {
        "[Content_Types].xml": types.encode(),
        "_rels/.rels": rels.encode(),
        part: b'<?xml version="1.0"?><document><body>Rapport fra m\xc3\xb8tet</body></document>',
        **(extra or {}),
    }
    return _zip(members)


def odf(kind: str, extra: dict[str, bytes] | None = None) -> bytes:
    mime = f"application/vnd.oasis.opendocument.{kind}"
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        f'names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/"'
        f' manifest:media-type="{mime}"/></manifest:manifest>'
    )
    members = {
        "mimetype": mime.encode(),
        "content.xml": b'<?xml version="1.0"?><office:document-content/>',
        "META-INF/manifest.xml": manifest.encode(),
        **(extra or {}),
    }
    return _zip(members, stored_first="mimetype")


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


ALLOWED: dict[str, bytes] = {
    "rapport.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
    "skjermbilde.png": png(),
    "bilde.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9",
    "bilde.jpeg": b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xd9",
    "animasjon.gif": b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    "bilde.webp": b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10",
    "IMG_0001.HEIC": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
    "foto.heif": b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic",
    "notat.txt": "Møtet 3. mars: lederen sa «hold kjeft».\r\n\tNeste linje.\n".encode(),
    "notat-ansi.txt": "Møtet på årsmøtet, særlig ærlig.\n".encode("cp1252"),
    "notat-unicode.txt": "Møtet på årsmøtet.\n".encode("utf-16"),
    "tom.txt": b"",
    "referat.docx": ooxml("docx"),
    "regnskap.xlsx": ooxml(
        "xlsx", {"xl/printerSettings/printerSettings1.bin": b"\x00\x04\xdc\x00" * 40}
    ),
    "lysbilder.pptx": ooxml("pptx", {"ppt/media/image1.png": png()}),
    "graf.docx": ooxml("docx", {"word/embeddings/Microsoft_Excel_Worksheet.xlsx": ooxml("xlsx")}),
    "referat.odt": odf("text"),
    "budsjett.ods": odf("spreadsheet"),
    "presentasjon.odp": odf("presentation", {"Pictures/1.png": png()}),
}

# name, content, the words the refusal must contain
REFUSED: list[tuple[str, bytes, str]] = [
    ("hjelp.chm", b"ITSF\x03\x00\x00\x00`\x00\x00\x00" + b"\x00" * 80, "program"),
    ("hjelp.pdf", b"ITSF\x03\x00\x00\x00`\x00\x00\x00", "program"),
    (
        "installer.msix",
        _zip({"AppxManifest.xml": b"<Package/>", "app/run.exe": PE}),
        "program",
    ),
    ("makro.docm", ooxml("docm", {"word/vbaProject.bin": OLE}), "program"),
    ("makro.docx", ooxml("docm", {"word/vbaProject.bin": OLE}), "makroer"),
    ("makro2.docx", ooxml("docx", {"word/vbaProject.bin": OLE}), "makroer"),
    (
        "makro.xlsx",
        ooxml(
            "xlsx",
            {"xl/vbaProject.bin": OLE},
            '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
        ),
        "makroer",
    ),
    ("vedlegg.zip", _zip({"faktura.pdf.exe": PE}), "filtype vi ikke tar imot"),
    ("vedlegg.docx", _zip({"faktura.exe": PE}), "ikke en gyldig"),
    ("innebygd.docx", ooxml("docx", {"word/embeddings/oleObject1.bin": OLE}), "makroer"),
    ("program.docx", ooxml("docx", {"word/media/faktura.exe": PE}), "makroer"),
    ("skjult.docx", ooxml("docx", {"word/media/image1.png": PE}), "makroer"),
    ("kontroll.docx", ooxml("docx", {"word/activeX/activeX1.xml": b"<ax/>"}), "makroer"),
    ("makro.odt", odf("text", {"Basic/Standard/Module1.xml": b"<script/>"}), "makroer"),
    (
        "nestet.docx",
        ooxml("docx", {"word/embeddings/pakke.xlsx": _zip({"run.exe": PE})}),
        "makroer",
    ),
    (
        "nestet2.docx",
        ooxml("docx", {"word/embeddings/a.xlsx": ooxml("xlsx", {"xl/vbaProject.bin": OLE})}),
        "makroer",
    ),
    ("regneark.ods", odf("text"), "ikke en gyldig"),
    ("tekst.odt", ooxml("docx"), "ikke en gyldig"),
    ("binær.txt", b"PK\x03\x04\x00\x00\x00binary\x00\x01\x02", "ikke en gyldig"),
    ("bilde.jpg", png(), "ikke en gyldig"),
    ("side.pdf", b"<html><script>alert(1)</script></html>", "ikke en gyldig"),
    ("video.mp4", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", "filtype vi ikke tar imot"),
    ("film.heic", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42", "ikke en gyldig"),
    ("tegning.svg", b"<svg onload='alert(1)'/>", "filtype vi ikke tar imot"),
    ("side.html", b"<html></html>", "filtype vi ikke tar imot"),
    ("uten-endelse", b"%PDF-1.4", "filtype vi ikke tar imot"),
    ("skript.txt", b"#!/bin/sh\nrm -rf /\n", "program"),
    ("rapport.pdf", PE, "program"),
    ("bilde.jpg", b"\x7fELF\x02\x01\x01", "program"),
    ("dokument.pdf.exe", b"%PDF-1.4", "program"),
]


def encrypted_docx() -> bytes:
    """A docx whose parts carry the zip 'encrypted' flag (as password tools write them)."""
    data = bytearray(ooxml("docx"))
    offset = 0
    while (offset := data.find(b"PK\x03\x04", offset)) != -1:
        data[offset + 6] |= 0x01
        offset += 4
    offset = 0
    while (offset := data.find(b"PK\x01\x02", offset)) != -1:
        data[offset + 8] |= 0x01
        offset += 4
    return bytes(data)

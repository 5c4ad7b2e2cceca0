"""What files a report may carry (issue 15 items 5 and 14).

An allow list, judged by content: a file is taken only when its extension is one of
``TYPES`` *and* its bytes are that type (magic bytes; for Office Open XML and OpenDocument
files, the zip's structure). Office files with macros, ActiveX controls, OLE objects or any
embedded program are refused, whatever their name says. Everything else is refused with a
message that names what is allowed. Limits: ``MAX_FILES`` files of ``MAX_FILE_BYTES`` per
sending, and per case (reporter side, first report and follow-ups together) the settings
``WHISTLEBLOWING_CASE_MAX_FILES`` and ``WHISTLEBLOWING_CASE_MAX_BYTES``.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
MAX_ZIP_MEMBERS = 5000
MAX_XML_BYTES = 1024 * 1024
MAX_NESTING = 2  # a chart's workbook inside a document is one level
MAX_NESTED = 20


@dataclass(frozen=True)
class FileType:
    label: str
    extensions: tuple[str, ...]
    mime: str


TYPES: dict[str, FileType] = {
    "pdf": FileType("PDF", ("pdf",), "application/pdf"),
    "png": FileType("PNG", ("png",), "image/png"),
    "jpeg": FileType("JPEG", ("jpg", "jpeg"), "image/jpeg"),
    "gif": FileType("GIF", ("gif",), "image/gif"),
    "webp": FileType("WebP", ("webp",), "image/webp"),
    "heic": FileType("HEIC", ("heic", "heif"), "image/heic"),
    "txt": FileType("TXT", ("txt",), "text/plain"),
    "docx": FileType(
        "Word (DOCX)",
        ("docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": FileType(
        "Excel (XLSX)",
        ("xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "pptx": FileType(
        "PowerPoint (PPTX)",
        ("pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "odt": FileType("OpenDocument (ODT)", ("odt",), "application/vnd.oasis.opendocument.text"),
    "ods": FileType(
        "OpenDocument (ODS)", ("ods",), "application/vnd.oasis.opendocument.spreadsheet"
    ),
    "odp": FileType(
        "OpenDocument (ODP)", ("odp",), "application/vnd.oasis.opendocument.presentation"
    ),
}
BY_EXTENSION = {ext: kind for kind, t in TYPES.items() for ext in t.extensions}
# The content type of the main part, as [Content_Types].xml names it; the macro-enabled
# variants (docm, xlsm, pptm) have other names and fail this.
OOXML_MAIN = {
    "docx": b"wordprocessingml.document.main+xml",
    "xlsx": b"spreadsheetml.sheet.main+xml",
    "pptx": b"presentationml.presentation.main+xml",
}
ODF_KINDS = ("odt", "ods", "odp")

# Programs and scripts, by name (to word the refusal) and by their first bytes: Windows PE,
# ELF, Mach-O (both byte orders, fat), shebang scripts, Windows shortcut, compiled help.
PROGRAM_EXTENSIONS = frozenset(
    {
        "exe", "com", "bat", "cmd", "scr", "pif", "msi", "msp", "msix", "msixbundle",
        "appx", "dll", "cpl", "sys", "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "ps1",
        "psm1", "sh", "bash", "zsh", "csh", "ksh", "jar", "apk", "app", "dmg", "pkg", "deb",
        "rpm", "elf", "bin", "run", "lnk", "reg", "py", "pl", "rb", "php", "iso", "appimage",
        "chm", "docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppsm", "sldm",
    }
)  # fmt: skip
PROGRAM_MAGIC: tuple[bytes, ...] = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
    b"L\x00\x00\x00\x01\x14\x02\x00",
    b"ITSF",
)
# Inside an Office file a program is refused by name too ("bin" is left out: printer
# settings are .bin parts; OLE objects and VBA projects are caught by content and name).
MEMBER_PROGRAM_EXTENSIONS = PROGRAM_EXTENSIONS - {"bin"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office, OLE objects, VBA projects
ZIP_MAGIC = b"PK\x03\x04"
HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})
TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class Refused(Exception):
    """A file is not taken; ``code`` says why (see ``_refusal``)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def allowed_types() -> str:
    return ", ".join(t.label for t in TYPES.values())


def accept_attribute() -> str:
    return ",".join(f".{ext}" for ext in BY_EXTENSION)


def limits_help() -> str:
    return _(
        "Valgfritt. Opptil %(files)d filer per sending, høyst %(size)s hver. Til sammen i "
        "saken høyst %(case_files)d filer og %(case_size)s. Tillatte filtyper: %(types)s."
    ) % {
        "files": MAX_FILES,
        "size": filesizeformat(MAX_FILE_BYTES),
        "case_files": settings.WHISTLEBLOWING_CASE_MAX_FILES,
        "case_size": filesizeformat(settings.WHISTLEBLOWING_CASE_MAX_BYTES),
        "types": allowed_types(),
    }


# --- content checks -------------------------------------------------------------------


def _magic_ok(kind: str, head: bytes) -> bool:
    if kind == "pdf":
        return head.startswith(b"%PDF-")
    if kind == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == "jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if kind == "gif":
        return head.startswith((b"GIF87a", b"GIF89a"))
    if kind == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if kind == "heic":
        return head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS
    raise AssertionError(kind)


def _check_text(stream: IO[bytes]) -> None:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252; no control bytes."""
    stream.seek(0)
    head = stream.read(4)
    utf16 = head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        stream.seek(0)
        try:
            while chunk := stream.read(64 * 1024):
                if TEXT_CONTROLS.search(decoder.decode(chunk)):
                    raise Refused("invalid")
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return
    raise Refused("invalid")


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    with zf.open(info) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise Refused("invalid")
    return data


@dataclass
class _Budget:
    """Bounds the work one upload can cause: members looked at, nested archives opened."""

    members: int = field(default_factory=lambda: MAX_ZIP_MEMBERS)
    nested: int = field(default_factory=lambda: MAX_NESTED)


def _check_members(zf: zipfile.ZipFile, depth: int, budget: _Budget) -> None:
    """No member may be a program, an OLE object, a VBA project or an ActiveX control;
    a nested zip must itself be a clean Office Open XML or OpenDocument file."""
    for info in zf.infolist():
        budget.members -= 1
        if budget.members < 0:
            raise Refused("invalid")
        name = info.filename.lower()
        last = name.rsplit("/", 1)[-1]
        if "." in last and last.rsplit(".", 1)[-1] in MEMBER_PROGRAM_EXTENSIONS:
            raise Refused("macro")
        if last in {"vbaproject.bin", "vbadata.xml"} or "activex/" in name:
            raise Refused("macro")
        if name.startswith(("basic/", "scripts/")):  # OpenDocument macros
            raise Refused("macro")
        if info.is_dir():
            continue
        with zf.open(info) as member:
            head = member.read(8)
        if head.startswith(PROGRAM_MAGIC) or head.startswith(OLE_MAGIC):
            raise Refused("macro")
        if head.startswith(ZIP_MAGIC):
            budget.nested -= 1
            if depth >= MAX_NESTING or budget.nested < 0:
                raise Refused("macro")
            try:
                inner = zipfile.ZipFile(io.BytesIO(_read_member(zf, info, MAX_FILE_BYTES)))
                _check_office(inner, None, depth + 1, budget)
            except (Refused, zipfile.BadZipFile) as exc:
                # Anything embedded that is not itself a clean document is an object we
                # cannot vouch for.
                code = exc.code if isinstance(exc, Refused) else "macro"
                raise Refused("macro" if code == "invalid" else code) from None


def _check_office(zf: zipfile.ZipFile, kind: str | None, depth: int, budget: _Budget) -> None:
    """An Office Open XML (``kind`` docx/xlsx/pptx) or OpenDocument (odt/ods/odp) file;
    with ``kind=None`` (a document embedded in another) any of them."""
    if any(info.flag_bits & 0x1 for info in zf.infolist()):
        raise Refused("encrypted")
    names = set(zf.namelist())
    if "[Content_Types].xml" in names and (kind is None or kind in OOXML_MAIN):
        types = _read_member(zf, zf.getinfo("[Content_Types].xml"), MAX_XML_BYTES).lower()
        if b"macroenabled" in types or b"vbaproject" in types or b"activex" in types:
            raise Refused("macro")
        if kind is not None and OOXML_MAIN[kind] not in types:
            raise Refused("invalid")
    elif "mimetype" in names and (kind is None or kind in ODF_KINDS):
        mimetype = _read_member(zf, zf.getinfo("mimetype"), 200).decode("ascii", "replace")
        wanted = TYPES[kind].mime if kind else "application/vnd.oasis.opendocument."
        if not mimetype.strip().startswith(wanted) or "META-INF/manifest.xml" not in names:
            raise Refused("invalid")
    else:
        raise Refused("invalid")
    _check_members(zf, depth, budget)


def _check_content(kind: str, stream: IO[bytes]) -> None:
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if head.startswith(PROGRAM_MAGIC):
        raise Refused("program")
    if kind == "txt":
        _check_text(stream)
    elif kind in OOXML_MAIN or kind in ODF_KINDS:
        if not head.startswith(ZIP_MAGIC):
            raise Refused("invalid")
        try:
            with zipfile.ZipFile(stream) as zf:
                _check_office(zf, kind, 0, _Budget())
        except Refused:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError,
                NotImplementedError, RuntimeError, ValueError, KeyError):  # fmt: skip
            raise Refused("invalid") from None
    elif not _magic_ok(kind, head):
        raise Refused("invalid")


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower().strip() if "." in name else ""


def _refusal(code: str, name: str, kind: str | None) -> ValidationError:
    params = {"name": name, "types": allowed_types(), "label": TYPES[kind].label if kind else ""}
    messages = {
        "program": _(
            "Filen «%(name)s» ser ut til å være et program. Slike filer kan ikke sendes. "
            "Tillatte filtyper: %(types)s."
        ),
        "type": _(
            "Filen «%(name)s» har en filtype vi ikke tar imot. Tillatte filtyper: %(types)s."
        ),
        "invalid": _(
            "Innholdet i «%(name)s» er ikke en gyldig %(label)s-fil. Sjekk at du valgte riktig "
            "fil. Tillatte filtyper: %(types)s."
        ),
        "macro": _(
            "«%(name)s» inneholder makroer, programkode eller innebygde objekter, og kan ikke "
            "sendes. Lagre dokumentet uten dette (for eksempel som PDF) og prøv igjen."
        ),
        "encrypted": _(
            "«%(name)s» er passordbeskyttet. Lagre dokumentet uten passord (for eksempel som "
            "PDF) og prøv igjen."
        ),
    }
    return ValidationError(messages[code], code=code, params=params)


def check_file(upload: UploadedFile) -> None:
    name = upload.name or ""
    if upload.size is None or upload.size > MAX_FILE_BYTES:
        raise ValidationError(
            _("Filen «%(name)s» er for stor. Største tillatte størrelse er %(max)s."),
            code="too_large",
            params={"name": name, "max": filesizeformat(MAX_FILE_BYTES)},
        )
    extension = _extension(name)
    kind = BY_EXTENSION.get(extension)
    if kind is None:
        raise _refusal("program" if extension in PROGRAM_EXTENSIONS else "type", name, None)
    stream: Any = upload.file if upload.file is not None else upload
    try:
        _check_content(kind, stream)
    except Refused as exc:
        raise _refusal(exc.code, name, kind) from None
    finally:
        upload.seek(0)


def check_files(uploads: Sequence[UploadedFile]) -> None:
    if len(uploads) > MAX_FILES:
        raise ValidationError(
            _("Du kan legge ved høyst %(max)d filer om gangen."),
            code="too_many",
            params={"max": MAX_FILES},
        )
    errors: list[ValidationError] = []
    for upload in uploads:
        try:
            check_file(upload)
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)


def check_case_quota(*, case: Any, author: str, files: Sequence[UploadedFile]) -> None:
    """The reporter side's files in one case, first report and follow-ups together, stay
    within WHISTLEBLOWING_CASE_MAX_FILES and WHISTLEBLOWING_CASE_MAX_BYTES. Call it with
    the case row locked, so two posts cannot both take the last room."""
    if not files:
        return
    held = case.attachments.filter(author=author).aggregate(n=Count("pk"), size=Sum("size"))
    max_files = settings.WHISTLEBLOWING_CASE_MAX_FILES
    max_bytes = settings.WHISTLEBLOWING_CASE_MAX_BYTES
    count = int(held["n"] or 0)
    size = int(held["size"] or 0)
    if count + len(files) > max_files or size + sum(f.size or 0 for f in files) > max_bytes:
        raise ValidationError(
            {
                "attachments": ValidationError(
                    _(
                        "Saken har ikke plass til disse filene. Grensen er %(files)d filer og "
                        "%(size)s til sammen per sak; det er plass til %(left_files)d filer og "
                        "%(left_size)s til. Beskriv heller resten i meldingen."
                    ),
                    code="case_quota",
                    params={
                        "files": max_files,
                        "size": filesizeformat(max_bytes),
                        "left_files": max(0, max_files - count),
                        "left_size": filesizeformat(max(0, max_bytes - size)),
                    },
                )
            }
        )

"""What files a report may carry: a size limit and no executables, judged by the name's
extension and by the first bytes of the content (a renamed program is still a program)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 5

BLOCKED_EXTENSIONS = frozenset(
    {
        "exe", "com", "bat", "cmd", "scr", "pif", "msi", "msp", "dll", "cpl", "sys",
        "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "ps1", "psm1", "sh", "bash",
        "zsh", "csh", "ksh", "jar", "apk", "app", "dmg", "pkg", "deb", "rpm", "elf",
        "bin", "run", "lnk", "reg", "py", "pl", "rb", "php", "iso", "appimage",
    }
)  # fmt: skip

# Program and script signatures: Windows PE, ELF, Mach-O (both byte orders, fat), Java
# class, shebang scripts, Windows shortcut.
BLOCKED_MAGIC: tuple[bytes, ...] = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
    b"L\x00\x00\x00\x01\x14\x02\x00",
)


def _extensions(name: str) -> list[str]:
    # "rapport.pdf.exe" and "rapport.exe.pdf" both carry an executable extension.
    return [part.lower().strip() for part in name.split(".")[1:]]


def check_file(upload: UploadedFile) -> None:
    name = upload.name or ""
    if upload.size is None or upload.size > MAX_FILE_BYTES:
        raise ValidationError(
            _("Filen «%(name)s» er for stor. Største tillatte størrelse er %(max)s."),
            code="too_large",
            params={"name": name, "max": filesizeformat(MAX_FILE_BYTES)},
        )
    if any(ext in BLOCKED_EXTENSIONS for ext in _extensions(name)):
        raise ValidationError(
            _("Filen «%(name)s» ser ut til å være et program. Slike filer kan ikke sendes."),
            code="executable",
            params={"name": name},
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(BLOCKED_MAGIC):
        raise ValidationError(
            _("Filen «%(name)s» ser ut til å være et program. Slike filer kan ikke sendes."),
            code="executable",
            params={"name": name},
        )


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

"""Files sent to the whistleblowing views never touch a disk in clear, and an oversized body
is refused before it is read (issue 15 items 2 and 5).

Django's default handlers keep a small request's files in memory and stream a larger one's
to the temp folder as ``tmp*.upload.*``, in clear. The views that take files replace them,
for that request only, with ``SealingUploadHandler``:

* each file is encrypted as it arrives, in frames of 64 KiB (XChaCha20-Poly1305 with the
  frame's number in the nonce, so no frame can be changed, moved or cut off unnoticed),
  under a random key that exists only in this request's memory, into an anonymous temp
  file (unlinked from the start where the OS allows it, deleted on close elsewhere);
* it is read back through ``SealedFile``, which decrypts frame by frame and can seek (the
  zip checks in ``uploads`` need that); when the request ends the file is closed and gone,
  and its key with it, so even the ciphertext left by a crash opens for no one;
* a file past ``uploads.MAX_FILE_BYTES``, and every file past ``uploads.MAX_FILES``, is not
  kept at all: the handler hands on an empty ``RefusedUpload`` of the size it saw, which the
  form refuses with its usual message and the text kept. Past WHISTLEBLOWING_MAX_BODY_BYTES
  in all it stops reading (``StopUpload``) and the view answers 413.

``guard_uploads`` wraps such a view. It refuses a body whose Content-Length is over
WHISTLEBLOWING_MAX_BODY_BYTES with a 413 page before a byte is read, even before the CSRF
check (which would parse the body), and installs the handler first: csrf_exempt outside,
csrf_protect inside, as Django's documentation on per-request upload handlers describes.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from functools import wraps
from typing import IO, Any, cast

import nacl.exceptions
import nacl.utils
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from nacl.bindings import (
    crypto_aead_xchacha20poly1305_ietf_ABYTES,
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    crypto_aead_xchacha20poly1305_ietf_encrypt,
    crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
)

from whistleblowing import uploads

FRAME = 64 * 1024
TAG = crypto_aead_xchacha20poly1305_ietf_ABYTES
PREFIX_BYTES = 16  # + 8 bytes of frame number = the 24-byte XChaCha20 nonce


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + index.to_bytes(8, "big")


class SealedFile(io.RawIOBase):
    """A read-only, seekable view of a sealed temp file, decrypting one frame at a time."""

    def __init__(self, file: Any, key: bytes, prefix: bytes, size: int) -> None:
        super().__init__()
        self._file = file
        self._key = key
        self._prefix = prefix
        self._size = size
        self._pos = 0
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def _frame(self, index: int) -> bytes:
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        self._file.seek(index * (FRAME + TAG))
        blob = self._file.read(min(FRAME, self._size - index * FRAME) + TAG)
        try:
            plain = crypto_aead_xchacha20poly1305_ietf_decrypt(
                blob, None, _nonce(self._prefix, index), self._key
            )
        except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
            raise OSError("sealed upload is damaged") from exc
        self._cached = (index, plain)
        return plain

    def read(self, size: int | None = -1) -> bytes:
        """Up to ``size`` bytes (all that is left when negative), short only at the end."""
        if self.closed:
            raise ValueError("I/O operation on closed file")
        wanted = self._size - self._pos if size is None or size < 0 else size
        parts = []
        while wanted > 0 and self._pos < self._size:
            index, offset = divmod(self._pos, FRAME)
            part = self._frame(index)[offset : offset + wanted]
            parts.append(part)
            self._pos += len(part)
            wanted -= len(part)
        return b"".join(parts)

    def readall(self) -> bytes:
        return self.read(-1)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._file.close()
            self._key = b""
            self._cached = None
        super().close()


class _Sealer:
    """Encrypts one file's bytes into an anonymous temp file as they arrive."""

    def __init__(self) -> None:
        self._key = nacl.utils.random(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
        self._prefix = nacl.utils.random(PREFIX_BYTES)
        self._file = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115
        self._pending = bytearray()
        self._frames = 0
        self._size = 0

    def write(self, data: bytes) -> None:
        self._pending += data
        self._size += len(data)
        while len(self._pending) >= FRAME:
            self._seal(bytes(self._pending[:FRAME]))
            del self._pending[:FRAME]

    def _seal(self, plain: bytes) -> None:
        nonce = _nonce(self._prefix, self._frames)
        self._file.write(crypto_aead_xchacha20poly1305_ietf_encrypt(plain, None, nonce, self._key))
        self._frames += 1

    def finish(self) -> SealedFile:
        if self._pending:
            self._seal(bytes(self._pending))
            self._pending.clear()
        self._file.flush()
        return SealedFile(self._file, self._key, self._prefix, self._size)

    def discard(self) -> None:
        self._pending.clear()
        self._file.close()


class SealedUpload(UploadedFile):
    """An uploaded file held encrypted in a temp file; reads give the clear bytes."""


class RefusedUpload(UploadedFile):
    """Stands for a file that was not kept (too large, or one too many): empty, with the
    size that was sent, so the form's checks refuse it with the usual message."""

    def __init__(self, name: str, content_type: str, size: int) -> None:
        super().__init__(io.BytesIO(b""), name, content_type, size)


class SealingUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.stopped = False
        self._files = 0
        self._received = 0
        self._this_file = 0
        self._sealer: _Sealer | None = None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._files += 1
        self._this_file = 0
        self._sealer = _Sealer() if self._files <= uploads.MAX_FILES else None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._received += len(raw_data)
        self._this_file += len(raw_data)
        if self._received > settings.WHISTLEBLOWING_MAX_BODY_BYTES:
            self.stopped = True
            self._drop()
            raise StopUpload(connection_reset=True)
        if self._sealer is not None:
            if self._this_file > uploads.MAX_FILE_BYTES:
                self._drop()
            else:
                self._sealer.write(raw_data)

    def file_complete(self, file_size: int) -> UploadedFile:
        name, content_type = self.file_name or "", self.content_type or ""
        if self._sealer is None:
            return RefusedUpload(name, content_type, file_size)
        sealed = self._sealer.finish()
        self._sealer = None
        return SealedUpload(
            cast(IO[bytes], sealed),  # a file object in all but the typing.IO nominal type
            name,
            content_type,
            file_size,
            self.charset,
            self.content_type_extra,
        )

    def upload_interrupted(self) -> None:
        self._drop()

    def _drop(self) -> None:
        if self._sealer is not None:
            self._sealer.discard()
            self._sealer = None


def _content_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0  # Django reads no body without a valid length


def too_large(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "whistleblowing/too_large.html",
        {
            "max_body": settings.WHISTLEBLOWING_MAX_BODY_BYTES,
            "max_files": uploads.MAX_FILES,
            "max_file": uploads.MAX_FILE_BYTES,
            "back": request.path,
        },
        status=413,
    )
    response["Cache-Control"] = "no-store"
    return response


View = Callable[..., HttpResponse]


def guard_uploads(view: View) -> View:
    """Wrap a view that takes files: 413 before reading an oversized body, the sealing
    upload handler installed before anything (CSRF included) parses the body."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        handler = getattr(request, "_wb_upload_handler", None)
        if handler is not None:
            _ = request.FILES  # parsed here at the latest (the CSRF check usually did it)
            if handler.stopped:
                return too_large(request)
        return view(request, *args, **kwargs)

    protected = csrf_protect(checked)

    @csrf_exempt
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            if _content_length(request) > settings.WHISTLEBLOWING_MAX_BODY_BYTES:
                return too_large(request)
            handler = SealingUploadHandler(request)
            request.upload_handlers = [handler]
            request._wb_upload_handler = handler  # type: ignore[attr-defined]
        return protected(request, *args, **kwargs)

    return guarded

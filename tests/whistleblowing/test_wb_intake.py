"""What a report's files and body may do to the disk (issue 15 items 2 and 5).

* A file larger than FILE_UPLOAD_MAX_MEMORY_SIZE is spooled encrypted: a watcher scans the
  temp folders (tempfile.gettempdir() and FILE_UPLOAD_TEMP_DIR) and every file the process
  holds open there, unlinked ones included, while the submit runs, and never finds the
  marker; nor do MEDIA_ROOT and DATA_DIR afterwards.
* A body over WHISTLEBLOWING_MAX_BODY_BYTES is refused with a 413 page before a byte is
  read, CSRF token or not; the streaming handler stops at the cap; files over the per-file
  limit are not kept; a case holds at most so many files and bytes from the reporter.
* The form states the limits."""

from __future__ import annotations

import io
import os
import re
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import Client, RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from tests.factories import whistleblowing as f
from tests.whistleblowing import filesamples as samples
from tests.whistleblowing.test_wb_views import REPORT, receipt_from, report_data
from whistleblowing import services, uploads
from whistleblowing.models import Attachment, Case
from whistleblowing.upload_handlers import SealedUpload, SealingUploadHandler

pytestmark = pytest.mark.django_db
MARKER = b"QZXTEMPMARKER4471"
LOGIN = reverse("whistleblowing:reporter_login")
CASE = reverse("whistleblowing:reporter_case")


def marked_text(size: int) -> bytes:
    line = b"Han sa det igjen p\xc3\xa5 m\xc3\xb8tet. " + MARKER + b"\n"
    return (line * (size // len(line) + 1))[:size]


class TempWatcher:
    """Scans folders, and the files this process holds open in them (also unlinked
    ones, through /proc/self/fd), for the marker."""

    def __init__(self, *folders: Path) -> None:
        self.folders = [str(folder) for folder in folders]
        self.hits: list[str] = []
        self.seen: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def scan(self) -> None:
        for folder in self.folders:
            for path in Path(folder).rglob("*"):
                self._look(str(path), str(path))
        fds = Path("/proc/self/fd")
        for fd in fds.iterdir() if fds.exists() else []:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if any(target.startswith(folder) for folder in self.folders):
                self._look(str(fd), target)

    def _look(self, path: str, label: str) -> None:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except (OSError, IsADirectoryError):
            return
        self.seen.add(label)
        if MARKER in data:
            self.hits.append(label)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.scan()
            time.sleep(0.001)

    def __enter__(self) -> TempWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture
def temp_dirs(tmp_path: Path, monkeypatch, settings) -> Iterator[tuple[Path, Path]]:
    system, uploads_dir = tmp_path / "system-tmp", tmp_path / "upload-tmp"
    system.mkdir()
    uploads_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system))
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    yield system, uploads_dir


@pytest.fixture
def sec():
    return f.make_handler(role="secretariat")


def files_under(root: Path, since: float) -> list[Path]:
    if not root.exists():
        return []
    return [p for p in root.rglob("*") if p.is_file() and p.stat().st_mtime >= since]


@pytest.mark.parametrize("upload_dir_set", [True, False], ids=["FILE_UPLOAD_TEMP_DIR", "default"])
def test_a_large_file_never_reaches_the_temp_folder_in_clear(
    sec, temp_dirs, settings, monkeypatch, upload_dir_set
):
    system, upload_dir = temp_dirs
    settings.FILE_UPLOAD_TEMP_DIR = str(upload_dir) if upload_dir_set else None
    started = time.time() - 1
    watcher = TempWatcher(system, upload_dir)
    submit = services.report_submit

    def submit_and_look(**kwargs):
        watcher.scan()  # every upload of the request is parsed and still open here
        return submit(**kwargs)

    monkeypatch.setattr(services, "report_submit", submit_and_look)
    client = Client()
    content = marked_text(600 * 1024)
    assert len(content) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    upload = SimpleUploadedFile("notat.txt", content, content_type="text/plain")
    with watcher:
        response = client.post(REPORT, {**report_data(client), "attachments": [upload]})
    assert response.status_code == 200, response.content.decode()[:2000]
    assert watcher.seen, "the file should have been spooled (encrypted) to a temp folder"
    assert watcher.hits == []
    stored = Case.objects.get().attachments.get()
    assert stored.size == len(content)
    for root in (Path(settings.MEDIA_ROOT), Path(settings.DATA_DIR)):
        for path in files_under(root, started):
            assert MARKER not in path.read_bytes(), path


def test_no_other_view_spools_an_upload_to_the_temp_folder(temp_dirs):
    """Outside whistleblowing nothing takes files: a file part is dropped, never spooled."""
    system, _upload_dir = temp_dirs
    request = RequestFactory().post(
        "/grupper/", {"f": SimpleUploadedFile("x.txt", marked_text(300 * 1024))}
    )
    watcher = TempWatcher(system)
    assert "f" not in request.FILES
    watcher.scan()
    assert watcher.seen == set() and watcher.hits == []


def _sealed_request(content: bytes, name: str = "notat.txt") -> tuple[object, SealedUpload]:
    request = RequestFactory().post(
        "/varsling/", {"attachments": SimpleUploadedFile(name, content)}
    )
    request.upload_handlers = [SealingUploadHandler(request)]
    upload = request.FILES["attachments"]
    assert isinstance(upload, SealedUpload)
    return request, upload


def test_a_sealed_upload_reads_back_the_clear_bytes_anywhere_in_it(temp_dirs):
    system, _ = temp_dirs
    content = marked_text(200 * 1024 + 17)
    _request, upload = _sealed_request(content)
    watcher = TempWatcher(system)
    watcher.scan()
    assert len(watcher.seen) == 1 and watcher.hits == []  # one spooled file, sealed
    assert upload.size == len(content)
    assert upload.read() == content
    for position in (0, 1, 65535, 65536, 65537, 131072 + 5, len(content) - 3, len(content)):
        upload.seek(position)
        assert upload.read(100) == content[position : position + 100]
    assert b"".join(upload.chunks(chunk_size=7000)) == content
    upload.close()
    watcher.seen.clear()
    watcher.scan()
    assert watcher.seen == set()  # closed is gone


def test_a_sealed_office_file_is_checked_through_the_decrypting_reader(temp_dirs):
    _request, upload = _sealed_request(samples.ALLOWED["graf.docx"], "graf.docx")
    uploads.check_file(upload)
    _request, bad = _sealed_request(samples.REFUSED[3][1], "makro.docx")
    with pytest.raises(Exception, match="makroer"):
        uploads.check_file(bad)
    assert upload.file is not None
    assert zipfile.ZipFile(upload.file).namelist()


def test_a_tampered_spool_does_not_read(temp_dirs):
    _request, upload = _sealed_request(marked_text(100 * 1024))
    raw = upload.file._file  # the ciphertext on disk
    raw.seek(10)
    byte = raw.read(1)
    raw.seek(10)
    raw.write(bytes([byte[0] ^ 1]))
    raw.flush()
    with pytest.raises(OSError, match="damaged"):
        upload.read()


class Untouchable(io.RawIOBase):
    """A request body that fails the test if anyone reads it."""

    read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        Untouchable.read_bytes += len(buffer)
        raise AssertionError("the body was read")


# A multipart POST claiming 1 GiB whose body fails the test if anyone reads a byte of it.
HUGE_BODY: dict[str, Any] = {
    "wsgi.input": Untouchable(),
    "CONTENT_LENGTH": str(1024**3),
    "CONTENT_TYPE": MULTIPART_CONTENT,
}


@pytest.mark.parametrize("url", [REPORT, CASE])
def test_a_body_over_the_limit_is_refused_before_it_is_read_even_without_csrf(url):
    client = Client(enforce_csrf_checks=True)
    # A forged token with a cookie to match: the CSRF check would read the body to compare.
    client.cookies[settings.CSRF_COOKIE_NAME] = "f" * 32
    Untouchable.read_bytes = 0
    response = client.generic(
        "POST",
        url,
        **HUGE_BODY,
    )
    assert response.status_code == 413
    assert Untouchable.read_bytes == 0
    text = response.content.decode()
    assert "Sendingen er for stor" in text
    assert "52,0\xa0MB" in text or "52,0 MB" in text
    assert "Ingenting er tatt imot eller lagret" in text
    assert response["Cache-Control"] == "no-store"


def test_the_413_page_speaks_english_too():
    response = Client().generic(
        "POST",
        REPORT,
        HTTP_ACCEPT_LANGUAGE="en",
        **HUGE_BODY,
    )
    assert response.status_code == 413
    assert "The submission is too large" in response.content.decode()


def test_a_body_just_under_the_limit_is_read(sec, settings):
    settings.WHISTLEBLOWING_MAX_BODY_BYTES = 200 * 1024
    client = Client()
    upload = SimpleUploadedFile("notat.txt", b"x" * (150 * 1024))
    response = client.post(REPORT, {**report_data(client), "attachments": [upload]})
    assert response.status_code == 200
    upload = SimpleUploadedFile("notat.txt", b"x" * (250 * 1024))
    response = client.post(REPORT, {**report_data(client), "attachments": [upload]})
    assert response.status_code == 413


class CountingStream(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        self.read_bytes += len(chunk)
        return len(chunk)


def test_the_streaming_handler_stops_reading_at_the_cap(settings, temp_dirs):
    settings.WHISTLEBLOWING_MAX_BODY_BYTES = 256 * 1024
    body = encode_multipart(
        BOUNDARY,
        {
            "description": "teksten",
            "attachments": SimpleUploadedFile("stor.txt", b"y" * (3 * 1024 * 1024)),
        },
    )
    stream = CountingStream(body)
    handler = SealingUploadHandler()
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    post, files = MultiPartParser(meta, cast(Any, stream), [handler]).parse()
    assert handler.stopped
    assert "attachments" not in files
    assert post["description"] == "teksten"  # what came before the file is kept
    assert stream.read_bytes < settings.WHISTLEBLOWING_MAX_BODY_BYTES + 3 * 64 * 1024


def test_a_file_over_the_file_limit_is_not_kept_and_is_refused_with_the_text(sec, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_FILE_BYTES", 100 * 1024)
    client = Client()
    big = SimpleUploadedFile("stor.txt", b"z" * (300 * 1024))
    response = client.post(REPORT, {**report_data(client), "attachments": [big]})
    assert response.status_code == 400
    text = response.content.decode()
    assert "«stor.txt» er for stor" in text
    assert "Jeg ble kalt stygge ting" in text


def test_more_files_than_allowed_are_refused(sec):
    client = Client()
    files = [SimpleUploadedFile(f"notat{i}.txt", b"tekst") for i in range(uploads.MAX_FILES + 1)]
    response = client.post(REPORT, {**report_data(client), "attachments": files})
    assert response.status_code == 400
    assert "høyst 5 filer" in response.content.decode()
    assert not Case.objects.exists()


def _open_case(client: Client, files: list) -> Case:
    receipt = receipt_from(client.post(REPORT, {**report_data(client), "attachments": files}))
    assert client.post(LOGIN, {"receipt": receipt}).status_code == 302
    return Case.objects.get()


def test_the_case_quota_counts_the_first_report_and_every_follow_up(sec, settings):
    settings.WHISTLEBLOWING_CASE_MAX_FILES = 3
    client = Client()
    case = _open_case(client, [SimpleUploadedFile(f"a{i}.txt", b"tekst") for i in range(2)])
    two = [SimpleUploadedFile(f"b{i}.txt", b"tekst") for i in range(2)]
    response = client.post(CASE, {"body": "Her er mer.", "attachments": two})
    assert response.status_code == 400
    text = response.content.decode()
    assert "ikke plass til disse filene" in text
    assert "Grensen er 3 filer" in text and "plass til 1 filer" in text
    assert "Her er mer." in text  # the text is kept
    assert case.attachments.count() == 2 and not case.messages.exists()
    one = [SimpleUploadedFile("c.txt", b"tekst")]
    assert client.post(CASE, {"body": "", "attachments": one}).status_code == 302
    assert case.attachments.count() == 3


def test_the_case_quota_counts_bytes(sec, settings):
    settings.WHISTLEBLOWING_CASE_MAX_BYTES = 1024 * 1024
    client = Client()
    _open_case(client, [SimpleUploadedFile("a.txt", b"t" * (700 * 1024))])
    more = [SimpleUploadedFile("b.txt", b"t" * (400 * 1024))]
    response = client.post(CASE, {"body": "", "attachments": more})
    assert response.status_code == 400
    assert "ikke plass til disse filene" in response.content.decode()
    assert Attachment.objects.count() == 1


def test_handlers_files_do_not_use_up_the_reporters_quota(sec, settings):
    settings.WHISTLEBLOWING_CASE_MAX_FILES = 1
    client = Client()
    case = _open_case(client, [SimpleUploadedFile("a.txt", b"tekst")])
    key = f.case_key(sec, case)
    services.handler_message_send(
        handler=sec, case=case, key=key, body="Se vedlegg.", files=[f.pdf_upload()]
    )
    assert case.attachments.count() == 2


def test_the_forms_state_the_limits_and_the_allowed_types(sec, settings):
    page = Client().get(REPORT).content.decode()
    assert re.search(r"Opptil 5 filer per sending, høyst 10,0.MB hver", page)
    assert re.search(r"høyst 25 filer og 100,0.MB", page)
    assert "Tillatte filtyper: PDF, PNG, JPEG" in page
    assert 'accept=".pdf,.png,.jpg' in page
    assert f'data-max-body-bytes="{settings.WHISTLEBLOWING_MAX_BODY_BYTES}"' in page
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(REPORT).content.decode()
    assert "Up to 5 files per submission" in english

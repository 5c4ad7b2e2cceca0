"""What an attacker with a copy of everything at rest can open (issue 15 item 1).

``collect`` takes the copies: a ``pg_dump`` of the database when it is PostgreSQL (a copy
of the SQLite file and its journals otherwise), every file of the data folders, every key
and value in Redis when ``REDIS_URL`` is set (and Redis' data directory when readable), and
the captured logs.

``attack`` then tries, without knowing any encoding, to open every case with what it
found:

* every byte string is expanded: hex and base64 runs in it are decoded, zlib streams in it
  (Django's signed sessions, the file cache) are inflated, recursively;
* every 32-byte window of every expanded string is a candidate key. Windows with fewer
  than 4 bytes from 0x80 up, or fewer than 16 distinct bytes, are skipped (text, and text
  with a database page's length bytes in it): every key the app makes is 32 uniformly
  random bytes, which look like that with probability about 1.3e-6 and 1e-12;
* each candidate is tried as a secretbox key against every box in the copy (each case's
  report, every encrypted field, the handlers' wrapped private keys, every decoded string
  long enough to be a box), and as an X25519 private key against the handlers' public keys
  (which would open their sealed case keys);
* whatever opens is expanded and tried again, until nothing new opens;
* every 16-digit run is tried as a receipt against the cases' receipt hashes.

The result names the cases that opened. ``secrets_in`` is the second, cheaper check: does
a known secret (a cookie's key, a private key, a case key) appear in the copy in any of the
usual encodings.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import shutil
import subprocess
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, models
from nacl._sodium import ffi, lib

from whistleblowing import crypto
from whistleblowing.models import Case, Handler, KeyGrant

KEY = 32
NONCE = 24
MAC = 16
MAX_FILE = 64 * 1024 * 1024

_B64 = re.compile(rb"[A-Za-z0-9+/_-]{24,}={0,2}")
_HEX = re.compile(rb"(?:[0-9a-fA-F]{2}){20,}")
_RECEIPT = re.compile(rb"(?<!\d)\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}(?!\d)")
_ZLIB = (b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda")


# --- taking the copies ----------------------------------------------------------------


def database_copy(workdir: Path) -> bytes:
    """pg_dump for PostgreSQL; the SQLite file with its journals otherwise."""
    connection.close()
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        command = ["pg_dump", "--no-owner", "--dbname", str(db["NAME"])]
        for flag, value in (
            ("--host", db["HOST"]),
            ("--port", db["PORT"]),
            ("--username", db["USER"]),
        ):
            if value:
                command += [flag, str(value)]
        env = {"PGPASSWORD": str(db["PASSWORD"] or ""), "PATH": "/usr/bin:/bin:/usr/local/bin"}
        return subprocess.run(command, check=True, capture_output=True, env=env).stdout
    name = Path(str(db["NAME"]))
    assert name.is_file(), f"expected the SQLite test database on disk, not {name}"
    chunks = []
    for suffix in ("", "-wal", "-journal", "-shm"):
        source = Path(f"{name}{suffix}")
        if source.exists():
            target = workdir / f"db{suffix}"
            shutil.copyfile(source, target)
            chunks.append(target.read_bytes())
    return b"\n".join(chunks)


def folder_copy(folders: Iterable[Path], *, since: float = 0.0) -> list[bytes]:
    found = []
    for folder in folders:
        if not folder.exists():
            continue
        for path in folder.rglob("*"):
            try:
                stat = path.stat()
                if path.is_file() and stat.st_mtime >= since and stat.st_size <= MAX_FILE:
                    found.append(path.read_bytes())
            except OSError:
                continue
    return found


def redis_copy() -> list[bytes]:
    """Every key and value of the configured Redis database, and its data directory."""
    if not settings.REDIS_URL:
        return []
    import redis

    client: Any = redis.Redis.from_url(settings.REDIS_URL)
    found: list[bytes] = []
    for key in client.scan_iter(count=1000):
        found.append(key)
        kind = client.type(key).decode()
        if kind == "string":
            found.append(client.get(key) or b"")
        elif kind == "list":
            found.extend(client.lrange(key, 0, -1))
        elif kind == "hash":
            for k, v in client.hgetall(key).items():
                found += [k, v]
        elif kind == "set":
            found.extend(client.smembers(key))
        elif kind == "zset":
            found.extend(member for member, _score in client.zrange(key, 0, -1, withscores=True))
    try:
        directory = client.config_get("dir").get("dir")
    except redis.RedisError:
        directory = None
    if directory:
        found.extend(folder_copy([Path(directory)]))
    return found


# --- expanding what was found ---------------------------------------------------------


def _b64(token: bytes) -> bytes | None:
    """Decode base64 in either alphabet; None for runs that cannot be base64 of binary
    data: an encoding of 18+ random bytes mixes at least two of capitals, small letters
    and digits (a name like ``add_logentry`` does not)."""
    classes = (rb"[A-Z]", rb"[a-z]", rb"[0-9]")
    if sum(1 for c in classes if re.search(c, token)) < 2:
        return None
    token = token.rstrip(b"=").replace(b"+", b"-").replace(b"/", b"_")
    if len(token) % 4 == 1:
        token = token[:-1]
    try:
        return base64.urlsafe_b64decode(token + b"=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None


def _inflate(data: bytes) -> list[bytes]:
    out = []
    for header in _ZLIB:
        start = data.find(header)
        while start != -1:
            try:
                inflated = zlib.decompressobj().decompress(data[start:], 16 * 1024 * 1024)
            except zlib.error:
                inflated = b""
            if len(inflated) >= 8:
                out.append(inflated)
            start = data.find(header, start + 1)
    return out


_EDGE = b"\"'\t\n\r ,.:;=()[]{}<>|\\"


def _clean(chunk: bytes, start: int, end: int) -> bool:
    """A token standing on its own (quoted, tab-separated, signed-string parts): how a
    stored string is delimited, unlike a run that spans two fields of a database page."""
    before = chunk[start - 1 : start] if start else b'"'
    after = chunk[end : end + 1] or b'"'
    return before in _EDGE and after in _EDGE


def expand(chunks: Iterable[bytes], depth: int = 4) -> tuple[set[bytes], set[bytes]]:
    """(every chunk with everything decoded or inflated out of it, the clean decodes only).

    Every run is decoded (its bytes may be a key); the clean ones, and what zlib inflates,
    may also be boxes."""
    seen: set[bytes] = set()
    clean: set[bytes] = set()
    todo = [bytes(c) for c in chunks if c]
    for _level in range(depth):
        new: list[bytes] = []
        for chunk in todo:
            if chunk in seen:
                continue
            seen.add(chunk)
            for match in _HEX.finditer(chunk):
                decoded = binascii.unhexlify(match.group())
                new.append(decoded)
                if _clean(chunk, match.start(), match.end()):
                    clean.add(decoded)
            for match in _B64.finditer(chunk):
                from_b64 = _b64(match.group())
                if from_b64 and len(from_b64) >= 16:
                    new.append(from_b64)
                    if _clean(chunk, match.start(), match.end()):
                        clean.add(from_b64)
            inflated = _inflate(chunk)
            new.extend(inflated)
            clean.update(inflated)
        todo = [c for c in new if c not in seen]
        if not todo:
            break
    seen.update(todo)
    return seen, clean


_HIGH = bytes(range(0x80, 0x100))


def _plausible_key(window: bytes) -> bool:
    if window.isascii() or len(window) - len(window.translate(None, _HIGH)) < 4:
        return False
    return len(set(window)) >= 16


def _random_looking(data: bytes) -> bool:
    """As many distinct bytes as random data has, give or take: a box is indistinguishable
    from random, a base64 decode of a word is not."""
    expected = 256 * (1 - (255 / 256) ** len(data))
    return not data.isascii() and len(set(data)) >= 0.85 * expected


def windows(chunks: Iterable[bytes]) -> set[bytes]:
    found = set()
    for chunk in chunks:
        for i in range(len(chunk) - KEY + 1):
            window = chunk[i : i + KEY]
            if _plausible_key(window):
                found.add(window)
    return found


# --- the attack -----------------------------------------------------------------------


@dataclass
class Outcome:
    opened_cases: set[str] = field(default_factory=set)
    opened_boxes: int = 0
    private_keys: int = 0
    candidates: int = 0
    boxes: int = 0


def _open_box(key: bytes, box: bytes, buffer: Any) -> bytes | None:
    if len(box) < NONCE + MAC:
        return None
    nonce, cipher = box[:NONCE], box[NONCE:]
    if lib.crypto_secretbox_open_easy(buffer, cipher, len(cipher), nonce, key) != 0:
        return None
    return bytes(ffi.buffer(buffer, len(cipher) - MAC))


def _public(private: bytes) -> bytes:
    out = ffi.new("unsigned char[]", KEY)
    lib.crypto_scalarmult_base(out, private)
    return bytes(ffi.buffer(out, KEY))


# Binary columns that cannot lead to a case key: boxes under a case key (whoever opens one
# opens the report itself, which is tried), sealed boxes (tried through the handlers'
# public keys), public keys and salts.
NOT_A_WAY_IN = {
    ("message", "body_blob"),
    ("logentry", "payload_blob"),
    ("attachment", "meta_blob"),
    ("keygrant", "sealed_key"),
    ("handler", "public_key"),
    ("handler", "kdf_salt"),
    ("case", "receipt_salt"),
}


def stored_boxes() -> list[bytes]:
    """Every other binary value of the whistleblowing tables (all of it is in the dump):
    the reports, the wrapped keys, and whatever a design keeps of an unlocked secret."""
    boxes: list[bytes] = []
    for model in apps.get_app_config("whistleblowing").get_models():
        names = [
            f.name
            for f in model._meta.fields
            if isinstance(f, models.BinaryField)
            and (model._meta.model_name, f.name) not in NOT_A_WAY_IN
        ]
        for row in model.objects.values_list(*names) if names else []:
            boxes.extend(bytes(value) for value in row if value)
    return boxes


def attack(material: Iterable[bytes]) -> Outcome:
    outcome = Outcome()
    cases = {str(c.pk): c for c in Case.objects.all()}
    content = {pk: bytes(c.content_blob) for pk, c in cases.items()}
    publics = {bytes(h.public_key or b""): h.pk for h in Handler.objects.exclude(public_key=None)}
    grants = [
        (g.handler_id, bytes(g.sealed_key or b""))
        for g in KeyGrant.objects.exclude(sealed_key=None)  # "informed" holds no key
    ]
    expanded, clean = expand(material)
    boxes = set(stored_boxes())
    boxes.update(c for c in clean if NONCE + MAC <= len(c) <= 64 * 1024 and _random_looking(c))
    boxes.update(content.values())
    outcome.boxes = len(boxes)
    buffer = ffi.new("unsigned char[]", max((len(b) for b in boxes), default=64) + 64)
    tried: set[bytes] = set()
    todo = windows(expanded)
    while todo:
        outcome.candidates += len(todo)
        tried |= todo
        found: list[bytes] = []
        for key in todo:
            for box in boxes:
                plain = _open_box(key, box, buffer)
                if plain is not None:
                    outcome.opened_boxes += 1
                    found.append(plain)
                    for pk, blob in content.items():
                        if blob == box:
                            outcome.opened_cases.add(pk)
            handler_id = publics.get(_public(key))
            if handler_id is not None:
                outcome.private_keys += 1
                for holder, sealed in grants:
                    if holder == handler_id:
                        found.append(crypto.unseal(key, sealed))
        todo = windows(expand(found)[0]) - tried
    for digits in _receipts(expanded):
        for pk, case in cases.items():
            if case.receipt_index == crypto.receipt_index(digits) and crypto.verify_receipt(
                case.receipt_hash, digits
            ):
                outcome.opened_cases.add(pk)
    return outcome


def _receipts(chunks: Iterable[bytes]) -> set[str]:
    found = set()
    for chunk in chunks:
        for match in _RECEIPT.finditer(chunk):
            found.add(re.sub(rb"\D", b"", match.group()).decode())
    return found


def encodings(secret: bytes) -> list[bytes]:
    """The usual spellings of a secret: raw, hex, base64 (also URL-safe, unpadded), JSON."""
    b64 = base64.b64encode(secret)
    url = base64.urlsafe_b64encode(secret)
    return [secret, secret.hex().encode(), b64, b64.rstrip(b"="), url, url.rstrip(b"="),
            json.dumps(list(secret)).encode()]  # fmt: skip


def secrets_in(material: Iterable[bytes], secrets: dict[str, bytes]) -> list[str]:
    """Names of the known secrets that appear, in any usual encoding, in the material."""
    haystack, _derived = expand(material)
    return sorted(
        name
        for name, secret in secrets.items()
        if any(form in chunk for chunk in haystack for form in encodings(secret))
    )

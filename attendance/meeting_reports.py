"""Attendance reports from meeting tools (S9, S16): pure functions over bytes, no Django.

Two exports are read:

* Microsoft Teams' attendance report: a CSV, often UTF-16 with a byte-order mark and
  tab-separated, with the sections "1. Summary", "2. Participants" (first join, last leave)
  and "3. In-Meeting Activities" (one row per join and leave). Norwegian exports have
  Norwegian headers ("Navn", "Ble med", "Forlot", "E-post", "Rolle" ...). Where the report
  has the per-join section it is used, since first join to last leave hides the time away.
* Zoom's participant export: "Name (Original Name)", "User Email", "Join Time",
  "Leave Time", "Duration (Minutes)", "Guest", optionally after a table about the meeting.

In: the file's bytes and the time zone the tool wrote naive times in. Out: a ``Report``
with the intervals per attendee (by e-mail, or by name where the tool gave none), the
overlapping joins of one person merged, and the rows that could not be read. A file that
is no such report raises ``ReportError`` (a ``ValueError``) with a Norwegian message.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# Larger files are no attendance report of one session.
MAX_BYTES = 5 * 1024 * 1024

Interval = tuple[dt.datetime, dt.datetime]


class ReportError(ValueError):
    """The file is not an attendance report we can read. ``code`` names the reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Row:
    """One readable row: a join (and leave) of one attendee."""

    line: int
    name: str
    email: str
    start: dt.datetime
    end: dt.datetime
    organiser: bool


@dataclass(frozen=True)
class Leftover:
    """A row that holds no usable interval, and why (``reason`` is a code)."""

    line: int
    name: str
    email: str
    reason: str


@dataclass(frozen=True)
class Attendee:
    key: str  # the e-mail in lower case, or "name:" and the name where there is none
    name: str
    email: str
    intervals: tuple[Interval, ...]
    organiser: bool


@dataclass(frozen=True)
class Report:
    tool: str  # "teams" or "zoom"
    attendees: tuple[Attendee, ...]
    leftovers: tuple[Leftover, ...]
    row_count: int


# --- reading the text ----------------------------------------------------------------------
def decode(data: bytes) -> str:
    """The text of the file, whatever of UTF-8 (with or without BOM), UTF-16 LE/BE (with
    or without BOM) or cp1252 it was written in."""
    if not data.strip():
        raise ReportError("empty", "Filen er tom.")
    if len(data) > MAX_BYTES:
        raise ReportError("too_large", "Filen er for stor til å være en frammøterapport.")
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        head = data[:4000]
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 8 and odd > even:
            encodings = ["utf-16-le"]
        elif even > len(head) // 8:
            encodings = ["utf-16-be"]
        else:
            encodings = ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            text = text.lstrip("\ufeff")
            if not text.strip():
                raise ReportError("empty", "Filen er tom.")
            return text
    raise ReportError("not_text", "Filen kan ikke leses som tekst. Last opp rapporten som CSV.")


def _looks_like_text(text: str) -> bool:
    bad = sum(1 for ch in text if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"))
    bad -= sum(text.count(ch) for ch in "\t\r\n")
    return bad <= len(text) // 200


def _delimiter(lines: Sequence[str]) -> str:
    sample = [line for line in lines[:60] if line.strip()]
    counts = {d: sum(line.count(d) for line in sample) for d in ("\t", ";", ",")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


# --- headers -------------------------------------------------------------------------------
def _norm(cell: str) -> str:
    cell = unicodedata.normalize("NFKC", cell).replace("\ufeff", "").strip().strip('"').lower()
    return re.sub(r"\s+", " ", cell)


_HEADERS: dict[str, set[str]] = {
    "name": {
        "name",
        "full name",
        "name (original name)",
        "participant name",
        "navn",
        "fullt navn",
        "navn (opprinnelig navn)",
        "deltaker",
    },
    "join": {
        "join time",
        "joined",
        "join",
        "ble med",
        "tidspunkt for deltakelse",
        "tid for deltakelse",
        "bli med-tidspunkt",
        "tidspunkt for å bli med",
    },
    "leave": {
        "leave time",
        "left",
        "leave",
        "forlot",
        "tidspunkt for avreise",
        "tid for avreise",
        "forlat-tidspunkt",
        "tidspunkt for å forlate",
    },
    "first_join": {
        "first join",
        "first join time",
        "tidspunkt for første deltakelse",
        "første deltakelse",
        "ble med første gang",
    },
    "last_leave": {
        "last leave",
        "last leave time",
        "tidspunkt for siste avreise",
        "siste avreise",
        "forlot sist",
        "tidspunkt for siste gang forlatt",
    },
    "duration": {
        "duration",
        "in-meeting duration",
        "duration (minutes)",
        "duration (min)",
        "varighet",
        "varighet i møtet",
        "varighet (minutter)",
        "tid i møtet",
    },
    "email": {"email", "e-mail", "user email", "e-post", "e-postadresse", "brukerens e-post"},
    "role": {"role", "rolle"},
    "upn": {"participant id (upn)", "participant id", "deltaker-id (upn)", "deltaker-id"},
}
_ORGANISER_ROLES = {"organizer", "organiser", "organisator", "arrangør", "host", "vert"}


def _columns(row: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        text = _norm(cell)
        bare = re.sub(r"\s*\(.*\)$", "", text)
        for field, names in _HEADERS.items():
            if field not in found and (text in names or bare in names):
                found[field] = index
                break
    return found


def _is_table(columns: dict[str, int]) -> bool:
    has_times = ("join" in columns and ("leave" in columns or "duration" in columns)) or (
        "first_join" in columns and ("last_leave" in columns or "duration" in columns)
    )
    return has_times and ("name" in columns or "email" in columns)


@dataclass
class _Table:
    columns: dict[str, int]
    header: list[str]
    rows: list[tuple[int, list[str]]]

    @property
    def per_join(self) -> bool:
        return "join" in self.columns


def _tables(rows: Iterable[tuple[int, list[str]]]) -> list[_Table]:
    tables: list[_Table] = []
    current: _Table | None = None
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            current = None
            continue
        columns = _columns(row)
        if _is_table(columns):
            current = _Table(columns, list(row), [])
            tables.append(current)
        elif current is not None:
            if len([c for c in row if c.strip()]) == 1 and re.match(r"^\d+\.\s", row[0].strip()):
                current = None  # the next section's heading ("3. In-Meeting Activities")
            else:
                current.rows.append((line, row))
    return tables


# --- times ---------------------------------------------------------------------------------
_DAY_FIRST = ("%d.%m.%Y", "%d.%m.%y")
_ISO = ("%Y-%m-%d",)
_CLOCKS_24 = ("%H:%M:%S", "%H:%M", "%H.%M.%S", "%H.%M")
_CLOCKS_12 = ("%I:%M:%S %p", "%I:%M %p")


def _clean_time(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u202f", " ").strip()
    text = re.sub(r"\s*,\s*|\s+kl\.?\s+|\s+", " ", text)
    text = re.sub(r"\b([ap])\.?m\.?$", lambda m: m.group(1) + "m", text, flags=re.IGNORECASE)
    return text


def parse_time(text: str, tz: ZoneInfo, *, month_first: bool = True) -> dt.datetime | None:
    """An aware moment from one cell, or None. Naive times are read in ``tz``."""
    text = _clean_time(text)
    if not text:
        return None
    if "T" in text or re.search(r"[+-]\d\d:?\d\d$|Z$", text):
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
        except ValueError:
            moment = None
        if moment is not None:
            return moment if moment.tzinfo else moment.replace(tzinfo=tz)
    slash = ("%m/%d/%Y", "%m/%d/%y") if month_first else ("%d/%m/%Y", "%d/%m/%y")
    is_12 = bool(re.search(r"[ap]m$", text, flags=re.IGNORECASE))
    clocks = _CLOCKS_12 if is_12 else _CLOCKS_24
    for date_format in (*_DAY_FIRST, *_ISO, *slash):
        for clock in clocks:
            try:
                moment = dt.datetime.strptime(text, f"{date_format} {clock}")  # noqa: DTZ007
            except ValueError:
                continue
            return moment.replace(tzinfo=tz)
    return None


def _month_first(cells: Iterable[str]) -> bool:
    """Slashed dates are month first (US) unless one of them cannot be."""
    for cell in cells:
        match = re.match(r"\s*(\d{1,2})/(\d{1,2})/", cell)
        if match and int(match.group(1)) > 12:
            return False
    return True


_UNITS = {
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "t": 3600,
    "time": 3600,
    "timer": 3600,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "minutt": 60,
    "minutter": 60,
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "sek": 1,
    "sekund": 1,
    "sekunder": 1,
}


def parse_duration(text: str) -> dt.timedelta | None:
    """ "1h 2m 3s", "1 t 2 min", "00:45:12", "62" (minutes) -> a timedelta, or None."""
    text = _norm(text)
    if not text:
        return None
    if re.fullmatch(r"\d+", text):
        return dt.timedelta(minutes=int(text))
    clock = re.fullmatch(r"(\d+):(\d\d)(?::(\d\d))?", text)
    if clock:
        h, m, s = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
        return dt.timedelta(hours=h, minutes=m, seconds=s)
    parts = re.findall(r"(\d+)\s*([a-zæøå]+)", text)
    if not parts or re.sub(r"(\d+)\s*([a-zæøå]+)|\s", "", text):
        return None
    seconds = 0
    for number, unit in parts:
        if unit not in _UNITS:
            return None
        seconds += int(number) * _UNITS[unit]
    return dt.timedelta(seconds=seconds)


# --- rows to intervals -----------------------------------------------------------------------
def merge(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Overlapping or touching intervals as one; empty ones dropped; sorted."""
    merged: list[list[dt.datetime]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((a, b) for a, b in merged)


def _cell(row: Sequence[str], columns: dict[str, int], field: str) -> str:
    index = columns.get(field)
    if index is None or index >= len(row):
        return ""
    return unicodedata.normalize("NFKC", row[index]).strip()


def _display_name(text: str, zoom: bool) -> str:
    if zoom:  # "Kari Nordmann (Kari N.)": the name shown in the meeting, then the original
        text = re.sub(r"\s*\([^()]*\)$", "", text)
    else:  # Teams marks people from outside: "Gunn Gjest (Guest)", "(Gjest)", "(Ekstern)"
        text = re.sub(
            r"\s*\((guest|gjest|external|ekstern|unverified|ubekreftet)\)$", "", text, flags=re.I
        )
    return re.sub(r"\s+", " ", text).strip()


def _rows(table: _Table, tz: ZoneInfo, zoom: bool) -> tuple[list[Row], list[Leftover]]:
    cols = table.columns
    join, leave = ("join", "leave") if table.per_join else ("first_join", "last_leave")
    month_first = _month_first(
        _cell(r, cols, f) for _, r in table.rows for f in (join, leave) if f in cols
    )
    rows: list[Row] = []
    leftovers: list[Leftover] = []
    for line, raw in table.rows:
        name = _display_name(_cell(raw, cols, "name"), zoom)
        email = _cell(raw, cols, "email").lower()
        if not email and "@" in _cell(raw, cols, "upn"):
            email = _cell(raw, cols, "upn").lower()
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            email = ""
        if not name and not email:
            leftovers.append(Leftover(line, "", "", "no_person"))
            continue
        start = parse_time(_cell(raw, cols, join), tz, month_first=month_first)
        end = parse_time(_cell(raw, cols, leave), tz, month_first=month_first)
        if start is not None and end is None:
            duration = parse_duration(_cell(raw, cols, "duration"))
            if duration is not None:
                end = start + duration
        if start is None or end is None:
            leftovers.append(Leftover(line, name, email, "no_time"))
            continue
        if end < start:
            leftovers.append(Leftover(line, name, email, "ends_before_start"))
            continue
        organiser = _norm(_cell(raw, cols, "role")) in _ORGANISER_ROLES
        rows.append(Row(line, name, email, start, end, organiser))
    return rows, leftovers


def attendees(rows: Iterable[Row]) -> tuple[Attendee, ...]:
    """The rows per person (e-mail, else name), their intervals merged. Any order of the
    rows gives the same result."""
    by_key: dict[str, list[Row]] = {}
    for row in rows:
        key = row.email or "name:" + row.name.casefold()
        by_key.setdefault(key, []).append(row)
    result = []
    for key in sorted(by_key):
        group = by_key[key]
        names = sorted({r.name for r in group if r.name})
        result.append(
            Attendee(
                key=key,
                name=names[0] if names else "",
                email=group[0].email,
                intervals=merge((r.start, r.end) for r in group),
                organiser=any(r.organiser for r in group),
            )
        )
    return tuple(result)


def parse_report(data: bytes, tz: ZoneInfo) -> Report:
    """Read a Teams attendance report or a Zoom participant export (see the module)."""
    text = decode(data)
    lines = text.splitlines()
    reader = csv.reader(lines, delimiter=_delimiter(lines))
    try:
        tables = _tables((n, row) for n, row in enumerate(reader, start=1))
    except csv.Error:
        raise ReportError("not_csv", "Filen er ikke en CSV-fil vi kan lese.") from None
    if not tables:
        raise ReportError(
            "no_table",
            "Fant ingen deltakerliste med tider i filen. Last opp frammøterapporten fra Teams "
            "eller deltakereksporten fra Zoom som CSV.",
        )
    # The per-join section where there is one (Teams' "In-Meeting Activities").
    table = next((t for t in tables if t.per_join and t.rows), None) or next(
        (t for t in tables if t.rows), tables[0]
    )
    header_cells = {_norm(c) for c in table.header}
    zoom = bool(header_cells & {"name (original name)", "user email", "guest", "gjest"})
    rows, leftovers = _rows(table, tz, zoom)
    if not rows and not leftovers:
        raise ReportError("no_rows", "Deltakerlisten i filen er tom.")
    return Report(
        tool="zoom" if zoom else "teams",
        attendees=attendees(rows),
        leftovers=tuple(leftovers),
        row_count=len(rows) + len(leftovers),
    )

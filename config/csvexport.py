"""CSV downloads that a spreadsheet cannot turn into formulas.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some spreadsheets skip before looking again) is read as a formula by Excel and LibreOffice:
a member's own name ``=cmd|' /C calc'!A0`` or a course title ``=HYPERLINK(...)`` would run
on the course administrator's machine (CSV injection, issue 15 item 8). Every text cell of
every export goes through ``safe_cell``, which puts a single quote in front of such a value:
the spreadsheet then shows it as text, with the quote hidden. Numbers stay numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value as written to a CSV cell: text that a spreadsheet would evaluate is
    prefixed with a single quote; everything else is left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeCsvWriter:
    """``csv.writer`` with ``safe_cell`` applied to every cell."""

    def __init__(self, stream: Any, *, delimiter: str = ";") -> None:
        self._writer = csv.writer(stream, delimiter=delimiter)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_download(filename: str) -> tuple[HttpResponse, SafeCsvWriter]:
    """A CSV attachment (UTF-8 with BOM, semicolons, as Norwegian Excel expects), never
    cached, and the writer to fill it with."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")
    return response, SafeCsvWriter(response)


def csv_response(filename: str, rows: Iterable[Iterable[Any]]) -> HttpResponse:
    """A download of ``rows`` as CSV, through ``csv_download``."""
    response, writer = csv_download(filename)
    writer.writerows(rows)
    return response

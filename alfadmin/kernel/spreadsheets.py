"""Writing spreadsheets that cannot attack their readers: every XLSX and CSV export goes through here.

A spreadsheet program evaluates a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (and,
after a tab or a carriage return, whatever follows), so a region's name or a reporter's comment
could become a live formula (``=HYPERLINK(…)``, ``=cmd|…``) in the file an administrator opens.
OWASP's guidance on CSV injection is followed:

- **XLSX**: every text is written as a string cell (never a formula) marked with Excel's quote
  prefix, so Excel and LibreOffice show it as typed and keep it text when the cell is edited.
  The text itself is unchanged: a workbook read back (the report upload) reads what was stored.
- **CSV**: a file has no cell types, so a text starting with one of those characters is written
  with a single quote ``'`` in front of it (what the reader sees as the text's first character).

Numbers stay numbers (``-5`` is a number, not a text). Characters XML cannot hold (control
characters other than tab, line feed and carriage return) are replaced by U+FFFD in both
formats, so an export never fails on stored text, whatever older data holds.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A text starting with one of these is read as a formula by some spreadsheet program."""

UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold (openpyxl raises IllegalCharacterError on them)."""

REPLACEMENT = "\ufffd"


def storable_text(text: str) -> str:
    """`text` with every character XML cannot hold replaced by U+FFFD."""
    return UNSTORABLE.sub(REPLACEMENT, text)


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def csv_field(value: Any) -> Any:
    """A CSV field that no spreadsheet program evaluates: a formula-like text gets a leading ``'``."""
    if not isinstance(value, str):
        return value
    text = storable_text(value)
    return "'" + text if is_formula_like(text) else text


class SafeCsvWriter:
    """``csv.writer`` whose every text field goes through ``csv_field``."""

    def __init__(self, buffer: IO[str], **options: Any) -> None:
        self._writer = csv.writer(buffer, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_field(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(buffer: IO[str], **options: Any) -> SafeCsvWriter:
    """A CSV writer for an export (the options of ``csv.writer``: delimiter, lineterminator…)."""
    return SafeCsvWriter(buffer, **options)


def new_workbook() -> Workbook:
    """A workbook for an export, with its one default sheet (``book.worksheets[0]``)."""
    return Workbook()


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append one row to `sheet`: texts as string cells (never formulas), numbers as numbers."""
    row = [storable_text(value) if isinstance(value, str) else value for value in values]
    sheet.append(row)
    if not row:
        return
    for cell, value in zip(sheet[sheet.max_row], row, strict=False):
        if isinstance(value, str):
            # openpyxl reads a text starting with "=" as a formula; a string cell is never evaluated,
            # and the quote prefix keeps it text when someone edits it in Excel or LibreOffice.
            cell.data_type = "s"
            if is_formula_like(value):
                cell.quotePrefix = True

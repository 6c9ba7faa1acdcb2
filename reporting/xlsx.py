"""The report as an XLSX workbook (openpyxl): download prefilled, fill in Excel, upload.

One sheet, one row per field: code (the key read back), label, value, comment; the header row
names the columns, and rows below the fields say which report and version the workbook holds
(``version``, ``year``, ``region``). Reading it back, a column the workbook lacks (a deleted
comment column) and a field row it lacks mean "unchanged", never "empty"; an empty cell in a
column that is there means empty. A workbook without its version row, of another year or
region, or downloaded before someone else saved is refused when previewed, naming why.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import IO, Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill

from alfadmin.kernel.spreadsheets import append_row, new_workbook

from .models import Report

COLUMNS = {
    "code": gettext_noop("Code"),
    "label": gettext_noop("Question"),
    "value": gettext_noop("Value"),
    "comment": gettext_noop("Comment"),
}
LOCKED_FILL = PatternFill("solid", fgColor="EEEEEE")


class UploadError(ValueError):
    pass


@dataclass
class Upload:
    """What a workbook says: only the values and comments of the columns and rows it has."""

    values: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    version: int | None = None
    year: int | None = None
    region: str | None = None
    columns: frozenset[str] = frozenset()


def report_workbook(report: Report) -> bytes:
    book = new_workbook()
    sheet = book.worksheets[0]  # a new workbook has one worksheet (`active` may be None in the stubs)
    sheet.title = f"{report.region.code} {report.definition.year}"
    append_row(sheet, [_(label) for label in COLUMNS.values()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    stored = {v.code: v for v in report.values.all()}
    for form_field in report.definition.fields.all():
        row = stored.get(form_field.code)
        append_row(sheet, [form_field.code, _(form_field.label), row.typed() if row else None, row.comment if row else ""])
        if not form_field.editable:
            for cell in sheet[sheet.max_row]:
                cell.fill = LOCKED_FILL
    append_row(sheet, [])
    append_row(sheet, ["version", _("Version of the report (do not change)"), report.version, ""])
    append_row(sheet, ["year", _("Year"), report.definition.year, ""])
    append_row(sheet, ["region", _("Region"), report.region.code, ""])
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 50
    sheet.column_dimensions["C"].width = 20
    sheet.column_dimensions["D"].width = 40
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    """A cell as the text a person would have typed (numbers as plain digits, dates ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _whole_number(value: object) -> int | None:
    """A footer cell as an int (Excel may store it as a float or a text), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _header_names() -> dict[str, str]:
    """Header text (case-folded) → column key, in English and Swedish whatever the page language."""
    names = {key: key for key in COLUMNS}
    for language in ("en", "sv"):
        with translation.override(language):
            names.update({_(label).casefold(): key for key, label in COLUMNS.items()})
    return {text.casefold(): key for text, key in names.items()}


def read_upload(report: Report, file: IO[bytes]) -> Upload:
    """The values, comments and footer of an uploaded workbook (editable fields only)."""
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise UploadError(_("This is not an XLSX workbook.")) from error
    sheet = book.active
    if sheet is None:
        raise UploadError(_("No fields of this form were found in the workbook."))
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    names = _header_names()
    position = {}
    for index, heading in enumerate(header):
        key = names.get(str(heading).strip().casefold()) if heading is not None else None
        if key is not None and key not in position:
            position[key] = index
    if "code" not in position:
        raise UploadError(_("The first row must name the columns (Code, Question, Value, Comment): download the form again."))
    upload = Upload(columns=frozenset(position))
    editable = {f.code for f in report.definition.fields.all() if f.editable}

    def cell(row: tuple[Any, ...], key: str) -> Any:
        index = position[key]
        return row[index] if index < len(row) else None

    for row in rows:
        code = _text(cell(row, "code")) if row else ""
        if not code:
            continue
        footer = cell(row, "value") if "value" in position else None
        if code == "version":
            upload.version = _whole_number(footer)
        elif code == "year":
            upload.year = _whole_number(footer)
        elif code == "region":
            upload.region = _text(footer) or None
        elif code in editable:
            if "value" in position:
                upload.values[code] = _text(cell(row, "value"))
            if "comment" in position:
                upload.comments[code] = _text(cell(row, "comment"))
    # Workbooks downloaded before the year and region rows existed name them in the sheet's title.
    title = re.fullmatch(r"(\S+) (\d{4})", str(getattr(sheet, "title", "")).strip())
    if title and upload.year is None:
        upload.year = int(title.group(2))
    if title and upload.region is None:
        upload.region = title.group(1)
    if not upload.values and not upload.comments:
        raise UploadError(_("No fields of this form were found in the workbook."))
    return upload


def refusal(report: Report, upload: Upload) -> str | None:
    """Why this workbook cannot be applied to `report` (None if it can): no version row, another
    year or region, or a version older than the report's, naming the fields changed since."""
    if upload.version is None:
        return _("The workbook has no version row (“version” in column A): download the form again.")
    if upload.year is not None and upload.year != report.definition.year:
        return _("The workbook is the form of %(workbook)s, this report is of %(year)s: nothing was read.") % {
            "workbook": upload.year,
            "year": report.definition.year,
        }
    if upload.region is not None and upload.region != report.region.code:
        return _("The workbook is the report of %(workbook)s, this one is of %(region)s: nothing was read.") % {
            "workbook": upload.region,
            "region": report.region.code,
        }
    if upload.version > report.version:
        return _("The workbook names version %(workbook)s, the report has only reached version %(version)s: download the form again.") % {
            "workbook": upload.version,
            "version": report.version,
        }
    if upload.version < report.version:
        changed = report.changes_since(upload.version)
        named = ", ".join(change.get("label") or name for name, change in changed.items()) or _("the report")
        return _(
            "The workbook was downloaded at version %(workbook)s; the report is at version %(version)s. Changed since: %(fields)s. "
            "Download the form again: nothing was read."
        ) % {"workbook": upload.version, "version": report.version, "fields": named}
    return None

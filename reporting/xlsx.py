"""The report as an XLSX workbook (openpyxl): download prefilled, fill in Excel, upload.

One sheet, one row per field: code (column A, the key read back), label, value, comment.
"""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from .models import Report

HEADER = ("code", "label", "value", "comment")
LOCKED_FILL = PatternFill("solid", fgColor="EEEEEE")


class UploadError(ValueError):
    pass


def report_workbook(report: Report) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook has one worksheet (`active` may be None in the stubs)
    sheet.title = f"{report.region.code} {report.definition.year}"
    sheet.append([_("Code"), _("Question"), _("Value"), _("Comment")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    stored = {v.code: v for v in report.values.all()}
    for form_field in report.definition.fields.all():
        row = stored.get(form_field.code)
        sheet.append([form_field.code, _(form_field.label), row.value if row else "", row.comment if row else ""])
        if not form_field.editable:
            for cell in sheet[sheet.max_row]:
                cell.fill = LOCKED_FILL
    sheet.append([])
    sheet.append(["version", "", report.version, ""])
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 50
    sheet.column_dimensions["C"].width = 20
    sheet.column_dimensions["D"].width = 40
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.date().isoformat() if hasattr(value, "date") else value.isoformat()
    return str(value).strip()


def _whole_number(value: object) -> int | None:
    """The version cell as an int (Excel may store it as a float or a text), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None
    try:
        return int(value)
    except (ValueError, OverflowError):
        return None


def read_upload(report: Report, file: IO[bytes]) -> tuple[dict[str, str], dict[str, str], int | None]:
    """(values, comments, version) of the editable fields in an uploaded workbook."""
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise UploadError(_("This is not an XLSX workbook.")) from error
    editable = {f.code for f in report.definition.fields.all() if f.editable}
    values: dict[str, str] = {}
    comments: dict[str, str] = {}
    version = None
    sheet = book.active
    if sheet is None:
        raise UploadError(_("No fields of this form were found in the workbook."))
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if not row or row[0] is None:
            continue
        code = str(row[0]).strip()
        cells = [*row, None, None, None][:4]
        if code == "version":
            version = _whole_number(cells[2])
        elif code in editable:
            values[code] = _text(cells[2])
            comments[code] = _text(cells[3])
    if not values:
        raise UploadError(_("No fields of this form were found in the workbook."))
    return values, comments, version

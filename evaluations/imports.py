"""Reading and checking a bibliometrics file (CSV or XLSX) before anything is saved.

`read_upload` turns a file into raw rows (strings, with their row number in the file) or
raises ImportFileError with a message for the whole file (wrong type, empty, missing
columns). `check_rows` lists every row's problems by row number and field name; it reads the
database (regions, existing rows) but never writes. The service saves checked rows all or
nothing. openpyxl is used for parsing only; numbers are parsed to Decimal here.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alfadmin.models import Region
from alfadmin.validation import FIRST_YEAR, LAST_YEAR

from .models import Bibliometrics, EvaluationRound

COLUMNS = ["region", "period_start", "period_end", "publications", "highly_cited", "citation_impact", "uncited_share"]
COUNT_COLUMNS = ["publications", "highly_cited"]
SHARE_COLUMNS = ["citation_impact", "uncited_share"]
YEAR_COLUMNS = ["period_start", "period_end"]
COLUMN_LABELS = {
    "region": gettext_lazy("region code"),
    "period_start": gettext_lazy("first publication year"),
    "period_end": gettext_lazy("last publication year"),
    "publications": gettext_lazy("publications"),
    "highly_cited": gettext_lazy("highly cited publications (top 10 %)"),
    "citation_impact": gettext_lazy("citation impact (%)"),
    "uncited_share": gettext_lazy("uncited publications (%)"),
}
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
TEMPLATE_ROWS = [
    ["STH", "2022", "2025", "13500", "1863", "13.8", "12.0"],
    ["UPP", "2022", "2025", "4400", "440", "10.0", "16.5"],
]


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing is saved."""


@dataclass
class RawRow:
    number: int
    values: dict[str, str]


@dataclass
class RowCheck:
    number: int
    values: dict[str, str]
    problems: list[tuple[str, str]] = field(default_factory=list)
    parsed: dict[str, Any] = field(default_factory=dict)
    replaces: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows_from_table(table: list[list[Any]]) -> list[RawRow]:
    # Skip leading empty lines; the first non-empty line is the header.
    start = next((i for i, line in enumerate(table) if any(_cell(v) for v in line)), None)
    if start is None:
        raise ImportFileError(_("The file is empty."))
    header = [_cell(v).lower().replace(" ", "_") for v in table[start]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ImportFileError(
            _("The file lacks the column(s) %(missing)s. The first row must name the columns %(columns)s.")
            % {"missing": ", ".join(missing), "columns": ", ".join(COLUMNS)}
        )
    index = {c: header.index(c) for c in COLUMNS}
    rows = []
    for offset, line in enumerate(table[start + 1 :], start=start + 2):
        values = {c: _cell(line[i]) if i < len(line) else "" for c, i in index.items()}
        if not any(values.values()):
            continue
        rows.append(RawRow(number=offset, values=values))
    if not rows:
        raise ImportFileError(_("The file has a header but no rows."))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    return rows


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Swedish Windows saves CSV as Windows-1252.
        text = data.decode("cp1252", errors="replace")
    first_line = text.splitlines()[0] if text.splitlines() else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ("\t" if "\t" in first_line else ",")
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        raise ImportFileError(_("The CSV file cannot be read: %(error)s") % {"error": error}) from None


def _read_xlsx(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        return [list(line) for line in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_upload(upload) -> list[RawRow]:
    """The raw rows of an uploaded CSV or XLSX file (by its name), or ImportFileError."""
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith((".csv", ".xlsx")):
        raise ImportFileError(_("Upload a CSV (.csv) or Excel (.xlsx) file."))
    if upload.size == 0:
        raise ImportFileError(_("The file is empty."))
    if upload.size > MAX_BYTES:
        raise ImportFileError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    data = upload.read()
    table = _read_xlsx(data) if name.endswith(".xlsx") else _read_csv(data)
    return _rows_from_table(table)


def parse_decimal(text: str, *, percent: bool = False) -> Decimal | None:
    """`1 234,5` or `1234.5` (or `12,5 %` for a share) → Decimal; None when not a number."""
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    if percent and cleaned.endswith("%"):
        cleaned = cleaned[:-1]
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def check_rows(rows: list[RawRow], *, evaluation_round: EvaluationRound | None) -> list[RowCheck]:
    """Every row's problems (field, message), and the parsed values of rows without problems."""
    regions = {r.code: r for r in Region.objects.filter(is_active=True)}
    checks = [RowCheck(number=row.number, values=dict(row.values)) for row in rows]
    for row in checks:
        _check_region(row, regions)
        _check_years(row)
        _check_numbers(row)
    _check_duplicates(checks, evaluation_round=evaluation_round)
    _check_against_stored(checks, evaluation_round=evaluation_round)
    return checks


def _check_region(row: RowCheck, regions: dict[str, Region]) -> None:
    code = row.values["region"].upper()
    if not code:
        row.problems.append(("region", _("The region code is missing.")))
    elif code not in regions:
        row.problems.append(("region", _("Unknown region code “%(code)s”.") % {"code": row.values["region"]}))
    else:
        row.parsed["region"] = regions[code]


def _check_years(row: RowCheck) -> None:
    for column in YEAR_COLUMNS:
        text = row.values[column]
        if not text:
            row.problems.append((column, _("The %(field)s is missing.") % {"field": COLUMN_LABELS[column]}))
            continue
        year = parse_decimal(text)
        if year is None or year != year.to_integral_value():
            row.problems.append((column, _("“%(value)s” is not a year.") % {"value": text}))
        elif not FIRST_YEAR <= year <= LAST_YEAR:
            row.problems.append((column, _("The year %(value)s lies outside %(first)s–%(last)s.") % {"value": text, "first": FIRST_YEAR, "last": LAST_YEAR}))
        else:
            row.parsed[column] = int(year)
    if "period_start" in row.parsed and "period_end" in row.parsed and row.parsed["period_end"] < row.parsed["period_start"]:
        row.problems.append(("period_end", _("The period cannot end before it starts.")))


def _check_numbers(row: RowCheck) -> None:
    for column in COUNT_COLUMNS + SHARE_COLUMNS:
        text = row.values[column]
        label = COLUMN_LABELS[column]
        if not text:
            row.problems.append((column, _("The %(field)s is missing.") % {"field": label}))
            continue
        number = parse_decimal(text, percent=column in SHARE_COLUMNS)
        if number is None:
            row.problems.append((column, _("“%(value)s” is not a number.") % {"value": text}))
        elif column in SHARE_COLUMNS and not 0 <= number <= 100:
            row.problems.append((column, _("The share %(value)s lies outside 0–100 %%.") % {"value": text}))
        elif number < 0:
            row.problems.append((column, _("The count %(value)s is negative.") % {"value": text}))
        elif number != number.quantize(Decimal("0.01")):
            row.problems.append((column, _("“%(value)s” has more than two decimals.") % {"value": text}))
        else:
            row.parsed[column] = number
    if "publications" in row.parsed and "highly_cited" in row.parsed and row.parsed["highly_cited"] > row.parsed["publications"]:
        row.problems.append(("highly_cited", _("There cannot be more highly cited publications than publications.")))


def _check_duplicates(checks: list[RowCheck], *, evaluation_round: EvaluationRound | None) -> None:
    """Duplicates within the file: the same region and period twice, or (with a round) one region twice."""
    seen_period: dict[tuple, int] = {}
    seen_region: dict[str, int] = {}
    for row in checks:
        region = row.parsed.get("region")
        if region is None:
            continue
        if "period_start" in row.parsed and "period_end" in row.parsed:
            key = (region.code, row.parsed["period_start"], row.parsed["period_end"])
            if key in seen_period:
                row.problems.append(
                    (
                        "region",
                        _("Duplicate: row %(row)s already has %(code)s for this period.") % {"row": seen_period[key], "code": region.code},
                    )
                )
                continue
            seen_period[key] = row.number
        if evaluation_round is not None:
            if region.code in seen_region:
                row.problems.append(
                    (
                        "region",
                        _("Duplicate: row %(row)s already has %(code)s for round %(round)s.")
                        % {"row": seen_region[region.code], "code": region.code, "round": evaluation_round.name},
                    )
                )
            else:
                seen_region[region.code] = row.number


def _check_against_stored(checks: list[RowCheck], *, evaluation_round: EvaluationRound | None) -> None:
    """Against the database: a row replacing figures of a finalized round, or a region that
    already has another period as this round's basis."""
    existing = {
        (b.region_id, b.period_start, b.period_end): b
        for b in Bibliometrics.objects.select_related("evaluation_round").filter(
            region__in=[r.parsed["region"] for r in checks if "region" in r.parsed]
        )
    }
    basis = {}
    if evaluation_round is not None:
        basis = {b.region_id: b for b in existing.values() if b.evaluation_round_id == evaluation_round.pk}
    for row in checks:
        p = row.parsed
        if not {"region", "period_start", "period_end"} <= p.keys():
            continue
        current = existing.get((p["region"].pk, p["period_start"], p["period_end"]))
        if current is not None:
            row.replaces = True
            if current.evaluation_round is not None and current.evaluation_round.is_finalized:
                row.problems.append(
                    (
                        "period_start",
                        _("The figures of %(code)s %(period)s are the basis of the finalized round %(round)s and are locked.")
                        % {"code": p["region"].code, "period": current.period_label, "round": current.evaluation_round.name},
                    )
                )
        other = basis.get(p["region"].pk)
        if other is not None and evaluation_round is not None and (other.period_start, other.period_end) != (p["period_start"], p["period_end"]):
            row.problems.append(
                (
                    "period_start",
                    _("%(code)s already has the period %(period)s as the basis of round %(round)s.")
                    % {"code": p["region"].code, "period": other.period_label, "round": evaluation_round.name},
                )
            )

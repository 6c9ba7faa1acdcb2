"""A year's allocation as CSV and XLSX: Swedish column headers, amounts in whole kronor.

The headers are a file format that other systems read, so they are fixed Swedish text and
do not follow the user's language. CSV: UTF-8 with a byte-order mark and `;` between fields
(what Swedish spreadsheet programs expect). XLSX: one sheet for the table, one for the
trace (the explanation, in Swedish) and one describing the run.
"""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from alfadmin.kernel.spreadsheets import append_row, csv_writer, new_workbook
from alfrules.explain import render_step

from .labels import EXPORT_MODEL_NAMES as MODEL_NAMES
from .labels import EXPORT_RESEARCH_HEADERS as RESEARCH_HEADERS
from .labels import EXPORT_UNDISTRIBUTED_NAMES as UNDISTRIBUTED_NAMES
from .selectors import YearAllocation

TRACE_HEADERS = ["Nr", "Steg", "Region", "Panel", "Rad", "Belopp (kr)", "Förklaring"]


def headers(allocation: YearAllocation) -> list[str]:
    return ["Region", "Regionnamn", "Utbildning (kr)", *(RESEARCH_HEADERS[line] for line in allocation.research_lines), "Totalt (kr)"]


def table_rows(allocation: YearAllocation) -> list[list[Any]]:
    """The allocation table: one row per region, then GUNS and undistributed money, then the sum.

    A region's `Totalt` is its education plus its research total; a forfeited quality amount
    is shown beside the region but counted in GUNS (docs/allocation-scenario.md).
    """
    lines = allocation.research_lines
    has_research = allocation.research is not None
    rows: list[list[Any]] = []
    for row in allocation.rows:
        research = [row.research.get(line) if has_research else None for line in lines]
        rows.append([row.code, row.name, row.education, *research, row.total])
    blank = [None] * len(lines)
    total_index = len(lines) - 1  # the research "total" column is the last research column
    guns = allocation.guns
    if guns is not None:
        research = list(blank)
        research[total_index] = guns["total"]
        rows.append(["GUNS", "Grupp för uppföljning och nationell samverkan", None, *research, guns["total"]])
    for item in allocation.undistributed:
        research = list(blank)
        research[total_index] = item["amount"]
        rows.append(["", f"Ej fördelat: {UNDISTRIBUTED_NAMES.get(item['line'], item['line'])}", None, *research, item["amount"]])
    sums = [sum(row.research.get(line, 0) for row in allocation.rows) if has_research and line != "total" else None for line in lines]
    if has_research:
        sums[total_index] = allocation.research_total
    rows.append(["Summa", "", allocation.education_total, *sums, allocation.total])
    return rows


def filename(allocation: YearAllocation, extension: str) -> str:
    return f"fordelning-{allocation.year}-{allocation.model}.{extension}"


def to_csv(allocation: YearAllocation) -> bytes:
    buffer = io.StringIO()
    writer = csv_writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers(allocation))
    for row in table_rows(allocation):
        writer.writerow(["" if value is None else value for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _exact_number(text: str) -> Decimal | str:
    try:
        return Decimal(text)
    except (InvalidOperation, TypeError):
        return text


def to_xlsx(allocation: YearAllocation, *, trace: list[dict[str, Any]], notes_sv: list[str]) -> bytes:
    workbook = new_workbook()
    table = cast(Worksheet, workbook.active)  # a new workbook's one sheet
    table.title = "Fördelning"
    append_row(table, headers(allocation))
    for row in table_rows(allocation):
        append_row(table, row)
    _style(table, widths={1: 10, 2: 40})
    for column in range(3, len(headers(allocation)) + 1):
        for (cell,) in table.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = "#,##0"

    steps = workbook.create_sheet("Beräkning")
    append_row(steps, TRACE_HEADERS)
    for number, step in enumerate(trace, start=1):
        append_row(steps,
            [
                number,
                step.get("step"),
                step.get("region") or "",
                step.get("panel") or "",
                step.get("line") or "",
                _exact_number(str(step.get("amount"))),
                render_step(step, "sv"),
            ]
        )
    _style(steps, widths={2: 24, 6: 18, 7: 120})

    about = workbook.create_sheet("Körning")
    run = allocation.run
    publication = allocation.publication
    facts = [
        ("År", allocation.year),
        ("Modell", MODEL_NAMES.get(allocation.model, allocation.model)),
        ("Roll", "betalande modell" if allocation.role == "paying" else "jämförelse (betalas inte)"),
        ("Körning", run.pk if run else ""),
        ("Beräknad", run.created_at.isoformat() if run else ""),
        ("Indata (SHA-256)", run.input_hash if run else ""),
        ("Beräkningsversion", run.engine_version if run else ""),
        ("Status", "publicerad" if publication is not None and publication.is_published else "ej publicerad"),
        ("Belopp", "hela kronor"),
    ]
    append_row(about, ["Uppgift", "Värde"])
    for fact in facts:
        append_row(about, list(fact))
    for note in notes_sv:
        append_row(about, ["Anmärkning", note])
    _style(about, widths={1: 22, 2: 100})

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _style(sheet, *, widths: dict[int, int]) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index in range(1, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(index, 22)


def scenario_to_xlsx(*, name: str, scenario: dict[str, Any], output: dict[str, Any], rows: list[Any], lines: list[tuple[str, Any]]) -> bytes:
    """A scenario of the explorer: its results beside the baseline, its inputs as the engine
    reads them (one row per field path), and the calculation step by step (Swedish)."""
    workbook = new_workbook()
    table = cast(Worksheet, workbook.active)
    table.title = "Resultat"
    research_headers = [RESEARCH_HEADERS[line] for line, _label in lines]
    header = ["Region", "Regionnamn", "Utbildning (kr)", *research_headers, "Totalt (kr)", "Jämförelse (kr)", "Skillnad (kr)", "Skillnad (%)"]
    append_row(table, header)
    for row in rows:
        ratio = None if row.ratio is None else round(row.ratio * 100, 2)
        append_row(table,
            [row.code, row.name, row.education, *(row.research.get(line) for line, _label in lines), row.total, row.baseline, row.difference, ratio]
        )
    _style(table, widths={1: 10, 2: 40})
    for column in range(3, len(header)):
        for (cell,) in table.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = "#,##0"

    inputs = workbook.create_sheet("Indata")
    append_row(inputs, ["Fält", "Värde"])
    if name:
        append_row(inputs, ["Namn", name])
    for path, value in _flatten(scenario):
        append_row(inputs, [path, _exact_number(value) if isinstance(value, str) else value])
    _style(inputs, widths={1: 40, 2: 30})

    steps = workbook.create_sheet("Beräkning")
    append_row(steps, TRACE_HEADERS)
    for number, step in enumerate(output.get("trace") or [], start=1):
        append_row(steps,
            [number, step.get("step"), step.get("region") or "", step.get("panel") or "", step.get("line") or "", _exact_number(str(step.get("amount"))), render_step(step, "sv")]
        )
    _style(steps, widths={2: 24, 6: 18, 7: 120})
    for note in output.get("notes") or []:
        append_row(steps, ["", "Anmärkning", "", "", "", "", note])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _flatten(value: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        items: list[tuple[str, Any]] = []
        for key, item in value.items():
            items.extend(_flatten(item, f"{path}.{key}" if path else str(key)))
        return items
    return [(path, value)]


PROJECTION_HEADERS = ["Region", "År", "Modell", "Prognos", "Utbildning (kr)", "Forskning (kr)", "Totalt (kr)"]


def projections_to_xlsx(years: list[Any], *, assumptions: dict[int, list[str]]) -> bytes:
    """A projection (analysis.projections.ProjectedYear per year) as XLSX: one row per region and
    year, Swedish headers as in the allocation export, and the assumptions per year."""
    workbook = new_workbook()
    table = cast(Worksheet, workbook.active)
    table.title = "Projektion"
    append_row(table, PROJECTION_HEADERS)
    regions = sorted({code for year in years for code in year.regions})
    for code in regions:
        for year in years:
            if code in year.regions:
                append_row(table,
                    [code, year.year, MODEL_NAMES.get(year.model, year.model), "ja" if year.is_projection else "nej",
                     year.education.get(code), year.research.get(code), year.total(code)]
                )
    _style(table, widths={1: 10, 2: 8, 3: 22, 4: 10})
    for column in (5, 6, 7):
        for (cell,) in table.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = "#,##0"
    sheet = workbook.create_sheet("Antaganden")
    append_row(sheet, ["År", "Antagande"])
    for year in years:
        for text in assumptions.get(year.year, []):
            append_row(sheet, [year.year, text])
    _style(sheet, widths={1: 8, 2: 120})
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()

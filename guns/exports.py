"""The annual report to the parties as a workbook: sheets Decisions, Pot and Follow-ups (openpyxl).

Amounts are whole kronor as numbers (the reader's spreadsheet formats them); texts are the
same translated labels as the printable page.
"""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from alfadmin.kernel.spreadsheets import append_row, new_workbook

from .selectors import AnnualReportData


def _header(sheet: Worksheet, titles: list[str]) -> None:
    append_row(sheet, titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def annual_report_workbook(data: AnnualReportData) -> bytes:
    book = new_workbook()
    book.remove(book.worksheets[0])  # the default empty sheet; ours are created by name
    decisions = book.create_sheet(_("Decisions"))
    _header(decisions, [_("Number"), _("Kind"), _("Title"), _("State"), _("Meeting"), _("Amount (kr)"), _("Pot year"), _("Paid (kr)")])
    for d in data.decisions:
        append_row(decisions,
            [
                d.number or "",
                d.get_kind_display(),
                d.title,
                d.get_state_display(),
                d.meeting.date if d.meeting else None,
                d.amount,
                d.pot_year,
                getattr(d, "paid", None) or 0 if d.is_funding else None,
            ]
        )
    append_row(decisions, [])
    append_row(decisions, [_("Kind"), *[label for _state, label in data.states], _("Total")])
    for row in data.summary:
        append_row(decisions, [row.label, *[row.by_state.get(state, 0) for state, _label in data.states], row.total])

    pot = book.create_sheet(_("Pot"))
    _header(pot, [_("Item"), _("Amount (kr)")])
    for label, value in (
        (_("Set-aside"), data.pot.set_aside),
        (_("Forfeited quality amounts"), data.pot.forfeited),
        (_("Carried over from the year before"), data.pot.carried_over),
        (_("Income"), data.pot.income),
        (_("Committed"), data.pot.committed),
        (_("Paid"), data.pot.paid),
        (_("Available"), data.pot.available),
        (_("Carried over to the next year"), data.carried_to_next),
    ):
        append_row(pot, [label, value])

    follow_ups = book.create_sheet(_("Follow-ups"))
    _header(follow_ups, [_("Evaluation round"), _("Region"), _("Kind"), _("Text"), _("Responsible"), _("Due"), _("Done"), _("Written")])
    for e in data.follow_ups:
        append_row(follow_ups,
            [
                e.evaluation_round.name,
                e.region.code,
                e.get_kind_display(),
                e.text,
                e.responsible,
                e.due,
                (_("yes") if e.done else _("no")) if e.kind == e.Kind.ACTION else "",
                e.created_at.date(),
            ]
        )
    for sheet in book.worksheets:
        for index, column in enumerate(sheet.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, *(len(str(c.value or "")) + 2 for c in column)))
    out = BytesIO()
    book.save(out)
    return out.getvalue()

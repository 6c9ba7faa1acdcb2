"""The national comparison (memo §7.8.2, the "simple model"): approved reports only.

Money is computed in Python (Decimal, whole kronor); pandas only pivots the rows into tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from io import BytesIO
from typing import Any

import pandas as pd
from django.utils.translation import gettext as _

from alfadmin.kernel.spreadsheets import append_row, new_workbook

from .models import Report
from .selectors import report_list
from .validation import parse_value

COST_PARTS = ("personnel", "premises", "other")
METRICS = (
    "education_costs",
    "research_costs",
    "education_result",
    "research_result",
    "kr_per_hst",
    "primary_care_share_pct",
    "planned_hst",
    "enrolled_hst",
    "research_open_calls_pct",
    "research_indicators_pct",
    "research_strategic_pct",
)


@dataclass
class Comparison:
    year: int | None
    regions: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    coverage: dict[int, int] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)

    def table(self, year: int) -> list[dict[str, Any]]:
        return [r for r in self.rows if r["year"] == year]

    def across_years(self, metric: str) -> dict[str, Any]:
        """region → {year: value}: a pandas pivot of one metric."""
        if not self.rows:
            return {"years": [], "regions": {}}
        frame = pd.DataFrame([{"region": r["region"], "year": r["year"], "value": r[metric]} for r in self.rows])
        pivot = frame.pivot_table(index="region", columns="year", values="value", aggfunc="first")
        return {
            "years": [int(y) for y in pivot.columns],
            "regions": {region: [None if pd.isna(v) else v for v in pivot.loc[region].tolist()] for region in pivot.index},
        }


def _number(report_values: dict[str, str], code: str, kind: str = "number") -> Decimal | None:
    try:
        value = parse_value(kind, report_values.get(code, ""))
    except ValueError:
        return None
    return value if isinstance(value, Decimal) else None


def comparison(*, user: Any, year: int | None = None) -> Comparison:
    """Per approved report: costs by category, kronor per full-year student, results, shares."""
    reports = list(report_list(user=user).filter(state=Report.State.APPROVED))
    years = sorted({r.definition.year for r in reports})
    result = Comparison(year=year or (years[-1] if years else None), regions=sorted({r.region.code for r in reports}), years=years)
    for report in reports:
        values = {v.code: v.value for v in report.values.all()}
        row: dict[str, Any] = {"region": report.region.code, "year": report.definition.year}
        for kind in ("education", "research"):
            parts = {p: _number(values, f"{kind}_{p}") or Decimal(0) for p in COST_PARTS}
            row.update({f"{kind}_{p}": int(v) for p, v in parts.items()})
            row[f"{kind}_costs"] = int(sum(parts.values()))
            result_value = _number(values, f"{kind}_result")
            row[f"{kind}_result"] = int(result_value) if result_value is not None else None
            received = _number(values, f"{kind}_received")
            row[f"{kind}_received"] = int(received) if received is not None else None
        enrolled = _number(values, "enrolled_hst")
        received = _number(values, "education_received")
        row["kr_per_hst"] = int((received / enrolled).quantize(Decimal(1), ROUND_HALF_EVEN)) if received is not None and enrolled else None
        for code in (
            "primary_care_share_pct",
            "planned_hst",
            "enrolled_hst",
            "research_open_calls_pct",
            "research_indicators_pct",
            "research_strategic_pct",
        ):
            number = _number(values, code)
            row[code] = float(number) if number is not None else None
        result.rows.append(row)
        result.coverage[report.definition.year] = result.coverage.get(report.definition.year, 0) + 1
    result.rows.sort(key=lambda r: (r["year"], r["region"]))
    return result


def comparison_workbook(data: Comparison) -> bytes:
    book = new_workbook()
    sheet = book.worksheets[0]  # a new workbook has one worksheet (`active` may be None in the stubs)
    sheet.title = _("Comparison")
    columns = ["year", "region", *[f"{k}_{p}" for k in ("education", "research") for p in COST_PARTS], *METRICS]
    append_row(sheet, columns)
    for row in data.rows:
        append_row(sheet, [row.get(c) for c in columns])
    out = BytesIO()
    book.save(out)
    return out.getvalue()

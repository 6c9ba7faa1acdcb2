"""Report values from typed text to typed columns; required fields marked; cost warnings widened.

Self-contained (historical models, its own copy of the parsing of the time): kronor and whole
numbers to `amount`, numbers and percents to `number`, dates to `date`, texts to `text`. A numeric
answer that is no number ("1e400", "NaN", an overflow) is kept as text, where the report's checks
show it as an error to fix: nothing is lost. History records are converted alike, and each value
record learns the report version it was written in.
"""

import bisect
import datetime
import re
from decimal import Decimal

from django.db import migrations

PLAIN_NUMBER = re.compile(r"^-?(\d+)(?:\.(\d+))?$")
WHOLE_KINDS = ("kronor", "integer")
NUMBER_KINDS = ("number", "percent")
REQUIRED = (
    "education_personnel",
    "education_premises",
    "education_other",
    "research_personnel",
    "research_premises",
    "research_other",
    "research_open_calls_pct",
    "research_indicators_pct",
    "research_strategic_pct",
    "primary_care_share_pct",
    "enrolled_hst",
    "doctoral_degrees",
    "physicians_phd_share_pct",
)


def columns(kind, text):
    text = (text or "").strip()
    out = {"amount": None, "number": None, "date": None, "text": ""}
    if not text:
        return out
    if kind in WHOLE_KINDS or kind in NUMBER_KINDS:
        cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("\u2212", "-").replace(",", ".")
        if kind == "percent":
            cleaned = cleaned.removesuffix("%")
        match = PLAIN_NUMBER.match(cleaned)
        if match:
            whole, decimals = match.group(1).lstrip("0"), (match.group(2) or "").rstrip("0")
            if kind in WHOLE_KINDS and not decimals and len(whole) <= 15:
                out["amount"] = int(Decimal(cleaned))
                return out
            if kind in NUMBER_KINDS and len(decimals) <= 4 and len(whole) <= 14:
                out["number"] = Decimal(cleaned)
                return out
    elif kind == "date":
        try:
            out["date"] = datetime.date.fromisoformat(text)
            return out
        except ValueError:
            pass
    out["text"] = text
    return out


def forwards(apps, schema_editor):
    FormField = apps.get_model("reporting", "FormField")
    ValidationRule = apps.get_model("reporting", "ValidationRule")
    Report = apps.get_model("reporting", "Report")
    ReportValue = apps.get_model("reporting", "ReportValue")
    HistoricalReport = apps.get_model("reporting", "HistoricalReport")
    HistoricalReportValue = apps.get_model("reporting", "HistoricalReportValue")

    FormField.objects.filter(code__in=REQUIRED, source="input").update(required=True)
    for kind in ("education", "research"):
        ValidationRule.objects.filter(name=f"{kind}-close-to-received", condition=f"filled({kind}_personnel) = 1").update(
            condition=f"filled({kind}_personnel) + filled({kind}_premises) + filled({kind}_other) >= 1"
        )

    kinds = {(f.definition_id, f.code): f.kind for f in FormField.objects.all()}
    reports = {r.pk: r for r in Report.objects.all()}
    marks = {}
    for record in HistoricalReport.objects.order_by("history_date", "history_id"):
        dates, versions = marks.setdefault(record.id, ([], []))
        dates.append(record.history_date)
        versions.append(record.version)

    def kind_of(report_id, code):
        report = reports.get(report_id)
        return kinds.get((report.definition_id, code), "text") if report else "text"

    def version_at(report_id, when):
        # Values were written before the report's version was bumped: the first report record
        # at or after the value's is the version the value belongs to.
        dates, versions = marks.get(report_id, ([], []))
        index = bisect.bisect_left(dates, when)
        if index < len(versions):
            return versions[index]
        report = reports.get(report_id)
        return report.version if report else 1

    latest = {}
    for record in HistoricalReportValue.objects.order_by("history_date", "history_id"):
        for name, value in columns(kind_of(record.report_id, record.code), record.value).items():
            setattr(record, name, value)
        record.report_version = version_at(record.report_id, record.history_date)
        record.save(update_fields=["amount", "number", "date", "text", "report_version"])
        latest[record.id] = record.report_version
    for row in ReportValue.objects.all():
        for name, value in columns(kind_of(row.report_id, row.code), row.value).items():
            setattr(row, name, value)
        report = reports[row.report_id]
        row.report_version = latest.get(row.pk, report.version)
        row.save(update_fields=["amount", "number", "date", "text", "report_version"])


def text_of(row):
    if row.amount is not None:
        return str(row.amount)
    if row.number is not None:
        text = format(row.number, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if row.date is not None:
        return row.date.isoformat()
    return row.text


def backwards(apps, schema_editor):
    for name in ("ReportValue", "HistoricalReportValue"):
        for row in apps.get_model("reporting", name).objects.all():
            row.value = text_of(row)
            row.save(update_fields=["value"])


class Migration(migrations.Migration):
    dependencies = [("reporting", "0004_typed_values_columns")]
    operations = [migrations.RunPython(forwards, backwards)]

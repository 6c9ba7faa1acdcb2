"""XLSX uploads: a missing column or row means unchanged, the preview lists exactly what apply
changes, each preview carries its own token, and a stale, versionless or other year's workbook is
refused at preview time, naming why."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reporting import services
from reporting.models import ReportValue

from .conftest import fill

pytestmark = pytest.mark.django_db


def stored(report):
    return {v.code: (v.value, v.comment) for v in ReportValue.objects.filter(report=report)}


def workbook(client, report):
    return load_workbook(BytesIO(client.get(reverse("reporting:download", args=[report.pk])).content))


def set_cell(book, code, column, value):
    for row in book.active.iter_rows(min_row=2):
        if row[0].value == code:
            row[column].value = value
            return
    raise AssertionError(code)


def upload(client, report, book):
    out = BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "report.xlsx"
    return client.post(reverse("reporting:upload", args=[report.pk]), {"file": out})


def apply(client, report, preview):
    return client.post(reverse("reporting:upload", args=[report.pk]), {"confirm": "1", "preview": preview.context["token"]})


def commented(report, actor):
    """A filled report whose education costs deviate (a warning) and carry a comment."""
    report = fill(report, actor, education_other="600")
    return services.report_update(
        report=report,
        values={},
        comments={"education_personnel": "Ny lokal", "education_premises": "Ny lokal", "education_other": "Engångskostnad"},
        expected_version=report.version,
        actor=actor,
    )


def test_a_workbook_without_the_comment_column_keeps_every_comment(client, people, sth_report):
    report = commented(sth_report, people["sth"])
    assert services.report_check(report).uncommented == []
    client.force_login(people["sth"])
    book = workbook(client, report)
    book.active.delete_cols(4)  # the comment column
    set_cell(book, "doctoral_degrees", 2, 11)
    before = stored(report)
    preview = upload(client, report, book)
    assert preview.status_code == 200
    listed = [(c.code, c.before, c.after, c.comment_changes) for c in preview.context["changes"]]
    assert listed == [("doctoral_degrees", "10", "11", False)]
    assert preview.content.decode().count('data-testid="preview-row"') == 1
    assert apply(client, report, preview).status_code == 302
    after = stored(report)
    assert {code for code in after if after[code] != before.get(code)} == {"doctoral_degrees"}
    assert after["education_other"] == ("600", "Engångskostnad")
    assert services.report_check(report).uncommented == []


def test_a_workbook_without_the_label_column_or_a_row_changes_only_what_it_has(client, people, sth_report):
    report = commented(sth_report, people["sth"])
    client.force_login(people["sth"])
    book = workbook(client, report)
    sheet = book.active
    set_cell(book, "education_other", 3, "Engångskostnad, hyra")
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "doctoral_degrees":
            sheet.delete_rows(row[0].row)
            break
    sheet.delete_cols(2)  # the label column: the others are found by their headers
    before = stored(report)
    preview = upload(client, report, book)
    assert preview.status_code == 200
    assert [(c.code, c.value_changes, c.comment_before, c.comment_after) for c in preview.context["changes"]] == [
        ("education_other", False, "Engångskostnad", "Engångskostnad, hyra")
    ]
    assert apply(client, report, preview).status_code == 302
    after = stored(report)
    assert {code for code in after if after[code] != before.get(code)} == {"education_other"}
    assert after["education_other"] == ("600", "Engångskostnad, hyra")
    assert after["doctoral_degrees"] == ("10", "")


def test_a_workbook_without_the_value_column_is_refused_not_emptied(client, people, sth_report):
    report = fill(sth_report, people["sth"])
    client.force_login(people["sth"])
    book = workbook(client, report)
    book.active.delete_cols(3)  # the values, and with them the version the workbook was based on
    before = stored(report)
    preview = upload(client, report, book)
    assert preview.status_code == 400
    assert "version" in preview.context["form"].errors["file"][0]
    assert stored(report) == before


def test_an_emptied_cell_in_a_column_that_is_there_empties_the_value(client, people, sth_report):
    report = fill(sth_report, people["sth"])
    client.force_login(people["sth"])
    book = workbook(client, report)
    set_cell(book, "doctoral_degrees", 2, None)
    preview = upload(client, report, book)
    assert [(c.code, c.before, c.after) for c in preview.context["changes"]] == [("doctoral_degrees", "10", "")]


def test_each_tab_applies_the_preview_it_shows(client, people, sth_report):
    report = fill(sth_report, people["sth"])
    client.force_login(people["sth"])
    first, second = workbook(client, report), workbook(client, report)
    set_cell(first, "doctoral_degrees", 2, 111111)
    set_cell(second, "doctoral_degrees", 2, 222222)
    tab_1 = upload(client, report, first)
    tab_2 = upload(client, report, second)
    assert [c.after for c in tab_1.context["changes"]] == ["111111"]
    assert [c.after for c in tab_2.context["changes"]] == ["222222"]
    assert apply(client, report, tab_1).status_code == 302
    assert stored(report)["doctoral_degrees"] == ("111111", "")
    # Tab 2's preview was of the version before tab 1's save: refused, nothing applied.
    late = apply(client, report, tab_2)
    assert late.status_code == 409
    assert stored(report)["doctoral_degrees"] == ("111111", "")


def test_a_forged_or_foreign_preview_is_refused(client, people, sth_report, ore_report):
    report = fill(sth_report, people["sth"])
    client.force_login(people["sth"])
    book = workbook(client, report)
    set_cell(book, "doctoral_degrees", 2, 5)
    preview = upload(client, report, book)
    token = preview.context["token"]
    forged = client.post(reverse("reporting:upload", args=[report.pk]), {"confirm": "1", "preview": token[:-2] + "xx"})
    assert forged.status_code == 400
    client.force_login(people["admin"])
    foreign = client.post(reverse("reporting:upload", args=[report.pk]), {"confirm": "1", "preview": token})
    assert foreign.status_code == 400
    assert stored(report)["doctoral_degrees"] == ("10", "")


def test_an_old_workbook_is_refused_at_preview_naming_the_fields_changed_since(client, people, sth_report):
    report = fill(sth_report, people["sth"])
    client.force_login(people["sth"])
    book = workbook(client, report)
    services.report_update(report=report, values={"education_premises": "120"}, expected_version=report.version, actor=people["admin"])
    set_cell(book, "doctoral_degrees", 2, 12)
    preview = upload(client, report, book)
    assert preview.status_code == 400
    errors = preview.context["form"].errors["file"][0]
    assert "Utbildning: lokaler" in errors
    assert "token" not in preview.context
    assert stored(report)["doctoral_degrees"] == ("10", "")


def test_a_workbook_without_its_version_row_is_refused_at_preview(client, people, sth_report):
    report = fill(sth_report, people["sth"])
    client.force_login(people["sth"])
    book = workbook(client, report)
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "version":
            sheet.delete_rows(row[0].row)
            break
    set_cell(book, "doctoral_degrees", 2, 12)
    preview = upload(client, report, book)
    assert preview.status_code == 400
    assert "version" in preview.context["form"].errors["file"][0]
    assert stored(report)["doctoral_degrees"] == ("10", "")


def test_another_years_workbook_is_refused_at_preview(client, people, region_pair, sth_report):
    report_2024 = fill(sth_report, people["sth"])
    report_2025 = services.report_open(region=region_pair[0], year=2025, actor=people["admin"])
    client.force_login(people["sth"])
    book = workbook(client, report_2024)
    set_cell(book, "doctoral_degrees", 2, 99)
    # Same version number, other year: the year row (and the sheet's title) say which form it is.
    ReportValue.objects.filter(report=report_2025).delete()
    report_2025.refresh_from_db()
    set_cell(book, "version", 2, report_2025.version)
    preview = upload(client, report_2025, book)
    assert preview.status_code == 400
    message = preview.context["form"].errors["file"][0]
    assert "2024" in message and "2025" in message
    assert not ReportValue.objects.filter(report=report_2025, code="doctoral_degrees").exists()


def test_a_workbook_value_that_is_no_number_is_refused_at_preview_naming_the_field(client, people, sth_report):
    report = fill(sth_report, people["sth"])
    client.force_login(people["sth"])
    book = workbook(client, report)
    set_cell(book, "education_other", 2, "1e400")
    preview = upload(client, report, book)
    assert preview.status_code == 400
    assert any(p.startswith("education_other: ") for p in preview.context["problems"])
    assert "Apply all" not in preview.content.decode() and "Tillämpa allt" not in preview.content.decode()
    assert stored(report)["education_other"] == ("200", "")

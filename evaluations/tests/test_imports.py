"""Bibliometrics import: every problem reported by row and field, all or nothing, and a bad
file changes nothing."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from alfadmin.kernel.errors import LockedError
from evaluations import imports, services
from evaluations.models import Bibliometrics

from .factories import bibliometrics, rate_all

HEADER = "region;period_start;period_end;publications;highly_cited;citation_impact;uncited_share"


def csv_file(*lines, name="bib.csv"):
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, name="bib.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def problems_of(upload, evaluation_round=None):
    checks = imports.check_rows(imports.read_upload(upload), evaluation_round=evaluation_round)
    return {(c.number, field) for c in checks for field, _ in c.problems}, checks


def test_every_problem_kind_is_reported_with_its_row_number(four_regions):
    bibliometrics(four_regions["DDD"], period=(2018, 2021))
    upload = csv_file(
        HEADER,
        "AAA;2018;2021;1000;120;12,0;14",  # row 2: fine
        "XYZ;2018;2021;1000;120;12;14",  # 3: unknown region
        "AAA;2018;2021;900;100;11;15",  # 4: duplicate of row 2
        "BBB;2018;2021;many;100;11;15",  # 5: not a number
        "CCC;2018;2021;1000;100;110;-1",  # 6: two shares outside 0–100
        "DDD;2018;2021;1000;;11;15",  # 7: missing value (and DDD replaces stored figures)
        "BBB;2021;2018;10;20;5;5",  # 8: period reversed, more highly cited than publications
        "CCC;2014;2017;-5;0;5;5",  # 9: negative count
        "CCC;twenty;2017;5;0;5;5",  # 10: year not a number
    )
    found, checks = problems_of(upload)
    assert found == {
        (3, "region"),
        (4, "region"),
        (5, "publications"),
        (6, "citation_impact"),
        (6, "uncited_share"),
        (7, "highly_cited"),
        (8, "period_end"),
        (8, "highly_cited"),
        (9, "publications"),
        (10, "period_start"),
    }
    messages = {(c.number, f): m for c in checks for f, m in c.problems}
    assert "Unknown region" in messages[(3, "region")] and "XYZ" in messages[(3, "region")]
    assert "Duplicate" in messages[(4, "region")] and "row 2" in messages[(4, "region")]
    assert "not a number" in messages[(5, "publications")]
    assert "0–100" in messages[(6, "citation_impact")]
    assert checks[0].ok and checks[0].parsed["citation_impact"] == Decimal("12.0")
    assert checks[5].replaces


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("bib.txt", b"region;x\n"), "CSV"),
        (SimpleUploadedFile("bib.csv", b""), "empty"),
        (SimpleUploadedFile("bib.csv", b"\n\n"), "empty"),
        (SimpleUploadedFile("bib.csv", b"region;period_start\nAAA;2018\n"), "period_end"),
        (SimpleUploadedFile("bib.csv", (HEADER + "\n").encode()), "no rows"),
        (SimpleUploadedFile("bib.xlsx", b"this is not a workbook"), "XLSX"),
    ],
)
def test_a_bad_file_is_refused_as_a_whole(four_regions, upload, message):
    with pytest.raises(imports.ImportFileError) as error:
        imports.read_upload(upload)
    assert message in str(error.value)


def test_xlsx_rows_are_read_with_numbers(four_regions):
    upload = xlsx_file([imports.COLUMNS, ["AAA", 2018, 2021, 1000, 120, 12.5, 14], ["BBB", 2018, 2021, 800.5, 80, 10, 16]])
    found, checks = problems_of(upload)
    assert not found
    assert checks[0].parsed["citation_impact"] == Decimal("12.5")
    assert checks[1].parsed["publications"] == Decimal("800.5")


def test_import_saves_all_rows_or_none(four_regions, vr):
    good = imports.read_upload(csv_file(HEADER, "AAA;2018;2021;1000;120;12;14", "BBB;2018;2021;800;80;10;16"))
    bad = imports.read_upload(csv_file(HEADER, "AAA;2018;2021;1000;120;12;14", "BBB;2018;2021;800;80;101;16"))
    with pytest.raises(ValidationError) as error:
        services.bibliometrics_import(actor=vr, rows=bad)
    assert "row 3.citation_impact" in error.value.message_dict
    assert not Bibliometrics.objects.exists()
    result = services.bibliometrics_import(actor=vr, rows=good)
    assert (result.created, result.replaced) == (2, 0)
    assert Bibliometrics.objects.get(region__code="AAA").history.first().history_user == vr
    again = services.bibliometrics_import(actor=vr, rows=good)
    assert (again.created, again.replaced) == (0, 2)


def test_import_links_rows_to_a_draft_round_and_refuses_a_finalized_one(draft, codes, vr):
    rows = imports.read_upload(csv_file(HEADER, "AAA;2022;2025;1000;120;12;14"))
    services.bibliometrics_import(actor=vr, rows=rows, evaluation_round=draft)
    assert Bibliometrics.objects.get().evaluation_round == draft
    rate_all(draft, codes, actor=vr)
    services.evaluation_round_finalize(actor=vr, evaluation_round=draft, expected_version=None)
    with pytest.raises(LockedError):
        services.bibliometrics_import(actor=vr, rows=rows, evaluation_round=draft)
    # Without a round, the locked figures are refused row by row.
    found = {(c.number, f) for c in imports.check_rows(rows, evaluation_round=None) for f, _ in c.problems}
    assert found == {(2, "period_start")}


def test_a_round_takes_one_period_per_region(draft, four_regions, vr):
    bibliometrics(four_regions["AAA"], period=(2018, 2021), evaluation_round=draft)
    found, _ = problems_of(csv_file(HEADER, "AAA;2022;2025;1000;120;12;14", "BBB;2022;2025;1;0;0;0", "BBB;2018;2021;1;0;0;0"), draft)
    assert found == {(2, "period_start"), (4, "region")}


# The pages: upload → preview → confirm.


@pytest.fixture
def vr_client(client, vr):
    client.force_login(vr)
    return client


def test_preview_then_confirm_saves_every_row(vr_client):
    response = vr_client.post(
        "/evaluations/bibliometrics/import/", {"file": csv_file(HEADER, "AAA;2018;2021;1000;120;12;14", "BBB;2018;2021;800;80;10;16")}
    )
    assert response.status_code == 200
    assert not Bibliometrics.objects.exists()  # the preview saves nothing
    token = response.context["token"]
    response = vr_client.post("/evaluations/bibliometrics/import/confirm/", {"token": token})
    assert response.status_code == 302
    assert Bibliometrics.objects.count() == 2


def test_a_malformed_file_changes_nothing_on_the_page(vr_client, four_regions):
    existing = bibliometrics(four_regions["AAA"], period=(2018, 2021))
    before = list(Bibliometrics.objects.values())
    response = vr_client.post("/evaluations/bibliometrics/import/", {"file": SimpleUploadedFile("bib.xlsx", b"PK\x03\x04 broken zip")})
    assert response.status_code == 400
    assert "XLSX" in response.content.decode()
    response = vr_client.post(
        "/evaluations/bibliometrics/import/", {"file": csv_file(HEADER, "AAA;2018;2021;5;1;1;1", "BBB;2018;2021;x;1;1;1")}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Row 3" in page and "publications" in page and "confirm-import" not in page
    # No confirm is possible: the staged token refuses a problem file too.
    vr_client.post("/evaluations/bibliometrics/import/confirm/", {"token": response.context["token"]})
    assert list(Bibliometrics.objects.values()) == before
    assert Bibliometrics.objects.get(pk=existing.pk).version == existing.version


def test_confirm_checks_again_and_saves_nothing_if_the_state_changed(vr_client, draft, codes, vr):
    response = vr_client.post(
        "/evaluations/bibliometrics/import/", {"file": csv_file(HEADER, "AAA;2022;2025;1000;120;12;14"), "evaluation_round": draft.pk}
    )
    token = response.context["token"]
    rate_all(draft, codes, actor=vr)
    services.evaluation_round_finalize(actor=vr, evaluation_round=draft, expected_version=None)
    response = vr_client.post("/evaluations/bibliometrics/import/confirm/", {"token": token})
    assert response.status_code == 409
    assert not Bibliometrics.objects.exists()


def test_confirm_with_a_foreign_token_saves_nothing(vr_client):
    vr_client.post("/evaluations/bibliometrics/import/", {"file": csv_file(HEADER, "AAA;2018;2021;1000;120;12;14")})
    response = vr_client.post("/evaluations/bibliometrics/import/confirm/", {"token": "forged"})
    assert response.status_code == 302
    assert not Bibliometrics.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_templates_read_back_without_problems(vr_client, fmt):
    from alfadmin.tests.factories import RegionFactory

    RegionFactory(code="STH")
    RegionFactory(code="UPP")
    response = vr_client.get(f"/evaluations/bibliometrics/import/template.{fmt}")
    assert response.status_code == 200
    upload = SimpleUploadedFile(f"template.{fmt}", response.content)
    found, checks = problems_of(upload)
    assert not found and len(checks) == 2
    if fmt == "xlsx":
        assert load_workbook(io.BytesIO(response.content)).active["A1"].value == "region"

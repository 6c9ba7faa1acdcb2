"""A Ds 2024 round is finalized only with every region's bibliometrics (a clear error naming
the missing regions, on the service, the page and the API); an import that leaves regions out
warns in the preview and after; finalizing on the page asks for confirmation and shows who
forfeits the quality amount, decided by the engine's own predicate."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from evaluations import services
from evaluations.models import EvaluationRound

from .factories import all_yes, basis, bibliometrics, make_round, rate_all

HEADER = "region;period_start;period_end;publications;highly_cited;citation_impact;uncited_share"


@pytest.fixture
def ds_round(four_regions, codes, vr):
    evaluation_round = make_round(name="2025/26 Ds", applies_from=2027, applies_to=2030, model="ds2024", actor=vr)
    findings = all_yes(codes, BBB={"realistic_plans": False})
    return rate_all(evaluation_round, codes, very_high={1: codes, 2: codes, 3: []}, inadequate={2: ["CCC"]}, actor=vr, findings=findings)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_finalizing_without_every_regions_bibliometrics_names_the_missing_regions(ds_round, four_regions, vr):
    bibliometrics(four_regions["AAA"], evaluation_round=ds_round)
    bibliometrics(four_regions["CCC"], period=(2021, 2024), evaluation_round=ds_round)
    with pytest.raises(ValidationError) as error:
        services.evaluation_round_finalize(actor=vr, evaluation_round=ds_round, expected_version=None)
    assert error.value.message_dict == {
        "bibliometrics": ["Bibliometrics are missing for BBB, DDD: import the round's bibliometric basis for every region before finalizing."]
    }
    assert EvaluationRound.objects.get(pk=ds_round.pk).status == "draft"


def test_the_api_refuses_with_400_naming_bibliometrics(ds_round, vr, api_client):
    api_client.force_authenticate(vr)
    response = api_client.post(f"/api/v1/evaluation-rounds/{ds_round.pk}/finalize/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["bibliometrics"] == [
        "Bibliometrics are missing for AAA, BBB, CCC, DDD: import the round's bibliometric basis for every region before finalizing."
    ]
    basis(ds_round)
    response = api_client.post(f"/api/v1/evaluation-rounds/{ds_round.pk}/finalize/", {}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "finalized")


def test_the_confirmation_page_shows_who_forfeits_and_finalizes_only_when_confirmed(ds_round, vr):
    basis(ds_round)
    client = _client(vr)
    page = client.get(f"/evaluations/rounds/{ds_round.pk}/finalize/")
    assert page.status_code == 200
    forfeits = {f.region.code: (f.findings_ok, f.inadequate_panels) for f in page.context["forfeits"]}
    # BBB's plans are not realistic; CCC is rated inadequate in panel 2 (rules §6.4).
    assert forfeits == {"BBB": (False, ()), "CCC": (True, (2,))}
    assert 'data-testid="forfeits"' in page.content.decode() and 'data-testid="confirm-finalize"' in page.content.decode()
    # A POST that does not confirm shows the page again and finalizes nothing.
    assert client.post(f"/evaluations/rounds/{ds_round.pk}/finalize/", {"version": ds_round.version}).status_code == 200
    assert EvaluationRound.objects.get(pk=ds_round.pk).status == "draft"
    response = client.post(f"/evaluations/rounds/{ds_round.pk}/finalize/", {"version": ds_round.version, "confirmed": "yes"})
    assert response.status_code == 302
    assert EvaluationRound.objects.get(pk=ds_round.pk).status == "finalized"


def test_the_confirmation_page_blocks_a_round_without_bibliometrics(ds_round, vr):
    page = _client(vr).get(f"/evaluations/rounds/{ds_round.pk}/finalize/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="missing-bibliometrics"' in html and 'data-testid="confirm-finalize"' not in html
    assert page.context["missing_message"] == (
        "Bibliometrics are missing for AAA, BBB, CCC, DDD: import the round's bibliometric basis for every region before finalizing."
    )
    refused = _client(vr).post(f"/evaluations/rounds/{ds_round.pk}/finalize/", {"version": ds_round.version, "confirmed": "yes"})
    assert refused.status_code == 400
    assert EvaluationRound.objects.get(pk=ds_round.pk).status == "draft"


def test_an_import_that_leaves_regions_out_warns_in_the_preview_and_after(ds_round, vr):
    client = _client(vr)
    upload = SimpleUploadedFile("bib.csv", (HEADER + "\nAAA;2022;2025;1000;120;12;14\nBBB;2022;2025;800;80;10;16\n").encode(), content_type="text/csv")
    preview = client.post("/evaluations/bibliometrics/import/", {"file": upload, "evaluation_round": ds_round.pk})
    assert preview.status_code == 200
    warning = "No bibliometrics for CCC, DDD in round 2025/26 Ds: the round cannot be finalized until every region has its figures."
    assert preview.context["missing_warning"] == warning
    assert 'data-testid="import-missing-regions"' in preview.content.decode()
    done = client.post("/evaluations/bibliometrics/import/confirm/", {"token": preview.context["token"]}, follow=True)
    assert [str(m) for m in done.context["messages"]] == ["Imported 2 new and 0 replaced rows from bib.csv.", warning]


def test_an_import_covering_every_region_does_not_warn(ds_round, vr):
    rows = "\n".join(f"{code};2022;2025;1000;120;12;14" for code in ("AAA", "BBB", "CCC", "DDD"))
    upload = SimpleUploadedFile("bib.csv", (HEADER + "\n" + rows + "\n").encode(), content_type="text/csv")
    preview = _client(vr).post("/evaluations/bibliometrics/import/", {"file": upload, "evaluation_round": ds_round.pk})
    assert (preview.status_code, preview.context["missing_warning"]) == (200, "")


def test_each_tab_confirms_the_import_preview_it_shows(ds_round, vr):
    from evaluations.models import Bibliometrics

    client = _client(vr)

    def preview(publications: int):
        rows = "\n".join(f"{code};2022;2025;{publications};120;12;14" for code in ("AAA", "BBB", "CCC", "DDD"))
        upload = SimpleUploadedFile("bib.csv", (HEADER + "\n" + rows + "\n").encode(), content_type="text/csv")
        return client.post("/evaluations/bibliometrics/import/", {"file": upload, "evaluation_round": ds_round.pk}).context["token"]

    first_tab, second_tab = preview(1111), preview(2222)
    done = client.post("/evaluations/bibliometrics/import/confirm/", {"token": first_tab}, follow=True)
    assert [str(m) for m in done.context["messages"]] == ["Imported 4 new and 0 replaced rows from bib.csv."]
    assert set(Bibliometrics.objects.values_list("publications", flat=True)) == {1111}
    again = client.post("/evaluations/bibliometrics/import/confirm/", {"token": first_tab}, follow=True)
    assert [str(m) for m in again.context["messages"]] == ["The preview has expired; upload the file again. Nothing has been saved."]
    assert set(Bibliometrics.objects.values_list("publications", flat=True)) == {1111}
    client.post("/evaluations/bibliometrics/import/confirm/", {"token": second_tab})
    assert set(Bibliometrics.objects.values_list("publications", flat=True)) == {2222}

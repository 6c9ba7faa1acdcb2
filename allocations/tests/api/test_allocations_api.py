"""Allocations API: access matrix, the current allocation of a year, stored runs, publishing,
and the engine on a scenario (the same JSON as `manage.py allocate`)."""

import contextlib
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from alfadmin import services as registry
from alfadmin.models import BudgetYear
from allocations import services
from allocations.api.views import EXAMPLE_SCENARIO
from allocations.models import AllocationRun, CurrentAllocation, YearPublication
from allocations.tests.factories import AllocationRunFactory

pytestmark = pytest.mark.django_db

ROLES = ["admin", "guns", "vr", "reporter", "other_reporter", "viewer"]
READ_ENDPOINTS = ["/api/v1/allocations/?year=2024", "/api/v1/allocation-runs/", "RUN"]


@pytest.fixture
def api(users):
    def as_user(name=None):
        client = APIClient()
        if name:
            client.force_authenticate(users[name])
        return client

    return as_user


def _url(url):
    if url == "RUN":
        return f"/api/v1/allocation-runs/{CurrentAllocation.objects.filter(year=2024).first().run_id}/"
    return url


@pytest.mark.parametrize("url", READ_ENDPOINTS)
def test_anonymous_is_refused(computed, api, url):
    assert api().get(_url(url)).status_code == 401


def test_anonymous_cannot_compute_scenarios(registry, api):
    assert api().post("/api/v1/scenarios/compute/", EXAMPLE_SCENARIO, format="json").status_code == 401


@pytest.mark.parametrize("url", READ_ENDPOINTS)
@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_allocations(computed, api, role, url):
    assert api(role).get(_url(url)).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_every_role_computes_scenarios(registry, api, role):
    assert api(role).post("/api/v1/scenarios/compute/", json.dumps(EXAMPLE_SCENARIO), content_type="application/json").status_code == 200


@pytest.mark.parametrize("role", ["guns", "vr", "reporter", "viewer"])
@pytest.mark.parametrize("action", ["publish", "confirm", "reopen"])
def test_only_administrators_publish_through_the_api(computed, api, role, action):
    response = api(role).post(f"/api/v1/allocations/2024/{action}/", {"reason": "x"}, format="json")
    assert response.status_code == 403
    assert not YearPublication.objects.exists()


def test_the_current_allocation_of_a_year_has_both_models_by_default(computed, api):
    data = api("viewer").get("/api/v1/allocations/?year=2024").json()
    assert data["year"] == 2024 and data["published"] is False and data["publication"] is None
    assert [a["model"] for a in data["allocations"]] == ["alf2015", "ds2024"]
    for item in data["allocations"]:
        run = AllocationRun.objects.get(pk=item["run"])
        assert CurrentAllocation.objects.get(year=2024, model=item["model"]).run_id == run.pk
        assert item["input_hash"] == run.input_hash
        assert item["status"] == "current"
        assert item["education"] == run.result["education"]
        assert item["research"] == run.result["research"]
        assert item["notes"] == run.notes_in("en")
        assert item["computed_at"]
    ds = data["allocations"][1]["research"]
    assert set(ds["regions"]["AAA"]) == {"base", "quality", "quality_forfeited", "increment_hst", "increment_citations", "total"}
    assert ds["guns"]["total"] == ds["guns"]["set_aside"] + ds["guns"]["forfeited"]


def test_one_model_and_recomputing_status(computed, api, users):
    budget_year = BudgetYear.objects.get(year=2024)
    registry.budget_year_update(actor=users["admin"], budget_year=budget_year, expected_version=budget_year.version, data={"research_appropriation": 1_100_000_000}, reason="changed in a test")
    data = api("viewer").get("/api/v1/allocations/?year=2024&model=ds2024").json()
    assert [a["model"] for a in data["allocations"]] == ["ds2024"]
    assert data["allocations"][0]["status"] == "recomputing"
    services.recompute_years(years=[2024])
    data = api("viewer").get("/api/v1/allocations/?year=2024&model=ds2024").json()
    assert data["allocations"][0]["status"] == "current"
    assert data["allocations"][0]["research"]["appropriation"] == 1_100_000_000
    assert data["allocations"][0]["evaluation_round"]["name"] == "2022/23"


def test_a_year_without_a_round_has_no_research_and_says_why(computed, api):
    item = api("viewer").get("/api/v1/allocations/?year=2023&model=alf2015").json()["allocations"][0]
    assert item["research"] is None
    assert item["research_unavailable"] == "no_evaluation_round"
    assert item["evaluation_round"] is None
    assert item["education"]["total"] == 150_000_000


@pytest.mark.parametrize(("query", "status"), [("", 400), ("?year=abc", 400), ("?year=2024&model=x", 400), ("?year=1999", 404)])
def test_bad_or_unknown_years(computed, api, query, status):
    assert api("viewer").get(f"/api/v1/allocations/{query}").status_code == status


def test_allocation_runs_are_filterable_and_paginated(computed, api, users):
    budget_year = BudgetYear.objects.get(year=2024)
    registry.budget_year_update(actor=users["admin"], budget_year=budget_year, expected_version=budget_year.version, data={"research_appropriation": 1_100_000_000}, reason="changed in a test")
    services.recompute_years(years=[2024])
    client = api("viewer")
    data = client.get("/api/v1/allocation-runs/?year=2024&model=alf2015").json()
    assert data["count"] == 2
    newest, older = data["results"]
    assert newest["is_current"] is True and older["is_current"] is False
    assert newest["triggered_by"] == users["admin"].username
    assert "inputs" not in newest
    assert client.get("/api/v1/allocation-runs/?status=failed").json()["count"] == 0
    page = client.get("/api/v1/allocation-runs/?page_size=3").json()
    assert len(page["results"]) == 3 and page["next"]
    detail = client.get(f"/api/v1/allocation-runs/{newest['id']}/").json()
    assert detail["inputs"]["research"]["appropriation"] == 1_100_000_000
    assert detail["trace"] and detail["input_meta"]["research"]["evaluation_round"]["name"] == "2022/23"


def test_publishing_through_the_api_follows_the_same_rules(computed, api, users):
    response = api("admin").post("/api/v1/allocations/2024/publish/", format="json")
    assert response.status_code == 200 and response.json()["state"] == "published"
    assert api("viewer").get("/api/v1/allocations/?year=2024").json()["published"] is True
    # An input change of a published year is refused with 409 and the message
    locked = api("admin").patch("/api/v1/appropriations/2024/", {"research_appropriation": 1, "reason": "test"}, format="json")
    assert locked.status_code == 409
    assert "2024" in locked.json()["detail"]
    assert api("admin").post("/api/v1/allocations/2024/reopen/", {}, format="json").status_code == 400
    response = api("admin").post("/api/v1/allocations/2024/reopen/", {"reason": "Fix"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "reopened"
    assert api("admin").post("/api/v1/allocations/2024/confirm/", format="json").status_code == 400


def test_api_query_counts_stay_constant(computed, api, users):
    from allocations.tests.views.test_overview import _grow

    client = api("viewer")
    urls = ["/api/v1/allocations/?year=2024", "/api/v1/allocation-runs/", "/api/v1/allocation-runs/?year=2024"]

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = {url: count(url) for url in urls}
    _grow(users, extra_years=5, edits=3)
    assert {url: count(url) for url in urls} == small
    assert max(small.values()) <= 12


# The engine on a scenario ----------------------------------------------------------------------


def _cli(scenario_text: str, tmp_path) -> dict:
    """What `manage.py allocate --input FILE` prints (it writes to sys.stdout itself)."""
    path = tmp_path / "scenario.json"
    path.write_text(scenario_text, encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        call_command("allocate", "--input", str(path))
    return json.loads(out.getvalue())


def _ds2024_scenario() -> str:
    return json.dumps(
        {
            "year": 2028,
            "education": {"rate_per_hst": "83475.123", "hst": {"R1": 1000, "R2": "800.5", "R10": 200}},
            "research": {
                "model": "ds2024",
                "appropriation": 2_100_000_001,
                "reference_level": 2_000_000_000,
                "shares": {"R1": "33.3333", "R2": "33.3333", "R10": "33.3334"},
                "ratings": {
                    "R1": {"1": "very_high", "2": "good_high", "3": "good_high"},
                    "R2": {"1": "inadequate", "2": "very_high", "3": "good_high"},
                    "R10": {"1": "good_high", "2": "good_high", "3": "good_high"},
                },
                "plans_ok": {"R1": True, "R2": True, "R10": False},
                "hst": {"R1": 1000, "R2": "800.5", "R10": 200},
                "highly_cited": {"R1": "10.5", "R2": 3, "R10": 0},
            },
        }
    )


@pytest.mark.parametrize("scenario", [json.dumps(EXAMPLE_SCENARIO), _ds2024_scenario()], ids=["worked example", "ds2024"])
def test_the_api_returns_the_same_json_as_the_cli(registry, api, scenario, tmp_path):
    response = api("viewer").post("/api/v1/scenarios/compute/", scenario, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == _cli(scenario, tmp_path)


def test_numbers_are_read_exactly_not_through_floats(registry, api):
    # 0.1 + 0.2 style: a float would make the rate 83475.30000000000291…
    body = '{"year": 2024, "education": {"rate_per_hst": 83475.3, "hst": {"A": 3}}}'
    data = api("viewer").post("/api/v1/scenarios/compute/", body, content_type="application/json").json()
    assert data["education"]["rate_per_hst"] == "83475.3"
    assert data["education"]["total"] == int(Decimal("83475.3") * 3 + Decimal("0.5"))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"year": 2024, "education": {"rate_per_hst": 1, "hst": {"A": -1}}}', "education.hst.A"),
        ('{"year": 2024, "education": {"rate_per_hst": 1, "hst": {"A": 1}}, "typo": 1}', "typo"),
        ('{"year": 2024}', "$"),
        ('{"year": 2024, "year": 2025, "education": {"rate_per_hst": 1, "hst": {"A": 1}}}', "$"),
        ("not json", "$"),
    ],
)
def test_invalid_scenarios_are_400_with_the_field(registry, api, body, field):
    response = api("viewer").post("/api/v1/scenarios/compute/", body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()


def test_swedish_texts_on_request(registry, api):
    data = api("viewer").post("/api/v1/scenarios/compute/?lang=sv", json.dumps(EXAMPLE_SCENARIO), content_type="application/json").json()
    assert "helårsstudent" in data["trace"][0]["text"]


def test_the_schema_documents_the_endpoints_with_the_worked_example(registry, api):
    schema = api("viewer").get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    for path in ["/api/v1/allocations/", "/api/v1/allocation-runs/", "/api/v1/allocation-runs/{id}/", "/api/v1/scenarios/compute/"]:
        assert path in paths, path
    compute = paths["/api/v1/scenarios/compute/"]["post"]
    examples = compute["requestBody"]["content"]["application/json"]["examples"]
    assert any(e["value"] == EXAMPLE_SCENARIO for e in examples.values())
    response_examples = compute["responses"]["200"]["content"]["application/json"]["examples"]
    assert any(e["value"]["research"]["total"] == 1_000_000_000 for e in response_examples.values())
    assert "400" in compute["responses"]


def test_a_year_whose_only_run_failed_is_404_with_the_reason(computed, api):
    failed = AllocationRunFactory(year=2030, model="alf2015", error="education.hst: missing")
    CurrentAllocation.objects.create(year=2030, model="alf2015", failed_run=failed)
    response = api("viewer").get("/api/v1/allocations/?year=2030&model=alf2015")
    assert response.status_code == 404
    assert f" {failed.pk})" in response.json()["detail"] and "education.hst: missing" in response.json()["detail"]


def test_stored_note_codes_are_sentences_in_the_language_asked_for(computed, api):
    from allocations.services.recompute import compute
    from allocations.tests.factories import AllocationRunFactory

    scenario = {
        "year": 2024,
        "research": {
            "model": "alf2015",
            "appropriation": 1_000_000,
            "shares": {"AAA": "60", "BBB": "40"},
            "ratings": {"AAA": {"1": "good_high", "2": "good_high", "3": "inadequate"}, "BBB": {"1": "very_high", "2": "good_high", "3": "inadequate"}},
        },
    }
    result, trace = compute(scenario)
    run = AllocationRunFactory(status="succeeded", error="", inputs=scenario, result=result, trace=trace)
    CurrentAllocation.objects.filter(year=2024, model="alf2015").update(run=run)
    client = api("viewer")
    english = client.get("/api/v1/allocations/?year=2024&model=alf2015").json()["allocations"][0]
    swedish = client.get("/api/v1/allocations/?year=2024&model=alf2015&lang=sv").json()["allocations"][0]
    assert english["notes"][0] == "panel 2: warning: no region is rated very_high"
    assert swedish["notes"][0] == "panel 2: varning: ingen region har omdömet mycket hög"
    detail = client.get(f"/api/v1/allocation-runs/{run.pk}/?lang=sv").json()
    assert detail["result"]["notes"] == swedish["notes"]
    assert detail["trace"][0]["step"] == "base_pool" and detail["trace"][0]["text"].startswith("Baspott")
    assert client.get(f"/api/v1/allocation-runs/{run.pk}/").json()["trace"][0]["text"].startswith("Base pool")
    assert client.get("/api/v1/allocations/?year=2024&lang=de").status_code == 400

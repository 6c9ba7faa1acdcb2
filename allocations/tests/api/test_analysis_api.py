"""The analysis API: explanation diff, as-of rerun, projections and rating risk (demo data)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from allocations.models import AllocationRun, CurrentAllocation

ROLES = ["admin", "guns", "guns2", "vr", "sth", "ore", "viewer"]


@pytest.fixture
def client_for(demo):
    from alfadmin.models import User

    def make(username: str | None) -> APIClient:
        client = APIClient()
        if username:
            client.force_authenticate(User.objects.get(username=username))
        return client

    return make


def run_id(year: int, model: str) -> int:
    return CurrentAllocation.objects.get(year=year, model=model).run_id


@pytest.mark.parametrize("role", [None, *ROLES])
def test_every_signed_in_role_may_analyse_and_anonymous_may_not(client_for, role):
    client = client_for(role)
    responses = [
        client.get(f"/api/v1/allocations/diff/?from={run_id(2024, 'alf2015')}&to={run_id(2025, 'alf2015')}"),
        client.post(f"/api/v1/allocation-runs/{run_id(2025, 'alf2015')}/rerun/"),
        client.get("/api/v1/projections/?from=2027&to=2028"),
        client.get("/api/v1/risk/?year=2026&samples=200"),
    ]
    expected = 401 if role is None else 200
    assert [r.status_code for r in responses] == [expected] * 4


def test_diff_causes_sum_to_each_difference(client_for):
    body = client_for("viewer").get(f"/api/v1/allocations/diff/?from={run_id(2025, 'alf2015')}&to={run_id(2025, 'ds2024')}").json()
    assert body["from_run"] == run_id(2025, "alf2015")
    assert "model" in body["differing"]
    for region in body["regions"]:
        assert region["to"] - region["from"] == region["difference"] == sum(c["amount"] for c in region["causes"])


@pytest.mark.parametrize("query", ["from=1&to=abc", "from=99999999999999999999&to=1", "to=1", "from=0&to=1"])
def test_diff_refuses_malformed_ids_naming_the_parameter(client_for, query):
    response = client_for("viewer").get(f"/api/v1/allocations/diff/?{query}")
    assert response.status_code == 400
    assert set(response.json()) & {"from", "to"}


def test_diff_of_missing_runs_is_404_and_of_incomparable_runs_400(client_for):
    client = client_for("viewer")
    last = AllocationRun.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert client.get(f"/api/v1/allocations/diff/?from={last + 1000}&to={last}").status_code == 404
    response = client.get(f"/api/v1/allocations/diff/?from={run_id(2027, 'alf2015')}&to={run_id(2028, 'alf2015')}")
    assert response.status_code == 400
    assert "to" in response.json()


def test_rerun_matches_and_names_the_engine_versions(client_for):
    body = client_for("sth").post(f"/api/v1/allocation-runs/{run_id(2024, 'ds2024')}/rerun/").json()
    assert body["matches"] is True
    assert body["differences"] == []
    assert body["engine_version_then"] == body["engine_version_now"]


def test_projection_switches_change_education_and_list_their_assumptions(client_for):
    client = client_for("viewer")
    plain = client.get("/api/v1/projections/?from=2027&to=2027").json()[0]
    switched = client.get("/api/v1/projections/?from=2027&to=2027&twelfth_term_from=2027&research_increase=100000000").json()[0]
    education = lambda body: sum(r["education"] for r in body["regions"])  # noqa: E731
    assert education(switched) > education(plain)
    codes = {a["code"] for a in switched["assumptions"]}
    assert {"education_proposals", "research_increase"} <= codes


@pytest.mark.parametrize(
    "query",
    ["from=2030&to=2024", "from=abc&to=2025", "from=2024&to=2025&model=x", "from=2024&to=2025&educated_region=ORE", "from=2024&to=2025&plo=9"],
)
def test_projection_refuses_bad_switches(client_for, query):
    assert client_for("viewer").get(f"/api/v1/projections/?{query}").status_code == 400


def test_risk_gives_percentiles_and_single_step_changes(client_for):
    body = client_for("guns").get("/api/v1/risk/?year=2028&samples=500").json()
    assert body["samples"] == 500
    assert body["model"] == "ds2024"
    assert len(body["rounds"]) >= 1
    for region in body["regions"]:
        assert region["p5"] <= region["median"] <= region["p95"]
    assert body["single_step_changes"]


def test_risk_with_more_research_money_raises_today_by_the_model(client_for):
    client = client_for("viewer")
    plain = client.get("/api/v1/risk/?year=2028&samples=20&model=alf2015").json()
    raised = client.get("/api/v1/risk/?year=2028&samples=20&model=alf2015&research_increase=200000000").json()
    assert (plain["research_increase"], raised["research_increase"]) == (0, 200_000_000)
    # alf2015 hands out the whole appropriation: the regions' money grows by exactly the increase.
    assert sum(r["today"] for r in raised["regions"]) - sum(r["today"] for r in plain["regions"]) == 200_000_000
    response = client.get("/api/v1/risk/?year=2028&samples=20&research_increase=-1")
    assert response.status_code == 400
    assert "research_increase" in response.json()


def test_risk_with_own_probabilities_and_their_errors(client_for):
    client = client_for("vr")
    regions = [r["region"] for r in client.get("/api/v1/risk/?year=2026&samples=10").json()["regions"]]
    certain = {code: {p: {"good_high": 1.0} for p in ("1", "2", "3")} for code in regions}
    certain[regions[0]] = {p: {"very_high": 1.0} for p in ("1", "2", "3")}
    body = client.post("/api/v1/risk/", {"year": 2026, "samples": 50, "probabilities": certain}, format="json").json()
    assert all(r["p5"] == r["median"] == r["p95"] for r in body["regions"])  # nothing is uncertain
    wrong = {**certain, regions[0]: {p: {"very_high": 0.5} for p in ("1", "2", "3")}}
    response = client.post("/api/v1/risk/", {"year": 2026, "samples": 50, "probabilities": wrong}, format="json")
    assert response.status_code == 400
    assert "probabilities" in response.json()
    assert client.get("/api/v1/risk/?year=1990").status_code == 400


def test_projections_explain_each_years_change_by_cause(client_for):
    client = client_for("viewer")
    years = client.get("/api/v1/projections/?from=2026&to=2029&research_increase=200000000&explain=true").json()
    assert years[0]["change"] is None
    by_year = {y["year"]: {r["region"]: r["total"] for r in y["regions"]} for y in years}
    for year in years[1:]:
        change = year["change"]
        assert change["from_year"] == year["year"] - 1
        for region in change["regions"]:
            code = region["region"]
            assert (region["from"], region["to"]) == (by_year[year["year"] - 1][code], by_year[year["year"]][code])
            assert sum(c["amount"] for c in region["causes"]) == region["difference"] == region["to"] - region["from"]
    # 2027 is paid by ALF 2015, 2028 by the Ds 2024 proposal: the model is a cause.
    change_2028 = next(y for y in years if y["year"] == 2028)["change"]
    assert "model" in change_2028["differing"]
    assert "change" not in client.get("/api/v1/projections/?from=2026&to=2027").json()[1]

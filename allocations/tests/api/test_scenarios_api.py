"""/api/v1/scenarios/: the contract's fields, field errors by path, 409 on a stale version, the
access matrix (every role × every action) and a constant number of queries for the list."""

from __future__ import annotations

import json

import pytest

from allocations import services
from allocations.models import SavedScenario

from ..scenario_helpers import stored_allocations, year_scenario

pytestmark = pytest.mark.django_db

URL = "/api/v1/scenarios/"
FIELDS = {"id", "name", "description", "owner", "base_year", "scenario", "result", "version", "created_at", "updated_at"}
ROLES = ["admin", "guns", "vr", "reporter", "viewer"]


def post(client, url, body, method="post"):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def owned(computed, users):
    """One scenario of the viewer's."""
    return services.saved_scenario_create(actor=users["viewer"], name="Viewer's", base_year=2025, scenario=year_scenario())


def test_create_returns_the_contract_fields_and_the_engines_result(computed, users, api_client):
    api_client.force_authenticate(users["vr"])
    before = stored_allocations()
    body = {"name": "Higher", "description": "what if", "base_year": 2025, "scenario": year_scenario()}
    body["scenario"]["research"]["appropriation"] = 2_000_000_000
    response = post(api_client, URL, body)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert set(data) == FIELDS
    assert data["owner"] == users["vr"].username
    assert data["result"]["research"]["total"] == 2_000_000_000
    assert data["scenario"]["research"]["shares"] == year_scenario()["research"]["shares"]
    assert stored_allocations() == before


def test_numbers_in_the_body_are_read_exactly(computed, users, api_client):
    api_client.force_authenticate(users["viewer"])
    scenario = year_scenario()
    text = json.dumps({"name": "x", "base_year": 2025, "scenario": scenario}).replace('"base_fraction": "0.8"', '"base_fraction": 0.80')
    assert "0.80" in text
    response = api_client.post(URL, data=text, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["scenario"]["research"]["params"]["base_fraction"] == "0.80"


def test_an_invalid_scenario_is_400_naming_the_path(computed, users, api_client):
    api_client.force_authenticate(users["viewer"])
    scenario = year_scenario()
    scenario["research"]["shares"]["AAA"] = "-5"
    scenario["education"]["hst"]["CCC"] = "many"
    response = post(api_client, URL, {"name": "bad", "base_year": 2025, "scenario": scenario})
    assert response.status_code == 400
    errors = response.json()
    assert any(key.startswith("scenario.research.shares") for key in errors), errors
    assert "scenario.education.hst.CCC" in errors
    assert not SavedScenario.objects.exists()


def test_missing_fields_are_400(computed, users, api_client):
    api_client.force_authenticate(users["viewer"])
    response = post(api_client, URL, {"scenario": []})
    assert response.status_code == 400
    assert {"name", "base_year", "scenario"} <= set(response.json())


def test_a_stale_version_is_409(owned, users, api_client):
    api_client.force_authenticate(users["viewer"])
    first = post(api_client, f"{URL}{owned.pk}/", {"name": "Renamed", "version": 1}, method="patch")
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = post(api_client, f"{URL}{owned.pk}/", {"name": "Again", "version": 1}, method="patch")
    assert stale.status_code == 409
    assert SavedScenario.objects.get().name == "Renamed"


def test_put_replaces_and_recomputes(owned, users, api_client):
    api_client.force_authenticate(users["viewer"])
    scenario = year_scenario(model="ds2024")
    response = post(api_client, f"{URL}{owned.pk}/", {"name": "DS", "base_year": 2025, "scenario": scenario, "version": 1}, method="put")
    assert response.status_code == 200, response.json()
    assert response.json()["result"]["research"]["model"] == "ds2024"
    assert response.json()["description"] == ""


def test_filters_by_owner_and_base_year(owned, users, api_client):
    services.saved_scenario_create(actor=users["vr"], name="VR's", base_year=2024, scenario=year_scenario(2024))
    api_client.force_authenticate(users["viewer"])
    assert [s["name"] for s in api_client.get(URL, {"owner": users["vr"].username}).json()["results"]] == ["VR's"]
    assert [s["name"] for s in api_client.get(URL, {"base_year": 2025}).json()["results"]] == ["Viewer's"]
    assert api_client.get(URL).json()["count"] == 2


def test_anonymous_gets_401_for_every_action(owned, api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.get(f"{URL}{owned.pk}/").status_code == 401
    assert post(api_client, URL, {"name": "x", "base_year": 2025, "scenario": year_scenario()}).status_code == 401
    assert post(api_client, f"{URL}{owned.pk}/", {"name": "x"}, method="patch").status_code == 401
    assert api_client.delete(f"{URL}{owned.pk}/").status_code == 401
    assert api_client.get(f"{URL}{owned.pk}/diff/").status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(owned, users, api_client, role):
    """Every signed-in role reads every scenario and saves its own; only the owner changes one;
    the owner or an administrator deletes it."""
    user = users[role]
    api_client.force_authenticate(user)
    assert api_client.get(URL).status_code == 200
    assert api_client.get(f"{URL}{owned.pk}/").status_code == 200
    assert api_client.get(f"{URL}{owned.pk}/diff/").status_code == 200
    created = post(api_client, URL, {"name": f"{role}'s", "base_year": 2025, "scenario": year_scenario()})
    assert created.status_code == 201
    own = created.json()["id"]
    assert post(api_client, f"{URL}{own}/", {"name": "mine"}, method="patch").status_code == 200
    others = post(api_client, f"{URL}{owned.pk}/", {"name": "not mine"}, method="patch")
    assert others.status_code == (200 if user == owned.owner else 403)
    put = post(api_client, f"{URL}{owned.pk}/", {"name": "x", "base_year": 2025, "scenario": year_scenario()}, method="put")
    assert put.status_code == (200 if user == owned.owner else 403)
    assert api_client.delete(f"{URL}{own}/").status_code == 204
    deleted = api_client.delete(f"{URL}{owned.pk}/")
    assert deleted.status_code == (204 if role == "admin" or user == owned.owner else 403)
    assert api_client.get(f"{URL}999999/").status_code == 404


def test_the_owner_of_a_scenario_edits_and_deletes_it(owned, users, api_client):
    api_client.force_authenticate(users["viewer"])
    assert post(api_client, f"{URL}{owned.pk}/", {"description": "mine"}, method="patch").json()["description"] == "mine"
    assert api_client.delete(f"{URL}{owned.pk}/").status_code == 204
    assert not SavedScenario.objects.exists()


def test_compute_endpoint_is_kept(computed, users, api_client):
    api_client.force_authenticate(users["viewer"])
    response = post(api_client, f"{URL}compute/", year_scenario())
    assert response.status_code == 200
    assert "trace" in response.json()


def test_the_list_runs_a_constant_number_of_queries(computed, users, api_client, django_assert_max_num_queries):
    api_client.force_authenticate(users["viewer"])
    for number in range(3):
        services.saved_scenario_create(actor=users["vr"], name=f"s{number}", base_year=2025, scenario=year_scenario())
    with django_assert_max_num_queries(3) as few:
        assert api_client.get(URL).json()["count"] == 3
    for number in range(12):
        services.saved_scenario_create(actor=users["admin"], name=f"t{number}", base_year=2025, scenario=year_scenario())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api_client.get(URL).json()["count"] == 15


def test_a_scenario_differs_from_its_baseline_by_cause_to_the_krona(computed, users, api_client):
    from allocations.models import CurrentAllocation

    scenario = year_scenario()
    scenario["research"]["appropriation"] += 100_000_000
    scenario["research"]["ratings"]["CCC"]["3"] = "good_high"
    saved = services.saved_scenario_create(actor=users["viewer"], name="More and better", base_year=2025, scenario=scenario)
    api_client.force_authenticate(users["guns"])
    before = stored_allocations()
    body = api_client.get(f"{URL}{saved.pk}/diff/").json()
    baseline = CurrentAllocation.objects.get(year=2025, model="alf2015").run
    assert (body["scenario"], body["from_run"]) == (saved.pk, baseline.pk)
    assert set(body["differing"]) == {"appropriation", "ratings"}
    result = saved.result
    for region in body["regions"]:
        code = region["region"]
        then = baseline.result["education"]["regions"][code] + baseline.result["research"]["regions"][code]["total"]
        now = result["education"]["regions"][code] + result["research"]["regions"][code]["total"]
        assert (region["from"], region["to"], region["difference"]) == (then, now, now - then)
        assert sum(cause["amount"] for cause in region["causes"]) == region["difference"]
    ccc = next(r for r in body["regions"] if r["region"] == "CCC")
    assert {c["cause"]: c["amount"] for c in ccc["causes"]}["ratings"] > 0
    assert stored_allocations() == before


def test_a_scenario_without_a_comparable_baseline_is_explained(computed, users, api_client):
    scenario = year_scenario()
    del scenario["research"]
    saved = services.saved_scenario_create(actor=users["viewer"], name="Education only", base_year=2025, scenario=scenario)
    api_client.force_authenticate(users["viewer"])
    response = api_client.get(f"{URL}{saved.pk}/diff/")
    assert response.status_code == 400
    assert "scenario" in response.json()
    elsewhere = services.saved_scenario_create(actor=users["viewer"], name="No run", base_year=2031, scenario=year_scenario())
    response = api_client.get(f"{URL}{elsewhere.pk}/diff/")
    assert response.status_code == 404

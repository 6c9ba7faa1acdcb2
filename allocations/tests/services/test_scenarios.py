"""Saved scenarios: the services validate by field, version edits, record history, and never
touch the stored allocations."""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alfadmin.kernel.errors import ConcurrentEditError
from alfrules.scenario import compute_scenario
from allocations import services
from allocations.models import SavedScenario

from ..scenario_helpers import stored_allocations, year_scenario

pytestmark = pytest.mark.django_db


def test_saving_computing_and_changing_a_scenario_never_changes_stored_allocations(computed, users):
    before = stored_allocations()
    scenario = year_scenario()
    saved = services.saved_scenario_create(actor=users["viewer"], name="More money", base_year=2025, scenario=scenario)
    changed = copy.deepcopy(scenario)
    changed["research"]["appropriation"] += 100_000_000
    services.saved_scenario_update(actor=users["viewer"], saved_scenario=saved, expected_version=saved.version, data={"scenario": changed})
    services.saved_scenario_delete(actor=users["viewer"], saved_scenario=SavedScenario.objects.get(pk=saved.pk))
    assert stored_allocations() == before


def test_the_result_is_the_engines_output_without_trace_and_follows_the_scenario(computed, users):
    scenario = year_scenario()
    saved = services.saved_scenario_create(actor=users["viewer"], name="A", base_year=2025, scenario=scenario)
    expected = compute_scenario(scenario, trace=False)
    assert saved.result["research"]["regions"] == expected["research"]["regions"]
    assert "trace" not in saved.result
    changed = copy.deepcopy(scenario)
    changed["research"]["appropriation"] = scenario["research"]["appropriation"] + 30_000_000
    saved = services.saved_scenario_update(actor=users["viewer"], saved_scenario=saved, expected_version=1, data={"scenario": changed})
    assert saved.version == 2
    assert saved.result["research"]["total"] == scenario["research"]["appropriation"] + 30_000_000
    assert saved.history.count() == 2
    assert saved.history.first().history_user == users["viewer"]


def test_decimals_are_stored_as_exact_strings(computed, users):
    from decimal import Decimal

    scenario = year_scenario()
    scenario["research"]["params"]["base_fraction"] = Decimal("0.7500")
    saved = services.saved_scenario_create(actor=users["viewer"], name="A", base_year=2025, scenario=scenario)
    saved.refresh_from_db()
    assert saved.scenario["research"]["params"]["base_fraction"] == "0.7500"


def test_an_invalid_scenario_is_refused_naming_the_field(computed, users):
    scenario = year_scenario()
    scenario["research"]["shares"]["AAA"] = "49"
    scenario["research"]["ratings"]["BBB"]["2"] = "superb"
    with pytest.raises(ValidationError) as caught:
        services.saved_scenario_create(actor=users["viewer"], name="Bad", base_year=2025, scenario=scenario)
    fields = set(caught.value.message_dict)
    assert "scenario.research.ratings.BBB.2" in fields
    assert SavedScenario.objects.count() == 0


def test_a_stale_version_is_a_conflict_and_writes_nothing(computed, users):
    saved = services.saved_scenario_create(actor=users["viewer"], name="A", base_year=2025, scenario=year_scenario())
    services.saved_scenario_update(actor=users["viewer"], saved_scenario=saved, expected_version=1, data={"name": "B"})
    with pytest.raises(ConcurrentEditError) as caught:
        services.saved_scenario_update(actor=users["viewer"], saved_scenario=saved, expected_version=1, data={"name": "C"})
    assert "name" in caught.value.changed
    assert SavedScenario.objects.get().name == "B"


def test_only_the_owner_changes_and_the_owner_or_an_administrator_deletes(computed, users):
    saved = services.saved_scenario_create(actor=users["viewer"], name="A", base_year=2025, scenario=year_scenario())
    with pytest.raises(PermissionDenied):
        services.saved_scenario_update(actor=users["vr"], saved_scenario=saved, expected_version=None, data={"name": "B"})
    with pytest.raises(PermissionDenied):
        services.saved_scenario_delete(actor=users["vr"], saved_scenario=saved)
    services.saved_scenario_delete(actor=users["admin"], saved_scenario=saved)
    assert not SavedScenario.objects.exists()

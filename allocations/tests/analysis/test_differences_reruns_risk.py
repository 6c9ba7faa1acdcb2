"""Explanation diffs, as-of reruns and rating risk over the demo's stored runs."""

from __future__ import annotations

import pytest

from alfrules.errors import ScenarioError
from alfrules.risk import ratings_of, research_for_ratings, simulate_ratings
from alfrules.shapley import GROUPS
from allocations.analysis.differences import runs_difference, scenarios_difference
from allocations.analysis.reruns import run_rerun
from allocations.analysis.risk import RiskUnavailable, research_inputs, year_risk
from allocations.models import AllocationRun, CurrentAllocation


def current(year: int, model: str) -> AllocationRun:
    return CurrentAllocation.objects.select_related("run").get(year=year, model=model).run


@pytest.mark.parametrize(("from_key", "to_key"), [((2024, "alf2015"), (2025, "alf2015")), ((2025, "alf2015"), (2025, "ds2024"))])
def test_causes_sum_exactly_to_each_regions_difference(demo, from_key, to_key):
    before, after = current(*from_key), current(*to_key)
    difference = runs_difference(from_run=before, to_run=after)
    assert difference.regions
    for region in difference.regions:
        assert list(region.causes) == list(GROUPS)
        assert sum(region.causes.values()) == region.difference == region.after - region.before
        assert all(amount == 0 for group, amount in region.causes.items() if group not in difference.differing)


def test_the_two_models_of_a_year_differ_by_the_model(demo):
    difference = runs_difference(from_run=current(2025, "alf2015"), to_run=current(2025, "ds2024"))
    assert "model" in difference.differing
    assert any(region.causes["model"] for region in difference.regions)


def test_a_scenario_against_itself_has_no_causes(demo):
    run = current(2025, "alf2015")
    difference = scenarios_difference(before=run.inputs, after=run.inputs)
    assert difference.differing == ()
    assert all(region.difference == 0 for region in difference.regions)


def test_results_of_other_parts_cannot_be_compared(demo):
    # 2028 has no applicable round in the stored data: research is left out, so it compares to nothing with research.
    with pytest.raises(ScenarioError):
        runs_difference(from_run=current(2027, "alf2015"), to_run=current(2028, "alf2015"))


def test_every_demo_run_reruns_to_the_krona(demo):
    runs = list(AllocationRun.objects.all())
    assert len(runs) >= 20
    for run in runs:
        rerun = run_rerun(run=run)
        assert rerun.matches, (run.pk, rerun.differences[:3])
        assert rerun.differences == ()


def test_a_rerun_shows_each_amount_that_differs(demo):
    run = current(2025, "alf2015")
    run.result["research"]["regions"]["STH"]["base"] += 1  # as if the engine of the day had paid one krona more
    rerun = run_rerun(run=run)
    assert not rerun.matches
    assert [(d.path, d.now - d.then) for d in rerun.differences] == [("research.regions.STH.base", -1)]


def test_risk_for_a_year_after_the_last_round_uses_its_ratings_and_the_paying_model(demo):
    report = year_risk(year=2028, samples=2_000)
    assert report.model == "ds2024"
    assert report.rounds  # defaults from the stored rounds
    for outlook in report.regions:
        assert outlook.risk.p5 <= outlook.risk.median <= outlook.risk.p95
    assert report.changes.changes
    for change in report.changes.changes:
        assert change.invalid is None  # ds2024 limits no rating: every one-step change is computed
        assert sum(change.research.values()) <= sum(report.changes.baseline.values())


def test_risk_percentiles_are_amounts_the_scalar_engine_gives(demo):
    _model, inputs = research_inputs(year=2026)
    report = year_risk(year=2026, samples=500, seed=7)
    simulation = simulate_ratings(inputs, report.probabilities, outcomes=500, seed=7)
    for index in range(0, 500, 50):
        scalar = research_for_ratings(inputs, ratings_of(simulation.codes[index], simulation.regions))
        assert [scalar[code] for code in simulation.regions] == list(simulation.research[index])


def test_risk_refuses_bad_requests(demo):
    with pytest.raises(ValueError):
        year_risk(year=2026, samples=0)
    with pytest.raises(ValueError):
        year_risk(year=2026, samples=10, probabilities={"STH": {}})
    with pytest.raises(RiskUnavailable):
        year_risk(year=1990)



def test_a_run_stored_before_notes_were_codes_still_reruns_to_a_match():
    from alfrules.scenario import compute_scenario

    scenario = {
        "year": 2024,
        "research": {
            "model": "alf2015",
            "appropriation": 1_000_000,
            "shares": {"AAA": "60", "BBB": "40"},
            "ratings": {"AAA": {"1": "good_high", "2": "good_high", "3": "inadequate"}, "BBB": {"1": "very_high", "2": "good_high", "3": "inadequate"}},
        },
    }
    english = compute_scenario(scenario, trace=False)  # notes as sentences, as engine 1.1.0 stored them
    assert english["notes"] and all(isinstance(note, str) for note in english["notes"])
    old = AllocationRun(pk=1, status=AllocationRun.Status.SUCCEEDED, inputs=scenario, result=english, engine_version="1.1.0")
    assert run_rerun(run=old).matches
    old.result = {**english, "notes": ["panel 2: another sentence"]}
    assert [d.path for d in run_rerun(run=old).differences] == ["notes"]

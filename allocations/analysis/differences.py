"""Why did the money change? Each region's difference split by cause.

Any two results whose scenarios name the same regions and parts can be compared: two years, a
run and its predecessor, the two models of a year, a scenario and its baseline. The split is
the engine's exact Shapley values over the input groups (`engine.shapley`), rounded per region
so that the causes sum exactly to the region's difference in whole kronor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from alfrules.scenario import compute_year, parse_scenario
from alfrules.shapley import GROUPS, explain_difference

from ..models import AllocationModel, AllocationRun, CurrentAllocation, SavedScenario


@dataclass(frozen=True)
class RegionDifference:
    region: str
    before: int
    after: int
    difference: int
    causes: Mapping[str, int]  # every group of GROUPS, in that order; 0 where it did not differ


@dataclass(frozen=True)
class Difference:
    differing: tuple[str, ...]
    regions: tuple[RegionDifference, ...]


def scenarios_difference(*, before: Mapping[str, object], after: Mapping[str, object]) -> Difference:
    """Raises ScenarioError when the scenarios cannot be compared (other regions or parts) or a
    mix of them is invalid; the message names why."""
    explained = explain_difference(before, after)
    totals_before = compute_year(parse_scenario(before), trace=False).region_totals()
    totals_after = compute_year(parse_scenario(after), trace=False).region_totals()
    regions = tuple(
        RegionDifference(
            region=code,
            before=totals_before[code],
            after=totals_after[code],
            difference=causes.difference,
            causes={group: causes.causes[group] for group in GROUPS},
        )
        for code, causes in sorted(explained.regions.items())
    )
    return Difference(differing=explained.differing, regions=regions)


def runs_difference(*, from_run: AllocationRun, to_run: AllocationRun) -> Difference:
    return scenarios_difference(before=from_run.inputs, after=to_run.inputs)


def scenario_baseline_run(*, saved_scenario: SavedScenario) -> AllocationRun | None:
    """What a saved scenario is compared with: its base year's current run under the scenario's
    research model (ALF 2015 for a scenario without research), or None if none is computed."""
    model = (saved_scenario.scenario.get("research") or {}).get("model") or AllocationModel.ALF2015
    pointer = CurrentAllocation.objects.filter(year=saved_scenario.base_year, model=model).select_related("run").first()
    return pointer.run if pointer is not None else None


def scenario_difference(*, saved_scenario: SavedScenario, baseline: AllocationRun) -> Difference:
    return scenarios_difference(before=baseline.inputs, after=saved_scenario.scenario)

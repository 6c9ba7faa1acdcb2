"""Rating risk: the vectorised amounts equal the scalar engine's.

``alfrules.risk`` restates two scalar rules in vectorised form (the alf2015 panel split and the
largest-remainder rounding); the first two tests here are the proof that the restatement
computes what the scalar engine does, over the whole input space a scenario allows.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alfrules import Rating, ScenarioError, parse_scenario
from alfrules.results import Alf2015RegionLines, Ds2024RegionLines
from alfrules.risk import (
    _TOTAL_LINES,
    SCALE,
    default_probabilities,
    draw_ratings,
    rating_changes,
    ratings_of,
    research_by_outcome,
    research_for_ratings,
    simulate_ratings,
)
from alfrules.scenario import ResearchInputs

from .strategies import REGION_CODES, alf2015_research, ds2024_research

TWO_REGION_CODES = st.lists(st.text(alphabet="ABRSTZ0129", min_size=1, max_size=3), min_size=2, max_size=2, unique=True)

GH, VH, NO = Rating.GOOD_HIGH, Rating.VERY_HIGH, Rating.INADEQUATE


def research_inputs(research: dict[str, object]) -> ResearchInputs:
    inputs = parse_scenario({"year": 2024, "research": research}).research
    assert inputs is not None
    return inputs


def uniform_probabilities(inputs: ResearchInputs) -> dict[str, dict[int, dict[Rating, float]]]:
    return {region: {panel: dict.fromkeys(SCALE, 1 / 3) for panel in (1, 2, 3)} for region in inputs.shares}


def assert_equal_to_scalar(inputs: ResearchInputs, codes: np.ndarray, research: np.ndarray) -> None:
    regions = tuple(inputs.shares)
    for outcome in range(len(codes)):
        expected = research_for_ratings(inputs, ratings_of(codes[outcome], regions))
        assert research[outcome].tolist() == [expected[region] for region in regions]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["alf2015", "ds2024"]))
def test_vectorised_amounts_equal_the_scalar_engine_on_every_outcome(data: st.DataObject, model: str) -> None:
    """The proof that the vectorised path is the scalar engine: generated inputs of both models
    (1-10 regions, any shares, parameters, findings and counts a scenario may hold) and
    outcomes drawn with every rating possible, each region compared to the krona."""
    regions = data.draw(REGION_CODES)
    research = alf2015_research(regions) if model == "alf2015" else ds2024_research(regions)
    inputs = research_inputs(data.draw(research))
    simulation = simulate_ratings(inputs, uniform_probabilities(inputs), outcomes=40, seed=data.draw(st.integers(0, 2**32)))

    assert_equal_to_scalar(inputs, simulation.codes, simulation.research)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["alf2015", "ds2024"]))
def test_every_rating_outcome_of_two_regions_equals_the_scalar_engine(data: st.DataObject, model: str) -> None:
    """The proof, exhaustively over the ratings: for two regions every one of the 3⁶ outcomes;
    the outcomes the scalar engine rejects are rejected by the vectorised path too."""
    regions = data.draw(TWO_REGION_CODES)
    research = alf2015_research(regions) if model == "alf2015" else ds2024_research(regions)
    inputs = research_inputs(data.draw(research))
    every = np.array(list(itertools.product(range(len(SCALE)), repeat=2 * 3)), dtype=np.int8).reshape(-1, 2, 3)
    valid, rejected = [], []
    for codes in every:
        try:
            research_for_ratings(inputs, ratings_of(codes, regions))
            valid.append(codes)
        except ScenarioError:
            rejected.append(codes)

    if valid:
        assert_equal_to_scalar(inputs, np.array(valid), research_by_outcome(inputs, np.array(valid)))
    for codes in rejected[:5]:
        with pytest.raises(ValueError, match="very_high"):
            research_by_outcome(inputs, codes[None])


def test_the_scale_and_the_lines_of_a_total_are_the_engines_own() -> None:
    assert SCALE == (NO, GH, VH)
    assert _TOTAL_LINES[type(demo_inputs("alf2015"))] == {"base", "panel_1", "panel_2", "panel_3"}
    # A forfeited quality amount is GUNS' money, not the region's (Ds2024RegionLines.total).
    assert _TOTAL_LINES[type(demo_inputs("ds2024"))] == {"base", "quality", "increment_hst", "increment_citations"}
    assert Alf2015RegionLines(1, 2, 3, 4).total == 10
    assert Ds2024RegionLines(1, 2, 4, 8, 16).total == 27


def demo_inputs(model: str) -> ResearchInputs:
    regions = ("STH", "UPP", "OST", "SKA", "VGR", "ORE", "VBN")
    research: dict[str, object] = {
        "model": model,
        "appropriation": 2_020_000_000,
        # SKA and VGR have equal shares, so their lines tie in the rounding.
        "shares": dict(zip(regions, ("30", "12", "9", "17.5", "17.5", "5", "9"), strict=True)),
        "ratings": {region: {"1": "good_high", "2": "very_high" if region in ("STH", "SKA") else "good_high", "3": "good_high"} for region in regions},
    }
    if model == "ds2024":
        research |= {
            "reference_level": 2_000_000_000,
            "plans_ok": {region: region != "UPP" for region in regions},
            "hst": dict.fromkeys(regions, 1000),
            "highly_cited": dict(zip(regions, (900, 300, 150, 450, 400, 60, 180), strict=True)),
        }
    return research_inputs(research)


@pytest.mark.parametrize("model", ["alf2015", "ds2024"])
def test_a_seeded_simulation_of_a_year_matches_the_scalar_engine_on_a_sample(model: str) -> None:
    inputs = demo_inputs(model)
    previous = {region: {panel: GH for panel in (1, 2, 3)} for region in inputs.shares}
    probabilities = default_probabilities([previous, inputs.ratings])

    simulation = simulate_ratings(inputs, probabilities, outcomes=2_000, seed=7)

    sample = np.random.default_rng(1).choice(len(simulation.codes), size=100, replace=False)
    assert_equal_to_scalar(inputs, simulation.codes[sample], simulation.research[sample])
    assert simulation.research.shape == (2_000, 7)
    for region, risk in simulation.summary().items():
        column = simulation.research[:, simulation.regions.index(region)]
        assert risk.p5 <= risk.median <= risk.p95
        assert {risk.p5, risk.median, risk.p95} <= set(column.tolist())
    assert simulation_is_seeded(inputs, probabilities)


def simulation_is_seeded(inputs: ResearchInputs, probabilities: dict[str, dict[int, dict[Rating, float]]]) -> bool:
    first = simulate_ratings(inputs, probabilities, outcomes=50, seed=3)
    again = simulate_ratings(inputs, probabilities, outcomes=50, seed=3)
    return bool((first.codes == again.codes).all() and (first.research == again.research).all())


def test_alf2015_draws_are_redrawn_until_no_panel_breaks_the_very_high_limit() -> None:
    inputs = demo_inputs("alf2015")
    likely_very_high = {region: {panel: {NO: 0.1, GH: 0.3, VH: 0.6} for panel in (1, 2, 3)} for region in inputs.shares}

    simulation = simulate_ratings(inputs, likely_very_high, outcomes=500, seed=11)

    very_high = SCALE.index(VH)
    assert simulation.redrawn > 0
    assert ((simulation.codes == very_high).sum(axis=1) <= 3).all()
    assert_equal_to_scalar(inputs, simulation.codes[:30], simulation.research[:30])


def test_an_outcome_the_scalar_engine_rejects_is_rejected_by_the_vectorised_path_too() -> None:
    inputs = demo_inputs("alf2015")
    regions = tuple(inputs.shares)
    four_very_high = {region: {1: VH if i < 4 else GH, 2: GH, 3: GH} for i, region in enumerate(regions)}
    codes = np.array([[[SCALE.index(four_very_high[r][p]) for p in (1, 2, 3)] for r in regions]], dtype=np.int8)

    with pytest.raises(ScenarioError):
        research_for_ratings(inputs, four_very_high)
    with pytest.raises(ValueError, match="more than 3 very_high"):
        research_by_outcome(inputs, codes)


def test_impossible_probabilities_are_reported_not_looped_on_forever() -> None:
    inputs = demo_inputs("alf2015")
    always_very_high = {region: {panel: {VH: 1.0} for panel in (1, 2, 3)} for region in inputs.shares}
    with pytest.raises(ValueError, match="could not draw valid ratings"):
        draw_ratings(always_very_high, tuple(inputs.shares), 10, np.random.default_rng(0), max_very_high=3)


def test_ds2024_draws_have_no_very_high_limit() -> None:
    inputs = demo_inputs("ds2024")
    always_very_high = {region: {panel: {VH: 1.0} for panel in (1, 2, 3)} for region in inputs.shares}
    simulation = simulate_ratings(inputs, always_very_high, outcomes=5, seed=0)
    assert simulation.redrawn == 0
    assert (simulation.codes == SCALE.index(VH)).all()


def test_default_probabilities_are_smoothed_frequencies() -> None:
    first = {"A": {1: GH, 2: GH, 3: VH}}
    second = {"A": {1: GH, 2: VH, 3: VH}}
    probabilities = default_probabilities([first, second], smoothing=0.5)
    # (times + 0.5) / (2 + 1.5): twice → 2.5/3.5 = 5/7, once → 1.5/3.5 = 3/7, never → 1/7.
    assert probabilities["A"][1] == pytest.approx({NO: 1 / 7, GH: 5 / 7, VH: 1 / 7})
    assert probabilities["A"][2] == pytest.approx({NO: 1 / 7, GH: 3 / 7, VH: 3 / 7})
    assert probabilities["A"][3] == pytest.approx({NO: 1 / 7, GH: 1 / 7, VH: 5 / 7})


def test_single_step_changes_cover_every_region_panel_and_direction() -> None:
    inputs = demo_inputs("alf2015")
    changes = rating_changes(inputs)

    assert changes.baseline == research_for_ratings(inputs, inputs.ratings)
    # Each region and panel: good_high moves both ways, very_high only down.
    expected = sum(2 if rating is GH else 1 for by_panel in inputs.ratings.values() for rating in by_panel.values())
    assert len(changes.changes) == expected
    for change in changes.changes:
        assert abs(SCALE.index(change.after) - SCALE.index(change.before)) == 1
        changed = {**inputs.ratings, change.region: {**inputs.ratings[change.region], change.panel: change.after}}
        assert change.research == research_for_ratings(inputs, changed)
        assert change.invalid is None


def test_a_change_the_model_rejects_is_reported_with_the_reason() -> None:
    inputs = demo_inputs("alf2015")
    three_very_high = {region: {1: VH if region in ("STH", "UPP", "OST") else GH, 2: GH, 3: GH} for region in inputs.shares}
    changes = rating_changes(replace(inputs, ratings=three_very_high))

    invalid = [change for change in changes.changes if change.invalid is not None]
    assert invalid
    assert all(change.panel == 1 and change.after is VH and change.research is None for change in invalid)
    assert all("panel 1 has 4 very_high regions" in (change.invalid or "") for change in invalid)

"""Invariants over thousands of random valid scenarios (docs/allocation-scenario.md, "Invariant")."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from alfrules import compute_scenario, load_scenario_json
from alfrules.rounding import Line, largest_remainder, round_half_up

from .strategies import (
    REGION_CODES,
    alf2015_research,
    ds2024_research,
    education,
    scenarios,
)

EXAMPLES = settings(max_examples=500, deadline=None)
DEFAULT_PARAMS = {
    "base_fraction": "0.80",
    "panel_weights": {"1": "0.50", "2": "0.25", "3": "0.25"},
    "guarantee": "0.15",
    "cap": "0.40",
}


def exact(value: object) -> Fraction:
    return Fraction(Decimal(str(value)))


def research_of(output: dict[str, object]) -> dict[str, object]:
    research = output["research"]
    assert isinstance(research, dict)
    return research


@EXAMPLES
@given(st.data())
def test_alf2015_lines_sum_to_the_appropriation_and_respect_the_rules(data: st.DataObject) -> None:
    regions = data.draw(REGION_CODES)
    research = data.draw(alf2015_research(regions))
    output = compute_scenario({"year": 2024, "research": research})

    result = research_of(output)
    appropriation = research["appropriation"]
    region_lines = result["regions"]
    undistributed = sum(line["amount"] for line in result["undistributed"])
    assert sum(lines["total"] for lines in region_lines.values()) + undistributed == appropriation
    assert result["total"] == appropriation

    params = {**DEFAULT_PARAMS, **research.get("params", {})}
    base_pool = exact(params["base_fraction"]) * appropriation
    for region, lines in region_lines.items():
        assert all(amount >= 0 for amount in lines.values())
        assert lines["total"] == sum(amount for name, amount in lines.items() if name != "total")
        base = exact(research["shares"][region]) / 100 * base_pool
        for panel, rating in research["ratings"][region].items():
            amount = lines[f"panel_{panel}"]
            weighted_base = base * exact(params["panel_weights"][panel])
            if rating == "inadequate":
                assert amount == 0
            elif rating == "very_high":
                assert amount <= math.ceil(exact(params["cap"]) * weighted_base)
            else:
                assert amount >= math.floor(exact(params["guarantee"]) * weighted_base)


@EXAMPLES
@given(st.data())
def test_ds2024_lines_sum_to_the_appropriation_and_guns_adds_up(data: st.DataObject) -> None:
    regions = data.draw(REGION_CODES)
    research = data.draw(ds2024_research(regions))
    output = compute_scenario({"year": 2026, "research": research})

    result = research_of(output)
    appropriation = research["appropriation"]
    guns = result["guns"]
    region_lines = result["regions"]
    undistributed = sum(line["amount"] for line in result["undistributed"])
    totals = sum(lines["total"] for lines in region_lines.values())
    assert totals + guns["total"] + undistributed == appropriation == result["total"]
    assert guns["forfeited"] == sum(lines["quality_forfeited"] for lines in region_lines.values())
    assert guns["total"] - guns["set_aside"] == guns["forfeited"]
    set_aside = exact(research.get("guns_fraction", "0.01")) * appropriation
    assert math.floor(set_aside) <= guns["set_aside"] <= math.ceil(set_aside)
    for region, lines in region_lines.items():
        assert all(amount >= 0 for amount in lines.values())
        assert lines["total"] == (lines["base"] + lines["quality"] + lines["increment_hst"] + lines["increment_citations"])
        keeps = research["plans_ok"][region] and "inadequate" not in research["ratings"][region].values()
        assert (lines["quality_forfeited"] if keeps else lines["quality"]) == 0


@EXAMPLES
@given(st.data())
def test_education_parts_sum_to_the_total(data: st.DataObject) -> None:
    regions = data.draw(REGION_CODES)
    given_education = data.draw(education(regions))
    result = compute_scenario({"year": 2024, "education": given_education})["education"]
    assert isinstance(result, dict)

    hst = {region: exact(count) for region, count in given_education["hst"].items()}
    if "rate_per_hst" in given_education:
        rate = exact(given_education["rate_per_hst"])
        assert result["total"] == round_half_up(rate * sum(hst.values()))
        exact_parts = {region: rate * count for region, count in hst.items()}
    else:
        appropriation = given_education["appropriation"]
        assert result["total"] == appropriation
        exact_parts = {region: appropriation * count / sum(hst.values()) for region, count in hst.items()}
    assert sum(result["regions"].values()) == result["total"]
    for region, part in exact_parts.items():
        assert math.floor(part) <= result["regions"][region] <= math.ceil(part)


@EXAMPLES
@given(scenarios())
def test_results_depend_only_on_the_inputs(scenario: dict[str, object]) -> None:
    first = compute_scenario(scenario)
    assert compute_scenario(scenario) == first
    # The same scenario as a file, and with every map in another order: same money.
    assert compute_scenario(load_scenario_json(json.dumps(scenario, default=str))) == first
    reordered = json.loads(json.dumps(scenario, default=str), object_pairs_hook=_reversed_object)
    assert _money(compute_scenario(reordered)) == _money(first)
    # Swedish changes the words only.
    swedish = compute_scenario(scenario, lang="sv")
    assert _money(swedish) == _money(first)
    assert len(swedish["trace"]) == len(first["trace"])


@EXAMPLES
@given(
    st.lists(
        st.tuples(st.sampled_from(["R1", "R2", "R10", None]), st.sampled_from(["a", "b", "guns"])),
        min_size=1,
        max_size=12,
        unique=True,
    ),
    st.data(),
)
def test_largest_remainder_is_hamilton_with_the_tie_break(keys: list[tuple[str | None, str]], data: st.DataObject) -> None:
    lines = [Line(region, name) for region, name in keys]
    denominator = data.draw(st.sampled_from([1, 2, 3, 4, 7, 10]))
    parts = {line: Fraction(data.draw(st.integers(0, 10**6)), denominator) for line in lines}
    total = round_half_up(sum(parts.values(), Fraction(0)))

    rounded = largest_remainder(parts, total)

    assert sum(rounded.values()) == total
    remainder = {line: parts[line] - math.floor(parts[line]) for line in lines}
    raised = [line for line in lines if rounded[line] == math.ceil(parts[line]) != parts[line]]
    kept = [line for line in lines if rounded[line] == math.floor(parts[line]) != parts[line]]
    assert len(raised) + len(kept) == sum(1 for line in lines if remainder[line])
    for up in raised:
        for down in kept:
            assert remainder[up] > remainder[down] or (remainder[up] == remainder[down] and up.tie_break_key() < down.tie_break_key())


def _reversed_object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    return dict(reversed(pairs))


def _money(output: dict[str, object]) -> object:
    return {key: value for key, value in output.items() if key not in ("trace", "notes")}

"""Every kind of invalid input is a ScenarioError naming the field (docs/allocation-scenario.md,
"Invalid input" and the decisions)."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from alfrules import ScenarioError, compute_scenario, parse_scenario

GH, VH, NO = "good_high", "very_high", "inadequate"
ALL_GOOD = {"1": GH, "2": GH, "3": GH}

ALF2015: dict[str, Any] = {
    "year": 2024,
    "education": {"rate_per_hst": 83475, "hst": {"STH": 1000, "SKA": 800, "ORE": 200}},
    "research": {
        "model": "alf2015",
        "appropriation": 1_000_000_000,
        "shares": {"STH": "50", "SKA": "35", "ORE": "15"},
        "params": {
            "base_fraction": "0.80",
            "panel_weights": {"1": "0.50", "2": "0.25", "3": "0.25"},
            "guarantee": "0.15",
            "cap": "0.40",
            "max_very_high": 3,
        },
        # One dict per region: deepcopy keeps shared references shared, so a change to one
        # region's ratings would otherwise change all three.
        "ratings": {"STH": dict(ALL_GOOD), "SKA": dict(ALL_GOOD), "ORE": dict(ALL_GOOD)},
    },
}
DS2024: dict[str, Any] = {
    "year": 2026,
    "research": {
        "model": "ds2024",
        "appropriation": 1_100_000_000,
        "reference_level": 1_000_000_000,
        "guns_fraction": "0.01",
        "quality_fraction": "0.20",
        "increment_weights": {"hst": "0.5", "citations": "0.5"},
        "shares": {"STH": "50", "SKA": "35", "ORE": "15"},
        # One dict per region: deepcopy keeps shared references shared, so a change to one
        # region's ratings would otherwise change all three.
        "ratings": {"STH": dict(ALL_GOOD), "SKA": dict(ALL_GOOD), "ORE": dict(ALL_GOOD)},
        "plans_ok": {"STH": True, "SKA": True, "ORE": False},
        "hst": {"STH": 1000, "SKA": 800, "ORE": 200},
        "highly_cited": {"STH": 90, "SKA": 40, "ORE": 6},
    },
}


def changed(base: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    """A copy of ``base`` with the dotted ``path`` set to ``value`` (or removed: DELETE)."""
    scenario = copy.deepcopy(base)
    *parents, last = path.split(".")
    target = scenario
    for key in parents:
        target = target[key]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return scenario


DELETE = object()


def error_of(scenario: object) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        compute_scenario(scenario)
    return caught.value


def assert_invalid(scenario: object, field: str, message: str) -> None:
    """The scenario is refused with exactly ``message`` for the dotted ``field`` (other fields may
    also be reported when they follow from it, e.g. shares that no longer sum to 100)."""
    error = error_of(scenario)
    assert dict(error.errors).get(field) == message, error.errors


def test_the_valid_bases_are_valid() -> None:
    alf2015 = compute_scenario(ALF2015)
    assert alf2015["education"]["total"] == 83475 * 2000
    assert {region: lines["total"] for region, lines in alf2015["research"]["regions"].items()} == {
        "STH": 500_000_000,
        "SKA": 350_000_000,
        "ORE": 150_000_000,
    }
    ds2024 = compute_scenario(DS2024)
    assert ds2024["research"]["total"] == 1_100_000_000
    assert ds2024["research"]["undistributed"] == []


@pytest.mark.parametrize(
    ("path", "value", "field", "message"),
    [
        # An unknown region in a map, or a region missing from one (decision 6).
        ("research.ratings.GBG", ALL_GOOD, "research.ratings.GBG", "research.ratings names region GBG, which research.shares does not"),
        ("research.ratings.ORE", DELETE, "research.ratings.ORE", "research.ratings has no entry for region ORE, which research.shares names"),
        ("education.hst.GBG", 5, "education.hst.GBG", "education.hst names region GBG, which research.shares does not"),
        ("education.hst.ORE", DELETE, "education.hst.ORE", "education.hst has no entry for region ORE, which research.shares names"),
        # Shares.
        ("research.shares.ORE", "14.9", "research.shares", "research.shares must sum to exactly 100; they sum to 99.9"),
        ("research.shares.ORE", "-15", "research.shares.ORE", "research.shares.ORE must not be negative (got -15)"),
        ("research.shares.ORE", "fifteen", "research.shares.ORE", 'research.shares.ORE must be a number (a JSON number or a string such as "0.80"), got \'fifteen\''),
        ("research.shares.ORE", True, "research.shares.ORE", "research.shares.ORE must be a number, not true"),
        ("research.shares.ORE", "NaN", "research.shares.ORE", 'research.shares.ORE must be a number (a JSON number or a string such as "0.80"), got \'NaN\''),
        ("research.shares.ORE", 15.0, "research.shares.ORE", "research.shares.ORE is a binary floating-point number; give it as a string or read the JSON with load_scenario_json so that it stays exact"),
        ("research.shares.ORE", "1e999", "research.shares.ORE", "research.shares.ORE has too many digits or is out of range (got 1E+999)"),
        ("research.shares", ["STH"], "research.shares", "research.shares must be a JSON object mapping region codes to values"),
        # Ratings: the scale and the three panels.
        ("research.ratings.ORE.2", "excellent", "research.ratings.ORE.2", "research.ratings.ORE.2 must be one of inadequate, good_high, very_high, got 'excellent'"),
        ("research.ratings.ORE.3", DELETE, "research.ratings.ORE.3", "research.ratings.ORE has no rating for panel 3"),
        ("research.ratings.ORE.4", GH, "research.ratings.ORE.4", "research.ratings.ORE has an unknown key '4'"),
        ("research.ratings.ORE", "good_high", "research.ratings.ORE", "research.ratings.ORE must be a JSON object"),
        # Money: whole, non-negative kronor.
        ("research.appropriation", -1, "research.appropriation", "research.appropriation must not be negative (got -1)"),
        ("research.appropriation", "1000.5", "research.appropriation", "research.appropriation must be whole kronor (got 1000.5)"),
        ("research.appropriation", True, "research.appropriation", "research.appropriation must be a number, not true"),
        ("research.appropriation", DELETE, "research.appropriation", "research.appropriation is missing"),
        ("education.rate_per_hst", "-0.5", "education.rate_per_hst", "education.rate_per_hst must not be negative (got -0.5)"),
        ("education.hst.SKA", -1, "education.hst.SKA", "education.hst.SKA must not be negative (got -1)"),
        # Parameters (decision 4 and §5.4).
        ("research.params.base_fraction", "1.2", "research.params.base_fraction", "research.params.base_fraction must lie between 0 and 1 (got 1.2)"),
        ("research.params.guarantee", "-0.1", "research.params.guarantee", "research.params.guarantee must lie between 0 and 1 (got -0.1)"),
        ("research.params.cap", 2, "research.params.cap", "research.params.cap must lie between 0 and 1 (got 2)"),
        (
            "research.params.panel_weights.3",
            DELETE,
            "research.params.panel_weights.3",
            "research.params.panel_weights.3 is missing: a weights object replaces the default whole, so it must be complete",
        ),
        (
            "research.params.panel_weights.3",
            "0.30",
            "research.params.panel_weights",
            "research.params.panel_weights must sum to exactly 1; they sum to 1.05",
        ),
        ("research.params.panel_weights.4", "0", "research.params.panel_weights.4", "research.params.panel_weights has an unknown key '4'"),
        ("research.params.max_very_high", -1, "research.params.max_very_high", "research.params.max_very_high must not be negative (got -1)"),
        ("research.params.max_very_high", "2.5", "research.params.max_very_high", "research.params.max_very_high must be a whole number (got 2.5)"),
        ("research.params.gurantee", "0.15", "research.params.gurantee", "research.params has an unknown key 'gurantee'"),
        # Unknown keys anywhere, the model, the year (decisions 8 and 9).
        ("yaer", 2024, "yaer", "the scenario has an unknown key 'yaer'"),
        ("education.rate", 1, "education.rate", "education has an unknown key 'rate'"),
        ("research.reference_level", 1, "research.reference_level", "research has an unknown key 'reference_level'"),
        ("research.model", "alf2016", "research.model", "research.model must be one of alf2015, ds2024, got 'alf2016'"),
        ("research.model", DELETE, "research.model", "research.model is missing"),
        ("year", DELETE, "year", "year is missing"),
        ("year", "2024.5", "year", "year must be a whole number (got 2024.5)"),
        ("year", True, "year", "year must be a number, not true"),
        ("research", [], "research", "research must be a JSON object"),
    ],
)
def test_alf2015_scenario_errors_name_the_field(path: str, value: object, field: str, message: str) -> None:
    assert_invalid(changed(ALF2015, path, value), field, message)


@pytest.mark.parametrize(
    ("path", "value", "field", "message"),
    [
        ("research.reference_level", DELETE, "research.reference_level", "research.reference_level is missing"),
        ("research.reference_level", -5, "research.reference_level", "research.reference_level must not be negative (got -5)"),
        ("research.plans_ok.ORE", "yes", "research.plans_ok.ORE", "research.plans_ok.ORE must be true or false, got 'yes'"),
        ("research.plans_ok.ORE", 1, "research.plans_ok.ORE", "research.plans_ok.ORE must be true or false, got 1"),
        ("research.plans_ok.ORE", DELETE, "research.plans_ok.ORE", "research.plans_ok has no entry for region ORE, which research.shares names"),
        ("research.hst.GBG", 1, "research.hst.GBG", "research.hst names region GBG, which research.shares does not"),
        ("research.hst.ORE", "-1", "research.hst.ORE", "research.hst.ORE must not be negative (got -1)"),
        ("research.highly_cited.ORE", -6, "research.highly_cited.ORE", "research.highly_cited.ORE must not be negative (got -6)"),
        ("research.highly_cited", DELETE, "research.highly_cited", "research.highly_cited is missing"),
        ("research.guns_fraction", "1.5", "research.guns_fraction", "research.guns_fraction must lie between 0 and 1 (got 1.5)"),
        ("research.quality_fraction", "-0.2", "research.quality_fraction", "research.quality_fraction must lie between 0 and 1 (got -0.2)"),
        ("research.increment_weights.hst", "0.6", "research.increment_weights", "research.increment_weights must sum to exactly 1; they sum to 1.1"),
        (
            "research.increment_weights.citations",
            DELETE,
            "research.increment_weights.citations",
            "research.increment_weights.citations is missing: a weights object replaces the default whole, so it must be complete",
        ),
        ("research.params", {}, "research.params", "research has an unknown key 'params'"),
        ("research.ratings.ORE.1", "superb", "research.ratings.ORE.1", "research.ratings.ORE.1 must be one of inadequate, good_high, very_high, got 'superb'"),
    ],
)
def test_ds2024_scenario_errors_name_the_field(path: str, value: object, field: str, message: str) -> None:
    assert_invalid(changed(DS2024, path, value), field, message)


def test_more_very_high_regions_than_allowed_names_the_panel() -> None:
    ratings = {region: {"1": GH, "2": VH, "3": GH} for region in ("STH", "SKA", "ORE")}
    scenario = changed(ALF2015, "research.ratings", ratings)
    scenario["research"]["params"]["max_very_high"] = 2
    assert_invalid(
        scenario,
        "research.ratings",
        "research.ratings: panel 2 has 3 very_high regions (STH, SKA, ORE); the alf2015 model allows at most 2 (research.params.max_very_high)",
    )


def test_ds2024_has_no_limit_on_very_high_regions() -> None:
    ratings = {region: {"1": VH, "2": VH, "3": VH} for region in ("STH", "SKA", "ORE")}
    all_very_high = compute_scenario(changed(DS2024, "research.ratings", ratings))
    # ds2024 keeps a quality amount unless a rating is inadequate: very high pays as good/high.
    assert all_very_high["research"]["regions"] == compute_scenario(DS2024)["research"]["regions"]


def test_guarantees_that_cannot_fit_in_the_quality_pot_are_rejected() -> None:
    # 0.15 × 0.90 = 0.135 > 1 − 0.90 = 0.10 (the 2016–2017 base fraction).
    scenario = changed(ALF2015, "research.params.base_fraction", "0.90")
    assert_invalid(
        scenario,
        "research.params.guarantee",
        "research.params.guarantee × base_fraction (0.15 × 0.90) exceeds 1 − base_fraction (0.1): the guarantees would not fit in the quality pot",
    )
    # 0.15 × 0.85 = 0.1275 ≤ 0.15 (2018): fine.
    assert compute_scenario(changed(ALF2015, "research.params.base_fraction", "0.85"))["research"]["total"] == 1_000_000_000


def test_education_gives_exactly_one_of_rate_and_appropriation() -> None:
    both = changed(ALF2015, "education.appropriation", 1_000)
    neither = changed(ALF2015, "education.rate_per_hst", DELETE)
    assert_invalid(both, "education", "education must give exactly one of rate_per_hst or appropriation")
    assert_invalid(neither, "education", "education must give exactly one of rate_per_hst or appropriation")


def test_an_appropriation_needs_hst_to_split_by() -> None:
    scenario = {"year": 2024, "education": {"appropriation": 1_000, "hst": {"A": 0, "B": 0}}}
    assert_invalid(scenario, "education.hst", "education.hst sums to 0, so the appropriation cannot be split by hst")


def test_a_scenario_needs_education_or_research() -> None:
    assert_invalid({"year": 2024}, "$", "the scenario must give education, research or both")


def test_a_scenario_must_be_an_object() -> None:
    assert_invalid([ALF2015], "$", "the scenario must be a JSON object")


def test_integral_decimals_are_whole_kronor() -> None:
    scenario = changed(ALF2015, "research.appropriation", Decimal("1000000000.0"))
    assert compute_scenario(scenario)["research"]["appropriation"] == 1_000_000_000


def test_every_invalid_field_is_reported_at_once() -> None:
    scenario = changed(ALF2015, "research.shares.ORE", "x")
    scenario["research"]["appropriation"] = "1000.5"
    scenario["education"]["hst"]["SKA"] = "many"
    fields = [field for field, _ in error_of(scenario).errors]
    assert set(fields) == {"research.shares.ORE", "research.appropriation", "education.hst.SKA"}


def test_the_error_carries_the_first_field_and_message() -> None:
    error = error_of(changed(ALF2015, "research.model", "alf2016"))
    assert error.field == "research.model"
    assert error.message == "research.model must be one of alf2015, ds2024, got 'alf2016'"
    assert str(error) == error.message


def test_parse_scenario_returns_typed_inputs() -> None:
    scenario = parse_scenario(ALF2015)
    assert scenario.year == 2024
    assert scenario.research is not None
    assert scenario.research.shares["SKA"] == Decimal("35")


def test_a_rate_compounded_exactly_by_plo_is_accepted_but_absurd_precision_is_not():
    from decimal import Decimal, localcontext

    from alfrules.errors import ScenarioError
    from alfrules.scenario import compute_scenario

    with localcontext(prec=400):
        rate = Decimal("73007") * Decimal("1.01523") ** 40  # 200 decimals, as the app's gatherer derives it
    assert -rate.as_tuple().exponent == 200
    result = compute_scenario({"year": 2055, "education": {"rate_per_hst": str(rate), "hst": {"A": 3, "B": 4}}})
    with localcontext(prec=400):
        assert result["education"]["total"] == int((rate * 7).to_integral_value(rounding="ROUND_HALF_UP"))
    try:
        compute_scenario({"year": 2055, "education": {"rate_per_hst": "1." + "1" * 700, "hst": {"A": 1}}})
    except ScenarioError as error:
        assert error.field == "education.rate_per_hst"
    else:
        raise AssertionError("a 700-digit rate must be refused")

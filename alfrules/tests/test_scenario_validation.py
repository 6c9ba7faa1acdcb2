"""Every kind of invalid input is a ScenarioError naming the field (allocation-scenario.md,
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
        "ratings": {"STH": ALL_GOOD, "SKA": ALL_GOOD, "ORE": ALL_GOOD},
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
        "ratings": {"STH": ALL_GOOD, "SKA": ALL_GOOD, "ORE": ALL_GOOD},
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


def assert_invalid(scenario: object, field: str, *words: str) -> None:
    error = error_of(scenario)
    messages = dict(error.errors)
    assert field in messages, error.errors
    for word in words:
        assert word in messages[field], messages[field]


def test_the_valid_bases_are_valid() -> None:
    compute_scenario(ALF2015)
    compute_scenario(DS2024)


@pytest.mark.parametrize(
    ("path", "value", "field", "words"),
    [
        # An unknown region in a map, or a region missing from one (decision 6).
        ("research.ratings.GBG", ALL_GOOD, "research.ratings.GBG", ("GBG", "research.shares")),
        ("research.ratings.ORE", DELETE, "research.ratings.ORE", ("ORE", "no entry")),
        ("education.hst.GBG", 5, "education.hst.GBG", ("GBG",)),
        ("education.hst.ORE", DELETE, "education.hst.ORE", ("ORE",)),
        # Shares.
        ("research.shares.ORE", "14.9", "research.shares", ("100", "99.9")),
        ("research.shares.ORE", "-15", "research.shares.ORE", ("negative",)),
        ("research.shares.ORE", "fifteen", "research.shares.ORE", ("number", "fifteen")),
        ("research.shares.ORE", True, "research.shares.ORE", ("number", "true")),
        ("research.shares.ORE", "NaN", "research.shares.ORE", ("number",)),
        ("research.shares.ORE", 15.0, "research.shares.ORE", ("floating-point",)),
        ("research.shares.ORE", "1e999", "research.shares.ORE", ("out of range",)),
        ("research.shares", ["STH"], "research.shares", ("object",)),
        # Ratings: the scale and the three panels.
        ("research.ratings.ORE.2", "excellent", "research.ratings.ORE.2", ("excellent",)),
        ("research.ratings.ORE.3", DELETE, "research.ratings.ORE.3", ("panel 3",)),
        ("research.ratings.ORE.4", GH, "research.ratings.ORE.4", ("unknown key",)),
        ("research.ratings.ORE", "good_high", "research.ratings.ORE", ("object",)),
        # Money: whole, non-negative kronor.
        ("research.appropriation", -1, "research.appropriation", ("negative",)),
        ("research.appropriation", "1000.5", "research.appropriation", ("whole kronor",)),
        ("research.appropriation", True, "research.appropriation", ("number",)),
        ("research.appropriation", DELETE, "research.appropriation", ("missing",)),
        ("education.rate_per_hst", "-0.5", "education.rate_per_hst", ("negative",)),
        ("education.hst.SKA", -1, "education.hst.SKA", ("negative",)),
        # Parameters (decision 4 and §5.4).
        ("research.params.base_fraction", "1.2", "research.params.base_fraction", ("0 and 1",)),
        ("research.params.guarantee", "-0.1", "research.params.guarantee", ("0 and 1",)),
        ("research.params.cap", 2, "research.params.cap", ("0 and 1",)),
        (
            "research.params.panel_weights.3",
            DELETE,
            "research.params.panel_weights.3",
            ("complete",),
        ),
        (
            "research.params.panel_weights.3",
            "0.30",
            "research.params.panel_weights",
            ("exactly 1",),
        ),
        ("research.params.panel_weights.4", "0", "research.params.panel_weights.4", ("unknown",)),
        ("research.params.max_very_high", -1, "research.params.max_very_high", ("negative",)),
        ("research.params.max_very_high", "2.5", "research.params.max_very_high", ("whole",)),
        ("research.params.gurantee", "0.15", "research.params.gurantee", ("unknown key",)),
        # Unknown keys anywhere, the model, the year (decisions 8 and 9).
        ("yaer", 2024, "yaer", ("unknown key",)),
        ("education.rate", 1, "education.rate", ("unknown key",)),
        ("research.reference_level", 1, "research.reference_level", ("unknown key",)),
        ("research.model", "alf2016", "research.model", ("alf2015", "ds2024")),
        ("research.model", DELETE, "research.model", ("missing",)),
        ("year", DELETE, "year", ("missing",)),
        ("year", "2024.5", "year", ("whole",)),
        ("year", True, "year", ("number",)),
        ("research", [], "research", ("object",)),
    ],
)
def test_alf2015_scenario_errors_name_the_field(path: str, value: object, field: str, words: tuple[str, ...]) -> None:
    assert_invalid(changed(ALF2015, path, value), field, *words)


@pytest.mark.parametrize(
    ("path", "value", "field", "words"),
    [
        ("research.reference_level", DELETE, "research.reference_level", ("missing",)),
        ("research.reference_level", -5, "research.reference_level", ("negative",)),
        ("research.plans_ok.ORE", "yes", "research.plans_ok.ORE", ("true or false",)),
        ("research.plans_ok.ORE", 1, "research.plans_ok.ORE", ("true or false",)),
        ("research.plans_ok.ORE", DELETE, "research.plans_ok.ORE", ("ORE",)),
        ("research.hst.GBG", 1, "research.hst.GBG", ("GBG",)),
        ("research.hst.ORE", "-1", "research.hst.ORE", ("negative",)),
        ("research.highly_cited.ORE", -6, "research.highly_cited.ORE", ("negative",)),
        ("research.highly_cited", DELETE, "research.highly_cited", ("missing",)),
        ("research.guns_fraction", "1.5", "research.guns_fraction", ("0 and 1",)),
        ("research.quality_fraction", "-0.2", "research.quality_fraction", ("0 and 1",)),
        ("research.increment_weights.hst", "0.6", "research.increment_weights", ("exactly 1",)),
        (
            "research.increment_weights.citations",
            DELETE,
            "research.increment_weights.citations",
            ("complete",),
        ),
        ("research.params", {}, "research.params", ("unknown key",)),
        ("research.ratings.ORE.1", "superb", "research.ratings.ORE.1", ("superb",)),
    ],
)
def test_ds2024_scenario_errors_name_the_field(path: str, value: object, field: str, words: tuple[str, ...]) -> None:
    assert_invalid(changed(DS2024, path, value), field, *words)


def test_more_very_high_regions_than_allowed_names_the_panel() -> None:
    ratings = {region: {"1": GH, "2": VH, "3": GH} for region in ("STH", "SKA", "ORE")}
    scenario = changed(ALF2015, "research.ratings", ratings)
    scenario["research"]["params"]["max_very_high"] = 2
    assert_invalid(scenario, "research.ratings", "panel 2", "3 very_high", "at most 2")


def test_ds2024_has_no_limit_on_very_high_regions() -> None:
    ratings = {region: {"1": VH, "2": VH, "3": VH} for region in ("STH", "SKA", "ORE")}
    compute_scenario(changed(DS2024, "research.ratings", ratings))


def test_guarantees_that_cannot_fit_in_the_quality_pot_are_rejected() -> None:
    # 0.15 × 0.90 = 0.135 > 1 − 0.90 = 0.10 (the 2016–2017 base fraction).
    scenario = changed(ALF2015, "research.params.base_fraction", "0.90")
    assert_invalid(scenario, "research.params.guarantee", "0.15", "0.90", "quality pot")
    # 0.15 × 0.85 = 0.1275 ≤ 0.15 (2018): fine.
    compute_scenario(changed(ALF2015, "research.params.base_fraction", "0.85"))


def test_education_gives_exactly_one_of_rate_and_appropriation() -> None:
    both = changed(ALF2015, "education.appropriation", 1_000)
    neither = changed(ALF2015, "education.rate_per_hst", DELETE)
    assert_invalid(both, "education", "exactly one")
    assert_invalid(neither, "education", "exactly one")


def test_an_appropriation_needs_hst_to_split_by() -> None:
    scenario = {"year": 2024, "education": {"appropriation": 1_000, "hst": {"A": 0, "B": 0}}}
    assert_invalid(scenario, "education.hst", "sums to 0")


def test_a_scenario_needs_education_or_research() -> None:
    assert_invalid({"year": 2024}, "$", "education, research")


def test_a_scenario_must_be_an_object() -> None:
    assert_invalid([ALF2015], "$", "object")


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
    assert "research.model" in error.message
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

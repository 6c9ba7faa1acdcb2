"""Scenario files: exact reading, the output shape, and the hash for reusing runs."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from alfrules import (
    ScenarioError,
    compute_scenario,
    load_scenario_json,
    scenario_hash,
)

SPEC_EXAMPLE = """
{
  "year": 2024,
  "education": {"rate_per_hst": 83475, "hst": {"STH": 1000, "SKA": 800, "ORE": 200}},
  "research": {
    "model": "alf2015",
    "appropriation": 1000000000,
    "shares": {"STH": "50", "SKA": "35", "ORE": "15"},
    "params": {
      "base_fraction": 0.80,
      "panel_weights": {"1": "0.50", "2": "0.25", "3": "0.25"},
      "guarantee": "0.15",
      "cap": "0.40",
      "max_very_high": 3
    },
    "ratings": {
      "STH": {"1": "very_high", "2": "good_high", "3": "good_high"},
      "SKA": {"1": "good_high", "2": "very_high", "3": "good_high"},
      "ORE": {"1": "good_high", "2": "good_high", "3": "inadequate"}
    }
  }
}
"""


def test_numbers_are_read_exactly() -> None:
    data = load_scenario_json('{"a": 0.1, "b": 31.0542, "c": 1000000000, "d": 1e3}')
    assert data == {"a": Decimal("0.1"), "b": Decimal("31.0542"), "c": 1_000_000_000, "d": 1000}
    assert isinstance(data["a"], Decimal)
    assert isinstance(data["c"], int)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"year": 2024,', "not valid JSON"),
        ('{"year": NaN}', "NaN"),
        ('{"year": Infinity}', "Infinity"),
        ('{"year": 2024, "year": 2025}', "twice"),
        ("[1, 2]", "object"),
    ],
)
def test_bad_json_is_a_scenario_error_on_the_document(text: str, words: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_json(text)
    assert caught.value.field == "$"
    assert words in caught.value.message


def test_the_output_has_the_shape_of_the_spec() -> None:
    output = compute_scenario(load_scenario_json(SPEC_EXAMPLE))
    assert list(output) == ["year", "education", "research", "notes", "trace"]
    assert output["education"] == {
        "rate_per_hst": "83475",
        "regions": {"STH": 83_475_000, "SKA": 66_780_000, "ORE": 16_695_000},
        "total": 166_950_000,
    }
    research = output["research"]
    assert isinstance(research, dict)
    assert list(research) == ["model", "appropriation", "regions", "undistributed", "total"]
    assert list(research["regions"]["STH"]) == ["base", "panel_1", "panel_2", "panel_3", "total"]
    step = output["trace"][0]
    assert set(step) >= {"step", "amount", "params", "text"}
    json.dumps(output)  # plain JSON all through


def test_a_ds2024_output_has_guns() -> None:
    output = compute_scenario(
        {
            "year": 2026,
            "research": {
                "model": "ds2024",
                "appropriation": 100,
                "reference_level": 100,
                "shares": {"A": "100"},
                "ratings": {"A": {"1": "good_high", "2": "good_high", "3": "good_high"}},
                "plans_ok": {"A": True},
                "hst": {"A": 1},
                "highly_cited": {"A": 1},
            },
        }
    )
    research = output["research"]
    assert isinstance(research, dict)
    assert list(research) == ["model", "appropriation", "regions", "guns", "undistributed", "total"]
    assert list(research["regions"]["A"]) == [
        "base",
        "quality",
        "quality_forfeited",
        "increment_hst",
        "increment_citations",
        "total",
    ]
    assert "education" not in output


def test_trace_amounts_are_exact_before_rounding_with_at_most_six_decimals() -> None:
    output = compute_scenario(load_scenario_json(SPEC_EXAMPLE))
    spill = [step for step in output["trace"] if step["step"] == "leftover_to_good_high" and step.get("panel") == 2]
    # 2 500 000 × 400 / 520 = 1 923 076.923076923…
    assert spill[0]["region"] == "STH"
    assert spill[0]["amount"] == "1923076.923077"
    rounding = [step for step in output["trace"] if step["step"] == "rounding"]
    assert {"region": "STH", "line": "panel_2", "amount": "16923077"}.items() <= rounding[-2].items()


def test_the_trace_reads_in_swedish() -> None:
    output = compute_scenario(load_scenario_json(SPEC_EXAMPLE), lang="sv")
    texts = [step["text"] for step in output["trace"]]
    assert "Baspott: 0,80 × anslaget 1\u00a0000\u00a0000\u00a0000 kr = 800\u00a0000\u00a0000 kr." in texts
    assert output["notes"][0].startswith("panel 2: pengar som blev över efter taken")


def test_the_hash_is_canonical_and_exact() -> None:
    data = load_scenario_json(SPEC_EXAMPLE)
    reordered = json.loads(SPEC_EXAMPLE, parse_float=Decimal, object_pairs_hook=lambda p: dict(p[::-1]))
    assert scenario_hash(reordered) == scenario_hash(data)
    assert len(scenario_hash(data)) == 64
    changed = load_scenario_json(SPEC_EXAMPLE.replace('"0.15"', '"0.150"'))
    assert scenario_hash(changed) != scenario_hash(data)
    assert scenario_hash({"x": Decimal("0.80")}) == scenario_hash({"x": "0.80"})

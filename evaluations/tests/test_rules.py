"""The rule check and the Ds 2024 quality condition, as pure functions."""

import pytest

from evaluations import rules

ALF = rules.Bounds(1, 3)


def _check(ratings, model="alf2015", bounds=ALF, findings=None):
    codes = sorted({code for code, _ in ratings})
    return rules.check(
        model=model,
        bounds=bounds,
        panel_names={1: "Quality", 2: "Relevance", 3: "Prerequisites"},
        region_codes=codes,
        ratings=ratings,
        findings_complete=findings,
    )


def _grid(very_high_per_panel, codes=("A", "B", "C", "D", "E")):
    return {(c, p): ("very_high" if c in very_high_per_panel.get(p, ()) else "good_high") for c in codes for p in (1, 2, 3)}


@pytest.mark.parametrize("count", [1, 2, 3])
def test_one_to_three_very_high_is_fine(count):
    result = _check(_grid({1: "ABC"[:count], 2: "A", 3: "B"}))
    assert result.ok and not result.problems


@pytest.mark.parametrize(("count", "panel"), [(0, 1), (4, 2), (5, 3)])
def test_outside_the_bounds_names_the_panel(count, panel):
    per_panel = {1: "A", 2: "A", 3: "A"}
    per_panel[panel] = "ABCDE"[:count]
    result = _check(_grid(per_panel))
    assert not result.ok
    [problem] = result.problems
    assert f"Panel {panel} (" in problem and f"has {count} region" in problem and "1–3" in problem
    assert not result.other_problems


def test_ds2024_has_no_limit_but_needs_findings():
    result = _check(_grid({1: "ABCDE", 2: "", 3: ""}), model="ds2024", bounds=rules.Bounds(None, None), findings={"A": True})
    assert all(p.ok for p in result.panels)
    assert result.missing_findings == ("B", "C", "D", "E")


def test_unrated_cells_are_listed():
    ratings = _grid({1: "A", 2: "A", 3: "A"})
    ratings[("C", 2)] = ""
    del ratings[("D", 3)]
    result = _check(ratings)
    assert [p.unrated for p in result.panels] == [(), ("C",), ("D",)]
    assert "C, D" in result.other_problems[0]


@pytest.mark.parametrize(
    ("ratings", "plans_ok", "expected"),
    [
        (["good_high", "very_high", "good_high"], True, True),
        (["good_high", "inadequate", "good_high"], True, False),
        (["good_high", "very_high", "good_high"], False, False),
        (["good_high", None, "good_high"], True, None),
        (["good_high", "good_high", "good_high"], None, None),
    ],
)
def test_quality_condition(ratings, plans_ok, expected):
    assert rules.meets_quality_condition(ratings=ratings, plans_ok=plans_ok) is expected

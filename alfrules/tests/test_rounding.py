"""Largest-remainder rounding and its tie-break (docs/allocation-rules.md §1, decision 2)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alfrules.formatting import decimal_string
from alfrules.rounding import Line, largest_remainder, round_half_up


def test_leftover_kronor_go_to_the_largest_remainders() -> None:
    # 1.7 + 1.2 + 2.1 = 5; floors 1 + 1 + 2 = 4: one krona, to the .7.
    parts = {
        Line("A", "x"): Fraction(17, 10),
        Line("B", "x"): Fraction(12, 10),
        Line("C", "x"): Fraction(21, 10),
    }
    assert largest_remainder(parts, 5) == {Line("A", "x"): 2, Line("B", "x"): 1, Line("C", "x"): 2}


def test_ties_go_by_region_code_in_character_order_then_line_name() -> None:
    half = Fraction(1, 2)
    parts = {
        Line("R2", "base"): half,
        Line("R10", "panel_1"): half,
        Line("R10", "base"): half,
        Line(None, "guns"): half,
    }
    # Two kronor for four equal remainders: "R10" < "R2", and "base" < "panel_1".
    assert largest_remainder(parts, 2) == {
        Line("R2", "base"): 0,
        Line("R10", "panel_1"): 1,
        Line("R10", "base"): 1,
        Line(None, "guns"): 0,
    }


def test_lines_of_their_own_come_after_every_region_line_and_sort_by_name() -> None:
    half = Fraction(1, 2)
    keys = [
        Line(None, "panel_2"),
        Line(None, "guns"),
        Line("Z", "total"),
        Line(None, "increment_hst"),
    ]
    assert sorted(keys, key=Line.tie_break_key) == [
        Line("Z", "total"),
        Line(None, "guns"),
        Line(None, "increment_hst"),
        Line(None, "panel_2"),
    ]
    parts = dict.fromkeys(keys, half)
    assert largest_remainder(parts, 2) == {
        Line(None, "panel_2"): 0,
        Line(None, "guns"): 1,
        Line("Z", "total"): 1,
        Line(None, "increment_hst"): 0,
    }


def test_an_unreachable_total_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="not reachable"):
        largest_remainder({Line("A", "x"): Fraction(1, 2)}, 2)
    with pytest.raises(ValueError, match="negative"):
        largest_remainder({Line("A", "x"): Fraction(-1, 2)}, 0)


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [(Fraction(5, 2), 3), (Fraction(7, 3), 2), (Fraction(1, 2), 1), (Fraction(0), 0), (Fraction(-5, 2), -2), (Fraction(-7, 3), -2)],
)
def test_round_half_up(amount: Fraction, rounded: int) -> None:
    assert round_half_up(amount) == rounded


@given(st.fractions(), st.integers(min_value=-(10**12), max_value=10**12))
def test_round_half_up_is_the_nearest_whole_number_halves_upwards(amount: Fraction, whole: int) -> None:
    rounded = round_half_up(amount)
    assert -Fraction(1, 2) < rounded - amount <= Fraction(1, 2)
    assert round_half_up(amount + whole) == rounded + whole
    assert round_half_up(whole + Fraction(1, 2)) == whole + 1


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(25_000_000, 13), "1923076.923077"),
        (Fraction(1, 2), "0.5"),
        (Fraction(800_000_000), "800000000"),
        (Fraction(1, 3 * 10**7), "0"),
        (Fraction(-1, 4), "-0.25"),
    ],
)
def test_trace_amounts_show_at_most_six_decimals(value: Fraction, shown: str) -> None:
    assert decimal_string(value) == shown

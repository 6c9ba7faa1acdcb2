"""The capped proportional split (docs/allocation-rules.md §5.3).

Under alf2015 every very-high region's cap is the same multiple of its base (cap × w_k),
so one split either caps them all or none. The mechanism itself re-splits freed money as
the rules describe; these cases use unequal caps to show it.
"""

from __future__ import annotations

from fractions import Fraction

from alfrules.water_fill import water_fill


def test_under_the_caps_the_pot_is_split_by_weight() -> None:
    fill = water_fill(Fraction(90), {"A": Fraction(2), "B": Fraction(1)}, {"A": Fraction(100), "B": Fraction(100)})
    assert fill.amounts == {"A": 60, "B": 30}
    assert fill.leftover == 0
    assert len(fill.rounds) == 1


def test_money_freed_by_a_cap_goes_to_the_others_until_none_is_left() -> None:
    # 100 by weights 1/1/2: A 25, B 25, C 50. A is capped at 10, freeing 15 → second round:
    # 90 by 1/2 for B and C: 30 and 60; C is capped at 55 → third round: 35 to B (cap 40).
    fill = water_fill(
        Fraction(100),
        {"A": Fraction(1), "B": Fraction(1), "C": Fraction(2)},
        {"A": Fraction(10), "B": Fraction(40), "C": Fraction(55)},
    )
    assert fill.amounts == {"A": 10, "B": 35, "C": 55}
    assert fill.leftover == 0
    assert [fill_round.capped for fill_round in fill.rounds] == [("A",), ("C",), ()]


def test_when_all_are_capped_the_rest_is_left_over() -> None:
    fill = water_fill(Fraction(100), {"A": Fraction(1), "B": Fraction(3)}, {"A": Fraction(10), "B": Fraction(20)})
    assert fill.amounts == {"A": 10, "B": 20}
    assert fill.leftover == 70


def test_parts_without_weight_take_nothing() -> None:
    fill = water_fill(Fraction(10), {"A": Fraction(0)}, {"A": Fraction(0)})
    assert fill.amounts == {"A": 0}
    assert fill.leftover == 10
    assert water_fill(Fraction(10), {}, {}).leftover == 10

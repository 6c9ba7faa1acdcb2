"""Proportional split with caps ("water-filling"), docs/allocation-rules.md §5.3.

A pot is split in proportion to weights; a part above its cap is cut to the cap, and the
money freed that way is split again among the parts still under their caps, until none is
left or every part is capped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class FillRound:
    """One split: ``pot`` shared over the uncapped parts; ``capped`` hit their cap."""

    pot: Fraction
    weight_total: Fraction
    shares: Mapping[str, Fraction]
    capped: tuple[str, ...]


@dataclass(frozen=True)
class WaterFill:
    amounts: Mapping[str, Fraction]
    leftover: Fraction
    rounds: tuple[FillRound, ...]


def water_fill(pot: Fraction, weights: Mapping[str, Fraction], caps: Mapping[str, Fraction]) -> WaterFill:
    """Split ``pot`` by ``weights`` under ``caps``; ``leftover`` is what no part could take.

    A part of weight 0 gets nothing and so never takes freed money: it counts as capped
    (its cap is 0 under alf2015, as its base is 0).
    """
    amounts = dict.fromkeys(weights, Fraction(0))
    uncapped = list(weights)
    left = pot
    rounds: list[FillRound] = []
    while left > 0 and uncapped:
        weight_total = sum((weights[key] for key in uncapped), Fraction(0))
        if weight_total == 0:
            break
        per_weight = left / weight_total
        shares = {key: per_weight * weights[key] for key in uncapped}
        capped = tuple(key for key in uncapped if shares[key] > caps[key])
        rounds.append(FillRound(left, weight_total, shares, capped))
        if not capped:
            amounts.update(shares)
            left = Fraction(0)
            break
        for key in capped:
            amounts[key] = caps[key]
            left -= caps[key]
        uncapped = [key for key in uncapped if key not in capped]
    return WaterFill(amounts, left, tuple(rounds))

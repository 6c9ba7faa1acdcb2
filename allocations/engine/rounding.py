"""Rounding to whole kronor: the one place for the rule (allocation-rules.md §1).

Every allocation is computed exactly and rounded once, at the end, with the
largest-remainder (Hamilton) method, so that its lines sum to the total to the krona.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import NamedTuple

_HALF = Fraction(1, 2)


class Line(NamedTuple):
    """One rounded line: a region's line (``region`` set) or a line of its own (``guns``,
    an undistributed ``panel_2``...)."""

    region: str | None
    name: str

    def tie_break_key(self) -> tuple[int, str, str]:
        # allocation-scenario.md decision 2: region lines first, by (region code, line name),
        # then the other lines by name; plain character order, so "R10" < "R2".
        if self.region is None:
            return (1, "", self.name)
        return (0, self.region, self.name)


def round_half_up(amount: Fraction) -> int:
    """Nearest whole krona, halves upwards (education total, allocation-rules.md §4)."""
    return math.floor(amount + _HALF)


def largest_remainder(parts: Mapping[Line, Fraction], total: int) -> dict[Line, int]:
    """Round ``parts`` to whole kronor that sum to ``total``.

    Every part is floored; the kronor left over go one at a time to the parts with the
    largest fractional remainders, ties to the line that sorts first
    (``Line.tie_break_key``). ``total`` must be reachable that way: at least the sum of the
    floors and at most one krona more per part with a remainder, which holds whenever it is
    the exact sum of the parts or that sum rounded to a whole krona.
    """
    if any(amount < 0 for amount in parts.values()):
        raise ValueError("largest_remainder: parts must not be negative")
    floors = {line: math.floor(amount) for line, amount in parts.items()}
    with_remainder = [line for line, amount in parts.items() if amount != floors[line]]
    leftover = total - sum(floors.values())
    if not 0 <= leftover <= len(with_remainder):
        raise ValueError(f"largest_remainder: total {total} is not reachable from parts summing to {sum(parts.values(), Fraction(0))}")
    with_remainder.sort(key=lambda line: (-(parts[line] - floors[line]), line.tie_break_key()))
    rounded = dict(floors)
    for line in with_remainder[:leftover]:
        rounded[line] += 1
    return rounded

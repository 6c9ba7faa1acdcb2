"""Rounding: the one place for both rules (docs/allocation-rules.md §1).

Every allocation is computed exactly and rounded once, at the end, with the
largest-remainder (Hamilton) method, so that its lines sum to the total to the krona
(``largest_remainder``). A single amount the rules round on its own (the education total
§4, twelve terms' students §4, the reference level §6.2) is rounded half up
(``round_half_up``); every module that rounds to whole numbers calls one of the two.
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
        # docs/allocation-scenario.md decision 2: region lines first, by (region code, line name),
        # then the other lines by name; plain character order, so "R10" < "R2".
        if self.region is None:
            return (1, "", self.name)
        return (0, self.region, self.name)


def round_half_up(amount: Fraction) -> int:
    """The nearest whole number, halves upwards: 2.5 → 3, −2.5 → −2 (the education total and
    twelve terms' students, §4; the reference level in a year's prices, §6.2). Exact.

    Every amount the rules round this way is non-negative, where halves upwards and halves
    away from zero are the same rule."""
    return math.floor(amount + _HALF)


def largest_remainder(parts: Mapping[Line, Fraction], total: int) -> dict[Line, int]:
    """Round ``parts`` to whole kronor that sum to ``total``.

    Every part is floored; the kronor left over go one at a time to the parts with the
    largest fractional remainders, ties to the line that sorts first
    (``Line.tie_break_key``). ``total`` must be reachable that way: at least the sum of the
    floors and at most one krona more per part with a remainder, which holds whenever it is
    the exact sum of the parts or that sum rounded to a whole krona.
    """
    # Integer arithmetic on numerators and denominators: exact, and several times faster
    # than Fraction operations (this runs once per allocation, thousands of times in a
    # rating-risk simulation).
    floors: dict[Line, int] = {}
    remainders: dict[Line, tuple[int, int]] = {}  # line -> (remainder numerator, denominator)
    for line, amount in parts.items():
        numerator, denominator = amount.numerator, amount.denominator
        if numerator < 0:
            raise ValueError("largest_remainder: parts must not be negative")
        floors[line], remainder = divmod(numerator, denominator)
        if remainder:
            remainders[line] = (remainder, denominator)
    leftover = total - sum(floors.values())
    if not 0 <= leftover <= len(remainders):
        raise ValueError(f"largest_remainder: total {total} is not reachable from parts summing to {sum(parts.values(), Fraction(0))}")
    # Remainders over one common denominator compare exactly as integers.
    common = math.lcm(*(denominator for _, denominator in remainders.values()))
    scaled = {line: remainder * (common // denominator) for line, (remainder, denominator) in remainders.items()}
    with_remainder = sorted(scaled, key=lambda line: (-scaled[line], line.tie_break_key()))
    rounded = dict(floors)
    for line in with_remainder[:leftover]:
        rounded[line] += 1
    return rounded


def split_by_region(rounded: Mapping[Line, int]) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """The rounded lines as ``{region: {line name: kronor}}`` and the lines of no region as
    ``{line name: kronor}``, in one pass (building a ``Line`` key per lookup costs more than
    the lookups)."""
    by_region: dict[str, dict[str, int]] = {}
    other: dict[str, int] = {}
    for (region, name), amount in rounded.items():
        if region is None:
            other[name] = amount
        else:
            by_region.setdefault(region, {})[name] = amount
    return by_region, other

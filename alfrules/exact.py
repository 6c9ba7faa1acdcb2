"""Exact forms of the exact numbers a scenario holds."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction


@functools.lru_cache(maxsize=4096)
def to_fraction(value: Decimal) -> Fraction:
    """``value`` as a Fraction. Cached: the same shares, counts and fractions recur in every
    run of a year (risk, explanation diffs, projections), and converting costs more than
    the arithmetic done with the result. Equal Decimals ("0.8", "0.80") map to equal
    Fractions, so sharing a cache entry is exact."""
    return Fraction(value)


def exact_sum(values: Iterable[Fraction | Decimal | int]) -> Fraction:
    # Decimal addition rounds at the context precision (28 digits); Fraction never rounds.
    return sum((value if isinstance(value, Fraction) else Fraction(value) for value in values), Fraction(0))

"""Exact sums of the exact numbers a scenario holds."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction


def exact_sum(values: Iterable[Fraction | Decimal | int]) -> Fraction:
    # Decimal addition rounds at the context precision (28 digits); Fraction never rounds.
    return sum((value if isinstance(value, Fraction) else Fraction(value) for value in values), Fraction(0))

"""Exact numbers shown as text: trace amounts, parameters and error messages."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

TRACE_PLACES = 6
# Enough decimals to show any sum of the decimals a scenario may hold exactly (error messages).
EXACT_PLACES = 40


def decimal_string(value: Fraction | Decimal | int, places: int = TRACE_PLACES) -> str:
    """``value`` as a plain decimal string with at most ``places`` decimals (half up).

    For display only: the engine computes with the exact value and rounds money once, at
    the end (docs/allocation-rules.md §1). Integer arithmetic, as the trace shows many amounts.
    """
    if isinstance(value, int):
        return str(value)
    exact = Fraction(value) if isinstance(value, Decimal) else value
    numerator, denominator = exact.numerator, exact.denominator
    if denominator == 1:
        return str(numerator)
    scale = 10**places
    scaled = (abs(numerator) * scale * 2 + denominator) // (2 * denominator)  # half up
    sign = "-" if numerator < 0 and scaled else ""
    whole, decimals = divmod(scaled, scale)
    if decimals == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{decimals:0{places}d}".rstrip("0")

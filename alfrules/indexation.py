"""Price levels (docs/allocation-rules.md §3): amounts in one year's prices converted to another's.

Amounts fixed in an agreement are in a base year's price level and are converted with the
yearly price and wage adjustment (PLO): ``amount_y = amount_base × Π_{t=base+1..y} (1 + plo_t)``.
The conversion is exact; only the reference level (§6.2) is rounded, half up, to whole kronor.
PLO rates are data per year; a conversion that needs a year with no rate names the years
missing (``MissingPlo``) instead of guessing.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction

from .rounding import round_half_up

PloRates = Mapping[int, Decimal]
"""Each year's PLO as a fraction (0.015 for 1.5 %)."""

# Wide enough for any product of PLO factors a period can hold (a few digits per year over a
# century), and trapped, so that a product that would need more raises instead of rounding.
_PRODUCT_DIGITS = 1000


class MissingPlo(LookupError):
    """A conversion needs the PLO of ``years``, which are not given."""

    def __init__(self, years: Iterable[int]) -> None:
        self.years = tuple(years)
        super().__init__(f"no PLO rate for {', '.join(str(year) for year in self.years)}")


class BeforeBaseYear(ValueError):
    """A rate in a base year's prices is asked for a year before that base year."""

    def __init__(self, *, year: int, base_year: int) -> None:
        self.year = year
        self.base_year = base_year
        super().__init__(f"{year} comes before the price base year {base_year}")


def plo_factor(plo: PloRates, *, first: int, last: int) -> Decimal:
    """``Π(1 + plo_t)`` for ``t = first..last``, exactly (1 when ``first > last``).

    Raises ``MissingPlo`` naming every year of the range with no rate, and ``ValueError`` for a
    rate of −100 % or less (prices cannot fall to nothing; the registry allows −50 % to 50 %).
    """
    years = range(first, last + 1)
    missing = [year for year in years if year not in plo]
    if missing:
        raise MissingPlo(missing)
    factors = [Decimal(1) + plo[year] for year in years]
    if any(factor <= 0 for factor in factors):
        raise ValueError("a PLO rate must be above -1 (-100 %)")
    return _exact_product(factors)


def plo_rate_per_hst(*, base_rate: Decimal, base_year: int, year: int, plo: PloRates) -> Decimal:
    """The base year's rate per full-year student in ``year``'s prices (§3, §4), exactly:
    ``base_rate × Π(1 + plo_t)``, ``t = base_year+1..year``.

    Raises ``BeforeBaseYear`` for a year before the base year (the rate is only carried
    forward) and ``MissingPlo`` for the years of the range without a rate.
    """
    if year < base_year:
        raise BeforeBaseYear(year=year, base_year=base_year)
    return _exact_product([Decimal(base_rate), plo_factor(plo, first=base_year + 1, last=year)])


def reference_level_in(*, level: int, reference_year: int, year: int, plo: PloRates) -> int:
    """The Ds 2024 reference level converted from ``reference_year``'s prices to ``year``'s
    (§6.2), in whole kronor.

    Exact (a later year multiplies by the PLO factors after the reference year, an earlier one
    divides by those up to it), then rounded half up, once. Raises ``MissingPlo``.
    """
    if year >= reference_year:
        exact = Fraction(plo_factor(plo, first=reference_year + 1, last=year)) * level
    else:
        exact = Fraction(level) / Fraction(plo_factor(plo, first=year + 1, last=reference_year))
    return round_half_up(exact)


def _exact_product(factors: Iterable[Decimal]) -> Decimal:
    """The product of decimals, which is a terminating decimal, exactly; raises
    ``decimal.Inexact`` rather than round it."""
    with decimal.localcontext() as context:
        context.prec = _PRODUCT_DIGITS
        context.traps[decimal.Inexact] = True
        context.traps[decimal.Rounded] = True
        result = Decimal(1)
        for factor in factors:
            result *= factor
        return result

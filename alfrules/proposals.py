"""The memo's education proposals (docs/allocation-rules.md §4), applied to one year's education inputs.

Each proposal is a switch with its own start year; before that year it changes nothing. They
act on the inputs of the education allocation (planned full-year students, the rate per hst),
not on the allocation itself, so the same engine computes the result:

- *Educated students*: from `educated_hst_from`, one region's planned hst are set to the number
  it actually educates (the memo: Örebro, ≈ 70 % more than it is paid for, from 2026).
- *Twelfth term*: from `twelfth_term_from`, every region's planned hst are multiplied by 12/11
  (the sixth year of the programme adds a twelfth term), rounded half up to whole students.
  The educated-students value is multiplied too: it is that region's planned hst by then.
- *Rate raise*: from `rate_raise_from`, the rate per hst is raised by a percentage or by a fixed
  amount per hst, phased in over `rate_raise_phase_years` equal yearly steps (the regions asked
  for 25–45 %, or +16 734 kr in steps of 2 789 kr a year over 2022–2027).

Exact arithmetic throughout; only the 12/11 step rounds, half up (``rounding.round_half_up``),
as the memo says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .rounding import round_half_up

TWELFTH_TERM = Fraction(12, 11)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class EducationProposals:
    """Which of the memo's education proposals apply, and from when (None: switched off)."""

    educated_hst_region: str | None = None
    educated_hst_from: int | None = None
    educated_hst: Decimal | None = None
    twelfth_term_from: int | None = None
    rate_raise_from: int | None = None
    rate_raise_percent: Decimal | None = None
    rate_raise_per_hst: Decimal | None = None
    rate_raise_phase_years: int = 1

    def __post_init__(self) -> None:
        if (self.educated_hst_from is None) != (self.educated_hst_region is None):
            raise ValueError("educated students need both a region and a start year")
        if self.educated_hst is not None and self.educated_hst < 0:
            raise ValueError("educated students cannot be negative")
        if self.rate_raise_percent is not None and self.rate_raise_per_hst is not None:
            raise ValueError("a rate raise is a percentage or an amount per hst, not both")
        if self.rate_raise_phase_years < 1:
            raise ValueError("a rate raise is phased in over at least one year")

    @property
    def any(self) -> bool:
        return self.educated_hst_from is not None or self.twelfth_term_from is not None or self.rate_raise_from is not None


NONE = EducationProposals()


def _exact(value: Fraction) -> Decimal | int:
    """An exact fraction as a whole number or a terminating decimal (hst have at most a few decimals)."""
    if value.denominator == 1:
        return value.numerator
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(decimal) != value:
        raise ValueError(f"{value} has no exact decimal form")
    return decimal


def proposed_hst(
    hst: Mapping[str, Decimal | int], *, year: int, proposals: EducationProposals, educated: Mapping[str, Decimal | int] | None = None
) -> dict[str, Decimal | int]:
    """Planned hst per region after the proposals in force in `year`.

    `educated` gives what regions actually educate (UKÄ); the proposal's own `educated_hst`
    value, when set, takes precedence. A region the switch names but the year lacks is ignored.
    """
    result: dict[str, Fraction] = {code: Fraction(Decimal(value)) for code, value in hst.items()}
    region = proposals.educated_hst_region
    if region is not None and proposals.educated_hst_from is not None and year >= proposals.educated_hst_from and region in result:
        value = proposals.educated_hst if proposals.educated_hst is not None else (educated or {}).get(region)
        if value is not None:
            result[region] = Fraction(Decimal(value))
    if proposals.twelfth_term_from is not None and year >= proposals.twelfth_term_from:
        result = {code: Fraction(round_half_up(value * TWELFTH_TERM)) for code, value in result.items()}
    return {code: _exact(value) for code, value in result.items()}


def proposals_in_force(*, year: int, proposals: EducationProposals) -> list[str]:
    """The codes of the proposals that change `year`'s inputs: educated_hst, twelfth_term, rate_raise."""
    codes = []
    if proposals.educated_hst_from is not None and year >= proposals.educated_hst_from:
        codes.append("educated_hst")
    if proposals.twelfth_term_from is not None and year >= proposals.twelfth_term_from:
        codes.append("twelfth_term")
    if rate_raise_fraction(year=year, proposals=proposals) and (proposals.rate_raise_percent or proposals.rate_raise_per_hst):
        codes.append("rate_raise")
    return codes


def rate_raise_fraction(*, year: int, proposals: EducationProposals) -> Fraction:
    """How much of the full raise applies in `year`: 0 before the start, then 1/n, 2/n, … up to 1."""
    if proposals.rate_raise_from is None or year < proposals.rate_raise_from:
        return Fraction(0)
    steps = year - proposals.rate_raise_from + 1
    return min(Fraction(1), Fraction(steps, proposals.rate_raise_phase_years))


def proposed_rate(rate: Decimal, *, year: int, proposals: EducationProposals) -> Decimal:
    """The rate per hst in `year` after a phased raise, exactly."""
    share = rate_raise_fraction(year=year, proposals=proposals)
    if not share:
        return rate
    if proposals.rate_raise_percent is not None:
        raised = Fraction(rate) * (1 + Fraction(proposals.rate_raise_percent) / 100 * share)
    elif proposals.rate_raise_per_hst is not None:
        raised = Fraction(rate) + Fraction(proposals.rate_raise_per_hst) * share
    else:
        return rate
    return _exact_rate(raised)


def _exact_rate(value: Fraction) -> Decimal:
    """A raised rate as an exact decimal; a raise that does not terminate (1/3 of a percent
    phased over 7 years) keeps 12 decimals, far below an öre per student."""
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    return decimal if Fraction(decimal) == value else decimal.quantize(Decimal("1e-12"))

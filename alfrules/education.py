"""GU-ALF: compensation per full-year student (docs/allocation-rules.md §4)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from .exact import to_fraction
from .inputs import EducationAppropriation, EducationInputs, RatePerHst
from .results import EducationResult
from .rounding import Line, largest_remainder, round_half_up, split_by_region
from .trace import Explanation

EDUCATION_LINE = "education"


def compute_education(inputs: EducationInputs, *, trace: bool = True) -> EducationResult:
    """GU-ALF for one year; ``trace=False`` skips the steps, not the amounts."""
    explanation = Explanation(record_steps=trace)
    match inputs.funding:
        case RatePerHst(rate):
            parts, total = _by_rate(rate, inputs.hst, explanation)
        case EducationAppropriation(amount):
            parts, total = _by_appropriation(amount, inputs.hst, explanation)
    exact = {Line(region, EDUCATION_LINE): part for region, part in parts.items()}
    rounded = largest_remainder(exact, total)
    explanation.rounding(exact, rounded)
    by_region, _ = split_by_region(rounded)
    return EducationResult(
        regions={region: by_region[region][EDUCATION_LINE] for region in parts},
        total=total,
        trace=tuple(explanation.steps),
    )


def _by_rate(rate: Decimal, hst: Mapping[str, Decimal], explanation: Explanation) -> tuple[dict[str, Fraction], int]:
    # Decision 3: each part is rate × hst exactly; the total is rate × Σhst rounded half up,
    # and the parts are rounded to that total.
    exact_rate = to_fraction(rate)
    exact_hst = _exact_counts(hst)
    parts = {region: exact_rate * count for region, count in exact_hst.items()}
    if explanation.record_steps:
        for region, part in parts.items():
            explanation.step("education_part", part, region=region, rate=rate, hst=hst[region])
    hst_total = sum(exact_hst.values(), Fraction(0))
    exact_total = exact_rate * hst_total
    total = round_half_up(exact_total)
    explanation.step("education_total", exact_total, rate=rate, hst_total=hst_total)
    explanation.step("education_total_rounded", total, exact=exact_total)
    return parts, total


def _by_appropriation(appropriation: int, hst: Mapping[str, Decimal], explanation: Explanation) -> tuple[dict[str, Fraction], int]:
    exact_hst = _exact_counts(hst)
    hst_total = sum(exact_hst.values(), Fraction(0))
    explanation.step("education_appropriation", appropriation, hst_total=hst_total)
    per_hst = appropriation / hst_total
    parts = {region: per_hst * count for region, count in exact_hst.items()}
    for region, part in parts.items():
        explanation.step(
            "education_share",
            part,
            region=region,
            appropriation=appropriation,
            hst=hst[region],
            hst_total=hst_total,
        )
    return parts, appropriation


def _exact_counts(hst: Mapping[str, Decimal]) -> dict[str, Fraction]:
    # Converted once: Decimal sums round at the context precision, and converting is not free.
    return {region: to_fraction(count) for region, count in hst.items()}

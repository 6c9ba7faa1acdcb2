"""GU-ALF: compensation per full-year student (allocation-rules.md §4)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from .exact import exact_sum
from .inputs import EducationAppropriation, EducationInputs, RatePerHst
from .results import EducationResult
from .rounding import Line, largest_remainder, round_half_up
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
    return EducationResult(
        regions={region: rounded[Line(region, EDUCATION_LINE)] for region in parts},
        total=total,
        trace=tuple(explanation.steps),
    )


def _by_rate(rate: Decimal, hst: Mapping[str, Decimal], explanation: Explanation) -> tuple[dict[str, Fraction], int]:
    # Decision 3: each part is rate × hst exactly; the total is rate × Σhst rounded half up,
    # and the parts are rounded to that total.
    exact_rate = Fraction(rate)
    parts = {region: exact_rate * Fraction(count) for region, count in hst.items()}
    for region, part in parts.items():
        explanation.step("education_part", part, region=region, rate=rate, hst=hst[region])
    hst_total = exact_sum(hst.values())
    exact_total = exact_rate * hst_total
    total = round_half_up(exact_total)
    explanation.step("education_total", exact_total, rate=rate, hst_total=hst_total)
    explanation.step("education_total_rounded", total, exact=exact_total)
    return parts, total


def _by_appropriation(appropriation: int, hst: Mapping[str, Decimal], explanation: Explanation) -> tuple[dict[str, Fraction], int]:
    hst_total = exact_sum(hst.values())
    explanation.step("education_appropriation", appropriation, hst_total=hst_total)
    parts = {region: appropriation * Fraction(count) / hst_total for region, count in hst.items()}
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

"""FO-ALF under the Ds 2024 proposal, model "ds2024" (docs/allocation-rules.md §6)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from .exact import to_fraction
from .inputs import PANELS, Ds2024Inputs, Rating
from .predicates import keeps_quality_amount
from .results import (
    REASON_NO_DATA_FOR_KEY,
    Ds2024RegionLines,
    Ds2024Result,
    GunsPot,
    UndistributedLine,
)
from .rounding import Line, largest_remainder, split_by_region
from .trace import Explanation

GUNS_LINE = "guns"
# Increment key (as in increment_weights) → the line its money is paid on.
INCREMENT_LINES: Mapping[str, str] = {"hst": "increment_hst", "citations": "increment_citations"}


def compute_ds2024(inputs: Ds2024Inputs, *, trace: bool = True) -> Ds2024Result:
    """FO-ALF for one year under ds2024; ``trace=False`` skips the steps, not the amounts."""
    appropriation = inputs.appropriation
    explanation = Explanation(record_steps=trace)
    exact = ds2024_exact_lines(inputs, explanation)
    undistributed = [line for line in INCREMENT_LINES.values() if Line(None, line) in exact]

    rounded = largest_remainder(exact, appropriation)
    explanation.rounding(exact, rounded)
    by_region, other = split_by_region(rounded)
    regions = {region: Ds2024RegionLines(**by_region[region]) for region in inputs.shares}
    # §6.7: GUNS' forfeited total is the sum of the regions' rounded forfeited lines.
    guns = GunsPot(
        set_aside=other[GUNS_LINE],
        forfeited=sum(lines.quality_forfeited for lines in regions.values()),
    )
    explanation.step("guns_pot", guns.total, set_aside=guns.set_aside, forfeited=guns.forfeited)
    return Ds2024Result(
        appropriation=appropriation,
        regions=regions,
        guns=guns,
        undistributed=tuple(UndistributedLine(line, other[line], REASON_NO_DATA_FOR_KEY) for line in undistributed),
        notes=tuple(explanation.notes),
        trace=tuple(explanation.steps),
    )


def ds2024_exact_lines(inputs: Ds2024Inputs, explanation: Explanation) -> dict[Line, Fraction]:
    """Every line before rounding: GUNS' set-aside, each region's lines, and an
    undistributed increment line when a key has no data (§6.1-6.6)."""
    appropriation = inputs.appropriation
    # §6.1-6.2: the set-aside comes off the level part and the increment proportionally.
    guns_fraction = to_fraction(inputs.guns_fraction)
    set_aside = guns_fraction * appropriation
    explanation.step("guns_set_aside", set_aside, appropriation=appropriation, guns_fraction=inputs.guns_fraction)
    level = min(appropriation, inputs.reference_level)
    increment = appropriation - level
    explanation.step("level_part", level, appropriation=appropriation, reference_level=inputs.reference_level)
    explanation.step("increment_part", increment, appropriation=appropriation, level=level)
    level_after = level * (1 - guns_fraction)
    increment_after = increment * (1 - guns_fraction)
    explanation.step("level_after_set_aside", level_after, level=level, guns_fraction=guns_fraction)
    explanation.step(
        "increment_after_set_aside",
        increment_after,
        increment=increment,
        guns_fraction=guns_fraction,
    )

    exact: dict[Line, Fraction] = {Line(None, GUNS_LINE): set_aside}
    quality_fraction = to_fraction(inputs.quality_fraction)
    for region, share in inputs.shares.items():
        exact.update(_level_lines(inputs, region, share, level_after, quality_fraction, explanation))
    counts_by_key = {"hst": inputs.hst, "citations": inputs.highly_cited}
    for key, line in INCREMENT_LINES.items():
        pot = to_fraction(inputs.increment_weights[key]) * increment_after
        explanation.step(
            "increment_pot",
            pot,
            line=line,
            key=key,
            weight=inputs.increment_weights[key],
            increment=increment_after,
        )
        amounts = _split_increment(key, line, pot, counts_by_key[key], explanation)
        exact.update({Line(region, line): amount for region, amount in amounts.items()})
        if not amounts and pot > 0:
            # §6.6: every count is zero, so nobody to split this half by; it stays a line.
            explanation.note("no_data_for_key", key=key)
            explanation.step("undistributed", pot, line=line, reason=REASON_NO_DATA_FOR_KEY)
            exact[Line(None, line)] = pot
    for region in inputs.shares:
        for line in INCREMENT_LINES.values():
            exact.setdefault(Line(region, line), Fraction(0))
    return exact


def _level_lines(
    inputs: Ds2024Inputs,
    region: str,
    share: Decimal,
    level_after: Fraction,
    quality_fraction: Fraction,
    explanation: Explanation,
) -> dict[Line, Fraction]:
    """§6.3-6.4: a region's level share: a base amount, and a quality amount that it keeps or
    forfeits to GUNS."""
    level_share = to_fraction(share) * level_after / 100
    quality = quality_fraction * level_share
    base = level_share - quality
    explanation.step("level_share", level_share, region=region, share=share, level=level_after)
    explanation.step(
        "quality_amount",
        quality,
        region=region,
        quality_fraction=inputs.quality_fraction,
        level_share=level_share,
    )
    explanation.step("level_base", base, region=region, level_share=level_share, quality=quality)
    inadequate = [str(panel) for panel in PANELS if inputs.ratings[region][panel] is Rating.INADEQUATE]
    plans_ok = inputs.plans_ok[region]
    if keeps_quality_amount(findings_ok=plans_ok, ratings=(inputs.ratings[region][panel] for panel in PANELS)):
        explanation.step("quality_kept", quality, region=region)
        kept, forfeited = quality, Fraction(0)
    else:
        explanation.step(
            "forfeit",
            quality,
            region=region,
            plans_ok=plans_ok,
            inadequate_panels=", ".join(inadequate) or "none",
        )
        kept, forfeited = Fraction(0), quality
    return {
        Line(region, "base"): base,
        Line(region, "quality"): kept,
        Line(region, "quality_forfeited"): forfeited,
    }


def _split_increment(
    key: str,
    line: str,
    pot: Fraction,
    counts: Mapping[str, Decimal],
    explanation: Explanation,
) -> dict[str, Fraction]:
    """§6.5: ``pot`` by each region's share of the counts; empty when every count is zero."""
    exact_counts = {region: to_fraction(count) for region, count in counts.items()}
    count_total = sum(exact_counts.values(), Fraction(0))
    if count_total == 0:
        return {}
    per_count = pot / count_total
    amounts = {region: per_count * count for region, count in exact_counts.items()}
    if explanation.record_steps:
        for region, amount in amounts.items():
            explanation.step(
                "increment",
                amount,
                region=region,
                line=line,
                key=key,
                count=counts[region],
                count_total=count_total,
                pot=pot,
            )
    return amounts

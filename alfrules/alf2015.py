"""FO-ALF under the 2015 agreement, model "alf2015" (docs/allocation-rules.md §5)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from .exact import to_fraction
from .inputs import PANELS, Alf2015Inputs, Alf2015Params, Rating
from .results import (
    REASON_NO_ELIGIBLE_REGION,
    Alf2015RegionLines,
    Alf2015Result,
    UndistributedLine,
)
from .rounding import Line, largest_remainder, split_by_region
from .trace import Explanation
from .water_fill import WaterFill, water_fill


@dataclass(frozen=True)
class Panel:
    """One panel's pot and its per-base fractions, exact (§5.2-5.3)."""

    number: int
    weight: Fraction
    pot: Fraction
    guarantee_per_base: Fraction
    cap_per_base: Fraction

    @property
    def line(self) -> str:
        return f"panel_{self.number}"


@dataclass(frozen=True)
class Pools:
    """What does not depend on the ratings: each region's base amount and the panels' pots."""

    bases: Mapping[str, Fraction]
    quality_pot: Fraction
    panels: tuple[Panel, ...]


def compute_alf2015(inputs: Alf2015Inputs, *, trace: bool = True) -> Alf2015Result:
    """FO-ALF for one year under alf2015; ``trace=False`` skips the steps, not the amounts."""
    appropriation = inputs.appropriation
    explanation = Explanation(record_steps=trace)
    pools = alf2015_pools(inputs, explanation)
    exact = {Line(region, "base"): base for region, base in pools.bases.items()}
    for panel in pools.panels:
        explanation.step(
            "panel_pot",
            panel.pot,
            panel=panel.number,
            weight=inputs.params.panel_weights[panel.number],
            quality_pot=pools.quality_pot,
        )
        ratings = {region: by_panel[panel.number] for region, by_panel in inputs.ratings.items()}
        exact.update(panel_lines(panel, pools.bases, ratings, inputs.params, explanation))
    undistributed = [panel.line for panel in pools.panels if Line(None, panel.line) in exact]

    rounded = largest_remainder(exact, appropriation)
    explanation.rounding(exact, rounded)
    by_region, other = split_by_region(rounded)
    return Alf2015Result(
        appropriation=appropriation,
        regions={region: Alf2015RegionLines(**by_region[region]) for region in pools.bases},
        undistributed=tuple(UndistributedLine(line, other[line], REASON_NO_ELIGIBLE_REGION) for line in undistributed),
        notes=tuple(explanation.notes),
        trace=tuple(explanation.steps),
    )


def alf2015_pools(inputs: Alf2015Inputs, explanation: Explanation) -> Pools:
    """§5.1-5.2: the base pool split by the fixed shares, and the quality pot by panel."""
    params = inputs.params
    appropriation = inputs.appropriation
    base_pool = to_fraction(params.base_fraction) * appropriation
    explanation.step("base_pool", base_pool, appropriation=appropriation, base_fraction=params.base_fraction)
    base_per_percent = base_pool / 100
    bases = {region: to_fraction(share) * base_per_percent for region, share in inputs.shares.items()}
    if explanation.record_steps:
        for region, base in bases.items():
            explanation.step("base_amount", base, region=region, share=inputs.shares[region], base_pool=base_pool)

    quality_pot = appropriation - base_pool
    explanation.step("quality_pot", quality_pot, appropriation=appropriation, base_pool=base_pool)
    guarantee, cap = to_fraction(params.guarantee), to_fraction(params.cap)
    panels = []
    for number in PANELS:
        weight = to_fraction(params.panel_weights[number])
        panels.append(Panel(number, weight, weight * quality_pot, guarantee * weight, cap * weight))
    return Pools(bases, quality_pot, tuple(panels))


def panel_lines(
    panel: Panel,
    bases: Mapping[str, Fraction],
    ratings: Mapping[str, Rating],
    params: Alf2015Params,
    explanation: Explanation,
) -> dict[Line, Fraction]:
    """§5.3-5.4 for one panel, exact: each region's line, and an undistributed line when
    some of the pot can go to no region. Depends on this panel's ratings only."""
    amounts, unallocated = _allocate_panel(panel, bases, ratings, params, explanation)
    lines = {Line(region, panel.line): amount for region, amount in amounts.items()}
    if unallocated:
        lines[Line(None, panel.line)] = unallocated
    return lines


def _allocate_panel(
    panel: Panel,
    bases: Mapping[str, Fraction],
    ratings: Mapping[str, Rating],
    params: Alf2015Params,
    explanation: Explanation,
) -> tuple[dict[str, Fraction], Fraction]:
    """Each region's amount in one panel, and the amount no region can get."""
    good_high = [region for region, rating in ratings.items() if rating is Rating.GOOD_HIGH]
    very_high = [region for region, rating in ratings.items() if rating is Rating.VERY_HIGH]
    amounts = dict.fromkeys(bases, Fraction(0))
    for region, rating in ratings.items():
        if rating is Rating.INADEQUATE:
            explanation.step("inadequate", 0, region=region, panel=panel.number)
    if not good_high and not very_high:
        # §5.4 decision: no eligible region, the whole pot is an undistributed line.
        explanation.note("no_eligible_region", panel=panel.number)
        return amounts, _undistributed(panel, panel.pot, explanation)
    if not very_high:
        explanation.note("no_very_high", panel=panel.number)

    good_high_base = sum((bases[region] for region in good_high), Fraction(0))
    after_guarantees = _after_guarantees(panel, good_high, good_high_base, bases, params, explanation)

    # A very-high region gets no guarantee of its own: only its capped share.
    fill = water_fill(
        after_guarantees,
        {region: bases[region] for region in very_high},
        {region: panel.cap_per_base * bases[region] for region in very_high},
    )
    _explain_water_fill(panel, fill, bases, params, explanation)
    amounts.update(fill.amounts)

    per_base, unallocated = _good_high_per_base(panel, fill.leftover, good_high, good_high_base, bases, bool(very_high), explanation)
    for region in good_high:
        amounts[region] = per_base * bases[region]
    return amounts, unallocated


def _after_guarantees(
    panel: Panel,
    good_high: list[str],
    good_high_base: Fraction,
    bases: Mapping[str, Fraction],
    params: Alf2015Params,
    explanation: Explanation,
) -> Fraction:
    """The panel's pot less the good_high regions' guarantees (so much per krona of their base)."""
    guarantees = panel.guarantee_per_base * good_high_base
    if explanation.record_steps:
        for region in good_high:
            explanation.step(
                "guarantee",
                panel.guarantee_per_base * bases[region],
                region=region,
                panel=panel.number,
                guarantee=params.guarantee,
                base=bases[region],
                weight=params.panel_weights[panel.number],
            )
    after_guarantees = panel.pot - guarantees
    explanation.step(
        "after_guarantees",
        after_guarantees,
        panel=panel.number,
        pot=panel.pot,
        guarantees=guarantees,
    )
    return after_guarantees


def _good_high_per_base(
    panel: Panel,
    leftover: Fraction,
    good_high: list[str],
    good_high_base: Fraction,
    bases: Mapping[str, Fraction],
    any_very_high: bool,
    explanation: Explanation,
) -> tuple[Fraction, Fraction]:
    """A good_high region's amount per krona of its base, and the amount no region can get.

    The amount per krona is the guarantee, plus a share of what the very-high regions cannot
    take (§5.4 decision), when there is any.
    """
    per_base = panel.guarantee_per_base
    if leftover == 0:
        return per_base, Fraction(0)
    if good_high_base == 0:
        # Decision 5: no base to split by (or no good_high region at all).
        explanation.note("leftover_undistributed", panel=panel.number)
        return per_base, _undistributed(panel, leftover, explanation)
    explanation.note("leftover_to_good_high" if any_very_high else "pot_to_good_high", panel=panel.number)
    leftover_per_base = leftover / good_high_base
    if explanation.record_steps:
        for region in good_high:
            explanation.step(
                "leftover_to_good_high",
                leftover_per_base * bases[region],
                region=region,
                panel=panel.number,
                leftover=leftover,
                base=bases[region],
                good_high_base=good_high_base,
            )
    return per_base + leftover_per_base, Fraction(0)


def _undistributed(panel: Panel, amount: Fraction, explanation: Explanation) -> Fraction:
    explanation.step(
        "undistributed",
        amount,
        panel=panel.number,
        line=panel.line,
        reason=REASON_NO_ELIGIBLE_REGION,
    )
    return amount


def _explain_water_fill(
    panel: Panel,
    fill: WaterFill,
    bases: Mapping[str, Fraction],
    params: Alf2015Params,
    explanation: Explanation,
) -> None:
    if not explanation.record_steps:
        return
    for number, fill_round in enumerate(fill.rounds):
        code = "very_high_share" if number == 0 else "spill_over"
        for region, share in fill_round.shares.items():
            explanation.step(
                code,
                share,
                region=region,
                panel=panel.number,
                pot=fill_round.pot,
                base=bases[region],
                base_total=fill_round.weight_total,
            )
        for region in fill_round.capped:
            explanation.step(
                "cap",
                fill.amounts[region],
                region=region,
                panel=panel.number,
                share=fill_round.shares[region],
                cap=params.cap,
                base=bases[region],
                weight=params.panel_weights[panel.number],
            )

"""FO-ALF under the 2015 agreement, model "alf2015" (allocation-rules.md §5)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from .exact import exact_sum
from .inputs import PANELS, Alf2015Inputs, Alf2015Params, Rating
from .results import (
    REASON_NO_ELIGIBLE_REGION,
    Alf2015RegionLines,
    Alf2015Result,
    UndistributedLine,
)
from .rounding import Line, largest_remainder
from .trace import Explanation
from .water_fill import WaterFill, water_fill


@dataclass(frozen=True)
class _Panel:
    number: int
    weight: Fraction
    pot: Fraction

    @property
    def line(self) -> str:
        return f"panel_{self.number}"


def compute_alf2015(inputs: Alf2015Inputs) -> Alf2015Result:
    params = inputs.params
    appropriation = inputs.appropriation
    explanation = Explanation()

    # §5.1: the base pool, split by the fixed shares.
    base_pool = Fraction(params.base_fraction) * appropriation
    explanation.step("base_pool", base_pool, appropriation=appropriation, base_fraction=params.base_fraction)
    base_per_percent = base_pool / 100
    bases = {region: Fraction(share) * base_per_percent for region, share in inputs.shares.items()}
    for region, base in bases.items():
        explanation.step("base_amount", base, region=region, share=inputs.shares[region], base_pool=base_pool)
    exact = {Line(region, "base"): base for region, base in bases.items()}

    # §5.2: the quality pot, split over the panels.
    quality_pot = appropriation - base_pool
    explanation.step("quality_pot", quality_pot, appropriation=appropriation, base_pool=base_pool)
    undistributed: list[str] = []
    for number in PANELS:
        weight = Fraction(params.panel_weights[number])
        panel = _Panel(number, weight, weight * quality_pot)
        explanation.step(
            "panel_pot",
            panel.pot,
            panel=number,
            weight=params.panel_weights[number],
            quality_pot=quality_pot,
        )
        ratings = {region: by_panel[number] for region, by_panel in inputs.ratings.items()}
        amounts, unallocated = _allocate_panel(panel, bases, ratings, params, explanation)
        exact.update({Line(region, panel.line): amount for region, amount in amounts.items()})
        if unallocated:
            exact[Line(None, panel.line)] = unallocated
            undistributed.append(panel.line)

    rounded = largest_remainder(exact, appropriation)
    explanation.rounding(exact, rounded)
    return Alf2015Result(
        appropriation=appropriation,
        regions={
            region: Alf2015RegionLines(
                base=rounded[Line(region, "base")],
                panel_1=rounded[Line(region, "panel_1")],
                panel_2=rounded[Line(region, "panel_2")],
                panel_3=rounded[Line(region, "panel_3")],
            )
            for region in bases
        },
        undistributed=tuple(UndistributedLine(line, rounded[Line(None, line)], REASON_NO_ELIGIBLE_REGION) for line in undistributed),
        notes=tuple(explanation.notes),
        trace=tuple(explanation.steps),
    )


def _allocate_panel(
    panel: _Panel,
    bases: Mapping[str, Fraction],
    ratings: Mapping[str, Rating],
    params: Alf2015Params,
    explanation: Explanation,
) -> tuple[dict[str, Fraction], Fraction]:
    """§5.3-5.4 for one panel: each region's amount, and the amount no region can get."""
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

    guarantee_per_base = Fraction(params.guarantee) * panel.weight
    for region in good_high:
        amounts[region] = guarantee_per_base * bases[region]
        explanation.step(
            "guarantee",
            amounts[region],
            region=region,
            panel=panel.number,
            guarantee=params.guarantee,
            base=bases[region],
            weight=params.panel_weights[panel.number],
        )
    guarantees = exact_sum(amounts[region] for region in good_high)
    after_guarantees = panel.pot - guarantees
    explanation.step(
        "after_guarantees",
        after_guarantees,
        panel=panel.number,
        pot=panel.pot,
        guarantees=guarantees,
    )

    # A very-high region gets no guarantee of its own: only its capped share.
    cap_per_base = Fraction(params.cap) * panel.weight
    fill = water_fill(
        after_guarantees,
        {region: bases[region] for region in very_high},
        {region: cap_per_base * bases[region] for region in very_high},
    )
    _explain_water_fill(panel, fill, bases, params, explanation)
    amounts.update(fill.amounts)
    if fill.leftover == 0:
        return amounts, Fraction(0)

    # §5.4 decision: what the very-high regions cannot take goes to good_high by base.
    good_high_base = exact_sum(bases[region] for region in good_high)
    if good_high_base == 0:
        # Decision 5: no base to split by (or no good_high region at all).
        explanation.note("leftover_undistributed", panel=panel.number)
        return amounts, _undistributed(panel, fill.leftover, explanation)
    explanation.note("leftover_to_good_high" if very_high else "pot_to_good_high", panel=panel.number)
    for region in good_high:
        extra = fill.leftover * bases[region] / good_high_base
        amounts[region] += extra
        explanation.step(
            "leftover_to_good_high",
            extra,
            region=region,
            panel=panel.number,
            leftover=fill.leftover,
            base=bases[region],
            good_high_base=good_high_base,
        )
    return amounts, Fraction(0)


def _undistributed(panel: _Panel, amount: Fraction, explanation: Explanation) -> Fraction:
    explanation.step(
        "undistributed",
        amount,
        panel=panel.number,
        line=panel.line,
        reason=REASON_NO_ELIGIBLE_REGION,
    )
    return amount


def _explain_water_fill(
    panel: _Panel,
    fill: WaterFill,
    bases: Mapping[str, Fraction],
    params: Alf2015Params,
    explanation: Explanation,
) -> None:
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

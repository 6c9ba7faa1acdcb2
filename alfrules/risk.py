"""Rating risk: how each region's research money depends on its ratings.

Two questions for one year's research inputs (either model):

(a) ``rating_changes``: each region's money under every single-step rating change (one
    region, one panel, one step up or down the scale inadequate < good_high < very_high),
    each computed with the scalar engine, exactly.

(b) ``simulate_ratings``: a Monte Carlo over rating outcomes. Each region's rating in each
    panel is drawn independently from given probabilities (``default_probabilities``
    derives them from the last rounds) with a seeded numpy ``Generator``, and each region's
    money is computed for every outcome, returning its median and 5th and 95th percentiles.

How (b) stays exact and fast. Money is rounded once over all lines of an allocation
(largest remainder), so an outcome's amounts cannot be added up from per-panel amounts
that are each rounded. Instead:

- every line's *exact* amount depends on a small "state" only. Under alf2015 a panel's
  lines depend on that panel's column of ratings (its pattern): they are computed once per
  distinct pattern (a few hundred to a couple of thousand per panel, however many outcomes
  are drawn), all patterns of a panel at once, with numpy arrays of Python integers
  (``dtype=object``: exact, no overflow) in the closed form of the panel rules
  (``_alf2015_line_states`` says why the water-fill takes one round). Under ds2024 a
  region's quality lines depend only on whether it keeps its quality amount; both states
  come from the engine's own ``ds2024_exact_lines``;
- the rounding is vectorised with numpy over all outcomes at once, in int64: each
  line-state's floor and the rank of its remainder among every remainder that occurs
  (ranked exactly, see ``_remainder_ranks``); one ``argsort`` per outcome row orders the
  lines as ``largest_remainder`` does (largest remainder first, ties by
  ``Line.tie_break_key``), and the first ``leftover`` lines get one krona more.

One definition of each rule. What can be taken from the scalar engine is: the rating scale
(``Rating``, in scale order), the pools and pots (``alf2015_pools``), the ds2024 lines
(``ds2024_exact_lines``), the very-high limit (``predicates.very_high_count_allowed``) and
the quality condition (``predicates.keeps_quality_amount``), both tabulated over every value
they can take and looked up per outcome, the tie-break (``Line.tie_break_key``) and which
lines make a region's total (read off the results' own ``total``). Two things are restated
in vectorised form because the scalar functions work one allocation at a time: the alf2015
panel split (``_alf2015_line_states``, of ``alf2015._allocate_panel``) and the
largest-remainder rounding (``_round_outcomes``, of ``rounding.largest_remainder``). Their
equality with the scalar engine is not argued but proved by test:
``alfrules/tests/test_risk.py::test_vectorised_amounts_equal_the_scalar_engine_on_every_outcome``
compares every region's amount in every drawn outcome with the scalar engine, over generated
inputs of both models (any regions, shares, parameters and ratings a scenario may hold), and
``test_every_rating_outcome_of_two_regions_equals_the_scalar_engine`` does so for every
outcome there is. Each outcome's amounts sum exactly to the appropriation (with GUNS and
undistributed lines).

Invalid outcomes. alf2015 allows at most ``max_very_high`` very-high regions per panel and
the scalar engine rejects more as invalid input (``ScenarioError``). The draw therefore
redraws the panel columns that break the limit until they do not (rejection sampling: the
outcomes follow the given probabilities conditioned on being valid input), and reports how
many columns it redrew. ds2024 has no limit.

Probabilities. One region's three chances in one panel must sum to 1 within
``PROBABILITY_TOLERANCE`` (``probabilities_sum_to_one``): the one rule the risk page, the API
and the engine check. The page and the API scale what they are given to sum to 1
(``probabilities_scaled_to_one``) before they call the engine.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Final

import numpy as np
import numpy.typing as npt

from .alf2015 import alf2015_pools
from .ds2024 import ds2024_exact_lines
from .errors import ScenarioError
from .exact import exact_sum
from .inputs import PANELS, Alf2015Inputs, Ds2024Inputs, Rating
from .predicates import keeps_quality_amount, very_high_count_allowed
from .results import Alf2015RegionLines, Ds2024RegionLines
from .rounding import Line
from .scenario import ResearchInputs, compute_research
from .trace import Explanation

# The rating scale in order (``Rating`` lists it so); a drawn outcome holds each rating as
# its index here.
SCALE: tuple[Rating, ...] = tuple(Rating)
DEFAULT_SMOOTHING = 0.5

PROBABILITY_TOLERANCE: Final = Decimal("0.0005")
"""How far from 1 one region's three chances in one panel may sum. The risk page shows and
takes them to four decimals (1/7 is 0.1429, and 0.1429 + 0.1429 + 0.7143 = 1.0001): three such
roundings are off by at most 0.00015, while a mistyped digit is off by 0.001 or more."""


def _lines_in_total(lines: type[Alf2015RegionLines | Ds2024RegionLines]) -> frozenset[str]:
    """The lines a region's ``total`` adds up, read off the results' own ``total`` (each
    line in turn one krona, the others none): a forfeited ds2024 quality amount is GUNS'
    money, not the region's."""
    names = [line.name for line in dataclasses.fields(lines)]
    return frozenset(name for name in names if lines(**{other: int(other == name) for other in names}).total == 1)


_TOTAL_LINES: Mapping[type, frozenset[str]] = {
    Alf2015Inputs: _lines_in_total(Alf2015RegionLines),
    Ds2024Inputs: _lines_in_total(Ds2024RegionLines),
}
# Rejection sampling gives up after this many rounds of redrawing: the probabilities then
# make a valid outcome too unlikely to be a useful model.
_MAX_REDRAW_ROUNDS = 1_000

Ratings = Mapping[str, Mapping[int, Rating]]
Probabilities = Mapping[str, Mapping[int, Mapping[Rating, float]]]
Codes = npt.NDArray[np.int8]
Kronor = npt.NDArray[np.int64]


# (a) Single-step changes.


@dataclass(frozen=True)
class RatingChange:
    """One region's rating in one panel moved one step; ``research`` is every region's
    money after it, or ``None`` with ``invalid`` when the model rejects the ratings."""

    region: str
    panel: int
    before: Rating
    after: Rating
    research: Mapping[str, int] | None
    invalid: str | None
    invalid_field: str | None = None  # the scenario path the model rejected


@dataclass(frozen=True)
class RatingChanges:
    baseline: Mapping[str, int]
    changes: tuple[RatingChange, ...]


def rating_changes(inputs: ResearchInputs) -> RatingChanges:
    """Every region's research money under each single-step rating change (scalar engine)."""
    changes = []
    for region, by_panel in inputs.ratings.items():
        for panel in PANELS:
            before = by_panel[panel]
            position = SCALE.index(before)
            for after_position in (position - 1, position + 1):
                if not 0 <= after_position < len(SCALE):
                    continue
                after = SCALE[after_position]
                changed = {**inputs.ratings, region: {**by_panel, panel: after}}
                try:
                    research: Mapping[str, int] | None = research_for_ratings(inputs, changed)
                    invalid = invalid_field = None
                except ScenarioError as error:
                    research, invalid, invalid_field = None, str(error), error.field
                changes.append(RatingChange(region, panel, before, after, research, invalid, invalid_field))
    return RatingChanges(research_for_ratings(inputs, inputs.ratings), tuple(changes))


def research_for_ratings(inputs: ResearchInputs, ratings: Ratings) -> dict[str, int]:
    """Each region's research money with ``ratings`` in place of the inputs' (scalar engine,
    exact). Raises ``ScenarioError`` when the model rejects the ratings."""
    result = compute_research(replace(inputs, ratings=ratings), trace=False)
    return {region: lines.total for region, lines in result.regions.items()}


# (b) Monte Carlo.


def default_probabilities(rounds: Sequence[Ratings], *, smoothing: float = DEFAULT_SMOOTHING) -> dict[str, dict[int, dict[Rating, float]]]:
    """Each region's chance of each rating in each panel from its ratings in ``rounds``
    (e.g. the last two evaluation rounds): the frequency with additive smoothing,
    ``(times rated r + smoothing) / (len(rounds) + 3 × smoothing)``.

    Smoothing keeps every rating possible (two rounds are little evidence), and the default
    0.5 (Jeffreys' prior) leans towards what the region got: rated good_high twice gives
    good_high 5/7, the other two 1/7 each. A region must be rated in every round given.
    """
    if not rounds:
        raise ValueError("default_probabilities needs the ratings of at least one round")
    if smoothing < 0:
        raise ValueError("smoothing must not be negative")
    denominator = len(rounds) + len(SCALE) * smoothing
    if denominator == 0:
        raise ValueError("smoothing 0 needs at least one round")
    regions = rounds[-1]
    return {
        region: {
            panel: {rating: (sum(1 for ratings in rounds if ratings[region][panel] is rating) + smoothing) / denominator for rating in SCALE}
            for panel in PANELS
        }
        for region in regions
    }


@dataclass(frozen=True)
class RegionRisk:
    """Percentiles of a region's research money over the outcomes: amounts that occurred."""

    p5: int
    median: int
    p95: int


@dataclass(frozen=True)
class RiskSimulation:
    regions: tuple[str, ...]
    codes: Codes  # (outcomes, regions, panels): index into SCALE
    research: Kronor  # (outcomes, regions): whole kronor
    redrawn: int  # panel columns redrawn for breaking alf2015's very-high limit

    def summary(self) -> dict[str, RegionRisk]:
        # "inverted_cdf": each percentile is an amount some outcome had, so whole kronor.
        p5, median, p95 = np.percentile(self.research, [5, 50, 95], axis=0, method="inverted_cdf")
        return {region: RegionRisk(int(p5[i]), int(median[i]), int(p95[i])) for i, region in enumerate(self.regions)}


def simulate_ratings(
    inputs: ResearchInputs,
    probabilities: Probabilities,
    *,
    outcomes: int = 10_000,
    seed: int | None = 0,
) -> RiskSimulation:
    """Draw ``outcomes`` rating outcomes and compute each region's money in each, exactly."""
    regions = tuple(inputs.shares)
    rng = np.random.default_rng(seed)
    max_very_high = inputs.params.max_very_high if isinstance(inputs, Alf2015Inputs) else None
    codes, redrawn = draw_ratings(probabilities, regions, outcomes, rng, max_very_high=max_very_high)
    return RiskSimulation(regions, codes, research_by_outcome(inputs, codes), redrawn)


def draw_ratings(
    probabilities: Probabilities,
    regions: Sequence[str],
    outcomes: int,
    rng: np.random.Generator,
    *,
    max_very_high: int | None = None,
) -> tuple[Codes, int]:
    """``outcomes`` independent draws of every region's rating in every panel, as indices
    into ``SCALE``, shape (outcomes, regions, panels); panel columns with more than
    ``max_very_high`` very-high regions are redrawn. Returns the codes and how many columns
    were redrawn."""
    cumulative = _cumulative(probabilities, regions)  # (regions, panels, len(SCALE) - 1)
    codes = _draw(rng.random((outcomes, len(regions), len(PANELS))), cumulative)
    redrawn = 0
    if max_very_high is None:
        return codes, redrawn
    for _ in range(_MAX_REDRAW_ROUNDS):
        outcome, panel = np.nonzero(_over_very_high_limit(codes, max_very_high))
        if len(outcome) == 0:
            return codes, redrawn
        redrawn += len(outcome)
        # A fresh column for each panel that broke the limit, from that panel's probabilities.
        uniform = rng.random((len(outcome), len(regions)))
        codes[outcome, :, panel] = _draw(uniform, cumulative[:, panel, :].transpose(1, 0, 2))
    raise UndrawableRatings(max_very_high)


def _over_very_high_limit(codes: Codes, max_very_high: int) -> npt.NDArray[np.bool_]:
    """Which panel columns, shape (outcomes, panels), the scalar engine rejects for holding
    more very-high regions than alf2015 allows: ``very_high_count_allowed`` (as the engine's
    input check calls it) for every count a column can have, looked up per column."""
    counts = (codes == SCALE.index(Rating.VERY_HIGH)).sum(axis=1)
    regions = codes.shape[1]
    allowed = np.array([very_high_count_allowed(count, min_very_high=None, max_very_high=max_very_high) for count in range(regions + 1)])
    over: npt.NDArray[np.bool_] = ~allowed[counts]
    return over


class UndrawableRatings(ValueError):
    """With the given probabilities a panel almost never stays within the very-high limit."""

    def __init__(self, max_very_high: int) -> None:
        self.max_very_high = max_very_high
        super().__init__(
            f"could not draw valid ratings: with these probabilities a panel almost always has more than {max_very_high} very_high regions"
        )


def ratings_of(codes: Codes, regions: Sequence[str]) -> dict[str, dict[int, Rating]]:
    """One outcome (shape (regions, panels)) as a ratings mapping, for the scalar engine."""
    return {region: {panel: SCALE[int(codes[i, j])] for j, panel in enumerate(PANELS)} for i, region in enumerate(regions)}


def research_by_outcome(inputs: ResearchInputs, codes: Codes) -> Kronor:
    """Each region's research money in each outcome, shape (outcomes, regions); equal to
    ``research_for_ratings`` for each outcome, to the krona."""
    regions = tuple(inputs.shares)
    if isinstance(inputs, Alf2015Inputs):
        lines = _alf2015_line_states(inputs, codes, regions)
    else:
        lines = _ds2024_line_states(inputs, codes, regions)
    ordered = sorted(lines, key=lambda item: item.line.tie_break_key())
    rounded = _round_outcomes(ordered, inputs.appropriation, len(codes))
    counted = _TOTAL_LINES[type(inputs)]
    research = np.zeros((len(codes), len(regions)), dtype=np.int64)
    index = {region: i for i, region in enumerate(regions)}
    for position, item in enumerate(ordered):
        if item.line.region is not None and item.line.name in counted:
            research[:, index[item.line.region]] += rounded[:, position]
    return research


@dataclass(frozen=True)
class _LineStates:
    """One line's exact amount in each of its states (``numerators / denominators``, object
    arrays of Python ints), and each outcome's state."""

    line: Line
    numerators: npt.NDArray[np.object_]
    denominators: npt.NDArray[np.object_]
    state: npt.NDArray[np.intp] | None  # (outcomes,) indices into the states; None: one state


def _from_fractions(line: Line, *values: Fraction, state: npt.NDArray[np.intp] | None = None) -> _LineStates:
    """A line whose states' exact amounts are ``values`` (one value: the same in every outcome)."""
    numerators = np.array([value.numerator for value in values], dtype=object)
    denominators = np.array([value.denominator for value in values], dtype=object)
    return _LineStates(line, numerators, denominators, state)


def _alf2015_line_states(inputs: Alf2015Inputs, codes: Codes, regions: Sequence[str]) -> list[_LineStates]:
    """alf2015 lines for every outcome: a panel's lines depend on its column of ratings only,
    so they are computed once per distinct column, all columns of a panel at once.

    A vectorised re-statement of ``alf2015._allocate_panel`` (§5.3-5.4), kept because that
    function splits one column at a time; equal to it by test (the module docstring names
    the tests that prove it), not by construction. In integers scaled by the
    common denominator of the panel's pot, bases, guarantees and caps. Caps are the same
    fraction of every base, so the water-fill takes one round: a very-high region's share
    ``after × base / W_V`` exceeds its cap ``κ × base`` exactly when ``after > κ × W_V``,
    the same for every very-high region; then all are capped (regions of base 0 get 0
    either way) and ``after − κ × W_V`` is left over, else nothing is. What is left goes to
    good_high regions by base, or is undistributed when their bases sum to 0.
    """
    if _over_very_high_limit(codes, inputs.params.max_very_high).any():
        # The scalar engine rejects these ratings (ScenarioError); draw_ratings redraws them.
        raise ValueError(f"an outcome has more than {inputs.params.max_very_high} very_high regions in a panel")
    pools = alf2015_pools(inputs, Explanation(record_steps=False))
    lines = [_from_fractions(Line(region, "base"), pools.bases[region]) for region in regions]
    place_values = len(SCALE) ** np.arange(len(regions), dtype=np.int64)
    for j, panel in enumerate(pools.panels):
        patterns, state = np.unique(codes[:, :, j].astype(np.int64) @ place_values, return_inverse=True)
        columns = (patterns[:, None] // place_values[None, :]) % len(SCALE)  # (patterns, regions)
        good_high = columns == SCALE.index(Rating.GOOD_HIGH)
        very_high_column = columns == SCALE.index(Rating.VERY_HIGH)
        bases = [pools.bases[region] for region in regions]
        guarantees = [panel.guarantee_per_base * base for base in bases]
        caps = [panel.cap_per_base * base for base in bases]
        scale = math.lcm(panel.pot.denominator, *(value.denominator for value in (*bases, *guarantees, *caps)))
        base_units = np.array([int(base * scale) for base in bases], dtype=object)
        guarantee_units = np.array([int(value * scale) for value in guarantees], dtype=object)
        cap_units = np.array([int(value * scale) for value in caps], dtype=object)
        cap_fraction = panel.cap_per_base

        after = int(panel.pot * scale) - (good_high * guarantee_units).sum(axis=1)  # (patterns,)
        very_high_base = (very_high_column * base_units).sum(axis=1)
        good_high_base = (good_high * base_units).sum(axis=1)
        capped = after * cap_fraction.denominator > very_high_base * cap_fraction.numerator
        leftover = np.where(capped, after - (very_high_column * cap_units).sum(axis=1), 0)
        to_good_high = (leftover > 0) & (good_high_base > 0)

        # Each region's line as numerator / denominator, shape (patterns, regions).
        share_denominator = np.where(very_high_base > 0, very_high_base, 1) * scale
        very_high_numerator = np.where(capped[:, None], cap_units[None, :] * (share_denominator[:, None] // scale), after[:, None] * base_units[None, :])
        extra_denominator = np.where(to_good_high, good_high_base, 1)
        good_high_numerator = guarantee_units[None, :] * extra_denominator[:, None] + np.where(to_good_high[:, None], leftover[:, None] * base_units[None, :], 0)
        numerators = np.where(very_high_column, very_high_numerator, np.where(good_high, good_high_numerator, 0))
        denominators = np.where(very_high_column, share_denominator[:, None], extra_denominator[:, None] * scale)
        state = state.reshape(-1)
        for i, region in enumerate(regions):
            lines.append(_LineStates(Line(region, panel.line), numerators[:, i], denominators[:, i], state))
        undistributed = np.where((leftover > 0) & ~to_good_high, leftover, 0)
        lines.append(_LineStates(Line(None, panel.line), undistributed, np.full(len(patterns), scale, dtype=object), state))
    return lines


def _ds2024_line_states(inputs: Ds2024Inputs, codes: Codes, regions: Sequence[str]) -> list[_LineStates]:
    # A region's lines depend on the ratings only through whether it keeps its quality
    # amount (§6.4); every other line is the same in every outcome. The two states come from
    # the engine with every region keeping (plans approved, no inadequate rating) and with
    # every region forfeiting (plans not approved).
    explanation = Explanation(record_steps=False)
    keeping = replace(inputs, plans_ok=dict.fromkeys(regions, True), ratings={r: dict.fromkeys(PANELS, Rating.GOOD_HIGH) for r in regions})
    forfeiting = replace(inputs, plans_ok=dict.fromkeys(regions, False))
    forfeited_lines, kept_lines = ds2024_exact_lines(forfeiting, explanation), ds2024_exact_lines(keeping, explanation)
    keeps = _keeps_quality_amount(codes, [inputs.plans_ok[region] for region in regions])  # (outcomes, regions)
    index = {region: i for i, region in enumerate(regions)}
    lines = []
    for line, forfeited in forfeited_lines.items():
        if line.region is not None and line.name in ("quality", "quality_forfeited"):
            lines.append(_from_fractions(line, forfeited, kept_lines[line], state=keeps[:, index[line.region]]))
        else:
            lines.append(_from_fractions(line, forfeited))
    return lines


def _keeps_quality_amount(codes: Codes, plans_ok: Sequence[bool]) -> npt.NDArray[np.intp]:
    """Whether each region keeps its quality amount in each outcome (1) or forfeits it (0),
    shape (outcomes, regions): ``keeps_quality_amount`` (as ``ds2024`` calls it) for both
    findings and every pattern of a region's ratings in the panels, looked up per outcome."""
    # Patterns in ``itertools.product`` order: the first panel's rating is the most significant digit.
    patterns = list(itertools.product(range(len(SCALE)), repeat=len(PANELS)))
    table = np.array(
        [[keeps_quality_amount(findings_ok=ok, ratings=(SCALE[code] for code in pattern)) for pattern in patterns] for ok in (False, True)],
        dtype=np.intp,
    )
    place_values = len(SCALE) ** np.arange(len(PANELS) - 1, -1, -1, dtype=np.intp)
    pattern = codes.astype(np.intp) @ place_values  # (outcomes, regions)
    findings = np.array(plans_ok, dtype=np.intp)[None, :]
    keeps: npt.NDArray[np.intp] = table[findings, pattern]
    return keeps


def _round_outcomes(lines: Sequence[_LineStates], total: int, outcomes: int) -> Kronor:
    """``largest_remainder`` for every outcome at once; ``lines`` in tie-break order
    (sorted by ``Line.tie_break_key``, the scalar rule's own key).

    A vectorised re-statement of ``rounding.largest_remainder``, which rounds one allocation
    at a time; equal to it by test (the module docstring names the tests that prove it).

    Shape (outcomes, lines). Each line is floored; the ``total − Σ floors`` kronor left over
    go to the lines with the largest remainders, ties to the earlier line.
    """
    floors_by_line = []
    remainders_by_line = []
    for item in lines:
        floors = item.numerators // item.denominators
        remainders = item.numerators - floors * item.denominators
        # In lowest terms, so that equal remainders are equal pairs (and rank equal).
        common = np.gcd(remainders, item.denominators)
        floors_by_line.append(floors)
        remainders_by_line.append(list(zip((remainders // common).tolist(), (item.denominators // common).tolist(), strict=True)))
    ranks = _remainder_ranks(pair for pairs in remainders_by_line for pair in pairs)
    count = len(lines)
    floors_table = np.empty((outcomes, count), dtype=np.int64)
    keys = np.empty((outcomes, count), dtype=np.int64)
    with_remainder = np.empty((outcomes, count), dtype=np.bool_)
    for position, (item, floors, remainders) in enumerate(zip(lines, floors_by_line, remainders_by_line, strict=True)):
        # Ascending key: a larger remainder first; between equal remainders, the earlier line.
        line_keys = np.array([-ranks[pair] * count + position for pair in remainders], dtype=np.int64)
        line_with_remainder = np.array([numerator != 0 for numerator, _ in remainders])
        line_floors = floors.astype(np.int64)
        if item.state is None:  # one state: the same in every outcome
            floors_table[:, position], keys[:, position], with_remainder[:, position] = line_floors[0], line_keys[0], line_with_remainder[0]
        else:
            floors_table[:, position] = line_floors[item.state]
            keys[:, position] = line_keys[item.state]
            with_remainder[:, position] = line_with_remainder[item.state]
    leftover = total - floors_table.sum(axis=1)
    if (leftover < 0).any() or (leftover > with_remainder.sum(axis=1)).any():
        raise ValueError("rounding: the total is not reachable from the lines")  # as largest_remainder
    order = np.argsort(keys, axis=1)  # keys are distinct within a row: no ties to break
    place = np.empty_like(order)  # place[outcome, line]: the line's position in that order
    place[np.arange(outcomes)[:, None], order] = np.arange(count)
    rounded: Kronor = floors_table + (place < leftover[:, None])
    return rounded


def _remainder_ranks(remainders: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """Each distinct remainder (numerator, denominator in lowest terms) and its rank in
    ascending order, exactly.

    Sorting many fractions exactly is slow, so they are sorted as floats (numpy) and only
    runs of equal floats are sorted again exactly: ``numerator / denominator`` of Python
    ints is correctly rounded, hence monotonic (x < y never gives a larger float for x), so
    floats that differ are already in exact order.
    """
    distinct = list(set(remainders))
    approximate = np.array([numerator / denominator for numerator, denominator in distinct])
    order = np.argsort(approximate, kind="stable")
    ranked: list[tuple[int, int]] = []
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order) and approximate[order[end]] == approximate[order[start]]:
            end += 1
        ranked.extend(sorted((distinct[i] for i in order[start:end]), key=lambda pair: Fraction(*pair)))
        start = end
    return {pair: rank for rank, pair in enumerate(ranked)}


def probabilities_sum_to_one(probabilities: Iterable[Decimal | float]) -> bool:
    """One region's chances of the ratings in one panel sum to 1, within
    ``PROBABILITY_TOLERANCE``: the rule of the risk page, the API and the engine.

    Exact. A float counts as the decimal it is written as (its shortest form, ``str``), so 0.3335
    typed in the page (a ``Decimal``) and sent as JSON (a float) are the same number and the
    three agree on the boundary; a chance that is not a finite number never sums to 1.
    """
    written = [_as_written(probability) for probability in probabilities]
    if not all(value.is_finite() for value in written):
        return False
    return abs(exact_sum(written) - 1) <= PROBABILITY_TOLERANCE


def probabilities_scaled_to_one(probabilities: Sequence[Decimal | float]) -> list[float]:
    """Chances that pass ``probabilities_sum_to_one`` scaled to sum to 1, for the draw.

    Each is divided by their sum (as decimals written, see ``probabilities_sum_to_one``);
    chances that already sum to exactly 1 come back unchanged.
    """
    written = [_as_written(probability) for probability in probabilities]
    total = sum(written, Decimal(0))
    return [float(value / total) for value in written]


def _as_written(probability: Decimal | float) -> Decimal:
    return probability if isinstance(probability, Decimal) else Decimal(str(probability))


def _cumulative(probabilities: Probabilities, regions: Sequence[str]) -> npt.NDArray[np.float64]:
    table = np.empty((len(regions), len(PANELS), len(SCALE)), dtype=np.float64)
    for i, region in enumerate(regions):
        if region not in probabilities:
            raise ValueError(f"probabilities: no entry for region {region}")
        for j, panel in enumerate(PANELS):
            given = probabilities[region].get(panel)
            if given is None:
                raise ValueError(f"probabilities: region {region} has none for panel {panel}")
            row = [given.get(rating, 0.0) for rating in SCALE]
            if min(row) < 0 or not probabilities_sum_to_one(row):
                raise ValueError(f"probabilities of region {region}, panel {panel} must be non-negative and sum to 1")
            table[i, j] = row
    # Drawn as given: the first ratings' chances set the bounds, the last takes what they
    # leave (callers that take typed chances scale them first: probabilities_scaled_to_one).
    return np.cumsum(table, axis=2)[:, :, :-1]


def _draw(uniform: npt.NDArray[np.float64], cumulative: npt.NDArray[np.float64]) -> Codes:
    """Ratings from uniform numbers: a rating's index is how many cumulative probability
    bounds (the last axis of ``cumulative``, broadcast against ``uniform``) it reaches."""
    codes: Codes = (uniform >= cumulative[..., 0]).astype(np.int8)
    for bound in range(1, cumulative.shape[-1]):
        codes += uniform >= cumulative[..., bound]
    return codes

"""Rating risk for a year: what each region's research money could be after the next round.

The year's research inputs are gathered as for the stored allocation (the latest round's
ratings carried forward when no round covers the year yet), under the model that pays the
year unless another is asked for. Then the engine answers two questions (`alfrules.risk`): every
single-step rating change, exactly, and a seeded Monte Carlo over rating outcomes drawn from
per-region-and-panel probabilities — by default the frequencies of the last two rounds with
smoothing, or the user's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from alfrules.inputs import Rating
from alfrules.risk import RatingChanges, RegionRisk, default_probabilities, rating_changes, simulate_ratings
from alfrules.scenario import ResearchInputs, parse_scenario
from evaluations import selectors as evaluation_selectors

from ..gather import gather_year
from ..labels import unavailable_text
from ..selectors import paying_model

MAX_SAMPLES = 100_000
DEFAULT_SAMPLES = 10_000
ROUNDS_FOR_DEFAULTS = 2

Probabilities = dict[str, dict[int, dict[Rating, float]]]


class RiskUnavailable(Exception):
    """The year has no research inputs to vary (no budget year, no round, missing data)."""


@dataclass(frozen=True)
class RegionOutlook:
    region: str
    today: int
    risk: RegionRisk


@dataclass(frozen=True)
class RiskReport:
    year: int
    model: str
    samples: int
    seed: int
    research_increase: int
    probabilities: Probabilities
    rounds: tuple[str, ...]  # the rounds the default probabilities come from (empty: given)
    regions: tuple[RegionOutlook, ...]
    changes: RatingChanges
    redrawn: int


def research_inputs(*, year: int, model: str | None = None, research_increase: int = 0) -> tuple[str, ResearchInputs]:
    """The year's research inputs under ``model`` (the paying one by default), the research
    appropriation raised by ``research_increase`` kronor (as in the projections)."""
    if research_increase < 0:
        raise ValueError(_("The research increase cannot be negative."))
    gathered = gather_year(year=year, carry_ratings_forward=True)
    if gathered is None:
        raise RiskUnavailable(_("There is no budget year %(year)s.") % {"year": year})
    model = model or paying_model(year=year)
    part = gathered[model]
    if "research" not in part.scenario:
        raise RiskUnavailable(unavailable_text(part.meta["research"]) or _("The year has no research inputs."))
    scenario = {**part.scenario, "research": {**part.scenario["research"], "appropriation": part.scenario["research"]["appropriation"] + research_increase}}
    research = parse_scenario(scenario).research
    assert research is not None  # noqa: S101 - the scenario has research
    return model, research


def rounds_probabilities(*, year: int, regions: list[str]) -> tuple[Probabilities, tuple[str, ...]]:
    """Defaults from the last two finalized rounds before `year` that rated every region."""
    rated = []
    for evaluation_round in evaluation_selectors.latest_finalized_rounds(before_year=year + 1, count=ROUNDS_FOR_DEFAULTS + 2):
        ratings = evaluation_selectors.ratings_by_region(evaluation_round=evaluation_round)
        if all(code in ratings and len(ratings[code]) == 3 for code in regions):
            rated.append((evaluation_round.name, {code: {int(p): Rating(v) for p, v in ratings[code].items()} for code in regions}))
        if len(rated) == ROUNDS_FOR_DEFAULTS:
            break
    if not rated:
        raise RiskUnavailable(_("No finalized evaluation round has rated every region, so there is nothing to draw the probabilities from."))
    oldest_first = list(reversed(rated))
    return default_probabilities([ratings for _name, ratings in oldest_first]), tuple(name for name, _ in oldest_first)


def year_risk(
    *,
    year: int,
    samples: int = DEFAULT_SAMPLES,
    model: str | None = None,
    probabilities: Mapping[str, Mapping[int, Mapping[Rating, float]]] | None = None,
    seed: int = 0,
    research_increase: int = 0,
) -> RiskReport:
    """Raises RiskUnavailable, or ValueError for probabilities that cannot be drawn from."""
    if not 1 <= samples <= MAX_SAMPLES:
        raise ValueError(f"samples must lie between 1 and {MAX_SAMPLES}")
    model, inputs = research_inputs(year=year, model=model, research_increase=research_increase)
    regions = list(inputs.shares)
    rounds: tuple[str, ...] = ()
    if probabilities is None:
        chosen, rounds = rounds_probabilities(year=year, regions=regions)
    else:
        if set(probabilities) != set(regions):
            raise ValueError(f"give probabilities for exactly the regions {', '.join(regions)}")
        chosen = {code: {int(panel): dict(by_rating) for panel, by_rating in probabilities[code].items()} for code in regions}
    simulation = simulate_ratings(inputs, chosen, outcomes=samples, seed=seed)
    changes = rating_changes(inputs)
    summary = simulation.summary()
    outlook = tuple(RegionOutlook(region=code, today=changes.baseline[code], risk=summary[code]) for code in simulation.regions)
    return RiskReport(
        year=year,
        model=model,
        samples=samples,
        seed=seed,
        research_increase=research_increase,
        probabilities=chosen,
        rounds=rounds,
        regions=outlook,
        changes=changes,
        redrawn=simulation.redrawn,
    )

"""Why did a region's money change? Exact Shapley values over groups of inputs.

Given two scenarios of the same regions ("from" and "to", decoded scenario JSON as in
docs/allocation-scenario.md), each region's difference in total money (education + research,
whole kronor) is split into causes, one per group of inputs:

=============  ===========================================================================
group          scenario fields
=============  ===========================================================================
appropriation  ``research.appropriation``; the education funding (``education.rate_per_hst``
               or ``education.appropriation``, whichever the scenario gives)
shares         ``research.shares``
ratings        ``research.ratings``
findings       ``research.plans_ok`` (ds2024)
hst            ``education.hst``; ``research.hst`` (ds2024 increment key)
highly_cited   ``research.highly_cited`` (ds2024 bibliometrics)
parameters     ``research.params`` (alf2015); ``research.reference_level``,
               ``guns_fraction``, ``quality_fraction``, ``increment_weights`` (ds2024)
model          ``research.model``: alf2015 or ds2024
=============  ===========================================================================

A *hybrid* scenario takes, for a coalition of groups, the "to" values of the groups in it
and the "from" values of the others. A group's cause is its Shapley value: the average,
over every order of adding the groups, of how much adding it changes the region's money,
computed exactly (``Fraction``) over all coalitions of the groups that differ; each hybrid
is computed once, without its trace. Groups that do not differ get 0, and the causes of
each region sum to its exact difference (Shapley's efficiency), then are rounded to whole
kronor by largest remainder (ties to the cause whose name sorts first) so that they still
sum exactly to the region's difference.

When the two scenarios use different research models, a field that only one model has
(``params`` or the ds2024 keys above, including ``research.hst``) cannot be mixed into
the other model: a hybrid takes those fields from the side whose model it uses, i.e.
with "model" in the coalition from "to", otherwise from "from". Their effect is then part
of the "model" cause, and the groups made only of such fields (findings, highly_cited,
parameters) count as not differing. Both scenarios must give the same parts (education,
research) for the same regions. A hybrid can be invalid although both scenarios are valid
(e.g. "to"'s ``max_very_high`` with "from"'s ratings); then ``ScenarioError`` names it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .errors import ScenarioError
from .rounding import Line, largest_remainder
from .scenario import compute_year, parse_scenario

GROUPS: tuple[str, ...] = (
    "appropriation",
    "shares",
    "ratings",
    "findings",
    "hst",
    "highly_cited",
    "parameters",
    "model",
)
# research.<field> -> its group. "model" is read apart: it decides the other fields' source.
_RESEARCH_GROUPS: Mapping[str, str] = {
    "appropriation": "appropriation",
    "shares": "shares",
    "ratings": "ratings",
    "plans_ok": "findings",
    "hst": "hst",
    "highly_cited": "highly_cited",
    "params": "parameters",
    "reference_level": "parameters",
    "guns_fraction": "parameters",
    "quality_fraction": "parameters",
    "increment_weights": "parameters",
}
# Fields both research models have; any other research field belongs to one model only.
_SHARED_RESEARCH_FIELDS = frozenset({"appropriation", "shares", "ratings"})
_EDUCATION_GROUPS: Mapping[str, str] = {
    "hst": "hst",
    "rate_per_hst": "appropriation",
    "appropriation": "appropriation",
}

Totals = Mapping[str, int]


@dataclass(frozen=True)
class RegionCauses:
    """A region's difference (to − from) in whole kronor and its causes by group: whole
    kronor summing exactly to ``difference``, and the exact Shapley values."""

    difference: int
    causes: Mapping[str, int]
    exact: Mapping[str, Fraction]


@dataclass(frozen=True)
class DifferenceExplained:
    differing: tuple[str, ...]  # the groups whose values differ, in GROUPS order
    regions: Mapping[str, RegionCauses]


def explain_difference(before: Mapping[str, object], after: Mapping[str, object]) -> DifferenceExplained:
    """Split each region's change in money from ``before`` ("from") to ``after`` ("to")
    into causes. Both are decoded scenario documents (``load_scenario_json``)."""
    for scenario in (before, after):
        parse_scenario(scenario)  # both must be valid on their own; raises ScenarioError
    _check_comparable(before, after)
    differing = tuple(group for group in GROUPS if _group_values(before, after, group, before) != _group_values(before, after, group, after))
    values: dict[int, Totals] = {}

    def value(coalition: int) -> Totals:
        if coalition not in values:
            members = frozenset(group for bit, group in enumerate(differing) if coalition >> bit & 1)
            values[coalition] = _totals(_hybrid(before, after, members), members)
        return values[coalition]

    count = len(differing)
    everyone = (1 << count) - 1
    start, end = value(0), value(everyone)
    weights = [Fraction(math.factorial(size) * math.factorial(count - size - 1), math.factorial(count)) for size in range(count)]
    regions: dict[str, RegionCauses] = {}
    exact: dict[str, dict[str, Fraction]] = {region: dict.fromkeys(GROUPS, Fraction(0)) for region in start}
    for bit, group in enumerate(differing):
        for coalition in range(everyone + 1):
            if coalition >> bit & 1:
                continue
            weight = weights[coalition.bit_count()]
            without, with_group = value(coalition), value(coalition | 1 << bit)
            for region in exact:
                exact[region][group] += weight * (with_group[region] - without[region])
    for region, causes in exact.items():
        difference = end[region] - start[region]
        regions[region] = RegionCauses(difference, _round_causes(causes, difference), causes)
    return DifferenceExplained(differing, regions)


def _round_causes(causes: Mapping[str, Fraction], difference: int) -> dict[str, int]:
    """Largest remainder on causes that may be negative: every cause is shifted up by the
    same whole number, which changes no remainder, rounded, and shifted back."""
    shift = max(0, -min(math.floor(cause) for cause in causes.values()))
    shifted = {Line(None, group): cause + shift for group, cause in causes.items()}
    rounded = largest_remainder(shifted, difference + shift * len(causes))
    return {line.name: amount - shift for line, amount in rounded.items()}


def _totals(scenario: Mapping[str, object], members: frozenset[str]) -> Totals:
    try:
        return compute_year(parse_scenario(scenario), trace=False).region_totals()
    except ScenarioError as error:
        taken = ", ".join(sorted(members)) or "none"
        raise ScenarioError.single(
            "$",
            f"mixing the two scenarios gives invalid inputs (groups from the second: {taken}): {error}",
        ) from error


def _hybrid(before: Mapping[str, object], after: Mapping[str, object], members: frozenset[str]) -> dict[str, object]:
    """The scenario with ``after``'s values for the groups in ``members``, else ``before``'s."""

    def side(group: str) -> Mapping[str, object]:
        return after if group in members else before

    hybrid: dict[str, object] = {"year": before["year"]}
    if "education" in before:
        education: dict[str, object] = {}
        for field, group in _EDUCATION_GROUPS.items():
            source = _part(side(group), "education")
            if field in source:
                education[field] = source[field]
        hybrid["education"] = education
    if "research" in before:
        model_side = _part(side("model"), "research")
        research: dict[str, object] = {"model": model_side["model"]}
        for field, group in _RESEARCH_GROUPS.items():
            source = _research_source(before, after, field, side(group), model_side)
            if field in source:
                research[field] = source[field]
        hybrid["research"] = research
    return hybrid


def _research_source(
    before: Mapping[str, object],
    after: Mapping[str, object],
    field: str,
    group_side: Mapping[str, object],
    model_side: Mapping[str, object],
) -> Mapping[str, object]:
    same_model = _part(before, "research")["model"] == _part(after, "research")["model"]
    if field in _SHARED_RESEARCH_FIELDS or same_model:
        return _part(group_side, "research")
    return model_side  # a field of one model only: from the side whose model the hybrid uses


def _group_values(before: Mapping[str, object], after: Mapping[str, object], group: str, side: Mapping[str, object]) -> object:
    """What ``side`` gives for ``group``, comparable between the two scenarios."""
    if group == "model":
        return _part(side, "research").get("model")
    values: dict[str, object] = {}
    education = _part(side, "education")
    for field, field_group in _EDUCATION_GROUPS.items():
        if field_group == group and field in education:
            values[f"education.{field}"] = _canonical(education[field])
    same_model = _part(before, "research").get("model") == _part(after, "research").get("model")
    research = _part(side, "research")
    for field, field_group in _RESEARCH_GROUPS.items():
        if field_group == group and field in research and (same_model or field in _SHARED_RESEARCH_FIELDS):
            values[f"research.{field}"] = _canonical(research[field])
    return values


def _canonical(value: object) -> object:
    """Equal values compare equal however they are written: "0.80", 0.8 and "0.8"."""
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal):
        return Decimal(value).normalize()
    if isinstance(value, str):
        try:
            return Decimal(value).normalize()
        except ArithmeticError:
            return value
    return value


def _part(scenario: Mapping[str, object], name: str) -> Mapping[str, object]:
    part = scenario.get(name, {})
    return part if isinstance(part, Mapping) else {}


def _check_comparable(before: Mapping[str, object], after: Mapping[str, object]) -> None:
    for name in ("education", "research"):
        if (name in before) != (name in after):
            raise ScenarioError.single(name, f"{name} must be given in both scenarios or in neither")
    if _regions(before) != _regions(after):
        raise ScenarioError.single("$", "the two scenarios must name the same regions")


def _regions(scenario: Mapping[str, object]) -> set[str]:
    # Decision 6: every per-region map names the same regions, so one map is enough.
    shares = _part(scenario, "research").get("shares") or _part(scenario, "education").get("hst")
    return set(shares) if isinstance(shares, Mapping) else set()

"""Projections: what each region gets per year under a chosen model and the memo's proposals.

A projection never stores anything. For each year it gathers the inputs as the allocation does
(`gather.gather_year`), with the projection's assumptions — the research model, the education
proposals, an assumed PLO for projected years, more research money, and for years no
evaluation round covers yet the latest round's results carried forward — then runs the engine
without its trace. Every assumption that shaped a year is listed with it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from alfadmin.models import BudgetYear
from alfrules.proposals import EducationProposals
from alfrules.results import Ds2024Result
from alfrules.scenario import compute_year, parse_scenario

from ..gather import gather_year
from ..models import AllocationModel


@dataclass(frozen=True)
class ProjectionRequest:
    """What to project. `model` None: each year's paying model (its agreement period's)."""

    first_year: int
    last_year: int
    model: str | None = None
    proposals: EducationProposals | None = None
    plo: Decimal | None = None
    research_increase: int = 0

    def __post_init__(self) -> None:
        if self.last_year < self.first_year:
            raise ValueError("the last year comes before the first")
        if self.last_year - self.first_year > 30:
            raise ValueError("a projection covers at most 31 years")
        if self.model is not None and self.model not in AllocationModel.values:
            raise ValueError(f"unknown model {self.model}")
        if self.research_increase < 0:
            raise ValueError("the research increase cannot be negative")


@dataclass(frozen=True)
class Assumption:
    """One assumption behind a projected year: a stable code and the values its sentence needs."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class ProjectedYear:
    year: int
    model: str
    is_projection: bool
    education: dict[str, int] = field(default_factory=dict)
    research: dict[str, int] = field(default_factory=dict)
    guns: int = 0
    undistributed: int = 0
    assumptions: list[Assumption] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)
    scenario: dict[str, Any] = field(default_factory=dict)  # what was computed, for the explanation diff

    @property
    def regions(self) -> list[str]:
        return sorted(set(self.education) | set(self.research))

    def total(self, code: str) -> int:
        return self.education.get(code, 0) + self.research.get(code, 0)

    @property
    def education_total(self) -> int:
        return sum(self.education.values())

    @property
    def research_total(self) -> int:
        return sum(self.research.values()) + self.guns + self.undistributed


def project(*, request: ProjectionRequest) -> list[ProjectedYear]:
    """The projected years that have a budget year, first to last."""
    budget_years = {
        b.year: b for b in BudgetYear.objects.filter(year__range=(request.first_year, request.last_year)).select_related("period")
    }
    plo_assumption = {y: request.plo for y, b in budget_years.items() if b.is_projection} if request.plo is not None else None
    projected = []
    for year in sorted(budget_years):
        budget_year = budget_years[year]
        model = request.model or budget_year.period.research_model
        gathered = gather_year(year=year, proposals=request.proposals, plo_assumption=plo_assumption, carry_ratings_forward=True)
        assert gathered is not None  # noqa: S101 - the budget year exists
        part = gathered[model]
        projected.append(_compute(part.scenario, part.meta, year=year, model=model, budget_year=budget_year, request=request))
    return projected


def _compute(
    scenario: dict[str, Any], meta: dict[str, Any], *, year: int, model: str, budget_year: BudgetYear, request: ProjectionRequest
) -> ProjectedYear:
    result = ProjectedYear(year=year, model=model, is_projection=budget_year.is_projection)
    result.assumptions = _assumptions(meta, budget_year=budget_year, request=request)
    scenario = copy.deepcopy(scenario)
    if "research" in scenario and request.research_increase:
        scenario["research"]["appropriation"] += request.research_increase
    for part in ("education", "research"):
        reason = meta[part].get("unavailable")
        if reason:
            result.unavailable[part] = reason
    result.scenario = scenario
    if "education" not in scenario and "research" not in scenario:
        return result
    computed = compute_year(parse_scenario(scenario), trace=False)
    if computed.education is not None:
        result.education = dict(computed.education.regions)
    research = computed.research
    if research is not None:
        result.research = {code: lines.total for code, lines in research.regions.items()}
        result.guns = research.guns.total if isinstance(research, Ds2024Result) else 0
        result.undistributed = sum(line.amount for line in research.undistributed)
    return result


def _assumptions(meta: dict[str, Any], *, budget_year: BudgetYear, request: ProjectionRequest) -> list[Assumption]:
    listed = []
    if budget_year.is_projection:
        listed.append(Assumption("projected_year"))
    if request.plo is not None and budget_year.is_projection:
        listed.append(Assumption("plo_assumed", {"plo": request.plo}))
    if meta["education"].get("proposals"):
        listed.append(Assumption("education_proposals", {"proposals": list(meta["education"]["proposals"])}))
    research = meta["research"]
    if research.get("ratings_carried_forward"):
        listed.append(Assumption("ratings_carried_forward", {"round": research["evaluation_round"]["name"]}))
    if research.get("share_table"):
        listed.append(Assumption("share_table", {"table": research["share_table"]}))
    if request.research_increase:
        listed.append(Assumption("research_increase", {"amount": request.research_increase}))
    return listed

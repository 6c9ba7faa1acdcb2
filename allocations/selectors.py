"""Reads of the allocations, already scoped to the acting user.

Allocations are the state's decisions about public money: every signed-in user reads every
region's figures; anonymous users read nothing. Each selector runs a fixed number of queries,
whatever the number of years and runs (the pages' query counts are tested).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet, Sum

from alfadmin.models import BudgetYear, Region
from alfrules.predicates import RESEARCH_LINES as ENGINE_RESEARCH_LINES

from .models import AllocationLine, AllocationModel, AllocationRun, CurrentAllocation, RecomputeRequest, SavedScenario, YearPublication
from .permissions import can_publish, can_view_allocations, can_view_saved_scenario

# The big JSON columns are read only where a single run is shown.
HEAVY_RUN_FIELDS = ("inputs", "trace")


def run_list(*, user) -> QuerySet[AllocationRun]:
    """Every run (newest first) without the heavy columns; none for anonymous users."""
    if not can_view_allocations(user):
        return AllocationRun.objects.none()
    return AllocationRun.objects.select_related("triggered_by").defer(*HEAVY_RUN_FIELDS, "result").order_by("-created_at", "-pk")


def run_detail_queryset(*, user) -> QuerySet[AllocationRun]:
    if not can_view_allocations(user):
        return AllocationRun.objects.none()
    return AllocationRun.objects.select_related("triggered_by")


def current_pointers(*, user, years: list[int] | None = None, model: str | None = None) -> QuerySet[CurrentAllocation]:
    if not can_view_allocations(user):
        return CurrentAllocation.objects.none()
    pointers = CurrentAllocation.objects.select_related("run", "failed_run", "run__triggered_by").defer(
        *(f"run__{name}" for name in HEAVY_RUN_FIELDS), *(f"failed_run__{name}" for name in (*HEAVY_RUN_FIELDS, "result"))
    )
    if years is not None:
        pointers = pointers.filter(year__in=years)
    if model is not None:
        pointers = pointers.filter(model=model)
    return pointers.order_by("year", "model")


def pending_years(*, user, years: list[int] | None = None) -> set[int]:
    """Years with a recompute requested and not yet done."""
    if not can_view_allocations(user):
        return set()
    pending = RecomputeRequest.objects.filter(processed_at__isnull=True)
    if years is not None:
        pending = pending.filter(year__in=years)
    return set(pending.values_list("year", flat=True).distinct())


def publication_for(*, user, year: int) -> YearPublication | None:
    if not can_view_allocations(user):
        return None
    return YearPublication.objects.select_related("requested_by", "confirmed_by", "reopened_by").filter(year=year).first()


def reopenable_publications(*, user) -> QuerySet[YearPublication]:
    """The published years the user may reopen (none unless `can_reopen`'s role holds); a single
    year is fetched from here, so that a year that is not published and a user who may not
    reopen both get a 404."""
    if not can_publish(user):
        return YearPublication.objects.none()
    return YearPublication.objects.filter(state=YearPublication.State.PUBLISHED).select_related("requested_by", "confirmed_by")


def publication_history(*, user, year: int, limit: int = 20) -> list[Any]:
    if not can_view_allocations(user):
        return []
    return list(
        YearPublication.history.filter(year=year).select_related("history_user", "requested_by", "confirmed_by", "reopened_by")[:limit]
    )


def published_years(*, user) -> set[int]:
    if not can_view_allocations(user):
        return set()
    return set(YearPublication.objects.filter(state=YearPublication.State.PUBLISHED).values_list("year", flat=True))


def paying_models(*, user) -> dict[int, str]:
    """Every budget year's paying model (see `paying_model`) in two queries."""
    if not can_view_allocations(user):
        return {}
    models = {year: model or AllocationModel.ALF2015 for year, model in BudgetYear.objects.values_list("year", "period__research_model")}
    published = YearPublication.objects.filter(state=YearPublication.State.PUBLISHED).values_list("year", "paying_model")
    return {**models, **dict(published)}


@dataclass
class RegionRow:
    """One region's lines in a year's allocation, with the change from the previous year."""

    code: str
    name: str
    education: int | None
    research: dict[str, int]
    total: int
    previous_total: int | None

    @property
    def research_total(self) -> int | None:
        return self.research.get("total")

    @property
    def change(self) -> int | None:
        return None if self.previous_total is None else self.total - self.previous_total

    @property
    def change_ratio(self) -> float | None:
        if not self.previous_total:
            return None
        return (self.total - self.previous_total) / self.previous_total


def allocation_status(*, recomputing: bool, failed: bool, computed: bool, published: bool = False) -> str:
    """The one status of a year's allocation: recomputing | published | failed | current | missing.

    `recomputing` wins (the figures on show are about to change); the API documents only
    current | recomputing | failed and so leaves `published` out (a published year is current).
    """
    if recomputing:
        return "recomputing"
    if published:
        return "published"
    if failed:
        return "failed"
    return "current" if computed else "missing"


@dataclass
class YearAllocation:
    """A year's current allocation under one model, ready for a page, an export or the API."""

    year: int
    model: str
    run: AllocationRun | None
    failed_run: AllocationRun | None
    previous_run: AllocationRun | None
    recomputing: bool
    publication: YearPublication | None
    rows: list[RegionRow] = field(default_factory=list)
    research_lines: list[str] = field(default_factory=list)
    paying_model: str = AllocationModel.ALF2015

    @property
    def role(self) -> str:
        """paying: this model's allocation is what the year pays; comparison: the other model."""
        return "paying" if self.model == self.paying_model else "comparison"

    @property
    def result(self) -> dict[str, Any]:
        return (self.run.result if self.run is not None else None) or {}

    @property
    def status(self) -> str:
        """current | recomputing | failed | missing (the API's status): see `allocation_status`."""
        return allocation_status(recomputing=self.recomputing, failed=self.failed_run is not None, computed=self.run is not None)

    @property
    def badge(self) -> str:
        """The status a page shows, where a published year says so: see `allocation_status`."""
        published = self.publication is not None and self.publication.is_published
        return allocation_status(
            recomputing=self.recomputing, failed=self.failed_run is not None, computed=self.run is not None, published=published
        )

    @property
    def education(self) -> dict[str, Any] | None:
        return self.result.get("education")

    @property
    def research(self) -> dict[str, Any] | None:
        return self.result.get("research")

    @property
    def guns(self) -> dict[str, int] | None:
        return (self.research or {}).get("guns")

    @property
    def undistributed(self) -> list[dict[str, Any]]:
        return (self.research or {}).get("undistributed") or []

    def notes_in(self, lang: str) -> list[str]:
        """The current run's notes as sentences in `lang` ("en" or "sv")."""
        return self.run.notes_in(lang) if self.run is not None else []

    @property
    def education_total(self) -> int | None:
        return (self.education or {}).get("total")

    @property
    def research_total(self) -> int | None:
        return (self.research or {}).get("total")

    @property
    def total(self) -> int | None:
        """Education paid out plus the whole research appropriation (GUNS and undistributed included)."""
        if self.run is None:
            return None
        return (self.education_total or 0) + (self.research_total or 0)

    @property
    def previous_total(self) -> int | None:
        if self.previous_run is None or not self.previous_run.result:
            return None
        result = self.previous_run.result
        return ((result.get("education") or {}).get("total") or 0) + ((result.get("research") or {}).get("total") or 0)

    @property
    def change(self) -> int | None:
        if self.total is None or self.previous_total is None:
            return None
        return self.total - self.previous_total

    def line_totals(self) -> dict[str, int]:
        return {line: sum(row.research.get(line, 0) for row in self.rows) for line in self.research_lines}


# The engine's line names, the one list (pages, exports and the API read them from here).
RESEARCH_LINES = ENGINE_RESEARCH_LINES


def _region_amounts(result: dict[str, Any] | None) -> dict[str, tuple[int | None, dict[str, int], int]]:
    """Region code → (education, research lines, total) of an output document."""
    result = result or {}
    education = (result.get("education") or {}).get("regions") or {}
    research = (result.get("research") or {}).get("regions") or {}
    amounts = {}
    for code in sorted(set(education) | set(research)):
        lines = research.get(code) or {}
        amounts[code] = (education.get(code), lines, (education.get(code) or 0) + (lines.get("total") or 0))
    return amounts


def paying_model(*, year: int, publication: YearPublication | None = None) -> str:
    """The research model that pays `year`: the published one once the year is published (the
    publication keeps what was paid), else the agreement period's; ALF 2015 without a period."""
    if publication is not None and publication.is_published:
        return publication.paying_model
    period_model = BudgetYear.objects.filter(year=year).values_list("period__research_model", flat=True).first()
    return period_model or AllocationModel.ALF2015


def year_allocation(*, user, year: int, model: str) -> YearAllocation | None:
    """The current allocation of `year` under `model` with last year's totals beside it; None if
    the user may not see allocations. Six queries, whatever the number of years and runs."""
    if not can_view_allocations(user):
        return None
    pointers = {p.year: p for p in current_pointers(user=user, years=[year, year - 1], model=model)}
    current, previous = pointers.get(year), pointers.get(year - 1)
    names = dict(Region.objects.values_list("code", "name"))
    allocation = YearAllocation(
        year=year,
        model=model,
        run=current.run if current else None,
        failed_run=current.failed_run if current else None,
        previous_run=previous.run if previous else None,
        recomputing=bool(pending_years(user=user, years=[year])),
        publication=publication_for(user=user, year=year),
        research_lines=list(RESEARCH_LINES.get(model, ())),
    )
    allocation.paying_model = paying_model(year=year, publication=allocation.publication)
    now = _region_amounts(allocation.result)
    before = _region_amounts(allocation.previous_run.result if allocation.previous_run else None)
    for code, (education, research, total) in now.items():
        allocation.rows.append(
            RegionRow(
                code=code,
                name=names.get(code, code),
                education=education,
                research=research,
                total=total,
                previous_total=before[code][2] if code in before else None,
            )
        )
    return allocation


def budget_years(*, user) -> list[int]:
    if not can_view_allocations(user):
        return []
    return list(BudgetYear.objects.order_by("year").values_list("year", flat=True))


@dataclass
class RegionYear:
    year: int
    run_id: int | None
    education: int | None
    research: dict[str, int]
    recomputing: bool
    published: bool
    paying: bool = True  # this model pays the year (else it is the comparison)

    @property
    def badge(self) -> str:
        """The status a page shows for this year: see `allocation_status`."""
        return allocation_status(recomputing=self.recomputing, failed=False, computed=self.run_id is not None, published=self.published)

    @property
    def total(self) -> int | None:
        if self.education is None and not self.research:
            return None
        return (self.education or 0) + self.research.get("total", 0)


def region_years(*, user, region: Region, model: str) -> list[RegionYear]:
    """A region's current allocation in every computed year (oldest first); six queries."""
    if not can_view_allocations(user):
        return []
    pointers = list(CurrentAllocation.objects.filter(model=model, run__isnull=False).order_by("year").values_list("year", "run_id"))
    run_ids = [run_id for _, run_id in pointers]
    lines: dict[int, dict[str, dict[str, int]]] = {}
    for run_id, part, line, amount in AllocationLine.objects.filter(run_id__in=run_ids, region_code=region.code).values_list(
        "run_id", "part", "line", "amount"
    ):
        lines.setdefault(run_id, {}).setdefault(part, {})[line] = amount
    pending = pending_years(user=user)
    paying = paying_models(user=user)
    published = published_years(user=user)
    rows = []
    for year, run_id in pointers:
        parts = lines.get(run_id, {})
        rows.append(
            RegionYear(
                year=year,
                run_id=run_id,
                education=(parts.get("education") or {}).get("total"),
                research=parts.get("research") or {},
                recomputing=year in pending,
                published=year in published,
                paying=paying.get(year, AllocationModel.ALF2015) == model,
            )
        )
    return rows


def saved_scenario_list(*, user, owner=None) -> QuerySet[SavedScenario]:
    """Saved scenarios, newest change first: every signed-in user reads every one (shared by
    link, `can_view_saved_scenario`); none for anonymous users. `owner` narrows to one person's."""
    if not can_view_saved_scenario(user):
        return SavedScenario.objects.none()
    scenarios = SavedScenario.objects.select_related("owner").order_by("-updated_at", "-pk")
    if owner is not None:
        scenarios = scenarios.filter(owner=owner)
    return scenarios


# Analyses ------------------------------------------------------------------------


def year_runs(*, user, year: int) -> dict[str, AllocationRun]:
    """The current run of each model of `year`, whole (result and trace: the comparison page
    reads the guarantees and caps from it); one query."""
    if not can_view_allocations(user):
        return {}
    pointers = CurrentAllocation.objects.filter(year=year, run__isnull=False).select_related("run")
    return {pointer.model: pointer.run for pointer in pointers if pointer.run is not None}


def current_run_ids(*, user, years: list[int]) -> dict[tuple[int, str], int]:
    """(year, model) → the current run's id, for the given years; one query."""
    if not can_view_allocations(user):
        return {}
    pointers = CurrentAllocation.objects.filter(year__in=years, run__isnull=False).values_list("year", "model", "run_id")
    return {(year, model): run_id for year, model, run_id in pointers}


def previous_run_id(*, user, run: AllocationRun) -> int | None:
    """The succeeded run of the same year and model computed just before `run`; one query."""
    if not can_view_allocations(user):
        return None
    earlier = AllocationRun.objects.filter(
        year=run.year, model=run.model, status=AllocationRun.Status.SUCCEEDED, created_at__lte=run.created_at
    ).exclude(pk=run.pk)
    earlier = earlier.exclude(created_at=run.created_at, pk__gt=run.pk)
    return earlier.order_by("-created_at", "-pk").values_list("pk", flat=True).first()


@dataclass(frozen=True)
class TrendYear:
    """A year of the landing page's "appropriations over the years": what is paid or projected."""

    year: int
    education: int | None  # the appropriation, else the paying model's computed education total
    research: int
    is_projection: bool
    education_computed: bool  # True: no education appropriation, the run's total is shown


def appropriation_trend(*, user) -> list[TrendYear]:
    """Every budget year's education and research money; years priced by rate (no education
    appropriation) take the education total of the paying model's current run. Three queries."""
    if not can_view_allocations(user):
        return []
    years = list(BudgetYear.objects.select_related("period").order_by("year"))
    pointers = CurrentAllocation.objects.filter(run__isnull=False).values_list("year", "model", "run_id")
    run_ids = {(year, model): run_id for year, model, run_id in pointers}
    wanted = {y.year: run_ids.get((y.year, y.period.research_model)) for y in years}
    totals = dict(
        AllocationLine.objects.filter(run_id__in=[r for r in wanted.values() if r], part="education", line="total")
        .values("run_id")
        .annotate(amount=Sum("amount"))
        .values_list("run_id", "amount")
    )
    trend = []
    for y in years:
        computed = y.education_appropriation is None
        run_id = wanted[y.year]
        education = (totals.get(run_id) if run_id is not None else None) if computed else y.education_appropriation
        trend.append(TrendYear(year=y.year, education=education, research=y.research_appropriation, is_projection=y.is_projection, education_computed=computed))
    return trend


def current_among(*, user, run_ids: list[int]) -> set[int]:
    """Which of these runs are the current run of their year and model."""
    if not can_view_allocations(user):
        return set()
    return set(CurrentAllocation.objects.filter(run_id__in=run_ids).values_list("run_id", flat=True))


def current_run_id(*, user, year: int, model: str) -> int | None:
    """The current run of a year and model, if the year has been computed."""
    if not can_view_allocations(user):
        return None
    return CurrentAllocation.objects.filter(year=year, model=model).values_list("run_id", flat=True).first()


def run_details(*, user, run_id: int) -> AllocationRun:
    """A run's trace and notes, which lists and overviews leave unloaded."""
    return run_list(user=user).select_related(None).only("trace", "result", "notes_sv").get(pk=run_id)

"""Reads of the core registry, already scoped to the acting user."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from . import permissions
from .models import AgreementPeriod, BudgetYear, Region, ShareTable, StudentCount, University


def region_list(*, user) -> QuerySet[Region]:
    if not permissions.can_view_registry(user):
        return Region.objects.none()
    return Region.objects.select_related("university").order_by("code")


def university_list(*, user) -> QuerySet[University]:
    """Every university with its ALF region (one query: the region is a reverse one-to-one)."""
    if not permissions.can_view_registry(user):
        return University.objects.none()
    return University.objects.select_related("region").order_by("name")


def budget_year_list(*, user) -> QuerySet[BudgetYear]:
    if not permissions.can_view_registry(user):
        return BudgetYear.objects.none()
    return BudgetYear.objects.select_related("period").order_by("year")


def student_count_list(*, user) -> QuerySet[StudentCount]:
    if not permissions.can_view_registry(user):
        return StudentCount.objects.none()
    return StudentCount.objects.select_related("region").order_by("year", "region__code")


def share_table_list(*, user) -> QuerySet[ShareTable]:
    if not permissions.can_view_registry(user):
        return ShareTable.objects.none()
    return ShareTable.objects.prefetch_related("shares__region").order_by("kind")


def agreement_period_list(*, user) -> QuerySet[AgreementPeriod]:
    if not permissions.can_view_registry(user):
        return AgreementPeriod.objects.none()
    return AgreementPeriod.objects.order_by("start_year")


@dataclass(frozen=True)
class StudentSeries:
    """Planned and actual full-year students per region over the years, for tables and charts."""

    years: list[int]
    regions: list[Region]
    cells: dict[tuple[str, int], StudentCount]

    def ratio_series(self) -> dict[str, list[str | None]]:
        """Actual / planned per region and year, as strings for JSON (None where unknown)."""
        series: dict[str, list[str | None]] = {}
        for region in self.regions:
            row: list[str | None] = []
            for year in self.years:
                ratio = self.cells[(region.code, year)].actual_ratio if (region.code, year) in self.cells else None
                row.append(str(ratio.quantize(Decimal("0.001"))) if ratio is not None else None)
            series[region.code] = row
        return series


def student_series(*, user, region: Region | None = None) -> StudentSeries:
    counts = student_count_list(user=user)
    if region is not None:
        counts = counts.filter(region=region)
    cells = {(c.region.code, c.year): c for c in counts}
    years = sorted({year for _, year in cells})
    regions = [region] if region is not None else list(region_list(user=user))
    return StudentSeries(years=years, regions=regions, cells=cells)


def planned_hst_totals(*, user) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for count in student_count_list(user=user):
        totals[count.year] += count.planned_hst
    return dict(totals)


def region_names(*, user) -> dict[str, str]:
    """Region code → name, for labelling tables of figures keyed by code."""
    return dict(region_list(user=user).values_list("code", "name"))

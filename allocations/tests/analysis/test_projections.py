"""Projections 2024–2031: models, the memo's proposals, carried-forward ratings, assumptions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from alfadmin.models import BudgetYear, StudentCount
from alfrules.proposals import EducationProposals
from allocations.analysis.projections import ProjectionRequest, project
from allocations.models import AllocationRun, CurrentAllocation


@pytest.fixture
def years(demo):
    return {p.year: p for p in project(request=ProjectionRequest(first_year=2024, last_year=2031))}


def test_every_year_has_research_money_with_the_last_rounds_ratings_carried_forward(years):
    assert sorted(years) == list(range(2024, 2032))
    for year in range(2028, 2032):
        codes = {a.code for a in years[year].assumptions}
        assert "ratings_carried_forward" in codes, year
        assert years[year].research_total == BudgetYear.objects.get(year=year).research_appropriation
    assert "ratings_carried_forward" not in {a.code for a in years[2025].assumptions}


def test_each_year_uses_the_model_its_period_pays_with(years):
    assert {years[y].model for y in range(2024, 2028)} == {"alf2015"}
    assert {years[y].model for y in range(2028, 2032)} == {"ds2024"}
    assert years[2028].guns > 0


def test_a_stored_year_is_projected_to_the_krona_of_its_current_run(years):
    run = CurrentAllocation.objects.select_related("run").get(year=2025, model="alf2015").run
    stored = {code: lines["total"] for code, lines in run.result["research"]["regions"].items()}
    assert years[2025].research == stored
    assert years[2025].education == run.result["education"]["regions"]


def test_more_research_money_from_2028_goes_to_the_increment_under_ds2024(demo):
    base = {p.year: p for p in project(request=ProjectionRequest(first_year=2028, last_year=2028, model="ds2024"))}[2028]
    more = {
        p.year: p for p in project(request=ProjectionRequest(first_year=2028, last_year=2028, model="ds2024", research_increase=200_000_000))
    }[2028]
    assert more.research_total - base.research_total == 200_000_000
    assert more.research["ORE"] > base.research["ORE"]
    assert "research_increase" in {a.code for a in more.assumptions}


def test_the_memo_arithmetic_and_twelve_terms_from_2027(demo):
    BudgetYear.objects.filter(year=2027).update(rate_per_hst=Decimal("70400"))
    StudentCount.objects.filter(year=2027, region__code="ORE").update(planned_hst=Decimal("688"))
    plain = project(request=ProjectionRequest(first_year=2027, last_year=2027))[0]
    assert plain.education["ORE"] == 48_435_200
    twelve = project(request=ProjectionRequest(first_year=2027, last_year=2027, proposals=EducationProposals(twelfth_term_from=2027)))[0]
    assert twelve.education["ORE"] == 751 * 70_400
    listed = {a.code: dict(a.params) for a in twelve.assumptions}
    assert listed["education_proposals"] == {"proposals": ["twelfth_term"]}


def test_an_assumed_plo_changes_only_projected_years(demo):
    plain = {p.year: p for p in project(request=ProjectionRequest(first_year=2026, last_year=2028))}
    assumed = {p.year: p for p in project(request=ProjectionRequest(first_year=2026, last_year=2028, plo=Decimal("0.03")))}
    assert assumed[2026].education == plain[2026].education  # 2026 is not a projection
    assert assumed[2028].education_total > plain[2028].education_total
    assert any(a.code == "plo_assumed" for a in assumed[2028].assumptions)


def test_a_projection_stores_nothing(demo):
    before = AllocationRun.objects.count()
    project(request=ProjectionRequest(first_year=2024, last_year=2031, research_increase=1))
    assert AllocationRun.objects.count() == before


@pytest.mark.parametrize(
    "kwargs",
    [
        {"first_year": 2030, "last_year": 2024},
        {"first_year": 2000, "last_year": 2040},
        {"first_year": 2024, "last_year": 2025, "model": "nope"},
        {"first_year": 2024, "last_year": 2025, "research_increase": -1},
    ],
)
def test_bad_requests_are_refused(kwargs):
    with pytest.raises(ValueError):
        ProjectionRequest(**kwargs)

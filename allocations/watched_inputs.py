"""The fields that feed the engine, declared once, next to the gatherer that reads them.

`allocations.gather.gather_year` reads exactly these fields; `declare()` hands them to the
kernel (``alfadmin.kernel.inputs``), so every service write that changes one of them requests a
recompute of the years it affects and is refused for a published year, whichever front end
(page, API, admin) made it. A field added to the gatherer must be added here; the test
`allocations/tests/test_watched_inputs.py` walks this list and checks both behaviours.
"""

from __future__ import annotations

from collections.abc import Iterable

from alfadmin.kernel.inputs import declare_input
from alfadmin.models import AgreementPeriod, BudgetYear, Region, ResearchShare, StudentCount
from evaluations.models import Bibliometrics, EvaluationRound, PanelRating, RegionFindings


def _all_years(row: object, changed: frozenset[str]) -> Iterable[int]:
    return BudgetYear.objects.values_list("year", flat=True)


def _budget_year(row: BudgetYear, changed: frozenset[str]) -> Iterable[int]:
    if "plo_rate" in changed:
        # PLO compounds: a year's rate moves every later year's derived rate and reference level.
        return BudgetYear.objects.filter(year__gte=row.year).values_list("year", flat=True)
    return [row.year]


def _period_years(row: AgreementPeriod, changed: frozenset[str]) -> Iterable[int]:
    return BudgetYear.objects.filter(period=row).values_list("year", flat=True)


def _round_years(evaluation_round: EvaluationRound | None) -> Iterable[int]:
    # Draft rounds never drive money; a finalized round drives the years it applies to.
    if evaluation_round is None or not evaluation_round.is_finalized:
        return []
    return evaluation_round.years


def _student_years(row: StudentCount, changed: frozenset[str]) -> Iterable[int]:
    if changed == {"actual_hst"}:
        # Actual (UKÄ) figures drive money only where the period pays a region for what it
        # educates and names no figure of its own (allocation-rules §4).
        period = BudgetYear.objects.filter(year=row.year).select_related("period").first()
        switch = period.period if period else None
        if not (
            switch
            and switch.educated_hst_region_id == row.region_id
            and switch.educated_hst is None
            and switch.educated_hst_from is not None
            and row.year >= switch.educated_hst_from
        ):
            return []
    return [row.year]


PERIOD_PARAMETERS = (
    "base_fraction",
    "panel_weight_1",
    "panel_weight_2",
    "panel_weight_3",
    "guarantee",
    "cap",
    "max_very_high",
    "guns_fraction",
    "quality_fraction",
    "increment_weight_hst",
    "increment_weight_citations",
    "reference_level",
    "reference_year",
    "ds2024_agreement_shares_from",
    "price_base_year",
    "base_rate_per_hst",
    # The memo's education proposals, when switched on for the period.
    "educated_hst_region",
    "educated_hst_from",
    "educated_hst",
    "twelfth_term_from",
    "rate_raise_from",
    "rate_raise_percent",
    "rate_raise_per_hst",
    "rate_raise_phase_years",
)


def declare() -> None:
    declare_input(Region, fields=["code", "is_active"], years=_all_years, label=lambda r: f"{r.code}")
    declare_input(AgreementPeriod, fields=PERIOD_PARAMETERS, years=_period_years, label=lambda p: p.name)
    declare_input(
        BudgetYear,
        fields=[
            "year",
            "period",
            "education_appropriation",
            "research_appropriation",
            "education_basis",
            "rate_per_hst",
            "plo_rate",
            "base_fraction",
        ],
        moves=["year"],
        years=_budget_year,
        label=lambda y: str(y.year),
    )
    declare_input(
        StudentCount,
        fields=["region", "year", "planned_hst", "actual_hst"],
        moves=["region", "year"],
        years=_student_years,
        label=lambda c: f"{c.region.code} {c.year}",
    )
    declare_input(ResearchShare, fields=["table", "region", "percent"], years=_all_years, label=lambda s: str(s.table))
    declare_input(
        EvaluationRound,
        fields=["status", "applies_from", "applies_to"],
        moves=["status", "applies_from", "applies_to"],
        years=lambda r, changed: _round_years(r),
        label=lambda r: r.name,
    )
    declare_input(
        PanelRating,
        fields=["evaluation_round", "region", "panel", "rating"],
        moves=["evaluation_round"],
        years=lambda r, changed: _round_years(r.evaluation_round),
        label=lambda r: f"{r.evaluation_round.name} {r.region.code}",
    )
    declare_input(
        RegionFindings,
        fields=["evaluation_round", "region", "development_areas", "realistic_plans", "previous_acted_on"],
        moves=["evaluation_round"],
        years=lambda f, changed: _round_years(f.evaluation_round),
        label=lambda f: f"{f.evaluation_round.name} {f.region.code}",
    )
    declare_input(
        Bibliometrics,
        fields=["evaluation_round", "region", "highly_cited"],
        moves=["evaluation_round"],
        years=lambda b, changed: _round_years(b.evaluation_round),
        label=lambda b: f"{b.region.code} {b.period_label}",
    )

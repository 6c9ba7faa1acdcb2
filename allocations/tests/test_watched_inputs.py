"""Every declared engine input, walked field by field (allocations/watched_inputs.py).

For each declared field a write through the kernel's history helpers — the only write path of
every service — must (1) request a recompute of the years the row affects, in the writer's
transaction, and (2) be refused for a published year, leaving the stored value as it was. The
edit table below must cover exactly the declared set, so a new input field cannot be added
without saying how it is changed and checked here.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pgtrigger
import pytest
from django.db import transaction
from django.utils import timezone

from alfadmin.kernel.errors import LockedError
from alfadmin.kernel.history import save_with_history
from alfadmin.kernel.input_changes import declared_inputs
from alfadmin.models import AgreementPeriod, BudgetYear, Region, ResearchShare, ShareTable, StudentCount, University, User
from allocations.models import RecomputeRequest, YearPublication
from evaluations.models import Bibliometrics, EvaluationRound, PanelRating, RegionFindings
from evaluations.tests.factories import all_yes, bibliometrics, make_round, rate_all

ROUND_YEARS = [2028, 2029, 2030, 2031]


def _row(model: type, **lookup: Any) -> Any:
    return model.objects.get(**lookup)


def _period() -> AgreementPeriod:
    return BudgetYear.objects.select_related("period").get(year=2024).period


# (model, field) -> (the row to change, the change as field values, the years it must recompute)
Edit = tuple[Callable[[], Any], Callable[[Any], dict[str, Any]], Callable[[Any], set[int]]]


def _all_years(row: Any) -> set[int]:
    return set(BudgetYear.objects.values_list("year", flat=True))


def _period_years(row: Any) -> set[int]:
    return set(BudgetYear.objects.filter(period=row).values_list("year", flat=True))


def _round_years(row: Any) -> set[int]:
    return set(ROUND_YEARS)


EDITS: dict[tuple[type, str], Edit] = {
    (Region, "code"): (lambda: _row(Region, code="ORE"), lambda r: {"code": "OREX"}, _all_years),
    (Region, "is_active"): (lambda: _row(Region, code="ORE"), lambda r: {"is_active": False}, _all_years),
    **{
        (AgreementPeriod, name): (_period, lambda p, name=name: {name: _changed_value(p, name)}, _period_years)
        for name in (
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
            "twelfth_term_from",
            "rate_raise_from",
            "rate_raise_phase_years",
        )
    },
    (AgreementPeriod, "educated_hst_region"): (
        _period,
        lambda p: {"educated_hst_region": Region.objects.get(code="ORE"), "educated_hst_from": 2026},
        _period_years,
    ),
    (AgreementPeriod, "educated_hst_from"): (
        _period,
        lambda p: {"educated_hst_region": Region.objects.get(code="ORE"), "educated_hst_from": 2027},
        _period_years,
    ),
    (AgreementPeriod, "educated_hst"): (_period, lambda p: {"educated_hst": Decimal("780")}, _period_years),
    (AgreementPeriod, "rate_raise_percent"): (_period, lambda p: {"rate_raise_percent": Decimal("25")}, _period_years),
    (AgreementPeriod, "rate_raise_per_hst"): (_period, lambda p: {"rate_raise_per_hst": Decimal("16734")}, _period_years),
    (StudentCount, "actual_hst"): (
        lambda: _with_educated_switch(_row(StudentCount, region__code="ORE", year=2026)),
        lambda c: {"actual_hst": Decimal("782.5")},
        lambda c: {2026},
    ),
    (BudgetYear, "year"): (lambda: _row(BudgetYear, year=2031), lambda y: {"year": 2032}, lambda y: {2031, 2032}),
    (BudgetYear, "period"): (
        lambda: _row(BudgetYear, year=2024),
        lambda y: {"period": AgreementPeriod.objects.exclude(pk=y.period_id).first() or _new_period()},
        lambda y: {2024},
    ),
    (BudgetYear, "education_appropriation"): (lambda: _row(BudgetYear, year=2024), lambda y: {"education_appropriation": 1}, lambda y: {2024}),
    (BudgetYear, "research_appropriation"): (lambda: _row(BudgetYear, year=2024), lambda y: {"research_appropriation": 7}, lambda y: {2024}),
    (BudgetYear, "education_basis"): (
        lambda: _row(BudgetYear, year=2024),
        lambda y: {"education_basis": "rate" if y.education_basis == "appropriation" else "appropriation", "education_appropriation": 5},
        lambda y: {2024},
    ),
    (BudgetYear, "rate_per_hst"): (lambda: _row(BudgetYear, year=2024), lambda y: {"rate_per_hst": Decimal("12345.67")}, lambda y: {2024}),
    (BudgetYear, "plo_rate"): (
        lambda: _row(BudgetYear, year=2024),
        lambda y: {"plo_rate": Decimal("0.04321")},
        lambda y: set(BudgetYear.objects.filter(year__gte=2024).values_list("year", flat=True)),
    ),
    (BudgetYear, "base_fraction"): (lambda: _row(BudgetYear, year=2024), lambda y: {"base_fraction": Decimal("0.7")}, lambda y: {2024}),
    (StudentCount, "planned_hst"): (
        lambda: _row(StudentCount, region__code="STH", year=2024),
        lambda c: {"planned_hst": c.planned_hst + 1},
        lambda c: {2024},
    ),
    (StudentCount, "year"): (
        lambda: StudentCount.objects.filter(region__code="STH").order_by("-year").first(),
        lambda c: {"year": c.year + 1},
        lambda c: {c.year, c.year + 1},
    ),
    (StudentCount, "region"): (
        lambda: _row(StudentCount, region__code="STH", year=2024),
        lambda c: {"region": _spare_region()},
        lambda c: {2024},
    ),
    (ResearchShare, "percent"): (
        lambda: ResearchShare.objects.filter(table__kind=ShareTable.Kind.IN_FORCE).first(),
        lambda s: {"percent": s.percent + 1},
        _all_years,
    ),
    (ResearchShare, "region"): (
        lambda: ResearchShare.objects.filter(table__kind=ShareTable.Kind.IN_FORCE).first(),
        lambda s: {"region": _spare_region()},
        _all_years,
    ),
    (ResearchShare, "table"): (
        lambda: ResearchShare.objects.filter(table__kind=ShareTable.Kind.IN_FORCE, region__code="STH").first(),
        lambda s: {"table": ShareTable.objects.create(kind=ShareTable.Kind.ALF2015, name="spare")}
        if not ShareTable.objects.filter(kind=ShareTable.Kind.ALF2015).exists()
        else {"table": ShareTable.objects.get(kind=ShareTable.Kind.ALF2015), "region": _spare_region()},
        _all_years,
    ),
    (EvaluationRound, "status"): (lambda: _finalized_round(), lambda r: {"status": EvaluationRound.Status.DRAFT}, _round_years),
    (EvaluationRound, "applies_from"): (lambda: _finalized_round(), lambda r: {"applies_from": 2029}, _round_years),
    (EvaluationRound, "applies_to"): (lambda: _finalized_round(), lambda r: {"applies_to": 2030}, _round_years),
    **{
        (PanelRating, name): (
            lambda: PanelRating.objects.select_related("evaluation_round").get(evaluation_round=_finalized_round(), region__code="STH", panel=1),
            change,
            _round_years,
        )
        for name, change in (
            ("rating", lambda r: {"rating": "inadequate"}),
            ("panel", lambda r: {"panel": 2, "region": _spare_region()}),
            ("region", lambda r: {"region": _spare_region()}),
            ("evaluation_round", lambda r: {"evaluation_round": _second_finalized_round(), "region": _spare_region()}),
        )
    },
    **{
        (RegionFindings, name): (
            lambda: RegionFindings.objects.select_related("evaluation_round").get(evaluation_round=_finalized_round(), region__code="STH"),
            change,
            _round_years,
        )
        for name, change in (
            ("development_areas", lambda f: {"development_areas": False}),
            ("realistic_plans", lambda f: {"realistic_plans": False}),
            ("previous_acted_on", lambda f: {"previous_acted_on": None}),
            ("region", lambda f: {"region": _spare_region()}),
            ("evaluation_round", lambda f: {"evaluation_round": _second_finalized_round(), "region": _spare_region()}),
        )
    },
    **{
        (Bibliometrics, name): (
            lambda: Bibliometrics.objects.select_related("evaluation_round").get(evaluation_round=_finalized_round(), region__code="STH"),
            change,
            _round_years,
        )
        for name, change in (
            ("highly_cited", lambda b: {"highly_cited": b.highly_cited - 1}),
            ("region", lambda b: {"region": _spare_region()}),
            ("evaluation_round", lambda b: {"evaluation_round": None}),
        )
    },
}


def _with_educated_switch(count: StudentCount) -> StudentCount:
    """Pay ORE for the students it educates from 2026, by the UKÄ figure: actual hst drive money."""
    AgreementPeriod.objects.filter(years__year=count.year).update(educated_hst_region=count.region, educated_hst_from=2026)
    return count


def _changed_value(period: AgreementPeriod, name: str) -> Any:
    value = getattr(period, name)
    if value is None:
        return 2027
    if isinstance(value, Decimal):
        return value / 2 if value else Decimal("0.01")
    return value + 1


def _new_period() -> AgreementPeriod:
    return AgreementPeriod.objects.create(name="spare period", start_year=2000, end_year=2100)


def _spare_region() -> Region:
    existing = Region.objects.filter(code="SPARE").first()
    if existing:
        return existing
    university = University.objects.create(code="USPARE", name="Spare university")
    return Region.objects.create(code="SPARE", name="Spare region", university=university, is_active=False)


def _finalized_round() -> EvaluationRound:
    return EvaluationRound.objects.get(name="walk")


def _second_finalized_round() -> EvaluationRound:
    return EvaluationRound.objects.get(name="walk-2")


@pytest.fixture
def world(registry_demo):
    """The demo registry plus two finalized rounds with ratings, findings and bibliometrics."""
    codes = list(Region.objects.filter(is_active=True).order_by("code").values_list("code", flat=True))
    for name, first in (("walk", ROUND_YEARS[0]), ("walk-2", 2040)):
        draft = make_round(name=name, applies_from=first, applies_to=first + 3 if name == "walk" else first)
        rate_all(draft, codes, findings=all_yes(codes))
        draft.refresh_from_db()
        for region in Region.objects.filter(code__in=codes):
            bibliometrics(region, period=(first - 6, first - 3), evaluation_round=draft)
        # Finalized directly: the finalize service itself is covered by the evaluations tests.
        EvaluationRound.objects.filter(pk=draft.pk).update(status=EvaluationRound.Status.FINALIZED, finalized_at=timezone.now())
    RecomputeRequest.objects.all().delete()


def test_the_edit_table_covers_exactly_the_declared_inputs():
    declared = {(d.model, name) for d in declared_inputs() for name in d.fields}
    assert set(EDITS) == declared


# The walk changes each declared input beside the write path, to prove the inputs hook itself.
# Rows of a finalized round are frozen in the database, so its triggers are set aside here.
FROZEN_ROUND_TRIGGERS = (
    "evaluations.EvaluationRound:round_frozen_when_finalized",
    "evaluations.PanelRating:rating_frozen_with_round",
    "evaluations.RegionFindings:findings_frozen_with_round",
    "evaluations.Bibliometrics:bibliometrics_frozen_with_round",
)


def _apply(row: Any, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        setattr(row, name, value)
    with pgtrigger.ignore(*FROZEN_ROUND_TRIGGERS):
        save_with_history(instance=row, actor=None, reason="walk")


PARAMS = sorted(EDITS, key=lambda key: (key[0].__name__, key[1]))


@pytest.mark.parametrize(("model", "field"), PARAMS, ids=[f"{m.__name__}.{f}" for m, f in PARAMS])
def test_a_changed_input_requests_a_recompute_of_its_years(world, model, field):
    get_row, change, expected = EDITS[(model, field)]
    row = get_row()
    changes = change(row)
    years = expected(row)
    _apply(row, changes)
    requested = set(RecomputeRequest.objects.values_list("year", flat=True))
    assert requested >= years, f"{model.__name__}.{field}: requested {sorted(requested)}, expected at least {sorted(years)}"


@pytest.mark.parametrize(("model", "field"), PARAMS, ids=[f"{m.__name__}.{f}" for m, f in PARAMS])
def test_a_changed_input_is_refused_for_a_published_year_and_nothing_changes(world, model, field):
    get_row, change, expected = EDITS[(model, field)]
    row = get_row()
    published = min(expected(row))
    YearPublication.objects.create(
        year=published,
        state=YearPublication.State.PUBLISHED,
        requested_by=User.objects.get(username="admin"),
        published_at=timezone.now(),
    )
    before = {f.attname: getattr(type(row).objects.get(pk=row.pk), f.attname) for f in row._meta.concrete_fields}
    changes = change(row)
    with pytest.raises(LockedError), transaction.atomic():
        _apply(row, changes)
    after = {f.attname: getattr(type(row).objects.get(pk=row.pk), f.attname) for f in row._meta.concrete_fields}
    assert after == before
    assert not RecomputeRequest.objects.exists()

"""The gatherer: a year's scenario from the database, exactly; nothing guessed."""

from decimal import Decimal

import pytest

from alfadmin.kernel.writes import SYSTEM
from alfadmin.models import BudgetYear, Region, StudentCount
from alfrules.scenario import parse_scenario
from allocations.gather import Unavailable, canonical, gather, gather_year

from .conftest import ALF2015_SHARES, BASE_RATE, IN_FORCE, REFERENCE_LEVEL, research_appropriation

pytestmark = pytest.mark.django_db


def test_education_by_appropriation_splits_the_budget_bill_total(registry):
    scenario = gather(year=2024, model="alf2015").scenario
    assert scenario["education"] == {"appropriation": 150_000_000, "hst": {"AAA": 1000, "BBB": 600, "CCC": 400}}


def test_a_rate_given_for_the_year_is_used_as_is(registry):
    gathered = gather(year=2025, model="alf2015")
    assert gathered.scenario["education"]["rate_per_hst"] == "75000"
    assert gathered.meta["education"]["rate_source"] == "budget_year"


def test_rate_derived_from_the_base_year_by_plo_is_exact(registry):
    # Given a base rate in 2023 prices and 1.5 % PLO in 2024, 2025 and 2026
    gathered = gather(year=2026, model="alf2015")
    # Then the 2026 rate is base × 1.015³ exactly, not rounded to any number of digits
    expected = BASE_RATE * Decimal("1.015") ** 3
    assert Decimal(gathered.scenario["education"]["rate_per_hst"]) == expected
    assert gathered.scenario["education"]["rate_per_hst"] == "73197.48625"
    assert gathered.meta["education"]["rate_source"] == "plo"


def test_missing_plo_leaves_education_out_and_says_which_years(registry):
    BudgetYear.objects.filter(year=2025).delete()
    gathered = gather(year=2026, model="alf2015")
    assert "education" not in gathered.scenario
    assert gathered.meta["education"]["unavailable"] == Unavailable.MISSING_PLO
    assert gathered.meta["education"]["detail"] == ["2025"]


def test_missing_students_leave_education_out_naming_the_region(registry):
    StudentCount.objects.filter(region__code="CCC", year=2024).delete()
    gathered = gather(year=2024, model="alf2015")
    assert "education" not in gathered.scenario
    assert gathered.meta["education"] == {"basis": "appropriation", "unavailable": Unavailable.MISSING_STUDENTS, "detail": ["CCC"]}


def test_a_year_without_a_finalized_round_computes_education_only(registry):
    # Given no evaluation round at all (scenario decision 10)
    for model in ("alf2015", "ds2024"):
        gathered = gather(year=2024, model=model)
        assert "research" not in gathered.scenario
        assert "education" in gathered.scenario
        assert gathered.meta["research"] == {"unavailable": Unavailable.NO_ROUND}
        parse_scenario(gathered.scenario)  # the engine accepts it


def test_a_draft_round_never_drives_money(registry, users):
    from evaluations import services

    services.evaluation_round_create(
        actor=users["vr"],
        data={"name": "draft", "evaluation_year_from": 2022, "evaluation_year_to": 2023, "applies_from": 2024, "applies_to": 2027, "model": "alf2015"},
    )
    assert gather(year=2024, model="alf2015").meta["research"]["unavailable"] == Unavailable.NO_ROUND


def test_alf2015_research_from_the_shares_in_force_the_period_and_the_round(registry, evaluation):
    gathered = gather(year=2025, model="alf2015")
    research = gathered.scenario["research"]
    assert research["appropriation"] == research_appropriation(2025)
    assert research["shares"] == {code: canonical(p) for code, p in IN_FORCE.items()}
    assert research["params"] == {
        "base_fraction": "0.8",
        "panel_weights": {"1": "0.5", "2": "0.25", "3": "0.25"},
        "guarantee": "0.15",
        "cap": "0.4",
        "max_very_high": 3,
    }
    assert research["ratings"]["AAA"] == {"1": "very_high", "2": "good_high", "3": "very_high"}
    assert research["ratings"]["CCC"]["3"] == "inadequate"
    assert gathered.meta["research"]["evaluation_round"] == {"id": evaluation.pk, "name": str(evaluation)}
    parse_scenario(gathered.scenario)


def test_the_budget_years_base_fraction_overrides_the_periods(registry, evaluation):
    BudgetYear.objects.filter(year=2025).update(base_fraction=Decimal("0.85"))
    assert gather(year=2025, model="alf2015").scenario["research"]["params"]["base_fraction"] == "0.85"


def test_ds2024_reference_level_is_converted_by_plo_and_rounded_half_up(registry, evaluation):
    # Later years multiply by PLO; the reference year is the level itself
    assert gather(year=2024, model="ds2024").scenario["research"]["reference_level"] == REFERENCE_LEVEL
    assert gather(year=2026, model="ds2024").scenario["research"]["reference_level"] == 1_030_225_000  # × 1.015²


def test_ds2024_uses_the_shares_in_force_until_the_switch_year_then_the_agreements(registry, evaluation):
    from evaluations import services
    from evaluations.tests.factories import basis

    # The round covers 2024–2027; a second finalized round covers 2028 so that research is computed then.
    later = services.evaluation_round_create(
        actor=SYSTEM,
        data={"name": "2026/27", "evaluation_year_from": 2026, "evaluation_year_to": 2027, "applies_from": 2028, "applies_to": 2031, "model": "ds2024"},
    )
    from .conftest import RATINGS_2024

    cells = {key: services.CellInput(rating=value, justification="x") for key, value in RATINGS_2024.items()}
    findings = {code: {"development_areas": True, "realistic_plans": True, "previous_acted_on": True} for code in ("AAA", "BBB", "CCC")}
    later = services.round_grid_save(actor=SYSTEM, evaluation_round=later, expected_version=None, cells=cells, findings=findings, reason="changed in a test")
    basis(later)  # a Ds 2024 round is finalized only with every region's bibliometrics
    services.evaluation_round_finalize(actor=SYSTEM, evaluation_round=later, expected_version=None)

    before = gather(year=2027, model="ds2024")
    after = gather(year=2028, model="ds2024")
    assert before.scenario["research"]["shares"] == {code: canonical(p) for code, p in IN_FORCE.items()}
    assert before.meta["research"]["share_table"] == "in_force"
    assert after.scenario["research"]["shares"] == {code: canonical(p) for code, p in ALF2015_SHARES.items()}
    assert after.meta["research"]["share_table"] == "alf2015"
    # ALF 2015 keeps the shares in force
    assert gather(year=2028, model="alf2015").scenario["research"]["shares"] == {code: canonical(p) for code, p in IN_FORCE.items()}


def test_ds2024_findings_bibliometrics_and_students_come_from_the_round_and_the_registry(registry, evaluation):
    research = gather(year=2024, model="ds2024").scenario["research"]
    assert research["plans_ok"] == {"AAA": True, "BBB": False, "CCC": True}
    assert research["highly_cited"] == {"AAA": 300, "BBB": "150.5", "CCC": "49.5"}
    assert research["hst"] == {"AAA": 1000, "BBB": 600, "CCC": 400}
    assert research["guns_fraction"] == "0.01"
    assert research["quality_fraction"] == "0.2"
    assert research["increment_weights"] == {"hst": "0.5", "citations": "0.5"}
    parse_scenario(gather(year=2024, model="ds2024").scenario)


def test_only_active_regions_take_part(registry, evaluation):
    Region.objects.filter(code="CCC").update(is_active=False)
    gathered = gather(year=2024, model="alf2015")
    assert set(gathered.scenario["education"]["hst"]) == {"AAA", "BBB"}
    assert set(gathered.scenario["research"]["shares"]) == {"AAA", "BBB"}


def test_a_year_without_a_budget_year_has_nothing_to_gather(registry):
    assert gather_year(year=1999) is None


def test_the_gatherer_runs_a_fixed_number_of_queries(registry, evaluation, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        gather_year(year=2024)

"""Model-level validation: invariants hold both in full_clean() and as database constraints."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from alfadmin.models import BudgetYear, Region, Role, StudentCount, User
from alfadmin.tests.factories import AgreementPeriodFactory, UniversityFactory


@pytest.fixture
def period(db):
    return AgreementPeriodFactory(name="P", start_year=2015, end_year=2031)


def test_period_rejects_panel_weights_not_summing_to_one(period):
    period.panel_weight_1 = Decimal("0.60")
    with pytest.raises(ValidationError) as error:
        period.full_clean()
    assert "panel_weight_1" in error.value.message_dict


def test_period_rejects_increment_weights_not_summing_to_one(period):
    period.increment_weight_hst = Decimal("0.6")
    with pytest.raises(ValidationError) as error:
        period.full_clean()
    assert "1.1" in error.value.message_dict["increment_weight_hst"][0]  # names the wrong sum


def test_period_panel_weights_are_the_engines_defaults(period):
    from alfrules.inputs import DEFAULT_PANEL_WEIGHTS

    assert period.panel_weights == DEFAULT_PANEL_WEIGHTS
    period.full_clean()


def test_period_rejects_guarantees_that_do_not_fit_the_quality_pot(period):
    # 0.5 × 0.9 = 0.45 > 1 − 0.9 = 0.1 (allocation-rules §5.4)
    period.guarantee, period.base_fraction = Decimal("0.5"), Decimal("0.9")
    with pytest.raises(ValidationError) as error:
        period.full_clean()
    assert "guarantee" in error.value.message_dict


def test_period_rejects_very_high_bounds_out_of_order(period):
    period.min_very_high, period.max_very_high = 3, 1
    with pytest.raises(ValidationError) as error:
        period.full_clean()
    assert "max_very_high" in error.value.message_dict


def test_budget_year_appropriation_basis_needs_an_amount(period):
    year = BudgetYear(year=2024, period=period, research_appropriation=1, education_basis="appropriation")
    with pytest.raises(ValidationError) as error:
        year.full_clean()
    assert "education_appropriation" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        year.save()


def test_budget_year_outside_its_period_is_rejected(period):
    year = BudgetYear(year=2040, period=period, research_appropriation=1)
    with pytest.raises(ValidationError) as error:
        year.full_clean()
    assert "period" in error.value.message_dict


def test_negative_students_are_rejected_by_validation_and_database(regions):
    count = StudentCount(region=regions["STH"], year=2024, planned_hst=Decimal("-1"))
    with pytest.raises(ValidationError) as error:
        count.full_clean()
    assert "planned_hst" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        count.save()


def test_region_code_format_is_a_database_constraint(db):
    university = UniversityFactory(code="X", name="X")
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(code="sth", name="lower case", university=university)


def test_reporter_must_have_a_region_and_others_must_not(regions):
    reporter = User(username="r", role=Role.REPORTER)
    with pytest.raises(ValidationError) as error:
        reporter.clean()
    assert "region" in error.value.message_dict
    viewer = User(username="v", role=Role.VIEWER, region=regions["STH"])
    with pytest.raises(ValidationError):
        viewer.clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="r2", role=Role.REPORTER)


def test_actual_ratio_is_actual_over_planned(regions):
    count = StudentCount(region=regions["ORE"], year=2024, planned_hst=Decimal("460"), actual_hst=Decimal("782"))
    assert count.actual_ratio == Decimal("1.7")
    assert StudentCount(region=regions["ORE"], year=2024, planned_hst=Decimal("0"), actual_hst=Decimal("3")).actual_ratio is None

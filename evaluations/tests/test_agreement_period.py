"""Which agreement period covers a year is one rule (`AgreementPeriod.covering`): the period a
budget year names, else the latest period whose years include it. The gatherer's
`budget_year.period`, the rounds' very-high bounds and their panel weights all follow it."""

from decimal import Decimal

import pytest

from alfadmin.models import AgreementPeriod, BudgetYear
from evaluations.rules import Bounds, bounds_for
from evaluations.selectors import panel_weights_for
from evaluations.tests.factories import make_round

pytestmark = pytest.mark.usefixtures("registry_demo")


def test_a_budgeted_year_is_covered_by_the_period_its_budget_year_names():
    later = AgreementPeriod.objects.create(name="Överlappande", start_year=2020, end_year=2030, max_very_high=5)
    for year in (2015, 2024, 2027, 2028, 2031):
        assert AgreementPeriod.covering(year) == BudgetYear.objects.get(year=year).period != later
    assert AgreementPeriod.covering(2024).name == "ALF-avtalet 2015"
    assert AgreementPeriod.covering(2028).name == "Ds 2024-förslaget"


def test_a_year_not_budgeted_is_covered_by_the_latest_period_including_it():
    first = AgreementPeriod.objects.create(name="Nästa", start_year=2032, end_year=2040)
    second = AgreementPeriod.objects.create(name="Nästa, omförhandlad", start_year=2035, end_year=2038)
    assert [AgreementPeriod.covering(year) for year in (2033, 2036, 2039)] == [first, second, first]
    assert AgreementPeriod.covering(2041) is None


def test_the_query_is_one(django_assert_num_queries):
    with django_assert_num_queries(1):
        AgreementPeriod.covering(2024)


def test_the_rounds_read_their_bounds_and_weights_from_the_covering_period():
    AgreementPeriod.objects.create(name="Överlappande", start_year=2020, end_year=2030, max_very_high=5, panel_weight_1=Decimal("0.4"))
    period = BudgetYear.objects.get(year=2024).period
    assert bounds_for(model="alf2015", applies_from=2024) == Bounds(period.min_very_high, period.max_very_high)
    evaluation_round = make_round(applies_from=2024, applies_to=2027)
    assert panel_weights_for(evaluation_round=evaluation_round) == period.panel_weights

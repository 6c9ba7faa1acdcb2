"""`manage.py recompute_allocations` and the demo loader."""

import io

import pytest
from django.core.management import CommandError, call_command

from allocations.models import AllocationRun, CurrentAllocation, RecomputeRequest

pytestmark = pytest.mark.django_db


def test_recompute_allocations_computes_every_year_synchronously_and_says_so(registry, evaluation):
    assert RecomputeRequest.objects.filter(processed_at__isnull=True).exists()  # from the finalization
    out = io.StringIO()
    call_command("recompute_allocations", stdout=out)
    text = out.getvalue()
    assert "2023: computed" in text and "2029: computed" in text
    assert "7 year(s) recomputed, 14 new run(s)." in text
    assert CurrentAllocation.objects.count() == 14
    assert set(AllocationRun.objects.values_list("trigger", flat=True)) == {"command"}
    assert not RecomputeRequest.objects.filter(processed_at__isnull=True).exists()
    # Again: nothing new
    out = io.StringIO()
    call_command("recompute_allocations", "--year", "2024", stdout=out)
    assert "2024: unchanged" in out.getvalue()
    assert "1 year(s) recomputed, 0 new run(s)." in out.getvalue()


def test_recompute_allocations_refuses_a_year_outside_the_bounds_naming_it():
    with pytest.raises(CommandError) as refused:
        call_command("recompute_allocations", "--year", "2024", "--year", "20244", stdout=io.StringIO())
    assert str(refused.value) == "--year must lie within 2000–2100: 20244"
    assert not AllocationRun.objects.exists()


def test_load_demo_computes_every_demo_year_and_is_idempotent(demo):
    from alfadmin.models import BudgetYear

    years = set(BudgetYear.objects.values_list("year", flat=True))
    assert {p.year for p in CurrentAllocation.objects.all()} == years
    assert not RecomputeRequest.objects.filter(processed_at__isnull=True).exists()
    pointer = CurrentAllocation.objects.select_related("run").get(year=2024, model="alf2015")
    assert pointer.run.result["research"]["total"] == BudgetYear.objects.get(year=2024).research_appropriation
    # 2015–2018 come before any evaluation round: education only (scenario decision 10)
    early = CurrentAllocation.objects.select_related("run").get(year=2016, model="alf2015").run
    assert early.research_unavailable == "no_evaluation_round"
    count = AllocationRun.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert AllocationRun.objects.count() == count

"""Shared by the scenario tests: a snapshot of every stored allocation, to show nothing moved."""

from __future__ import annotations

from allocations.gather import gather_year
from allocations.models import AllocationLine, AllocationRun, CurrentAllocation, RecomputeRequest


def stored_allocations() -> dict[str, object]:
    return {
        "runs": list(AllocationRun.objects.order_by("pk").values_list("pk", "input_hash", "result")),
        "lines": AllocationLine.objects.count(),
        "current": list(CurrentAllocation.objects.order_by("pk").values_list("year", "model", "run_id", "failed_run_id", "updated_at")),
        "requests": RecomputeRequest.objects.count(),
    }


def year_scenario(year: int = 2025, model: str = "alf2015") -> dict:
    gathered = gather_year(year=year)
    assert gathered is not None
    return gathered[model].scenario

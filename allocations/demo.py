"""Demo data for the allocations: every budget year computed at once, so that `make run`
shows allocations without waiting for a worker. Idempotent (the same inputs reuse their runs)."""

from __future__ import annotations

from alfadmin.models import BudgetYear

from .models import AllocationRun
from .services import recompute_years


def load() -> None:
    years = list(BudgetYear.objects.order_by("year").values_list("year", flat=True))
    recompute_years(years=years, force=True, trigger=AllocationRun.Trigger.DEMO, reason="demo data")

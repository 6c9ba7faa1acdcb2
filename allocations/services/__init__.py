"""Writes of the allocations app: recomputed runs, publication of a year, saved scenarios.

A change of an engine input does not start here: `allocations.watched_inputs` answers it
(a recompute request in the writer's transaction, then the task, which calls `recompute_years`).
"""

from .publication import year_confirm, year_publish, year_reopen
from .recompute import (
    YearBusyError,
    allocation_year_recompute,
    recompute_pending,
    recompute_years,
)
from .scenarios import saved_scenario_create, saved_scenario_delete, saved_scenario_update

__all__ = [
    "YearBusyError",
    "allocation_year_recompute",
    "recompute_pending",
    "recompute_years",
    "saved_scenario_create",
    "saved_scenario_delete",
    "saved_scenario_update",
    "year_confirm",
    "year_publish",
    "year_reopen",
]

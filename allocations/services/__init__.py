"""Writes of the allocations app: recompute requests and runs, and publication of a year.

`recompute_request` is the one choke point every change of an engine input goes through: the
kernel's "inputs changed" hook calls it (see `allocations.receivers`) inside the writer's
transaction.
"""

from .publication import year_confirm, year_publish, year_reopen
from .recompute import (
    RECOMPUTE_TASK,
    YearBusyError,
    allocation_year_recompute,
    locked_years_message,
    recompute_pending,
    recompute_request,
    recompute_years,
)
from .scenarios import saved_scenario_create, saved_scenario_delete, saved_scenario_update

__all__ = [
    "RECOMPUTE_TASK",
    "YearBusyError",
    "allocation_year_recompute",
    "locked_years_message",
    "recompute_pending",
    "recompute_request",
    "recompute_years",
    "saved_scenario_create",
    "saved_scenario_delete",
    "saved_scenario_update",
    "year_confirm",
    "year_publish",
    "year_reopen",
]

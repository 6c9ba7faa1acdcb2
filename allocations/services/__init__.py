"""Writes of the allocations app: recompute requests and runs, and publication of a year.

`recompute_request` is the one choke point every change of an engine input goes through
(alfadmin.services and evaluations call it inside their transactions).
"""

from .publication import year_confirm, year_publish, year_reopen
from .recompute import (
    YearBusyError,
    allocation_year_recompute,
    locked_years_message,
    recompute_pending,
    recompute_request,
    recompute_years,
)

__all__ = [
    "YearBusyError",
    "allocation_year_recompute",
    "locked_years_message",
    "recompute_pending",
    "recompute_request",
    "recompute_years",
    "year_confirm",
    "year_publish",
    "year_reopen",
]

"""How the allocations app plugs into the kernel (called once from ``AppConfig.ready()``).

- It declares the fields that feed the engine (``watched_inputs``) and answers the kernel's
  ``inputs_changed`` with a recompute request in the writer's transaction (refused, with a
  ``LockedError``, for a published year).
- It contributes the year's allocation to the landing page.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from alfadmin import permissions
from alfadmin.kernel.changelog import track
from alfadmin.kernel.dashboard import register_panel
from alfadmin.kernel.inputs import inputs_changed

from . import selectors, tasks, watched_inputs
from .models import AllocationModel, YearPublication
from .services import recompute_request


def request_recompute(sender: Any, *, years: list[int], reason: str, actor: Any, **kwargs: Any) -> None:
    recompute_request(years=years, reason=reason, actor=actor)


def overview_panel(request: HttpRequest, year: int) -> dict[str, Any] | None:
    allocation = selectors.year_allocation(user=request.user, year=year, model=AllocationModel.ALF2015)
    if allocation is None or allocation.run is None:
        return None
    return {"allocation": allocation, "year": year}


def connect() -> None:
    """Plug the app into the kernel; `tasks` is imported so that its Celery tasks are registered."""
    assert tasks.recompute_years.name  # noqa: S101 - registered under the name services enqueue by
    watched_inputs.declare()
    inputs_changed.connect(request_recompute, dispatch_uid="allocations.request_recompute")
    track(
        YearPublication,
        label=lambda r: str(r.year),
        scope=lambda user: Q() if permissions.is_signed_in(user) else None,
    )
    register_panel(name="allocation", template="allocations/partials/overview_panel.html", context=overview_panel, order=10)

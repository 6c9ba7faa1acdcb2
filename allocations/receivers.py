"""What the allocations app contributes to the kernel's pages (called once from ``AppConfig.ready()``).

- Its publications to the change log.
- The year's allocation to the landing page.

The money inputs it watches, and what answers their change, are in ``watched_inputs``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from alfadmin import permissions
from alfadmin.kernel.changelog import track
from alfadmin.kernel.dashboard import register_card

from . import selectors
from .models import AllocationModel, YearPublication

# The landing page shows its registry-only chart of appropriations unless this card is shown.
TREND_CARD = "appropriation_trend"


def allocation_card(request: HttpRequest, year: int) -> dict[str, Any] | None:
    allocation = selectors.year_allocation(user=request.user, year=year, model=AllocationModel.ALF2015)
    if allocation is None or allocation.run is None:
        return None
    return {"allocation": allocation, "year": year}


def trend_card(request: HttpRequest, year: int) -> dict[str, Any] | None:
    """The landing page's "appropriations over the years" with what is paid or projected: the
    registry's chart leaves out education wherever a year is priced by rate (no appropriation)."""
    trend = selectors.appropriation_trend(user=request.user)
    if not trend:
        return None
    paid = [t for t in trend if not t.is_projection]
    ahead = [t for t in trend if t.is_projection]

    def series(rows: list[selectors.TrendYear], part: str) -> list[int | None]:
        shown = {t.year for t in rows}
        return [getattr(t, part) if t.year in shown else None for t in trend]

    light = {"education": "#e9b48a", "research": "#7fb0cc"}
    datasets = [
        {"label": _("Education (GU-ALF)"), "data": series(paid, "education"), "backgroundColor": "#c4661f", "stack": "all"},
        {"label": _("Research (FO-ALF)"), "data": series(paid, "research"), "backgroundColor": "#005a8c", "stack": "all"},
    ]
    if ahead:
        datasets += [
            {"label": _("Education, projected"), "data": series(ahead, "education"), "backgroundColor": light["education"], "stack": "all"},
            {"label": _("Research, projected"), "data": series(ahead, "research"), "backgroundColor": light["research"], "stack": "all"},
        ]
    chart = {"labels": [f"{t.year}*" if t.is_projection else str(t.year) for t in trend], "stacked": True, "datasets": datasets}
    return {"trend": trend, "chart": chart, "has_projection": bool(ahead), "has_computed": any(t.education_computed for t in trend)}


def connect() -> None:
    """Track the publications; give the landing page what it shows of the allocation."""
    track(
        YearPublication,
        label=lambda r: str(r.year),
        scope=lambda user: Q() if permissions.is_signed_in(user) else None,
    )
    register_card(name="allocation", template="allocations/partials/allocation_card.html", context=allocation_card, order=10)
    register_card(name=TREND_CARD, template="allocations/partials/trend_card.html", context=trend_card, order=90)

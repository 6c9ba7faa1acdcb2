"""The registry's models in the change log (``alfadmin.kernel.changelog``), registered from ``AppConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from . import permissions
from .kernel.changelog import track
from .models import AgreementPeriod, BudgetYear, Region, ResearchShare, ShareTable, StudentCount, University


def _registry_scope(user: Any) -> Q | None:
    """Every signed-in role may read the registry's history (as the registry itself)."""
    return Q() if permissions.can_view_registry(user) else None


def register() -> None:
    track(University, label=lambda r: r.name, scope=_registry_scope)
    track(
        Region,
        label=lambda r: f"{r.code} – {r.name}",
        scope=_registry_scope,
        region_field="id",
        url=lambda r: reverse("region-detail", args=[r.code]),
    )
    track(
        AgreementPeriod,
        label=lambda r: r.name,
        scope=_registry_scope,
        url=lambda r: reverse("agreement-period-edit", args=[r.id]),
    )
    track(BudgetYear, label=lambda r: str(r.year), scope=_registry_scope, url=lambda r: reverse("budget-year-edit", args=[r.year]))
    track(
        StudentCount,
        label=lambda r: f"{r.region.code} {r.year}",
        related=("region",),
        scope=_registry_scope,
        region_field="region",
        url=lambda r: reverse("student-count-edit", args=[r.id]),
    )
    track(ShareTable, label=lambda r: r.name, scope=_registry_scope, url=lambda r: reverse("share-table-edit", args=[r.kind]))
    track(
        ResearchShare,
        label=lambda r: f"{r.table.name}: {r.region.code}",
        related=("table", "region"),
        scope=_registry_scope,
        region_field="region",
        url=lambda r: reverse("share-table-edit", args=[r.table.kind]),
        parents={ShareTable: "table", Region: "region"},
    )

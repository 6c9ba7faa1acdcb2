"""Writes of the allocations app."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from .models import RecomputeRequest


@transaction.atomic
def recompute_request(*, years: Iterable[int], reason: str, actor=None) -> list[RecomputeRequest]:
    """Record that these years must be recomputed, in the caller's transaction (outbox)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return RecomputeRequest.objects.bulk_create(
        [RecomputeRequest(year=year, reason=reason[:300], requested_by=user) for year in sorted(set(years))]
    )

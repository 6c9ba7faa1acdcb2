"""Celery tasks: thin, ids in, one service each; safe to run twice.

`allocations.watched_inputs` imports `recompute_years` and enqueues it when a transaction that
changed an input commits; Celery beat runs the sweep. Time limits, `acks_late` and
`reject_on_worker_lost` come from settings (CELERY_*).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from . import services

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=50, autoretry_for=(DatabaseError,), retry_backoff=1, retry_backoff_max=30)
def recompute_years(self, years: list[int]) -> list[str]:
    """Recompute the years whose inputs changed. A year another worker is computing is retried
    shortly (its computation may have read the state before our change)."""
    outcomes, busy = services.recompute_years(years=years)
    for outcome in outcomes:
        logger.info("recompute %s", outcome.describe())
    if busy:
        raise self.retry(args=[busy], countdown=min(0.1 * 2 ** min(self.request.retries, 6), 5))
    return [outcome.describe() for outcome in outcomes]


@shared_task(acks_late=True)
def sweep_recompute_requests() -> list[str]:
    """Periodic (Celery beat): compute the years whose requests were not handled in time."""
    older = timedelta(seconds=getattr(settings, "ALLOCATIONS_SWEEP_AFTER_SECONDS", 10))
    outcomes, busy = services.recompute_pending(older_than=older)
    for outcome in outcomes:
        logger.info("sweep recomputed %s", outcome.describe())
    if busy:
        logger.info("sweep skipped busy years %s (being computed)", busy)
    return [outcome.describe() for outcome in outcomes]

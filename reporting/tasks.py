"""Celery tasks of the annual reports: thin, ids and dates in, one service each."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def send_reminders(today: str | None = None) -> int:
    """Daily (beat): e-mail reminders due today; safe to run twice (one per report and due date)."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return services.reminders_send(today=day)

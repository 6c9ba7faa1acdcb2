"""Celery tasks in eager mode: thin, idempotent, retried when a year is busy; the sweep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from allocations import services, tasks, watched_inputs
from allocations.models import AllocationRun, CurrentAllocation, RecomputeRequest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


def test_the_task_recomputes_the_years_asked_for_and_is_safe_to_run_twice(computed, users):
    watched_inputs.recompute_request(years=[2024, 2025], reason="test", actor=users["admin"])
    first = tasks.recompute_years.delay([2024, 2025]).get()
    assert [line.split(":")[0] for line in first] == ["2024", "2025"]
    count = AllocationRun.objects.count()
    second = tasks.recompute_years.delay([2024, 2025]).get()
    assert all("skipped" in line for line in second)
    assert AllocationRun.objects.count() == count


def test_a_busy_year_is_retried_until_it_is_free(computed, monkeypatch):
    calls = []
    real = services.recompute_years

    def busy_once(*, years, **kwargs):
        calls.append(list(years))
        if len(calls) == 1:
            return [], list(years)
        return real(years=years, **kwargs)

    monkeypatch.setattr(services, "recompute_years", busy_once)
    # (Eager mode re-raises a retry when exceptions propagate; a worker schedules it.)
    result = tasks.recompute_years.apply(args=[[2024]], throw=False)
    assert result.successful()
    assert calls == [[2024], [2024]]


def test_the_sweep_computes_only_requests_that_waited_too_long(computed, users, settings):
    settings.ALLOCATIONS_SWEEP_AFTER_SECONDS = 60
    fresh = watched_inputs.recompute_request(years=[2024], reason="fresh", actor=users["admin"])[0]
    stale = watched_inputs.recompute_request(years=[2025], reason="stale", actor=users["admin"])[0]
    RecomputeRequest.objects.filter(pk=stale.pk).update(requested_at=timezone.now() - timedelta(minutes=5))
    done = tasks.sweep_recompute_requests.delay().get()
    assert [line.split(":")[0] for line in done] == ["2025"]
    assert RecomputeRequest.objects.get(pk=fresh.pk).processed_at is None
    assert RecomputeRequest.objects.get(pk=stale.pk).processed_at is not None


def test_the_beat_schedule_runs_the_sweep(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["allocations-sweep-recompute-requests"]
    assert entry["task"] == "allocations.tasks.sweep_recompute_requests"
    assert entry["schedule"] <= 60
    assert tasks.sweep_recompute_requests.name == entry["task"]


def test_tasks_take_only_primitives(computed, users, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.recompute_years, "apply_async", lambda args, **kw: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        watched_inputs.recompute_request(years=[2026, 2024, 2024], reason="x", actor=users["admin"])
    assert sent == [[[2024, 2026]]]
    assert CurrentAllocation.objects.filter(year=2024).count() == 2

"""A real Celery worker (a `celery -A alfadmin worker` subprocess) against Redis and the
PostgreSQL test database: an input changed through the API becomes the current run; a broker
outage during a save delays the recompute but loses nothing; 50 rapid edits end in one
consistent run. Outside CI these skip when PostgreSQL or Redis is not configured.
"""

from __future__ import annotations

import shutil
import time
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection, transaction
from rest_framework.test import APIClient

from alfadmin import services as registry
from alfadmin.models import BudgetYear, StudentCount
from allocations.gather import gather_year
from allocations.models import AllocationRun, CurrentAllocation, RecomputeRequest
from allocations.services.recompute import compute, input_hash
from conftest import require_service
from testsupport.probes import port_open
from testsupport.worker import RedisServer, database_url, free_port, sending_to, start_worker, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _require_services() -> None:
    require_service(settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), "DATABASE_URL does not point at PostgreSQL")
    broker = settings.CELERY_BROKER_URL
    require_service(bool(broker) and broker.startswith("redis://"), "CELERY_BROKER_URL does not point at Redis")
    parsed = urlparse(broker)
    require_service(port_open(parsed.hostname or "127.0.0.1", parsed.port or 6379), f"Redis at {broker} is not reachable")


@pytest.fixture(scope="module")
def worker(django_db_setup):
    """One worker for the module, on the broker of CELERY_BROKER_URL (its own Redis database)."""
    _require_services()
    process = start_worker(broker_url=settings.CELERY_BROKER_URL, database=database_url(connection.settings_dict))
    yield process
    process.stop()


def _pointer(year: int, model: str = "alf2015") -> CurrentAllocation | None:
    return CurrentAllocation.objects.select_related("run").filter(year=year, model=model).first()


def _appropriation(year: int) -> int | None:
    pointer = _pointer(year)
    return pointer.run.result["research"]["appropriation"] if pointer and pointer.run else None


def _pending(year: int) -> int:
    return RecomputeRequest.objects.filter(year=year, processed_at__isnull=True).count()


def test_an_input_changed_through_the_api_becomes_the_current_run(computed, users, worker):
    before = _pointer(2024).run_id
    client = APIClient()
    client.force_authenticate(users["admin"])
    response = client.patch("/api/v1/appropriations/2024/", {"research_appropriation": 1_234_567_890, "reason": "a worker test"}, format="json")
    assert response.status_code == 200
    try:
        waited = wait_for(lambda: _appropriation(2024) == 1_234_567_890 and _pending(2024) == 0, timeout=60)
    except AssertionError:
        pytest.fail(f"no new current run; worker log:\n{worker.log()[-4000:]}")
    pointer = _pointer(2024)
    assert pointer.run_id != before
    assert pointer.run.triggered_by == users["admin"]
    assert _pointer(2024, "ds2024").run.result["research"]["appropriation"] == 1_234_567_890
    data = client.get("/api/v1/allocations/?year=2024").json()
    assert {a["status"] for a in data["allocations"]} == {"current"}
    assert waited < 30


def test_a_broker_outage_during_a_save_delays_the_recompute_but_loses_nothing(computed, users, caplog):
    _require_services()
    require_service(shutil.which("redis-server") is not None, "redis-server is not installed (needed to stop a broker of our own)")
    # A private Redis server that this test stops and starts (never the shared one), and a
    # worker with an embedded beat sweeping every second.
    redis = RedisServer(port=free_port(6390))
    redis.start()
    sweeping = start_worker(
        broker_url=redis.url,
        database=database_url(connection.settings_dict),
        beat=True,
        env={"ALLOCATIONS_SWEEP_SECONDS": "1", "ALLOCATIONS_SWEEP_AFTER_SECONDS": "1"},
    )
    try:
        with sending_to(redis.url):
            budget_year = BudgetYear.objects.get(year=2025)
            started = time.monotonic()
            with transaction.atomic():
                registry.budget_year_update(
                    actor=users["admin"], budget_year=budget_year, expected_version=budget_year.version, data={"research_appropriation": 1_777_000_000},
                    reason="a worker test",
                )
                redis.stop()  # the broker dies while the save is in progress
            # The save committed, quickly, and its request is in the outbox
            assert time.monotonic() - started < 10
            assert "could not enqueue the recompute of [2025]" in caplog.text
            assert BudgetYear.objects.get(year=2025).research_appropriation == 1_777_000_000
            assert _pending(2025) == 1
            time.sleep(3)
            assert _pending(2025) == 1 and _appropriation(2025) != 1_777_000_000  # nothing can happen without a broker
            redis.start()  # the broker returns (empty: the message is lost for good)
            try:
                wait_for(lambda: _appropriation(2025) == 1_777_000_000 and _pending(2025) == 0, timeout=120, interval=0.2)
            except AssertionError:
                pytest.fail(f"the sweep did not recompute after the broker returned; worker log:\n{sweeping.log()[-6000:]}")
            assert "sweep recomputed 2025" in sweeping.log()
    finally:
        sweeping.stop()
        redis.stop()


def test_fifty_rapid_edits_end_in_one_consistent_run(computed, users, worker):
    amounts = []
    count = StudentCount.objects.get(region__code="AAA", year=2024)
    for n in range(50):
        if n % 5 == 4:
            count = StudentCount.objects.get(pk=count.pk)
            registry.student_count_update(
                actor=users["admin"], student_count=count, expected_version=count.version, data={"planned_hst": Decimal(1000 + n)},
                reason="a worker test",
            )
        else:
            budget_year = BudgetYear.objects.get(year=2024)
            amount = 1_300_000_000 + n * 1_000
            registry.budget_year_update(actor=users["admin"], budget_year=budget_year, expected_version=budget_year.version, data={"research_appropriation": amount}, reason="changed in a test")
            amounts.append(amount)
    try:
        wait_for(lambda: _pending(2024) == 0, timeout=120, interval=0.1)
    except AssertionError:
        pytest.fail(f"requests left unprocessed; worker log:\n{worker.log()[-4000:]}")
    # The final run is the state after the last edit…
    for model in ("alf2015", "ds2024"):
        run = _pointer(2024, model).run
        assert run.result["research"]["appropriation"] == amounts[-1]
        assert run.inputs["education"]["hst"]["AAA"] == 1049
        # …exactly what a synchronous recompute of the final state gives…
        expected = gather_year(year=2024)[model]
        assert run.input_hash == input_hash(expected)
        assert run.inputs == expected.scenario
        # …and reproducible from its own snapshot
        result, trace = compute(run.inputs)
        assert result == run.result and trace == run.trace
    # Bursts coalesced: fewer runs than edits, and never two runs of the same inputs
    runs = AllocationRun.objects.filter(year=2024, model="alf2015", status="succeeded")
    assert runs.count() <= 51
    assert runs.values("input_hash").distinct().count() == runs.count()

"""Recompute: the outbox, idempotence by hash, immutability, coalescing, failures kept visible."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import OperationalError, transaction

from alfadmin import services as registry
from alfadmin.kernel.errors import LockedError
from alfadmin.models import BudgetYear, ResearchShare, StudentCount
from alfrules.scenario import ENGINE_VERSION
from allocations import services, watched_inputs
from allocations.models import AllocationLine, AllocationRun, CurrentAllocation, ImmutableError, RecomputeRequest, YearPublication
from allocations.services.recompute import compute, input_hash
from allocations.tests.factories import AllocationRunFactory
from testsupport.worker import database_url

pytestmark = pytest.mark.django_db


def _current(year, model="alf2015"):
    return CurrentAllocation.objects.select_related("run").get(year=year, model=model)


def _set_research(year, amount, actor):
    budget_year = BudgetYear.objects.get(year=year)
    return registry.budget_year_update(actor=actor, budget_year=budget_year, expected_version=budget_year.version, data={"research_appropriation": amount}, reason="changed in a test")


def test_an_input_change_writes_an_outbox_row_and_enqueues_on_commit(computed, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        _set_research(2025, 1_234_000_000, users["admin"])
    request = RecomputeRequest.objects.get(year=2025, processed_at__isnull=True)
    assert request.requested_by == users["admin"]
    assert "2025" in request.reason
    assert len(callbacks) == 1  # nothing is sent before the commit


def test_on_commit_the_task_computes_a_new_current_run(computed, users, django_capture_on_commit_callbacks, eager):
    before = _current(2025).run
    with django_capture_on_commit_callbacks(execute=True):
        _set_research(2025, 1_234_000_000, users["admin"])
    after = _current(2025).run
    assert after.pk != before.pk
    assert after.result["research"]["appropriation"] == 1_234_000_000
    assert after.triggered_by == users["admin"]
    assert after.trigger == AllocationRun.Trigger.CHANGE
    assert not RecomputeRequest.objects.filter(processed_at__isnull=True).exists()


def test_a_run_stores_exactly_what_the_engine_was_given_and_reproduces_from_it(computed):
    run = _current(2024, "ds2024").run
    assert run.status == AllocationRun.Status.SUCCEEDED
    assert run.engine_version == ENGINE_VERSION
    assert run.input_hash == input_hash(run)
    result, trace = compute(run.inputs)
    assert result == run.result
    assert trace == run.trace
    # Lines in integer kronor, and the research lines add up to the appropriation
    research = AllocationLine.objects.filter(run=run, part__in=["research", "guns", "undistributed"], line="total")
    assert sum(line.amount for line in research) == run.result["research"]["appropriation"]


def test_the_same_inputs_never_produce_a_second_run(computed):
    count = AllocationRun.objects.count()
    outcomes, busy = services.recompute_years(years=[2024, 2025], force=True)
    assert busy == []
    assert AllocationRun.objects.count() == count
    assert {o.action for o in outcomes} == {"unchanged"}


def test_returning_to_earlier_inputs_makes_the_earlier_run_current_again(computed, users):
    first = _current(2025).run
    _set_research(2025, 1_500_000_000, users["admin"])
    services.recompute_years(years=[2025])
    second = _current(2025).run
    assert second.pk != first.pk
    _set_research(2025, first.result["research"]["appropriation"], users["admin"])
    services.recompute_years(years=[2025])
    assert _current(2025).run.pk == first.pk
    assert AllocationRun.objects.filter(year=2025, model="alf2015").count() == 2


def test_runs_and_their_lines_cannot_be_changed_or_deleted(computed):
    run = _current(2024).run
    run.reason = "tampered"
    with pytest.raises(ImmutableError):
        run.save()
    with pytest.raises(ImmutableError):
        run.delete()
    with pytest.raises(ImmutableError):
        AllocationRun.objects.filter(pk=run.pk).update(reason="tampered")
    with pytest.raises(ImmutableError):
        AllocationRun.objects.filter(pk=run.pk).delete()
    line = AllocationLine.objects.filter(run=run).first()
    line.amount += 1
    with pytest.raises(ImmutableError):
        line.save()
    with pytest.raises(ImmutableError):
        AllocationLine.objects.filter(run=run).update(amount=0)
    assert AllocationRun.objects.get(pk=run.pk).reason != "tampered"


def test_a_burst_of_edits_coalesces_into_one_run_of_the_final_state(computed, users):
    runs_before = AllocationRun.objects.count()
    for amount in range(1_100_000_000, 1_105_000_000, 1_000_000):
        _set_research(2026, amount, users["admin"])
    assert RecomputeRequest.objects.filter(year=2026, processed_at__isnull=True).count() == 5
    outcomes, _ = services.recompute_years(years=[2026])
    assert outcomes[0].requests == 5
    # One new run per model, from the final state; its reason says earlier changes were included
    assert AllocationRun.objects.count() == runs_before + 2
    run = _current(2026).run
    assert run.result["research"]["appropriation"] == 1_104_000_000
    assert "4" in run.reason
    # The tasks of the other four edits find nothing left to do
    outcomes, _ = services.recompute_years(years=[2026])
    assert outcomes[0].action == "skipped"


def test_inputs_the_engine_rejects_give_a_failed_run_and_keep_the_last_good_figures(computed, users):
    good = _current(2024).run
    # Shares of the active regions no longer sum to 100 once a region's share is edited directly
    ResearchShare.objects.filter(region__code="CCC", table__kind="in_force").update(percent=Decimal("19"))
    watched_inputs.recompute_request(years=[2024], reason="test", actor=users["admin"])
    services.recompute_years(years=[2024])
    pointer = _current(2024)
    assert pointer.run_id == good.pk
    assert pointer.failed_run.status == AllocationRun.Status.FAILED
    assert "research.shares" in pointer.failed_run.error
    # Asking again does not pile up identical failed runs
    failed = AllocationRun.objects.filter(status="failed").count()
    services.recompute_years(years=[2024], force=True)
    assert AllocationRun.objects.filter(status="failed").count() == failed
    # Fixing the input clears the failure
    ResearchShare.objects.filter(region__code="CCC", table__kind="in_force").update(percent=Decimal("20"))
    services.recompute_years(years=[2024], force=True)
    pointer = _current(2024)
    assert pointer.failed_run is None and pointer.run_id == good.pk


def test_a_published_year_refuses_input_changes_and_the_save_rolls_back(computed, users):
    services.year_publish(actor=users["admin2"], year=2025)
    budget_year = BudgetYear.objects.get(year=2025)
    with pytest.raises(LockedError) as error:
        _set_research(2025, 1, users["admin"])
    assert str(error.value) == "Year 2025 is published; an administrator must reopen it before its inputs change."
    fresh = BudgetYear.objects.get(year=2025)
    assert (fresh.research_appropriation, fresh.version) == (budget_year.research_appropriation, budget_year.version)
    assert not RecomputeRequest.objects.filter(year=2025, processed_at__isnull=True).exists()


def test_a_change_reaching_several_published_years_names_them_all(computed, users):
    services.year_publish(actor=users["admin2"], year=2026)
    services.year_publish(actor=users["admin2"], year=2027)
    with pytest.raises(LockedError) as error:
        watched_inputs.recompute_request(years=[2025, 2026, 2027], reason="x", actor=users["admin"])
    assert "2026, 2027" in str(error.value)
    # A PLO change moves every later year: refused too, nothing saved
    budget_year = BudgetYear.objects.get(year=2025)
    with pytest.raises(LockedError):
        registry.budget_year_update(actor=users["admin"], budget_year=budget_year, expected_version=budget_year.version, data={"plo_rate": Decimal("0.02")}, reason="changed in a test")
    assert BudgetYear.objects.get(year=2025).plo_rate == Decimal("0.015")


def test_a_published_year_is_not_recomputed_even_when_forced(computed, users):
    services.year_publish(actor=users["admin2"], year=2024)
    published_run = _current(2024).run
    outcomes, _ = services.recompute_years(years=[2024], force=True)
    assert outcomes[0].action == "published"
    assert _current(2024).run.pk == published_run.pk
    assert YearPublication.objects.get(year=2024).alf2015_run_id == published_run.pk


def test_a_broker_failure_at_enqueue_is_logged_not_raised_and_the_sweep_recovers(computed, users, monkeypatch, django_capture_on_commit_callbacks, caplog):
    from allocations import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.recompute_years, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        _set_research(2027, 1_999_000_000, users["admin"])  # the save succeeds
    assert BudgetYear.objects.get(year=2027).research_appropriation == 1_999_000_000
    assert RecomputeRequest.objects.filter(year=2027, processed_at__isnull=True).exists()
    assert "periodic sweep" in caplog.text
    # Not yet old enough for the sweep
    outcomes, _ = services.recompute_pending(older_than=timedelta(hours=1))
    assert outcomes == []
    outcomes, _ = services.recompute_pending(older_than=timedelta(0))
    assert [o.year for o in outcomes] == [2027]
    assert _current(2027).run.result["research"]["appropriation"] == 1_999_000_000


def test_only_planned_students_recompute(computed, users):
    count = StudentCount.objects.get(region__code="AAA", year=2024)
    registry.student_count_update(actor=users["admin"], student_count=count, expected_version=count.version, data={"planned_hst": Decimal("1200")}, reason="changed in a test")
    services.recompute_years(years=[2024])
    assert _current(2024).run.inputs["education"]["hst"]["AAA"] == 1200


def test_a_year_without_a_budget_year_is_marked_done_without_a_run(computed):
    watched_inputs.recompute_request(years=[1999], reason="orphan", actor=None)
    outcomes, _ = services.recompute_years(years=[1999])
    assert outcomes[0].action == "no_budget_year"
    assert not RecomputeRequest.objects.filter(year=1999, processed_at__isnull=True).exists()


def test_recompute_request_inside_a_rolled_back_transaction_leaves_nothing(computed, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            watched_inputs.recompute_request(years=[2024], reason="x", actor=users["admin"])
            raise RuntimeError
    assert callbacks == []
    assert not RecomputeRequest.objects.filter(year=2024, processed_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_compute_the_same_year_at_once(computed, users, require_postgres):
    """While another session holds a year's compute lock, a recompute of that year is refused as
    busy (the task retries it); other years go ahead."""
    import psycopg
    from django.db import connection

    from allocations import locks

    watched_inputs.recompute_request(years=[2024, 2025], reason="x", actor=users["admin"])
    with psycopg.connect(database_url(connection.settings_dict), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [locks.COMPUTE, 2024])
        with pytest.raises(services.YearBusyError):
            services.allocation_year_recompute(year=2024)
        outcomes, busy = services.recompute_years(years=[2024, 2025])
        assert busy == [2024] and [o.year for o in outcomes] == [2025]
        assert RecomputeRequest.objects.filter(year=2024, processed_at__isnull=True).exists()
        other.execute("SELECT pg_advisory_unlock(%s, %s)", [locks.COMPUTE, 2024])
    outcomes, busy = services.recompute_years(years=[2024])
    assert busy == [] and outcomes[0].requests == 1


@pytest.mark.django_db(transaction=True)
def test_a_publication_waits_for_an_edit_of_the_same_year_being_saved(computed, users, require_postgres):
    """An edit holds the year's publication lock shared until it commits; publishing the year
    takes it exclusively, so it cannot slip in between the edit's check and its commit."""
    import psycopg
    from django.db import connection

    from allocations import locks

    with psycopg.connect(database_url(connection.settings_dict)) as other:
        other.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [locks.PUBLICATION, 2025])  # an edit in progress
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
            with pytest.raises(OperationalError, match="canceling statement due to lock timeout"):
                services.year_publish(actor=users["admin2"], year=2025)
            cursor.execute("SET lock_timeout = 0")
        other.rollback()
    assert services.year_publish(actor=users["admin2"], year=2025).is_published


def test_a_failure_is_tried_again_and_succeeds_once_its_cause_is_fixed(computed, monkeypatch):
    """Same inputs, same engine version: a failed run does not block a later success (e.g. an
    engine fix that did not change ENGINE_VERSION)."""
    from alfrules.errors import ScenarioError
    from allocations.services import recompute as module

    good = _current(2024).run
    real = module.compute

    def broken(scenario):
        raise ScenarioError.single("education.rate_per_hst", "too many digits")

    monkeypatch.setattr(module, "compute", broken)
    # New inputs that the (broken) engine rejects
    BudgetYear.objects.filter(year=2024).update(research_appropriation=1_010_101_010)
    services.recompute_years(years=[2024], force=True)
    failed = _current(2024).failed_run
    assert failed is not None and _current(2024).run_id == good.pk
    monkeypatch.setattr(module, "compute", real)
    services.recompute_years(years=[2024], force=True)
    pointer = _current(2024)
    assert pointer.failed_run is None
    assert pointer.run.input_hash == failed.input_hash and pointer.run.status == "succeeded"


# Panel 2 has no very_high region and panel 3 no eligible one: the engine notes both.
NOTED_SCENARIO = {
    "year": 2024,
    "research": {
        "model": "alf2015",
        "appropriation": 1_000_000,
        "shares": {"AAA": "60", "BBB": "40"},
        "ratings": {
            "AAA": {"1": "good_high", "2": "good_high", "3": "inadequate"},
            "BBB": {"1": "very_high", "2": "good_high", "3": "inadequate"},
        },
    },
}


def _stored_run(result, trace, **fields):
    return AllocationRunFactory(status=AllocationRun.Status.SUCCEEDED, error="", inputs=NOTED_SCENARIO, result=result, trace=trace, **fields)


def test_a_run_stores_its_notes_and_steps_as_codes_once_and_shows_them_in_either_language(computed):
    for run in AllocationRun.objects.filter(status=AllocationRun.Status.SUCCEEDED):
        assert all(set(note) <= {"code", "panel", "params"} for note in run.result["notes"])
        assert all("text" not in step for step in run.trace)
        assert run.notes_sv == []
    run = _stored_run(*compute(NOTED_SCENARIO), engine_version=ENGINE_VERSION)
    assert run.result["notes"][0] == {"code": "no_very_high", "panel": 2, "params": {}}
    assert run.notes_in("en")[0] == "panel 2: warning: no region is rated very_high"
    assert run.notes_in("sv")[0] == "panel 2: varning: ingen region har omdömet mycket hög"


def test_a_run_stored_before_notes_were_codes_shows_the_sentences_it_stored(db):
    run = _stored_run(
        {"year": 2024, "notes": ["panel 2: warning: no region is rated very_high"]},
        [{"step": "base_pool", "amount": "800000", "params": {}, "text": "Base pool: 800000 kr."}],
        engine_version="1.1.0",
        notes_sv=["panel 2: varning: ingen region har omdömet mycket hög"],
    )
    assert run.notes_in("en") == ["panel 2: warning: no region is rated very_high"]
    assert run.notes_in("sv") == ["panel 2: varning: ingen region har omdömet mycket hög"]


def test_the_engine_is_called_once_per_computed_model(registry, evaluation, monkeypatch):
    from allocations.services import recompute as module

    calls = []
    real = module.compute_output

    def counted(scenario, **options):
        calls.append(scenario["year"])
        return real(scenario, **options)

    monkeypatch.setattr(module, "compute_output", counted)
    outcome = services.allocation_year_recompute(year=2024, force=True)
    assert sorted(outcome.created) == ["alf2015", "ds2024"]
    assert calls == [2024, 2024]

"""Recomputing allocations: the per-year recompute of the outbox's requests, stored runs.

Flow: an input change records its request in the outbox and enqueues the task on commit
(`allocations.watched_inputs.recompute_request`, refused for a published year). The task calls
`recompute_years`, which per year takes the year's lock, reads the *current* database state
(so a burst of edits coalesces into one computation), stores a run if the inputs are new,
moves the year's current pointer and marks the outbox rows it covered as processed — all in
one transaction. A lost message or a crashed worker leaves the rows unprocessed for the
periodic sweep (`recompute_pending`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alfadmin.kernel.writes import SYSTEM, SystemActor
from alfadmin.models import User
from alfrules.errors import ScenarioError
from alfrules.scenario import ENGINE_VERSION, compute_output, scenario_hash

from .. import locks
from ..gather import Gathered, gather_year
from ..models import AllocationLine, AllocationRun, CurrentAllocation, RecomputeRequest, YearPublication

REASON_LENGTH = 300


class YearBusyError(Exception):
    """Another worker is computing the year right now; try again shortly."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(f"year {year} is being computed by another worker")


@dataclass
class YearOutcome:
    """What a recompute of one year did, for logs and the command's output."""

    year: int
    action: str  # computed | unchanged | skipped | published | no_budget_year
    runs: dict[str, AllocationRun] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    requests: int = 0

    def describe(self) -> str:
        parts = [f"{self.year}: {self.action}"]
        for model, run in sorted(self.runs.items()):
            state = "new" if model in self.created else "existing"
            parts.append(f"{model} run #{run.pk} ({state}, {run.status})")
        if self.requests:
            parts.append(f"{self.requests} request(s) processed")
        return "; ".join(parts)


def allocation_year_recompute(
    *,
    year: int,
    force: bool = False,
    trigger: str = AllocationRun.Trigger.CHANGE,
    actor: User | SystemActor = SYSTEM,
    reason: str = "",
) -> YearOutcome:
    """Compute one year from the database state now, under the year's lock.

    Without `force`, a year with no unprocessed request is left alone (an earlier task already
    read a state that includes every change). Raises YearBusyError if another worker holds
    the year (outside a transaction only; inside one the lock is waited for).
    """
    if connection.in_atomic_block:
        # Called inside a larger transaction (demo data, tests): lock within it.
        with transaction.atomic():
            locks.lock_year(locks.COMPUTE, year)
            locks.lock_years_shared(locks.PUBLICATION, [year])
            return _recompute_locked(year=year, force=force, trigger=trigger, actor=actor, reason=reason)
    with locks.session_compute_lock(year) as taken:
        if not taken:
            raise YearBusyError(year)
        with transaction.atomic():
            locks.set_repeatable_read()
            return _recompute_locked(year=year, force=force, trigger=trigger, actor=actor, reason=reason)


def recompute_years(
    *, years: Iterable[int], force: bool = False, trigger: str = AllocationRun.Trigger.CHANGE, actor: User | SystemActor = SYSTEM, reason: str = ""
) -> tuple[list[YearOutcome], list[int]]:
    """Recompute each year; returns the outcomes and the years that were busy (to retry)."""
    outcomes: list[YearOutcome] = []
    busy: list[int] = []
    for year in sorted({int(y) for y in years}):
        try:
            outcomes.append(allocation_year_recompute(year=year, force=force, trigger=trigger, actor=actor, reason=reason))
        except YearBusyError:
            busy.append(year)
    return outcomes, busy


def pending_years(*, older_than: timedelta = timedelta(0)) -> list[int]:
    """Years with unprocessed requests made at least `older_than` ago."""
    cutoff = timezone.now() - older_than
    return sorted(set(RecomputeRequest.objects.filter(processed_at__isnull=True, requested_at__lte=cutoff).values_list("year", flat=True)))


def recompute_pending(*, older_than: timedelta) -> tuple[list[YearOutcome], list[int]]:
    """The sweep: recompute every year whose request has waited longer than `older_than`
    (its message was lost, the broker was down, or a worker died). Busy years are skipped:
    whoever holds them will, or the next sweep will."""
    return recompute_years(years=pending_years(older_than=older_than))


def _recompute_locked(*, year: int, force: bool, trigger: str, actor: User | SystemActor, reason: str) -> YearOutcome:
    pending = list(
        RecomputeRequest.objects.filter(year=year, processed_at__isnull=True).select_related("requested_by").order_by("requested_at", "pk")
    )
    outcome = YearOutcome(year=year, action="computed", requests=len(pending))
    if not pending and not force:
        outcome.action = "skipped"
        return outcome
    publication = YearPublication.objects.filter(year=year).first()
    if publication is not None and publication.is_published:
        # Inputs of a published year cannot change (publication.refuse_published_years), so its runs stay.
        outcome.action = "published"
    else:
        gathered = gather_year(year=year)
        if gathered is None:
            outcome.action = "no_budget_year"
        else:
            if pending and trigger == AllocationRun.Trigger.CHANGE:
                actor = pending[-1].requested_by or SYSTEM
                reason = _summary([r.reason for r in pending])
            any_new = False
            for model, inputs in gathered.items():
                run, created = _store_run(inputs, trigger=trigger, actor=actor, reason=reason)
                _point_current(run)
                outcome.runs[model] = run
                if created:
                    outcome.created.append(model)
                    any_new = True
            if not any_new:
                outcome.action = "unchanged"
    if pending:
        RecomputeRequest.objects.filter(pk__in=[r.pk for r in pending]).update(processed_at=timezone.now())
    return outcome


def _summary(reasons: list[str]) -> str:
    last = reasons[-1]
    if len(reasons) == 1:
        return last[:REASON_LENGTH]
    more = _(" (and %(count)s earlier changes)") % {"count": len(reasons) - 1}
    return (last[: REASON_LENGTH - len(more)] + more)[:REASON_LENGTH]


def input_hash(inputs: Gathered | AllocationRun) -> str:
    """The hash of a run's inputs: the scenario and its provenance (engine scenario_hash)."""
    if isinstance(inputs, AllocationRun):
        return scenario_hash({"scenario": inputs.inputs, "meta": inputs.input_meta})
    return scenario_hash({"scenario": inputs.scenario, "meta": inputs.meta})


def compute(scenario: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    """Run the engine once on a stored snapshot: (output without trace, trace), both free of
    language (notes and steps are codes with parameters); pages, exports and the API render
    them in the reader's language when they show them.

    Raises ScenarioError for inputs the engine rejects."""
    output: dict[str, Any] = compute_output(copy.deepcopy(scenario))
    trace = output.pop("trace")
    return output, trace


def _store_run(inputs: Gathered, *, trigger: str, actor: User | SystemActor, reason: str) -> tuple[AllocationRun, bool]:
    """The run for these inputs: the successful one if they were computed before, else a new one.

    A failure is computed again each time (cheap, and the cause may have been fixed); only an
    identical failure of the same inputs reuses the failed run, so they do not pile up.
    """
    digest = input_hash(inputs)
    same_inputs = AllocationRun.objects.filter(year=inputs.year, model=inputs.model, input_hash=digest, engine_version=ENGINE_VERSION)
    existing = same_inputs.filter(status=AllocationRun.Status.SUCCEEDED).first()
    if existing is not None:
        return existing, False
    common = {
        "year": inputs.year,
        "model": inputs.model,
        "inputs": inputs.scenario,
        "input_meta": inputs.meta,
        "input_hash": digest,
        "engine_version": ENGINE_VERSION,
        "trigger": trigger,
        "triggered_by": actor if getattr(actor, "is_authenticated", False) else None,
        "reason": (reason or "")[:REASON_LENGTH],
    }
    try:
        result, trace = compute(inputs.scenario)
    except ScenarioError as error:
        text = _error_text(error)
        failed = same_inputs.filter(status=AllocationRun.Status.FAILED, error=text).order_by("-created_at").first()
        if failed is not None:
            return failed, False
        return AllocationRun.objects.create(status=AllocationRun.Status.FAILED, error=text, **common), True
    run = AllocationRun.objects.create(status=AllocationRun.Status.SUCCEEDED, result=result, trace=trace, **common)
    AllocationLine.objects.bulk_create(lines_of(run))
    return run, True


def _error_text(error: ScenarioError) -> str:
    return "\n".join(f"{field_name}: {message}" for field_name, message in error.errors)


def lines_of(run: AllocationRun) -> list[AllocationLine]:
    """The integer-kronor lines of a successful run's result."""
    result = run.result or {}
    lines: list[AllocationLine] = []
    education = result.get("education")
    if education:
        for code, amount in education["regions"].items():
            lines.append(AllocationLine(run=run, part=AllocationLine.Part.EDUCATION, region_code=code, line="total", amount=int(amount)))
    research = result.get("research")
    if research:
        for code, region_lines in research["regions"].items():
            for name, amount in region_lines.items():
                lines.append(AllocationLine(run=run, part=AllocationLine.Part.RESEARCH, region_code=code, line=name, amount=int(amount)))
        for name, amount in (research.get("guns") or {}).items():
            lines.append(AllocationLine(run=run, part=AllocationLine.Part.GUNS, region_code="", line=name, amount=int(amount)))
        for item in research.get("undistributed") or []:
            lines.append(
                AllocationLine(
                    run=run, part=AllocationLine.Part.UNDISTRIBUTED, region_code="", line=item["line"], amount=int(item["amount"])
                )
            )
    return lines


def _point_current(run: AllocationRun) -> None:
    """Make `run` the year's current run (or record it as the latest failed attempt)."""
    now = timezone.now()
    pointer = CurrentAllocation.objects.filter(year=run.year, model=run.model).first()
    if pointer is None:
        CurrentAllocation.objects.create(
            year=run.year,
            model=run.model,
            run=run if run.succeeded else None,
            failed_run=None if run.succeeded else run,
            updated_at=now,
        )
        return
    if run.succeeded:
        if pointer.run_id == run.pk and pointer.failed_run_id is None:
            return
        pointer.run, pointer.failed_run = run, None
    else:
        if pointer.failed_run_id == run.pk:
            return
        pointer.failed_run = run
    pointer.updated_at = now
    pointer.save(update_fields=["run", "failed_run", "updated_at"])

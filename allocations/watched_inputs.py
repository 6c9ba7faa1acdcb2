"""The allocations app's money inputs: which fields it watches and what answers their change.

This is the one place on the allocations side of the money path. Read it in this order:

1. **What is watched** (``declare``). Every field `allocations.gather.gather_year` reads is
   declared to the kernel (``alfadmin.kernel.input_changes.declare_input``) with the budget
   years a change to its row affects. A field added to the gatherer must be added here; the
   test `allocations/tests/test_watched_inputs.py` walks this list and checks both behaviours.
2. **Who reports a change.** No caller does it by hand: the kernel's write path, under every
   service (page, API, admin, import), reports each row it writes before writing it; a service
   that writes several rows answers once for the union of their years (``one_input_change``).
3. **What answers** (``answer``, named to the kernel by ``connect``). Still inside the writer's
   transaction, ``recompute_request``
   - refuses the change if a year is published (``services.publication.refuse_published_years``
     raises ``LockedError``: the whole write rolls back),
   - records one outbox row per year (``RecomputeRequest``), in that same transaction,
   - and on commit (``transaction.on_commit``) enqueues ``tasks.recompute_years`` with the
     years — ids only, so the task is safe to run twice.
4. **The task** (`allocations.tasks.recompute_years`) calls
   `allocations.services.recompute.recompute_years`: per year, under the year's lock, it reads
   the current state, stores a run if the inputs are new, points the year at it and marks the
   outbox rows processed. A message that never arrives is picked up by the periodic sweep
   (`tasks.sweep_recompute_requests`).

`docs/money-path.md` draws the same path.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

from alfadmin.kernel.input_changes import InputChange, answer_input_changes, declare_input
from alfadmin.kernel.writes import SYSTEM, Actor
from alfadmin.models import AgreementPeriod, BudgetYear, Region, ResearchShare, StudentCount, User
from evaluations.models import Bibliometrics, EvaluationRound, PanelRating, RegionFindings

from . import tasks
from .models import RecomputeRequest
from .services.publication import refuse_published_years
from .services.recompute import REASON_LENGTH

logger = logging.getLogger(__name__)


def connect() -> None:
    """Called once from ``AllocationsConfig.ready()``: declare the inputs, name the answer."""
    declare()
    answer_input_changes(answer)


# --- what is watched (1) ------------------------------------------------------------------


def _all_years(row: object, changed: frozenset[str]) -> Iterable[int]:
    return BudgetYear.objects.values_list("year", flat=True)


def _budget_year(row: BudgetYear, changed: frozenset[str]) -> Iterable[int]:
    if "plo_rate" in changed:
        # PLO compounds: a year's rate moves every later year's derived rate and reference level.
        return BudgetYear.objects.filter(year__gte=row.year).values_list("year", flat=True)
    return [row.year]


def _period_years(row: AgreementPeriod, changed: frozenset[str]) -> Iterable[int]:
    return BudgetYear.objects.filter(period=row).values_list("year", flat=True)


def _round_years(evaluation_round: EvaluationRound | None) -> Iterable[int]:
    # Draft rounds never drive money; a finalized round drives the years it applies to.
    if evaluation_round is None or not evaluation_round.is_finalized:
        return []
    return evaluation_round.years


def _student_years(row: StudentCount, changed: frozenset[str]) -> Iterable[int]:
    if changed == {"actual_hst"}:
        # Actual (UKÄ) figures drive money only where the period pays a region for what it
        # educates and names no figure of its own (allocation-rules §4).
        period = BudgetYear.objects.filter(year=row.year).select_related("period").first()
        switch = period.period if period else None
        if not (
            switch
            and switch.educated_hst_region_id == row.region_id
            and switch.educated_hst is None
            and switch.educated_hst_from is not None
            and row.year >= switch.educated_hst_from
        ):
            return []
    return [row.year]


PERIOD_PARAMETERS = (
    "base_fraction",
    "panel_weight_1",
    "panel_weight_2",
    "panel_weight_3",
    "guarantee",
    "cap",
    "max_very_high",
    "guns_fraction",
    "quality_fraction",
    "increment_weight_hst",
    "increment_weight_citations",
    "reference_level",
    "reference_year",
    "ds2024_agreement_shares_from",
    "price_base_year",
    "base_rate_per_hst",
    # The memo's education proposals, when switched on for the period.
    "educated_hst_region",
    "educated_hst_from",
    "educated_hst",
    "twelfth_term_from",
    "rate_raise_from",
    "rate_raise_percent",
    "rate_raise_per_hst",
    "rate_raise_phase_years",
)


def declare() -> None:
    """Hand the kernel every field the gatherer reads, with the years a change to a row affects."""
    declare_input(Region, fields=["code", "is_active"], years=_all_years, label=lambda r: f"{r.code}")
    declare_input(AgreementPeriod, fields=PERIOD_PARAMETERS, years=_period_years, label=lambda p: p.name)
    declare_input(
        BudgetYear,
        fields=[
            "year",
            "period",
            "education_appropriation",
            "research_appropriation",
            "education_basis",
            "rate_per_hst",
            "plo_rate",
            "base_fraction",
        ],
        moves=["year"],
        years=_budget_year,
        label=lambda y: str(y.year),
    )
    declare_input(
        StudentCount,
        fields=["region", "year", "planned_hst", "actual_hst"],
        moves=["region", "year"],
        years=_student_years,
        label=lambda c: f"{c.region.code} {c.year}",
    )
    declare_input(ResearchShare, fields=["table", "region", "percent"], years=_all_years, label=lambda s: str(s.table))
    declare_input(
        EvaluationRound,
        fields=["status", "applies_from", "applies_to"],
        moves=["status", "applies_from", "applies_to"],
        years=lambda r, changed: _round_years(r),
        label=lambda r: r.name,
    )
    declare_input(
        PanelRating,
        fields=["evaluation_round", "region", "panel", "rating"],
        moves=["evaluation_round"],
        years=lambda r, changed: _round_years(r.evaluation_round),
        label=lambda r: f"{r.evaluation_round.name} {r.region.code}",
    )
    declare_input(
        RegionFindings,
        fields=["evaluation_round", "region", "development_areas", "realistic_plans", "previous_acted_on"],
        moves=["evaluation_round"],
        years=lambda f, changed: _round_years(f.evaluation_round),
        label=lambda f: f"{f.evaluation_round.name} {f.region.code}",
    )
    declare_input(
        Bibliometrics,
        fields=["evaluation_round", "region", "highly_cited"],
        moves=["evaluation_round"],
        years=lambda b, changed: _round_years(b.evaluation_round),
        label=lambda b: f"{b.region.code} {b.period_label}",
    )


# --- what answers a change (3) ------------------------------------------------------------


def answer(change: InputChange) -> None:
    """The kernel's call for every change of a watched input (one per service call)."""
    recompute_request(years=change.years, reason=change.reason, actor=change.actor)


def recompute_request(*, years: Iterable[int], reason: str, actor: Actor = SYSTEM) -> list[RecomputeRequest]:
    """Record, in the caller's transaction, that these years' inputs changed; enqueue on commit.

    Raises LockedError (naming the years) if any of them is published, so the caller's whole
    change rolls back. A broker that cannot be reached when the transaction commits is logged,
    not raised: the outbox rows stay unprocessed and the periodic sweep computes them.
    """
    wanted = sorted({int(y) for y in years})
    if not wanted:
        return []
    user = actor if isinstance(actor, User) else None
    with transaction.atomic():
        refuse_published_years(wanted)
        rows = RecomputeRequest.objects.bulk_create(
            [RecomputeRequest(year=year, reason=reason[:REASON_LENGTH], requested_by=user) for year in wanted]
        )
        transaction.on_commit(lambda: enqueue_recompute(wanted))
    return rows


def enqueue_recompute(years: list[int]) -> bool:
    """Send the recompute task; False (logged) if the broker cannot take it now."""
    try:
        # retry=False: fail fast, the user's save has committed and the sweep is the fallback.
        tasks.recompute_years.apply_async(args=[list(years)], retry=False)  # type: ignore[arg-type]  # Celery takes any sequence; the stubs say tuple
    except Exception:  # noqa: BLE001 - any broker failure; the outbox keeps the request
        logger.warning("could not enqueue the recompute of %s; the periodic sweep will pick it up", years, exc_info=True)
        return False
    return True

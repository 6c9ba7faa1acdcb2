"""As-of rerun: a stored run recomputed from its own snapshot with today's engine (item 7).

A run stores exactly the scenario the engine was called with and the engine's output, so
recomputing it proves what was paid and why: either every amount matches to the krona, or
the differences are listed amount by amount with the engine versions then and now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alfrules.errors import ScenarioError
from alfrules.explain import render_notes
from alfrules.scenario import ENGINE_VERSION, compute_output

from ..models import AllocationRun


@dataclass(frozen=True)
class AmountDifference:
    """One amount (a path in the output document, e.g. `research.regions.STH.base`) then and now."""

    path: str
    then: Any
    now: Any


@dataclass(frozen=True)
class Rerun:
    run_id: int
    matches: bool
    engine_version_then: str
    engine_version_now: str
    differences: tuple[AmountDifference, ...]
    error_then: str = ""
    error_now: str = ""


def run_rerun(*, run: AllocationRun) -> Rerun:
    """Recompute `run` from its snapshot; nothing is stored."""
    error_now = ""
    try:
        output: dict[str, Any] | None = _english_notes(compute_output(run.inputs, trace=False))
    except ScenarioError as error:
        output, error_now = None, str(error)
    stored = _english_notes(run.result) if run.status == AllocationRun.Status.SUCCEEDED else None
    differences = tuple(_differences(stored, output, path=""))
    return Rerun(
        run_id=run.pk,
        matches=not differences and (stored is None) == (output is None),
        engine_version_then=run.engine_version,
        engine_version_now=ENGINE_VERSION,
        differences=differences,
        error_then=run.error,
        error_now=error_now,
    )


def _english_notes(output: dict[str, Any] | None) -> dict[str, Any] | None:
    # Runs stored before notes were codes hold English sentences: compare notes as sentences,
    # so such a run still matches when only the form of its notes differs.
    if output is None:
        return None
    return {**output, "notes": render_notes(output.get("notes") or [], "en")}


def _differences(then: Any, now: Any, *, path: str) -> list[AmountDifference]:
    if isinstance(then, dict) and isinstance(now, dict):
        found = []
        for key in sorted(set(then) | set(now)):
            found += _differences(then.get(key), now.get(key), path=f"{path}.{key}" if path else str(key))
        return found
    if then != now:
        return [AmountDifference(path=path, then=then, now=now)]
    return []

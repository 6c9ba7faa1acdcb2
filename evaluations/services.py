"""Writes of evaluation rounds, ratings, findings and bibliometrics.

Every write validates (full_clean plus the rules), records history with the acting user,
and refuses to change a finalized round (LockedError) until an administrator reopens it.
Finalizing and reopening change an allocation input (the round's status): the kernel's
"inputs changed" hook reports every year the round applies to, in the same transaction. Draft
rounds never drive money, so edits to them request nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alfadmin.kernel.errors import LockedError
from alfadmin.kernel.history import delete_with_history, lock_for_update, save_with_history, versioned_update
from alfadmin.models import Region, Source, User

from . import permissions, rules
from .imports import RawRow, check_rows
from .models import (
    PANEL_NUMBERS,
    Bibliometrics,
    CoPublication,
    EvaluationRound,
    Panel,
    PanelRating,
    Rating,
    RegionFindings,
    RoundReopening,
)

FINDING_FIELDS = ("development_areas", "realistic_plans", "previous_acted_on")
FINDING_COMMENT_FIELDS = tuple(f"{f}_comment" for f in FINDING_FIELDS)


def default_panel_names() -> dict[int, str]:
    return {1: _("Scientific quality"), 2: _("Clinical significance and societal benefit"), 3: _("Prerequisites")}


def _ensure_draft(evaluation_round: EvaluationRound) -> None:
    if evaluation_round.is_finalized:
        raise LockedError(
            _("The round %(name)s is finalized and locked; an administrator must reopen it, with a reason, before it can be changed.")
            % {"name": evaluation_round.name}
        )


def _lock_round(evaluation_round: EvaluationRound, *, expected_version: int | None, reason: str, actor: User | None) -> EvaluationRound:
    """Lock the round row, refuse if finalized or stale, and bump its version.

    Every change to a round's panels, ratings or findings bumps the round's version, so that a
    grid based on an older version is refused (409) instead of overwriting someone's edit.
    """
    current = lock_for_update(EvaluationRound, evaluation_round.pk)
    _ensure_draft(current)
    return versioned_update(instance=current, expected_version=expected_version, changes={}, actor=actor, reason=reason)


def _check_panels(panels: Mapping[int, Mapping[str, Any]]) -> None:
    errors: dict[str, list[str]] = {}
    for number in PANEL_NUMBERS:
        spec = panels.get(number, {})
        if not str(spec.get("name") or "").strip():
            errors[f"panels.{number}.name"] = [_("Give panel %(number)s a name.") % {"number": number}]
    if errors:
        raise ValidationError(errors)


def _save_panels(*, evaluation_round: EvaluationRound, panels: Mapping[int, Mapping[str, Any]], actor: User | None) -> None:
    existing = {p.number: p for p in evaluation_round.panels.all()}
    for number in PANEL_NUMBERS:
        spec = panels[number]
        panel = existing.get(number) or Panel(evaluation_round=evaluation_round, number=number)
        name = str(spec["name"]).strip()
        if panel.pk is None or panel.name != name:
            panel.name = name
            panel.full_clean(exclude=["evaluation_round"])
            save_with_history(instance=panel, actor=actor)


@transaction.atomic
def evaluation_round_create(
    *, actor: User | None, data: Mapping[str, Any], panels: Mapping[int, Mapping[str, Any]] | None = None
) -> EvaluationRound:
    """A new draft round with its three named panels (their weights are the agreement period's)."""
    evaluation_round = EvaluationRound(**data)
    evaluation_round.full_clean()
    if panels is None:
        names = default_panel_names()
        panels = {n: {"name": names[n]} for n in PANEL_NUMBERS}
    _check_panels(panels)
    save_with_history(instance=evaluation_round, actor=actor, reason=_("round created"))
    _save_panels(evaluation_round=evaluation_round, panels=panels, actor=actor)
    return evaluation_round


@transaction.atomic
def evaluation_round_update(
    *,
    actor: User | None,
    evaluation_round: EvaluationRound,
    expected_version: int | None,
    data: Mapping[str, Any],
    panels: Mapping[int, Mapping[str, Any]] | None = None,
    reason: str = "",
) -> EvaluationRound:
    """Change a draft round's name, years, model or panels (LockedError when finalized).

    Changing the years a round applies to needs `reason` (the kernel's rule for inputs).
    """
    current = lock_for_update(EvaluationRound, evaluation_round.pk)
    _ensure_draft(current)
    if panels is not None:
        _check_panels(panels)
    updated = versioned_update(instance=current, expected_version=expected_version, changes=data, actor=actor, reason=reason)
    if panels is not None:
        _save_panels(evaluation_round=updated, panels=panels, actor=actor)
    return updated


@dataclass(frozen=True)
class CellInput:
    """One cell of the grid: a rating code (empty = not rated) and the panel's justification."""

    rating: str
    justification: str = ""


def _set_rating(
    *,
    evaluation_round: EvaluationRound,
    region: Region,
    panel: int,
    cell: CellInput,
    existing: PanelRating | None,
    actor: User | None,
    source: str = Source.ENTERED,
    reason: str = "",
) -> PanelRating | None:
    # Entering a rating where there was none creates a row and needs no reason; changing or
    # removing one does (the kernel refuses it without, ``alfadmin.kernel.history``).
    if not cell.rating:
        if existing is not None:
            delete_with_history(instance=existing, actor=actor, reason=reason)
        return None
    if existing is not None and existing.rating == cell.rating and existing.justification == cell.justification:
        return existing
    rating = existing or PanelRating(evaluation_round=evaluation_round, region=region, panel=panel)
    # A changed rating is the user's figure now, whatever its provenance was.
    rating.rating, rating.justification, rating.source = cell.rating, cell.justification, source
    if existing is not None:
        rating.version += 1
    # The caller checked region, panel and rating against the round; the (round, region,
    # panel) row is looked up before, and the database enforces every constraint again. Skipping
    # the per-row constraint queries keeps a whole grid (21 cells) to a handful of queries each.
    rating.full_clean(exclude=["evaluation_round", "region"], validate_constraints=False)
    save_with_history(instance=rating, actor=actor, reason=reason)
    return rating


def _set_findings(
    *,
    evaluation_round: EvaluationRound,
    region: Region,
    values: Mapping[str, Any],
    existing: RegionFindings | None,
    actor: User | None,
    source: str = Source.ENTERED,
    reason: str = "",
) -> RegionFindings:
    findings = existing or RegionFindings(evaluation_round=evaluation_round, region=region)
    changed = False
    for name in FINDING_FIELDS + FINDING_COMMENT_FIELDS:
        if name in values and getattr(findings, name) != values[name]:
            setattr(findings, name, values[name])
            changed = True
    if changed or findings.pk is None:
        findings.source = source
        if findings.pk is not None:
            findings.version += 1
        findings.full_clean(exclude=["evaluation_round", "region"], validate_constraints=False)  # as for ratings
        save_with_history(instance=findings, actor=actor, reason=reason)
    return findings


@transaction.atomic
def round_grid_save(
    *,
    actor: User | None,
    evaluation_round: EvaluationRound,
    expected_version: int | None,
    cells: Mapping[tuple[str, int], CellInput],
    findings: Mapping[str, Mapping[str, Any]] | None = None,
    source: str = Source.ENTERED,
    reason: str = "",
) -> EvaluationRound:
    """Save the whole grid of a draft round: ratings by (region code, panel) and findings by region.

    A draft may break the model's rules (the page warns); finalizing checks them. Only changed
    cells write a history row. Stale version → ConcurrentEditError; finalized → LockedError.
    """
    updated = _lock_round(evaluation_round, expected_version=expected_version, reason=reason or _("ratings changed"), actor=actor)
    regions = {r.code: r for r in Region.objects.filter(is_active=True)}
    errors: dict[str, list[str]] = {}
    for (code, panel), cell in cells.items():
        if code not in regions:
            errors[f"ratings.{code}.{panel}"] = [_("Unknown region code %(code)s.") % {"code": code}]
        elif panel not in PANEL_NUMBERS:
            errors[f"ratings.{code}.{panel}"] = [_("There is no panel %(panel)s.") % {"panel": panel}]
        elif cell.rating and cell.rating not in Rating.values:
            errors[f"ratings.{code}.{panel}"] = [_("Unknown rating %(rating)s.") % {"rating": cell.rating}]
    for code in findings or {}:
        if code not in regions:
            errors[f"findings.{code}"] = [_("Unknown region code %(code)s.") % {"code": code}]
    if errors:
        raise ValidationError(errors)

    existing = {(r.region.code, r.panel): r for r in updated.ratings.select_related("region")}
    for (code, panel), cell in sorted(cells.items()):
        _set_rating(
            evaluation_round=updated,
            region=regions[code],
            panel=panel,
            cell=cell,
            existing=existing.get((code, panel)),
            actor=actor,
            source=source,
            reason=reason,
        )
    current_findings = {f.region.code: f for f in updated.findings.select_related("region")}
    for code, values in sorted((findings or {}).items()):
        _set_findings(
            evaluation_round=updated,
            region=regions[code],
            values=values,
            existing=current_findings.get(code),
            actor=actor,
            source=source,
            reason=reason,
        )
    return updated


@transaction.atomic
def rating_set(
    *,
    actor: User | None,
    evaluation_round: EvaluationRound,
    region: Region,
    panel: int,
    rating: str,
    justification: str = "",
    expected_version: int | None = None,
    source: str | None = None,
    reason: str = "",
) -> PanelRating:
    """Create or change one rating (the API's write). `expected_version` is the rating's version."""
    updated_round = _lock_round(evaluation_round, expected_version=None, reason=reason or _("rating changed"), actor=actor)
    existing = PanelRating.objects.select_for_update().filter(evaluation_round=updated_round, region=region, panel=panel).first()
    if existing is not None and expected_version is not None and existing.version != expected_version:
        # Delegate the 409 (with what changed) to the one implementation.
        versioned_update(instance=existing, expected_version=expected_version, changes={}, actor=actor)
    if not rating:
        raise ValidationError({"rating": [_("Choose a rating.")]})
    result = _set_rating(
        evaluation_round=updated_round,
        region=region,
        panel=panel,
        cell=CellInput(rating=rating, justification=justification if justification is not None else ""),
        existing=existing,
        actor=actor,
        source=source or Source.ENTERED,
        reason=reason,
    )
    assert result is not None  # noqa: S101 - a non-empty rating always leaves a row
    return result


@transaction.atomic
def rating_delete(*, actor: User | None, rating: PanelRating, reason: str = "") -> None:
    """Remove a rating of a draft round (history keeps who removed it and why: `reason` is required)."""
    _lock_round(rating.evaluation_round, expected_version=None, reason=reason or _("rating removed"), actor=actor)
    delete_with_history(instance=rating, actor=actor, reason=reason)


@transaction.atomic
def findings_set(
    *, actor: User | None, evaluation_round: EvaluationRound, region: Region, values: Mapping[str, Any], reason: str = ""
) -> RegionFindings:
    """Create or change one region's three findings and comments in a draft round (a change needs `reason`)."""
    updated = _lock_round(evaluation_round, expected_version=None, reason=reason or _("findings changed"), actor=actor)
    existing = RegionFindings.objects.select_for_update().filter(evaluation_round=updated, region=region).first()
    return _set_findings(evaluation_round=updated, region=region, values=values, existing=existing, actor=actor, reason=reason)


def round_rule_check(*, evaluation_round: EvaluationRound, ratings: Mapping[tuple[str, int], str] | None = None) -> rules.RuleCheck:
    """The rule check of the stored ratings, or of `ratings` (unsaved grid values) when given."""
    regions = list(Region.objects.filter(is_active=True).values_list("code", flat=True))
    if ratings is None:
        ratings = {(code, panel): value for code, panel, value in evaluation_round.ratings.values_list("region__code", "panel", "rating")}
    findings_complete = {f.region.code: f.complete for f in evaluation_round.findings.select_related("region")}
    return rules.check(
        model=evaluation_round.model,
        bounds=rules.bounds_for(model=evaluation_round.model, applies_from=evaluation_round.applies_from),
        panel_names={p.number: p.name for p in evaluation_round.panels.all()},
        region_codes=regions,
        ratings=ratings,
        findings_complete=findings_complete,
    )


@transaction.atomic
def evaluation_round_finalize(*, actor: User | None, evaluation_round: EvaluationRound, expected_version: int | None) -> EvaluationRound:
    """Lock the round and let it drive money: recompute every year it applies to.

    Refused with a ValidationError naming the panel when the ALF 2015 bounds of very-high
    regions are broken, or naming the regions when a rating (or, for Ds 2024, a finding) is
    missing. A published year makes recompute_request raise LockedError; nothing is saved.
    """
    current = lock_for_update(EvaluationRound, evaluation_round.pk)
    _ensure_draft(current)
    result = round_rule_check(evaluation_round=current)
    if not result.ok:
        raise ValidationError({"ratings": result.problems})
    reason = _("evaluation round %(name)s finalized") % {"name": current.name}
    updated = versioned_update(
        instance=current,
        expected_version=expected_version,
        changes={"status": EvaluationRound.Status.FINALIZED, "finalized_at": timezone.now(), "finalized_by": actor},
        actor=actor,
        reason=reason,
    )
    return updated


@transaction.atomic
def evaluation_round_reopen(
    *, actor: User | None, evaluation_round: EvaluationRound, reason: str, expected_version: int | None = None
) -> EvaluationRound:
    """An administrator reopens a finalized round, with a reason that is logged.

    The round stops driving money at once: every year it applied to is recomputed.
    """
    if not permissions.can_reopen_evaluation(actor):
        raise PermissionDenied(_("Only an administrator can reopen a finalized round."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for reopening the round.")]})
    current = lock_for_update(EvaluationRound, evaluation_round.pk)
    if not current.is_finalized:
        raise ValidationError({"status": [_("Only a finalized round can be reopened.")]})
    updated = versioned_update(
        instance=current,
        expected_version=expected_version,
        changes={"status": EvaluationRound.Status.DRAFT, "finalized_at": None, "finalized_by": None},
        actor=actor,
        reason=_("reopened: %(reason)s") % {"reason": reason},
    )
    log = RoundReopening(evaluation_round=updated, reopened_by=actor, reason=reason)
    log.full_clean()
    save_with_history(instance=log, actor=actor, reason=reason)
    return updated


# Bibliometrics ---------------------------------------------------------------------------


def _ensure_basis_unlocked(*, evaluation_round: EvaluationRound | None) -> None:
    if evaluation_round is not None and evaluation_round.is_finalized:
        raise LockedError(
            _("These figures are the basis of the finalized round %(name)s and are locked; an administrator must reopen the round first.")
            % {"name": evaluation_round.name}
        )


@transaction.atomic
def bibliometrics_create(*, actor: User | None, data: Mapping[str, Any]) -> Bibliometrics:
    row = Bibliometrics(**data)
    _ensure_basis_unlocked(evaluation_round=row.evaluation_round)
    row.full_clean()
    save_with_history(instance=row, actor=actor)
    return row


@transaction.atomic
def bibliometrics_update(
    *, actor: User | None, bibliometrics: Bibliometrics, expected_version: int | None, data: Mapping[str, Any], reason: str = ""
) -> Bibliometrics:
    """Change a row of indicators (changing highly-cited publications or the round needs `reason`)."""
    current = lock_for_update(Bibliometrics, bibliometrics.pk)
    _ensure_basis_unlocked(evaluation_round=current.evaluation_round)
    if "evaluation_round" in data:
        _ensure_basis_unlocked(evaluation_round=data["evaluation_round"])
    return versioned_update(instance=current, expected_version=expected_version, changes=data, actor=actor, reason=reason)


@dataclass(frozen=True)
class ImportResult:
    created: int
    replaced: int


@transaction.atomic
def bibliometrics_import(
    *, actor: User | None, rows: list[RawRow], evaluation_round: EvaluationRound | None = None, source: str = "entered", reason: str = ""
) -> ImportResult:
    """Save checked rows all or nothing; the check runs again here, against the locked state.

    Every row's history says it was imported, with the user's `reason` when given (an import is
    its own reason: a replaced row needs no further one).

    Raises ValidationError with `row <n>.<field>` keys when any row has a problem (nothing is
    saved), LockedError when the round is finalized.
    """
    if evaluation_round is not None:
        evaluation_round = lock_for_update(EvaluationRound, evaluation_round.pk)
        _ensure_basis_unlocked(evaluation_round=evaluation_round)
    checks = check_rows(rows, evaluation_round=evaluation_round)
    problems = {f"row {c.number}.{field}": [message] for c in checks for field, message in c.problems}
    if problems:
        raise ValidationError(problems)
    why = _("imported: %(reason)s") % {"reason": reason.strip()} if reason.strip() else _("imported")
    created = replaced = 0
    for c in checks:
        p = c.parsed
        current = (
            Bibliometrics.objects.select_for_update()
            .filter(region=p["region"], period_start=p["period_start"], period_end=p["period_end"])
            .first()
        )
        values = {k: p[k] for k in ("publications", "highly_cited", "citation_impact", "uncited_share")}
        if evaluation_round is not None:
            values["evaluation_round"] = evaluation_round
        if current is None:
            row = Bibliometrics(region=p["region"], period_start=p["period_start"], period_end=p["period_end"], source=source, **values)
            row.full_clean()
            save_with_history(instance=row, actor=actor, reason=why)
            created += 1
        else:
            values["source"] = source
            versioned_update(instance=current, expected_version=None, changes=values, actor=actor, reason=why)
            replaced += 1
    return ImportResult(created=created, replaced=replaced)


@transaction.atomic
def co_publication_set(
    *,
    actor: User | None,
    period_start: int,
    period_end: int,
    region_a: Region,
    region_b: Region,
    publications: Decimal,
    source: str = "entered",
) -> CoPublication:
    """Create or change the co-publications of a pair of regions (stored in region id order)."""
    if region_a.pk == region_b.pk:
        raise ValidationError({"region_b": [_("Choose two different regions.")]})
    first, second = sorted((region_a, region_b), key=lambda r: r.pk)
    current = (
        CoPublication.objects.select_for_update()
        .filter(period_start=period_start, period_end=period_end, region_a=first, region_b=second)
        .first()
    )
    if current is not None:
        return versioned_update(
            instance=current, expected_version=None, changes={"publications": publications, "source": source}, actor=actor
        )
    row = CoPublication(
        period_start=period_start, period_end=period_end, region_a=first, region_b=second, publications=publications, source=source
    )
    row.full_clean()
    save_with_history(instance=row, actor=actor)
    return row

"""Writes of evaluation rounds, ratings, findings and bibliometrics.

Every write validates (full_clean plus the rules), records history with the acting user,
and refuses to change a finalized round (LockedError) until an administrator reopens it.
Finalizing and reopening change an allocation input (the round's status): the kernel's write
path reports it (``alfadmin.kernel.input_changes``) and the allocations app answers for every
year the round applies to, in the same transaction. Draft rounds never drive money, so edits
to them request nothing. What finalizing does, in full, is ``evaluation_round_finalize``'s
docstring: the one place to read it.
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

from alfadmin.kernel.errors import ConcurrentEditError, LockedError
from alfadmin.kernel.history import lock_for_update
from alfadmin.kernel.versions import check_version
from alfadmin.kernel.writes import SystemActor, record_create, record_delete, record_update, refuse_if_frozen
from alfadmin.models import Region, Source, User
from alfrules.predicates import findings_all_yes, keeps_quality_amount

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
    basis_frozen_reason,
    display_value,
)

Actor = User | SystemActor

FINDING_FIELDS = ("development_areas", "realistic_plans", "previous_acted_on")
FINDING_COMMENT_FIELDS = tuple(f"{f}_comment" for f in FINDING_FIELDS)


def default_panel_names() -> dict[int, str]:
    return {1: _("Scientific quality"), 2: _("Clinical significance and societal benefit"), 3: _("Prerequisites")}


def _may_edit(actor: User, row: Any) -> bool:
    return permissions.can_edit_evaluations(actor)


def _may_reopen(actor: User, row: Any) -> bool:
    return permissions.can_reopen_evaluation(actor)


def _person(actor: Actor) -> User | None:
    """The user a row records as having done something (the system records nobody)."""
    return actor if isinstance(actor, User) else None


def _bump_round(evaluation_round: EvaluationRound, *, actor: Actor, reason: str, locked: bool = False) -> EvaluationRound:
    """Bump the round's version for a change of its panels, ratings or findings.

    Every such change bumps the round, so a grid based on an older version sees what changed
    since (``EvaluationRound.changes_since``); a finalized round refuses it (``LockedError``).
    """
    return record_update(
        instance=evaluation_round, actor=actor, permitted=_may_edit, expected_version=None, changes={}, reason=reason, locked=locked
    )


def _check_panels(panels: Mapping[int, Mapping[str, Any]]) -> None:
    errors: dict[str, list[str]] = {}
    for number in PANEL_NUMBERS:
        spec = panels.get(number, {})
        if not str(spec.get("name") or "").strip():
            errors[f"panels.{number}.name"] = [_("Give panel %(number)s a name.") % {"number": number}]
    if errors:
        raise ValidationError(errors)



def _save_panels(*, evaluation_round: EvaluationRound, panels: Mapping[int, Mapping[str, Any]], actor: Actor, reason: str = "") -> None:
    existing = {p.number: p for p in evaluation_round.panels.all()}
    for number in PANEL_NUMBERS:
        name = str(panels[number]["name"]).strip()
        panel = existing.get(number)
        if panel is None:
            record_create(instance=Panel(evaluation_round=evaluation_round, number=number, name=name), actor=actor, permitted=_may_edit)
        elif panel.name != name:
            record_update(instance=panel, actor=actor, permitted=_may_edit, expected_version=None, changes={"name": name}, reason=reason)


@transaction.atomic
def evaluation_round_create(*, actor: Actor, data: Mapping[str, Any], panels: Mapping[int, Mapping[str, Any]] | None = None) -> EvaluationRound:
    """A new draft round with its three named panels (their weights are the agreement period's)."""
    if panels is None:
        names = default_panel_names()
        panels = {n: {"name": names[n]} for n in PANEL_NUMBERS}
    _check_panels(panels)
    evaluation_round = record_create(instance=EvaluationRound(**data), actor=actor, permitted=_may_edit, reason=_("round created"))
    _save_panels(evaluation_round=evaluation_round, panels=panels, actor=actor)
    return evaluation_round


@transaction.atomic
def evaluation_round_update(
    *,
    actor: Actor,
    evaluation_round: EvaluationRound,
    expected_version: int | None,
    data: Mapping[str, Any],
    panels: Mapping[int, Mapping[str, Any]] | None = None,
    reason: str = "",
) -> EvaluationRound:
    """Change a draft round's name, years, model or panels (LockedError when finalized).

    Changing the years a round applies to needs `reason` (the kernel's rule for inputs).
    """
    if panels is not None:
        _check_panels(panels)
    updated = record_update(
        instance=evaluation_round, actor=actor, permitted=_may_edit, expected_version=expected_version, changes=data, reason=reason
    )
    if panels is not None:
        _save_panels(evaluation_round=updated, panels=panels, actor=actor, reason=reason)
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
    actor: Actor,
    source: str = Source.ENTERED,
    reason: str = "",
    expected_version: int | None = None,
) -> PanelRating | None:
    # Entering a rating where there was none creates a row and needs no reason; changing or
    # removing one does (the kernel refuses it without, ``alfadmin.kernel.history``).
    if not cell.rating:
        if existing is not None:
            record_delete(instance=existing, actor=actor, permitted=_may_edit, expected_version=expected_version, reason=reason)
        return None
    if existing is None:
        rating = PanelRating(
            evaluation_round=evaluation_round, region=region, panel=panel, rating=cell.rating, justification=cell.justification, source=source
        )
        return record_create(instance=rating, actor=actor, permitted=_may_edit, reason=reason)
    if existing.rating == cell.rating and existing.justification == cell.justification:
        # Nothing changes, so nothing can be overwritten: no write, whatever version it was based on.
        return existing
    # A changed rating is the user's figure now, whatever its provenance was.
    return record_update(
        instance=existing,
        actor=actor,
        permitted=_may_edit,
        expected_version=expected_version,
        changes={"rating": cell.rating, "justification": cell.justification, "source": source},
        reason=reason,
    )


def _set_findings(
    *,
    evaluation_round: EvaluationRound,
    region: Region,
    values: Mapping[str, Any],
    existing: RegionFindings | None,
    actor: Actor,
    source: str = Source.ENTERED,
    reason: str = "",
) -> RegionFindings:
    names = [n for n in FINDING_FIELDS + FINDING_COMMENT_FIELDS if n in values]
    if existing is None:
        row = RegionFindings(evaluation_round=evaluation_round, region=region, source=source, **{n: values[n] for n in names})
        return record_create(instance=row, actor=actor, permitted=_may_edit, reason=reason)
    changes = {n: values[n] for n in names if getattr(existing, n) != values[n]}
    if not changes:
        return existing
    changes["source"] = source
    return record_update(instance=existing, actor=actor, permitted=_may_edit, expected_version=None, changes=changes, reason=reason)


def cell_shown(key: str, value: Any) -> str:
    """A posted grid value as ``EvaluationRound.changes_since`` shows stored ones."""
    attname = key.split("-", 1)[0]
    return "" if value in (None, "") else str(display_value(attname, value))


def _posted_values(cells: Mapping[tuple[str, int], CellInput], findings: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    posted: dict[str, str] = {}
    for (code, panel), cell in cells.items():
        posted[f"rating-{code}-{panel}"] = cell_shown("rating", cell.rating)
        posted[f"justification-{code}-{panel}"] = cell.justification
    for code, values in findings.items():
        for name, value in values.items():
            posted[f"{name}-{code}"] = cell_shown(name, value)
    return posted


def _merge_stale_grid(
    error: ConcurrentEditError,
    cells: Mapping[tuple[str, int], CellInput],
    findings: Mapping[str, Mapping[str, Any]],
    stored: Mapping[tuple[str, int], PanelRating],
) -> tuple[dict[tuple[str, int], CellInput], dict[str, dict[str, Any]], set[str]]:
    """A grid based on an older version of the round: what may still be saved of it, and the
    values others saved that stand because the user left them as loaded.

    For each value someone saved since: if the user left it as they loaded it, the stored
    value stands (theirs is not overwritten by the user's stale copy); if the user entered the
    same value, nothing to do; if the user changed it too, it conflicts. With any conflict
    nothing is saved: ``ConcurrentEditError`` names every value changed since (the page
    keeps the whole grid as the user entered it and asks per conflicting value, keep mine or
    take theirs). Without one, the user's other values are saved around the stored ones.
    """
    posted = _posted_values(cells, findings)
    untouched: set[str] = set()
    for key, change in error.changed.items():
        if key not in posted or posted[key] == change["new"]:
            continue
        if posted[key] != change["old"]:
            raise error
        untouched.add(key)
    kept_cells: dict[tuple[str, int], CellInput] = {}
    for (code, panel), cell in cells.items():
        keep_rating = f"rating-{code}-{panel}" not in untouched
        keep_justification = f"justification-{code}-{panel}" not in untouched
        if not keep_rating and not keep_justification:
            continue
        row = stored.get((code, panel))
        kept_cells[(code, panel)] = CellInput(
            rating=cell.rating if keep_rating else (row.rating if row else ""),
            justification=cell.justification if keep_justification else (row.justification if row else ""),
        )
    kept_findings = {code: {n: v for n, v in values.items() if f"{n}-{code}" not in untouched} for code, values in findings.items()}
    return kept_cells, kept_findings, untouched


@transaction.atomic
def round_grid_save(
    *,
    actor: Actor,
    evaluation_round: EvaluationRound,
    expected_version: int | None,
    cells: Mapping[tuple[str, int], CellInput],
    findings: Mapping[str, Mapping[str, Any]] | None = None,
    source: str = Source.ENTERED,
    reason: str = "",
) -> EvaluationRound:
    """Save the whole grid of a draft round: ratings by (region code, panel) and findings by region.

    A draft may break the model's rules (the page warns); finalizing checks them. Only changed
    cells write a history row. A grid based on an older version (`expected_version`) saves
    around what others stored since, or — if the user changed a value someone else changed
    too — saves nothing and raises ConcurrentEditError naming every value changed since
    (``_merge_stale_grid``). Finalized → LockedError.
    """
    findings = findings or {}
    current = lock_for_update(EvaluationRound, evaluation_round.pk)
    refuse_if_frozen(current, changed=())
    cells, findings, kept_theirs = _grid_to_save(current, expected_version=expected_version, cells=cells, findings=findings)
    regions = {r.code: r for r in Region.objects.filter(is_active=True)}
    errors = _grid_errors(cells, findings, regions)
    if errors:
        raise ValidationError(errors)

    updated = _bump_round(current, actor=actor, reason=reason or _("ratings changed"), locked=True)
    _write_grid(updated, regions=regions, cells=cells, findings=findings, actor=actor, source=source, reason=reason)
    updated.kept_theirs = tuple(kept_theirs)
    return updated


def _grid_to_save(
    current: EvaluationRound,
    *,
    expected_version: int | None,
    cells: Mapping[tuple[str, int], CellInput],
    findings: Mapping[str, Mapping[str, Any]],
) -> tuple[Mapping[tuple[str, int], CellInput], Mapping[str, Mapping[str, Any]], list[str]]:
    """The cells and findings to save on the locked round, and the labels of the values others
    saved since that stand (none when the grid is based on the current version)."""
    try:
        check_version(current, expected_version)
    except ConcurrentEditError as error:
        stored = {(r.region.code, r.panel): r for r in current.ratings.select_related("region")}
        kept_cells, kept_findings, untouched = _merge_stale_grid(error, cells, findings, stored)
        return kept_cells, kept_findings, [error.changed[key]["label"] for key in sorted(untouched)]
    return cells, findings, []


def _grid_errors(
    cells: Mapping[tuple[str, int], CellInput], findings: Mapping[str, Mapping[str, Any]], regions: Mapping[str, Region]
) -> dict[str, list[str]]:
    """Each cell or region of the grid that names no active region, no panel or no rating."""
    errors: dict[str, list[str]] = {}
    for (code, panel), cell in cells.items():
        if code not in regions:
            errors[f"ratings.{code}.{panel}"] = [_("Unknown region code %(code)s.") % {"code": code}]
        elif panel not in PANEL_NUMBERS:
            errors[f"ratings.{code}.{panel}"] = [_("There is no panel %(panel)s.") % {"panel": panel}]
        elif cell.rating and cell.rating not in Rating.values:
            errors[f"ratings.{code}.{panel}"] = [_("Unknown rating %(rating)s.") % {"rating": cell.rating}]
    for code in findings:
        if code not in regions:
            errors[f"findings.{code}"] = [_("Unknown region code %(code)s.") % {"code": code}]
    return errors


def _write_grid(
    updated: EvaluationRound,
    *,
    regions: Mapping[str, Region],
    cells: Mapping[tuple[str, int], CellInput],
    findings: Mapping[str, Mapping[str, Any]],
    actor: Actor,
    source: str,
    reason: str,
) -> None:
    """Write the grid's ratings, then its findings, each in region order (only changes write)."""
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
    for code, values in sorted(findings.items()):
        _set_findings(
            evaluation_round=updated,
            region=regions[code],
            values=values,
            existing=current_findings.get(code),
            actor=actor,
            source=source,
            reason=reason,
        )


@transaction.atomic
def rating_set(
    *,
    actor: Actor,
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
    if not rating:
        raise ValidationError({"rating": [_("Choose a rating.")]})
    updated_round = _bump_round(evaluation_round, actor=actor, reason=reason or _("rating changed"))
    existing = PanelRating.objects.select_for_update().filter(evaluation_round=updated_round, region=region, panel=panel).first()
    if existing is not None:
        # One rating's write names its version: stale is a 409 even when the values repeat the
        # stored ones (the grid, which posts every cell, lets unchanged cells pass instead).
        check_version(existing, expected_version)
    result = _set_rating(
        evaluation_round=updated_round,
        region=region,
        panel=panel,
        cell=CellInput(rating=rating, justification=justification if justification is not None else ""),
        existing=existing,
        actor=actor,
        source=source or Source.ENTERED,
        reason=reason,
        expected_version=expected_version,
    )
    assert result is not None  # noqa: S101 - a non-empty rating always leaves a row
    return result


@transaction.atomic
def rating_delete(*, actor: Actor, rating: PanelRating, reason: str = "", expected_version: int | None = None) -> None:
    """Remove a rating of a draft round (history keeps who removed it and why: `reason` is required)."""
    _bump_round(rating.evaluation_round, actor=actor, reason=reason or _("rating removed"))
    record_delete(instance=rating, actor=actor, permitted=_may_edit, expected_version=expected_version, reason=reason)


@transaction.atomic
def findings_set(
    *,
    actor: Actor,
    evaluation_round: EvaluationRound,
    region: Region,
    values: Mapping[str, Any],
    reason: str = "",
    expected_version: int | None = None,
) -> RegionFindings:
    """Create or change one region's three findings and comments in a draft round (a change needs
    `reason`). `expected_version` is the findings' version: stale is a 409 naming what changed."""
    updated = _bump_round(evaluation_round, actor=actor, reason=reason or _("findings changed"))
    existing = RegionFindings.objects.select_for_update().filter(evaluation_round=updated, region=region).first()
    if existing is not None:
        check_version(existing, expected_version)
    return _set_findings(evaluation_round=updated, region=region, values=values, existing=existing, actor=actor, reason=reason)


# Finalizing a round: the checks it runs, then the finalize and reopen services --------------


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


def regions_without_bibliometrics(*, evaluation_round: EvaluationRound) -> list[Region]:
    """The active regions that have no bibliometric basis linked to a Ds 2024 round (none for ALF 2015).

    The Ds 2024 increment counts each region's highly cited publications from the round's
    basis; a region without one would silently count as 0.
    """
    if evaluation_round.model != "ds2024":
        return []
    covered = set(evaluation_round.bibliometrics.values_list("region_id", flat=True))
    return [r for r in Region.objects.filter(is_active=True).order_by("code") if r.pk not in covered]


def missing_bibliometrics_message(regions: list[Region]) -> str:
    return _("Bibliometrics are missing for %(regions)s: import the round's bibliometric basis for every region before finalizing.") % {
        "regions": ", ".join(r.code for r in regions)
    }


@dataclass(frozen=True)
class Forfeit:
    """A region whose Ds 2024 quality amount goes to GUNS under the round's ratings and findings."""

    region: Region
    inadequate_panels: tuple[int, ...]
    findings_ok: bool


def round_forfeits(*, evaluation_round: EvaluationRound) -> list[Forfeit]:
    """Who forfeits the quality amount if the round is finalized as it stands (Ds 2024 only).

    The engine's own predicate decides (``keeps_quality_amount``: three yes findings and no
    inadequate rating); an unanswered finding counts as no, as it will once finalized.
    """
    if evaluation_round.model != "ds2024":
        return []
    ratings: dict[int, dict[int, str]] = {}
    for region_id, panel, value in evaluation_round.ratings.values_list("region_id", "panel", "rating"):
        ratings.setdefault(region_id, {})[panel] = value
    findings = {f.region_id: f for f in evaluation_round.findings.all()}
    out = []
    for region in Region.objects.filter(is_active=True).order_by("code"):
        row = findings.get(region.pk)
        findings_ok = findings_all_yes(row.answers if row else (None, None, None))
        values = [ratings.get(region.pk, {}).get(n, "") for n in PANEL_NUMBERS]
        if not keeps_quality_amount(findings_ok=findings_ok, ratings=values):
            inadequate = tuple(n for n, v in zip(PANEL_NUMBERS, values, strict=True) if v == Rating.INADEQUATE)
            out.append(Forfeit(region=region, inadequate_panels=inadequate, findings_ok=findings_ok))
    return out


@transaction.atomic
def evaluation_round_finalize(*, actor: Actor, evaluation_round: EvaluationRound, expected_version: int | None) -> EvaluationRound:
    """Lock the round and let it drive money. This is the one place that says what finalizing does.

    In this order, all in one transaction (any refusal writes nothing):

    1. **Who** — ``permissions.can_edit_evaluations``, checked by the kernel's
       write path with the row locked and `expected_version` checked (a stale one is a 409).
    2. **Checks** (``validate`` below) — refused with a ValidationError under ``ratings`` naming
       the panel when the ALF 2015 bounds of very-high regions are broken and the regions when
       a rating (or, for Ds 2024, a finding) is missing (``round_rule_check``, the rules in
       ``evaluations.rules``); and under ``bibliometrics`` naming the regions a Ds 2024 round
       has no bibliometric basis for (``regions_without_bibliometrics``).
    3. **The round** — status ``finalized``, ``finalized_at`` and ``finalized_by`` set, saved
       with history and the reason "evaluation round … finalized".
    4. **Frozen from then on** — the round, its panels, ratings, findings and bibliometric basis
       refuse every change (``frozen_reason`` on ``evaluations.models``, and the database
       triggers declared there) until an administrator reopens it (``evaluation_round_reopen``,
       with a reason).
    5. **Money** — ``status`` is a declared allocation input, so the write path reports the
       round's years and the allocations app answers (``allocations/watched_inputs.py``): a
       recompute request for every year the round applies to, or, when one of them is
       published, a LockedError that rolls all of the above back.
    """

    def finalize(row: EvaluationRound) -> None:
        row.status = EvaluationRound.Status.FINALIZED
        row.finalized_at = timezone.now()
        row.finalized_by = _person(actor)

    def validate(row: EvaluationRound) -> None:
        errors: dict[str, list[str]] = {}
        result = round_rule_check(evaluation_round=row)
        if not result.ok:
            errors["ratings"] = list(result.problems)
        missing = regions_without_bibliometrics(evaluation_round=row)
        if missing:
            errors["bibliometrics"] = [missing_bibliometrics_message(missing)]
        if errors:
            raise ValidationError(errors)

    return record_update(
        instance=evaluation_round,
        actor=actor,
        permitted=_may_edit,
        expected_version=expected_version,
        changes=finalize,
        validate=validate,
        reason=_("evaluation round %(name)s finalized") % {"name": evaluation_round.name},
    )


@transaction.atomic
def evaluation_round_reopen(
    *, actor: Actor, evaluation_round: EvaluationRound, reason: str, expected_version: int | None = None
) -> EvaluationRound:
    """An administrator reopens a finalized round, with a reason that is logged.

    The round stops driving money at once: every year it applied to is recomputed.
    """
    if not isinstance(actor, SystemActor) and not permissions.can_reopen_evaluation(actor):
        raise PermissionDenied(_("Only an administrator can reopen a finalized round."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for reopening the round.")]})

    def reopen(row: EvaluationRound) -> None:
        if not row.is_finalized:
            raise ValidationError({"status": [_("Only a finalized round can be reopened.")]})
        row.status, row.finalized_at, row.finalized_by = EvaluationRound.Status.DRAFT, None, None

    updated = record_update(
        instance=evaluation_round,
        actor=actor,
        permitted=_may_reopen,
        expected_version=expected_version,
        changes=reopen,
        reason=_("reopened: %(reason)s") % {"reason": reason},
    )
    record_create(
        instance=RoundReopening(evaluation_round=updated, reopened_by=_person(actor), reason=reason),
        actor=actor,
        permitted=_may_reopen,
        reason=reason,
    )
    return updated


# Bibliometrics ---------------------------------------------------------------------------


def _basis_round_frozen(evaluation_round: EvaluationRound | None) -> None:
    """No row joins a finalized round's basis (a row's own round is judged by the write path)."""
    if evaluation_round is not None:
        reason = basis_frozen_reason(lock_for_update(EvaluationRound, evaluation_round.pk))
        if reason:
            raise LockedError(reason)


@transaction.atomic
def bibliometrics_create(*, actor: Actor, data: Mapping[str, Any]) -> Bibliometrics:
    row = Bibliometrics(**data)
    _basis_round_frozen(row.evaluation_round)
    return record_create(instance=row, actor=actor, permitted=_may_edit)


@transaction.atomic
def bibliometrics_update(
    *, actor: Actor, bibliometrics: Bibliometrics, expected_version: int | None, data: Mapping[str, Any], reason: str = ""
) -> Bibliometrics:
    """Change a row of indicators (changing highly-cited publications or the round needs `reason`)."""
    if "evaluation_round" in data:
        _basis_round_frozen(data["evaluation_round"])
    return record_update(
        instance=bibliometrics, actor=actor, permitted=_may_edit, expected_version=expected_version, changes=data, reason=reason
    )


@dataclass(frozen=True)
class ImportResult:
    created: int
    replaced: int
    missing_regions: tuple[str, ...] = ()
    """Active regions the import left without a basis of its round (a warning, not an error)."""


def import_missing_regions(*, rows: list[RawRow], evaluation_round: EvaluationRound | None) -> list[str]:
    """The active regions an import leaves out (sorted codes): a warning, never an error.

    Linked to a round, a region is left out when it still has no basis of that round after the
    import (the round cannot be finalized without one); otherwise when the file has no row for it.
    """
    imported = {str(r.values.get("region", "")).strip().upper() for r in rows}
    covered = set(evaluation_round.bibliometrics.values_list("region__code", flat=True)) if evaluation_round is not None else set()
    return sorted(code for code in Region.objects.filter(is_active=True).values_list("code", flat=True) if code not in imported | covered)


@transaction.atomic
def bibliometrics_import(
    *, actor: Actor, rows: list[RawRow], evaluation_round: EvaluationRound | None = None, source: str = "entered", reason: str = ""
) -> ImportResult:
    """Save checked rows all or nothing; the check runs again here, against the locked state.

    Every row's history says it was imported, with the user's `reason` when given (an import is
    its own reason: a replaced row needs no further one).

    Raises ValidationError with `row <n>.<field>` keys when any row has a problem (nothing is
    saved), LockedError when the round is finalized. The result names the active regions the
    round still has no basis for.
    """
    if evaluation_round is not None:
        evaluation_round = lock_for_update(EvaluationRound, evaluation_round.pk)
        _basis_round_frozen(evaluation_round)
    checks = check_rows(rows, evaluation_round=evaluation_round)
    problems = {f"row {c.number}.{field}": [message] for c in checks for field, message in c.problems}
    if problems:
        raise ValidationError(problems)
    why = _("imported: %(reason)s") % {"reason": reason.strip()} if reason.strip() else _("imported")
    created = replaced = 0
    for c in checks:
        p = c.parsed
        current = Bibliometrics.objects.filter(region=p["region"], period_start=p["period_start"], period_end=p["period_end"]).first()
        values = {k: p[k] for k in ("publications", "highly_cited", "citation_impact", "uncited_share")}
        if evaluation_round is not None:
            values["evaluation_round"] = evaluation_round
        if current is None:
            row = Bibliometrics(region=p["region"], period_start=p["period_start"], period_end=p["period_end"], source=source, **values)
            record_create(instance=row, actor=actor, permitted=_may_edit, reason=why)
            created += 1
        else:
            values["source"] = source
            record_update(instance=current, actor=actor, permitted=_may_edit, expected_version=None, changes=values, reason=why)
            replaced += 1
    missing = import_missing_regions(rows=rows, evaluation_round=evaluation_round)
    return ImportResult(created=created, replaced=replaced, missing_regions=tuple(missing))


@transaction.atomic
def co_publication_set(
    *,
    actor: Actor,
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
    current = CoPublication.objects.filter(period_start=period_start, period_end=period_end, region_a=first, region_b=second).first()
    if current is not None:
        return record_update(
            instance=current,
            actor=actor,
            permitted=_may_edit,
            expected_version=None,
            changes={"publications": publications, "source": source},
        )
    row = CoPublication(
        period_start=period_start, period_end=period_end, region_a=first, region_b=second, publications=publications, source=source
    )
    return record_create(instance=row, actor=actor, permitted=_may_edit)

"""Writes to the core registry. Every write validates, bumps the version, records history
(who, when, before/after via simple-history) and tells the allocations that inputs changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from .errors import ConcurrentEditError
from .models import AgreementPeriod, BudgetYear, Region, ResearchShare, ShareTable, StudentCount, User

M = TypeVar("M", bound=models.Model)

HUNDRED = Decimal("100")


def lock_for_update(model: type[M], pk: Any) -> M:
    """The one way to take a row lock on a registry row (callers lock in primary-key order)."""
    return model._default_manager.select_for_update().get(pk=pk)


def _save_with_history(*, instance: models.Model, actor: User | None, reason: str = "", update_fields: list[str] | None = None) -> None:
    instance._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
    instance._change_reason = reason or None  # type: ignore[attr-defined]
    instance.save(update_fields=update_fields)


def versioned_update(*, instance: M, expected_version: int | None, changes: Mapping[str, Any], actor: User | None, reason: str = "") -> M:
    """Apply `changes` to a locked fresh copy of `instance` if nobody saved since `expected_version`.

    Raises ConcurrentEditError (HTTP 409) naming what changed meanwhile, ValidationError naming
    the field for bad input; on either nothing is written.
    """
    current = lock_for_update(type(instance), instance.pk)
    if expected_version is not None and current.version != expected_version:  # type: ignore[attr-defined]
        latest = current.history.first()  # type: ignore[attr-defined]
        previous = latest.prev_record if latest else None
        changed = {}
        if latest and previous:
            changed = {c.field: {"old": str(c.old), "new": str(c.new)} for c in latest.diff_against(previous).changes}
        raise ConcurrentEditError(
            current_version=current.version,  # type: ignore[attr-defined]
            expected_version=expected_version,
            changed=changed,
        )
    for field, value in changes.items():
        setattr(current, field, value)
    current.full_clean()
    current.version += 1  # type: ignore[attr-defined]
    _save_with_history(instance=current, actor=actor, reason=reason)
    return current


def _created(instance: M, *, actor: User | None, reason: str = "") -> M:
    instance.full_clean()
    _save_with_history(instance=instance, actor=actor, reason=reason)
    return instance


def _notify_inputs_changed(*, years: Iterable[int], reason: str, actor: User | None) -> None:
    from allocations.services import recompute_request

    recompute_request(years=sorted(set(years)), reason=reason, actor=actor)


def _years_of_period(period: AgreementPeriod) -> list[int]:
    return list(BudgetYear.objects.filter(period=period).values_list("year", flat=True))


@transaction.atomic
def region_update(*, actor: User | None, region: Region, expected_version: int | None, data: Mapping[str, Any]) -> Region:
    return versioned_update(instance=region, expected_version=expected_version, changes=data, actor=actor)


@transaction.atomic
def budget_year_create(*, actor: User | None, data: Mapping[str, Any]) -> BudgetYear:
    budget_year = _created(BudgetYear(**data), actor=actor)
    _notify_inputs_changed(years=[budget_year.year], reason=_("budget year %(year)s created") % {"year": budget_year.year}, actor=actor)
    return budget_year


@transaction.atomic
def budget_year_update(*, actor: User | None, budget_year: BudgetYear, expected_version: int | None, data: Mapping[str, Any]) -> BudgetYear:
    before_plo = budget_year.plo_rate
    updated = versioned_update(instance=budget_year, expected_version=expected_version, changes=data, actor=actor)
    years = {updated.year}
    if updated.plo_rate != before_plo:
        # PLO compounds: a year's rate moves every later year's derived rate and reference level.
        years.update(BudgetYear.objects.filter(year__gt=updated.year).values_list("year", flat=True))
    _notify_inputs_changed(years=years, reason=_("budget year %(year)s changed") % {"year": updated.year}, actor=actor)
    return updated


@transaction.atomic
def agreement_period_update(
    *, actor: User | None, period: AgreementPeriod, expected_version: int | None, data: Mapping[str, Any]
) -> AgreementPeriod:
    updated = versioned_update(instance=period, expected_version=expected_version, changes=data, actor=actor)
    _notify_inputs_changed(
        years=_years_of_period(updated), reason=_("parameters of %(period)s changed") % {"period": updated.name}, actor=actor
    )
    return updated


@transaction.atomic
def student_count_create(*, actor: User | None, data: Mapping[str, Any]) -> StudentCount:
    count = _created(StudentCount(**data), actor=actor)
    _notify_inputs_changed(
        years=[count.year],
        reason=_("students %(region)s %(year)s entered") % {"region": count.region.code, "year": count.year},
        actor=actor,
    )
    return count


@transaction.atomic
def student_count_update(
    *, actor: User | None, student_count: StudentCount, expected_version: int | None, data: Mapping[str, Any]
) -> StudentCount:
    before_planned = student_count.planned_hst
    updated = versioned_update(instance=student_count, expected_version=expected_version, changes=data, actor=actor)
    if updated.planned_hst != before_planned:
        # Only planned students drive money; actual (UKÄ) figures are reported beside them.
        _notify_inputs_changed(
            years=[updated.year],
            reason=_("students %(region)s %(year)s changed") % {"region": updated.region.code, "year": updated.year},
            actor=actor,
        )
    return updated


def _parse_percent(field: str, value: Any) -> Decimal:
    try:
        percent = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not percent.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    if percent < 0 or percent > HUNDRED:
        raise ValidationError({field: _("A share must lie between 0 and 100 %.")})
    return percent


@transaction.atomic
def share_table_update(*, actor: User | None, table: ShareTable, expected_version: int | None, percents: Mapping[str, Any]) -> ShareTable:
    """Replace a share table's percentages by region code; they must sum to exactly 100 %.

    Field names in errors are `shares.<CODE>` for one region and `shares` for the sum.
    """
    regions = {r.code: r for r in Region.objects.filter(is_active=True)}
    errors: dict[str, list[str]] = {}
    parsed: dict[str, Decimal] = {}
    for code, value in percents.items():
        field = f"shares.{code}"
        if code not in regions:
            errors[field] = [_("Unknown region code %(code)s.") % {"code": code}]
            continue
        try:
            parsed[code] = _parse_percent(field, value)
        except ValidationError as error:
            errors.update({k: v for k, v in error.message_dict.items()})
    for code in regions.keys() - percents.keys():
        errors[f"shares.{code}"] = [_("A share is missing for region %(code)s.") % {"code": code}]
    if not errors and sum(parsed.values()) != HUNDRED:
        errors["shares"] = [_("The shares must sum to exactly 100 %% (now %(sum)s %%).") % {"sum": sum(parsed.values())}]
    if errors:
        raise ValidationError(errors)

    updated = versioned_update(instance=table, expected_version=expected_version, changes={}, actor=actor, reason=_("shares changed"))
    existing = {s.region.code: s for s in updated.shares.select_related("region")}
    for code, percent in parsed.items():
        share = existing.get(code) or ResearchShare(table=updated, region=regions[code])
        if share.pk is None or share.percent != percent:
            share.percent = percent
            _save_with_history(instance=share, actor=actor)
    _notify_inputs_changed(
        years=BudgetYear.objects.values_list("year", flat=True), reason=_("%(table)s changed") % {"table": updated.name}, actor=actor
    )
    return updated

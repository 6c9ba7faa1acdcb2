"""Writes to the core registry. Every write validates, bumps the version and records history
(who, when, before/after, why) through the kernel; a change to an allocation input requests a
recompute through the kernel's input changes (``alfadmin.kernel.input_changes``), and is
refused for a published year.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import permissions, validation
from .kernel.input_changes import one_input_change
from .kernel.writes import SystemActor, record_create, record_update
from .models import AgreementPeriod, BudgetYear, Region, ResearchShare, ShareTable, StudentCount, University, User

Actor = User | SystemActor


def _may_edit(actor: User, row: Any) -> bool:
    return permissions.can_edit_registry(actor)


def _create(instance: Any, *, actor: Actor, reason: str) -> Any:
    return record_create(instance=instance, actor=actor, permitted=_may_edit, reason=reason)


def _update(instance: Any, *, actor: Actor, expected_version: int | None, data: Mapping[str, Any], reason: str) -> Any:
    return record_update(instance=instance, actor=actor, permitted=_may_edit, expected_version=expected_version, changes=data, reason=reason)


@transaction.atomic
def university_create(*, actor: Actor, data: Mapping[str, Any], reason: str = "") -> University:
    return _create(University(**data), actor=actor, reason=reason)


@transaction.atomic
def university_update(
    *, actor: Actor, university: University, expected_version: int | None, data: Mapping[str, Any], reason: str = ""
) -> University:
    return _update(university, actor=actor, expected_version=expected_version, data=data, reason=reason)


@transaction.atomic
def region_create(*, actor: Actor, data: Mapping[str, Any], reason: str = "") -> Region:
    return _create(Region(**data), actor=actor, reason=reason)


@transaction.atomic
def region_update(*, actor: Actor, region: Region, expected_version: int | None, data: Mapping[str, Any], reason: str = "") -> Region:
    return _update(region, actor=actor, expected_version=expected_version, data=data, reason=reason)


@transaction.atomic
def budget_year_create(*, actor: Actor, data: Mapping[str, Any], reason: str = "") -> BudgetYear:
    return _create(BudgetYear(**data), actor=actor, reason=reason)


@transaction.atomic
def budget_year_update(
    *, actor: Actor, budget_year: BudgetYear, expected_version: int | None, data: Mapping[str, Any], reason: str = ""
) -> BudgetYear:
    return _update(budget_year, actor=actor, expected_version=expected_version, data=data, reason=reason)


@transaction.atomic
def agreement_period_create(*, actor: Actor, data: Mapping[str, Any], reason: str = "") -> AgreementPeriod:
    return _create(AgreementPeriod(**data), actor=actor, reason=reason)


@transaction.atomic
def agreement_period_update(
    *, actor: Actor, period: AgreementPeriod, expected_version: int | None, data: Mapping[str, Any], reason: str = ""
) -> AgreementPeriod:
    return _update(period, actor=actor, expected_version=expected_version, data=data, reason=reason)


@transaction.atomic
def student_count_create(*, actor: Actor, data: Mapping[str, Any], reason: str = "") -> StudentCount:
    return _create(StudentCount(**data), actor=actor, reason=reason)


@transaction.atomic
def student_count_update(
    *, actor: Actor, student_count: StudentCount, expected_version: int | None, data: Mapping[str, Any], reason: str = ""
) -> StudentCount:
    return _update(student_count, actor=actor, expected_version=expected_version, data=data, reason=reason)


@transaction.atomic
def share_table_update(
    *, actor: Actor, table: ShareTable, expected_version: int | None, percents: Mapping[str, Any], reason: str = ""
) -> ShareTable:
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
            parsed[code] = validation.parse_percent(value, field=field)
        except ValidationError as error:
            errors.update(error.message_dict)
    for code in regions.keys() - percents.keys():
        errors[f"shares.{code}"] = [_("A share is missing for region %(code)s.") % {"code": code}]
    if not errors:
        errors.update(validation.share_sum_errors(parsed.values(), field="shares"))
    if errors:
        raise ValidationError(errors)

    with one_input_change():
        updated = _update(table, actor=actor, expected_version=expected_version, data={}, reason=reason)
        existing = {s.region.code: s for s in updated.shares.select_related("region")}
        for code, percent in parsed.items():
            share = existing.get(code)
            if share is None:
                _create(ResearchShare(table=updated, region=regions[code], percent=percent), actor=actor, reason=reason)
            elif share.percent != percent:
                # A share carries no version of its own: the table's version (checked above) covers it.
                record_update(
                    instance=share, actor=actor, permitted=_may_edit, expected_version=None, changes={"percent": percent}, reason=reason
                )
    return updated

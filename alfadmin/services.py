"""Writes to the core registry. Every write validates, bumps the version and records history
(who, when, before/after, why) through the kernel; a change to an allocation input requests a
recompute through the kernel's "inputs changed" hook, and is refused for a published year.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import rules
from .kernel.history import create_with_history, save_with_history, versioned_update
from .kernel.inputs import collect_input_changes
from .models import AgreementPeriod, BudgetYear, Region, ResearchShare, ShareTable, StudentCount, University, User


@transaction.atomic
def university_create(*, actor: User | None, data: Mapping[str, Any], reason: str = "") -> University:
    return create_with_history(instance=University(**data), actor=actor, reason=reason)


@transaction.atomic
def university_update(
    *, actor: User | None, university: University, expected_version: int | None, data: Mapping[str, Any], reason: str = ""
) -> University:
    return versioned_update(instance=university, expected_version=expected_version, changes=data, actor=actor, reason=reason)


@transaction.atomic
def region_create(*, actor: User | None, data: Mapping[str, Any], reason: str = "") -> Region:
    return create_with_history(instance=Region(**data), actor=actor, reason=reason)


@transaction.atomic
def region_update(*, actor: User | None, region: Region, expected_version: int | None, data: Mapping[str, Any], reason: str = "") -> Region:
    return versioned_update(instance=region, expected_version=expected_version, changes=data, actor=actor, reason=reason)


@transaction.atomic
def budget_year_create(*, actor: User | None, data: Mapping[str, Any], reason: str = "") -> BudgetYear:
    return create_with_history(instance=BudgetYear(**data), actor=actor, reason=reason)


@transaction.atomic
def budget_year_update(
    *, actor: User | None, budget_year: BudgetYear, expected_version: int | None, data: Mapping[str, Any], reason: str = ""
) -> BudgetYear:
    return versioned_update(instance=budget_year, expected_version=expected_version, changes=data, actor=actor, reason=reason)


@transaction.atomic
def agreement_period_create(*, actor: User | None, data: Mapping[str, Any], reason: str = "") -> AgreementPeriod:
    return create_with_history(instance=AgreementPeriod(**data), actor=actor, reason=reason)


@transaction.atomic
def agreement_period_update(
    *, actor: User | None, period: AgreementPeriod, expected_version: int | None, data: Mapping[str, Any], reason: str = ""
) -> AgreementPeriod:
    return versioned_update(instance=period, expected_version=expected_version, changes=data, actor=actor, reason=reason)


@transaction.atomic
def student_count_create(*, actor: User | None, data: Mapping[str, Any], reason: str = "") -> StudentCount:
    return create_with_history(instance=StudentCount(**data), actor=actor, reason=reason)


@transaction.atomic
def student_count_update(
    *, actor: User | None, student_count: StudentCount, expected_version: int | None, data: Mapping[str, Any], reason: str = ""
) -> StudentCount:
    return versioned_update(instance=student_count, expected_version=expected_version, changes=data, actor=actor, reason=reason)


@transaction.atomic
def share_table_update(
    *, actor: User | None, table: ShareTable, expected_version: int | None, percents: Mapping[str, Any], reason: str = ""
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
            parsed[code] = rules.parse_percent(value, field=field)
        except ValidationError as error:
            errors.update(error.message_dict)
    for code in regions.keys() - percents.keys():
        errors[f"shares.{code}"] = [_("A share is missing for region %(code)s.") % {"code": code}]
    if not errors:
        errors.update(rules.share_sum_errors(parsed.values(), field="shares"))
    if errors:
        raise ValidationError(errors)

    with collect_input_changes():
        updated = versioned_update(instance=table, expected_version=expected_version, changes={}, actor=actor, reason=reason)
        existing = {s.region.code: s for s in updated.shares.select_related("region")}
        for code, percent in parsed.items():
            share = existing.get(code) or ResearchShare(table=updated, region=regions[code])
            if share.pk is None or share.percent != percent:
                share.percent = percent
                save_with_history(instance=share, actor=actor, reason=reason)
    return updated

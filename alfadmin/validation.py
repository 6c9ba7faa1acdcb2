"""Registry validation rules, each in one function that the forms, the admin, the services and the API call."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext as _

from alfrules.inputs import INCREMENT_KEYS, PANELS
from alfrules.predicates import guarantees_fit, shares_sum_to_hundred, weights_sum_to_one

HUNDRED = Decimal("100")

# The years anything in ALF Admin may be about (budget years, rounds, reports, publication
# periods): a mistyped year (20244, 1024) is refused where it is entered, never stored.
FIRST_YEAR, LAST_YEAR = 2000, 2100
YEAR_VALIDATORS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]


def parse_percent(value: Any, *, field: str) -> Decimal:
    """A share in percent (0–100, comma or point as decimal mark); ValidationError naming `field`."""
    try:
        percent = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not percent.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    if percent < 0 or percent > HUNDRED:
        raise ValidationError({field: _("A share must lie between 0 and 100 %.")})
    return percent


def _decimal_sum(values: list[Decimal]) -> Decimal:
    # Only for the message; the rule itself compares the exact sum in the engine's predicate.
    return sum(values, Decimal(0))


def share_sum_errors(percents: Iterable[Decimal], *, field: str) -> dict[str, list[str]]:
    """The research shares of a table must sum to exactly 100 % (allocation-rules §5, §6.3);
    the rule is the engine's `shares_sum_to_hundred`."""
    values = list(percents)
    if shares_sum_to_hundred(values):
        return {}
    return {field: [_("The shares must sum to exactly 100 %% (now %(sum)s %%).") % {"sum": _decimal_sum(values)}]}


def panel_weight_errors(weights: Iterable[Decimal | None], *, field: str) -> dict[str, list[str]]:
    """An agreement period's three panel weights sum to exactly 1 (allocation-rules §5.2);
    the rule is the engine's `weights_sum_to_one`. Missing weights are the fields' own errors."""
    values = [w for w in weights if w is not None]
    if len(values) < len(PANELS) or weights_sum_to_one(values):  # a missing weight is its field's own error
        return {}
    return {field: [_("The three panel weights must sum to exactly 1 (now %(sum)s).") % {"sum": _decimal_sum(values)}]}


def increment_weight_errors(weights: Iterable[Decimal | None], *, field: str) -> dict[str, list[str]]:
    """The two Ds 2024 increment weights sum to exactly 1 (allocation-rules §6.5)."""
    values = [w for w in weights if w is not None]
    if len(values) < len(INCREMENT_KEYS) or weights_sum_to_one(values):  # a missing weight is its field's own error
        return {}
    return {field: [_("The two increment weights must sum to exactly 1 (now %(sum)s).") % {"sum": _decimal_sum(values)}]}


def guarantee_errors(*, guarantee: Decimal | None, base_fraction: Decimal | None, field: str) -> dict[str, list[str]]:
    """The guarantees must fit in the quality pot (allocation-rules §5.4): the engine's `guarantees_fit`."""
    if guarantee is None or base_fraction is None or guarantees_fit(guarantee=guarantee, base_fraction=base_fraction):
        return {}
    return {field: [_("The guarantees would not fit in the quality pot: guarantee × base fraction must not exceed 1 − base fraction.")]}

"""Registry rules, each in one function that the forms, the admin, the services and the API call."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

HUNDRED = Decimal("100")


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


def share_sum_errors(percents: Iterable[Decimal], *, field: str) -> dict[str, list[str]]:
    """The research shares of a table must sum to exactly 100 % (allocation-rules §5.1)."""
    total = sum(percents, Decimal(0))
    if total == HUNDRED:
        return {}
    return {field: [_("The shares must sum to exactly 100 %% (now %(sum)s %%).") % {"sum": total}]}

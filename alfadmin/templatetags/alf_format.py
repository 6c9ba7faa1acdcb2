"""Swedish number and money formats: `1 234 567 kr`, `12,5 %`.

Grouping uses a no-break space so that an amount never wraps across lines.
"""

from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.translation import get_language

register = template.Library()

NBSP = "\u00a0"


def _group(value, decimal_pos=None) -> str:
    text = formats.number_format(value, decimal_pos=decimal_pos, use_l10n=True, force_grouping=True)
    # Django's Swedish separator is a no-break space; English keeps its comma.
    return text.replace(" ", NBSP)


@register.filter
def kr(value) -> str:
    """Integer kronor: `1 234 567 kr` (Swedish) or `SEK 1,234,567` (English)."""
    if value is None or value == "":
        return "–"
    number = _group(int(Decimal(value)))
    return f"SEK{NBSP}{number}" if get_language() == "en" else f"{number}{NBSP}kr"


@register.filter
def mkr(value) -> str:
    """Millions of kronor with one decimal: `2 708,0 mnkr`."""
    if value is None or value == "":
        return "–"
    millions = (Decimal(value) / Decimal(1_000_000)).quantize(Decimal("0.1"))
    unit = "MSEK" if get_language() == "en" else "mnkr"
    return f"{_group(millions, 1)}{NBSP}{unit}"


@register.filter
def num(value, decimals=None) -> str:
    """A grouped number; `decimals` fixes the decimal places."""
    if value is None or value == "":
        return "–"
    return _group(Decimal(value), int(decimals) if decimals is not None else None)


@register.filter
def percent(value, decimals=1) -> str:
    """A fraction as a percentage: 0.125 → `12,5 %`."""
    if value is None or value == "":
        return "–"
    return f"{_group(Decimal(value) * 100, int(decimals))}{NBSP}%"

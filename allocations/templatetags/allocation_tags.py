"""Labels of the allocation pages: research lines, models, statuses and why a part is missing."""

from __future__ import annotations

from django import template

from ..labels import LINE_LABELS, MODEL_LABELS, RATING_LABELS, STATUS_LABELS, unavailable_text

register = template.Library()

@register.filter
def line_label(line: str) -> str:
    return str(LINE_LABELS.get(line, line))


@register.filter
def model_label(model: str) -> str:
    return str(MODEL_LABELS.get(model, model))


@register.filter
def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@register.filter
def rating_label(rating: str) -> str:
    return str(RATING_LABELS.get(rating, rating))


@register.filter
def get_item(mapping, key):
    """`mapping[key]` in a template, or None."""
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


register.filter("unavailable", unavailable_text)

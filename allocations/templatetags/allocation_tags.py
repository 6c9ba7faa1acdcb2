"""Labels of the allocation pages: research lines, models, statuses and why a part is missing."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from ..inputs import Unavailable
from ..labels import LINE_LABELS, MODEL_LABELS, RATING_LABELS, STATUS_LABELS

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


def unavailable_text(part: dict | None) -> str:
    """Why a part (education or research) was left out of a run's inputs, as a sentence."""
    if not part or not part.get("unavailable"):
        return ""
    detail = ", ".join(part.get("detail") or [])
    reason = part["unavailable"]
    texts = {
        Unavailable.NO_ROUND: _("No applicable evaluation round: research is not computed for this year."),
        Unavailable.MISSING_STUDENTS: _("Planned full-year students are missing for %(detail)s."),
        Unavailable.MISSING_PLO: _("The price and wage adjustment (PLO) is missing for %(detail)s."),
        Unavailable.MISSING_RATE: _("No rate per full-year student is set, nor a base rate to derive it from."),
        Unavailable.MISSING_SHARES: _("Research shares are missing for %(detail)s."),
        Unavailable.MISSING_RATINGS: _("The evaluation round has no complete ratings for %(detail)s."),
        Unavailable.MISSING_FINDINGS: _("The evaluation round has no findings for %(detail)s."),
        Unavailable.MISSING_BIBLIOMETRICS: _("The evaluation round has no bibliometrics for %(detail)s."),
    }
    text = texts.get(reason, reason)
    return text % {"detail": detail} if "%(detail)s" in text else text


register.filter("unavailable", unavailable_text)
